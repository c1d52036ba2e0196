"""Writing questions and answers. Operations add and flush, never commit, and refuse with a QuestionError.

Who may change what: anyone who manages an event may change its own questions and what it asks; a library
question changes every event that asks it, so only its owner (or an admin) may change or delete it, while any
host of an event may take it off that event."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa

from eventreg.core.extensions import db
from eventreg.events.models import Event
from eventreg.hosts.models import Host
from eventreg.questions import queries, rules
from eventreg.questions.models import Answer, AnswerChoice, EventQuestion, Question, QuestionOption, QuestionType
from eventreg.questions.rules import Given, QuestionError
from eventreg.registrations.models import Registration


@dataclass
class Definition:
    """What a host says a question is, as the form or a caller gives it."""

    type: str
    label: str
    help_text: str = ""
    required: bool = False
    options: list[str] | None = None  # single and multiple choice only
    min_value: int | None = None  # number only
    max_value: int | None = None
    consent_text: str = ""  # consent only

    def checked(self) -> "Definition":
        """The definition with what its type does not use cleared; QuestionError for what its type needs."""
        rules.check_type(self.type)
        options = rules.read_options("\n".join(self.options or [])) if self.type in QuestionType.WITH_OPTIONS else []
        low, high = (self.min_value, self.max_value) if self.type == QuestionType.NUMBER else (None, None)
        rules.check_bounds(low, high)
        consent = self.consent_text.strip() if self.type == QuestionType.CONSENT else ""
        rules.check_consent_text(self.type, consent)
        return Definition(self.type, self.label, self.help_text, self.required, options, low, high, consent)


def create_question(definition: Definition, *, event: Event | None = None, host: Host | None = None, now: datetime):
    """A new question, asked last by `event` (its own question), or kept in `host`'s library (asked by none yet).
    QuestionError for a definition its type does not allow."""
    if (event is None) == (host is None):
        raise ValueError("a question belongs to one event or to one host's library")
    definition = definition.checked()
    question = Question(event_id=event.id if event else None, host_id=host.id if host else None, created_at=now)
    _apply(question, definition)
    db.session.add(question)
    db.session.flush()
    if event is not None:
        _ask(event, question)
    return question


def update_question(question: Question, definition: Definition, *, host: Host) -> None:
    """Change a question everywhere it is asked. Answers already given keep the label, type and options they were
    given with. QuestionError("not_owner") for another host's library question, or for what the type needs."""
    check_can_change(question, host)
    _apply(question, definition.checked())
    db.session.flush()


def _apply(question: Question, definition: Definition) -> None:
    question.type = definition.type
    question.label = definition.label
    question.help_text = definition.help_text
    question.required = definition.required
    question.min_value, question.max_value = definition.min_value, definition.max_value
    question.consent_text = definition.consent_text
    # An option kept by label keeps its row (and id): a registrant's open form still names it.
    existing = {option.label: option for option in question.options}
    kept = []
    for position, label in enumerate(definition.options or [], start=1):
        option = existing.pop(label, None) or QuestionOption(label=label)
        option.position = position
        kept.append(option)
    question.options = kept


def check_can_change(question: Question, host: Host) -> None:
    if question.in_library and question.host_id != host.id and not host.is_admin:
        owner = db.session.get(Host, question.host_id)
        raise QuestionError("not_owner", owner=owner.email)


def _ask(event: Event, question: Question) -> EventQuestion:
    last = db.session.scalar(sa.select(sa.func.max(EventQuestion.position)).where(EventQuestion.event_id == event.id))
    asked = EventQuestion(event_id=event.id, question_id=question.id, position=(last or 0) + 1)
    db.session.add(asked)
    db.session.flush()
    return asked


def ask_from_library(event: Event, question: Question, *, host: Host) -> EventQuestion:
    """The event asks one of the host's library questions, last. QuestionError("not_in_library") for a question
    not in this host's library, ("already_asked") if the event asks it already."""
    if question.host_id != host.id:
        raise QuestionError("not_in_library")
    if queries.get_event_question(event, question.id) is not None:
        raise QuestionError("already_asked")
    return _ask(event, question)


def remove_from_event(event: Event, question: Question) -> bool:
    """The event stops asking the question. Its own question is deleted; a library question stays in the library.
    Answers already given stay, with the label and type they were given under. Returns whether it was deleted."""
    asked = queries.get_event_question(event, question.id)
    if asked is not None:
        db.session.delete(asked)
    deleted = not question.in_library
    if deleted:
        db.session.delete(question)
    db.session.flush()
    _renumber(event)
    return deleted


def delete_from_library(question: Question, *, host: Host) -> list[Event]:
    """Delete a library question: every event asking it stops. Answers stay as given. Returns those events.
    QuestionError("not_owner") for another host's question."""
    check_can_change(question, host)
    events = queries.list_events_asking(question)
    db.session.delete(question)  # event_questions rows go with it (ON DELETE CASCADE), answers keep theirs
    db.session.flush()
    db.session.expire_all()  # the cascade happened in the database, behind the session's back
    for event in events:
        _renumber(event)
    return events


def save_to_library(question: Question, *, host: Host) -> None:
    """An event's own question moves into the host's library: still asked by the event, now offered for others
    and changed in one place. A library question is left as it is."""
    if question.in_library:
        return
    question.event_id = None
    question.host_id = host.id
    db.session.flush()


def move(event: Event, question: Question, direction: str) -> bool:
    """Swap the question with the one before ("up") or after ("down") it on the event's form. Returns whether it
    moved (not past either end)."""
    order = queries.list_event_questions(event)
    at = next((i for i, asked in enumerate(order) if asked.question_id == question.id), None)
    if at is None:
        return False
    other = at - 1 if direction == "up" else at + 1
    if not 0 <= other < len(order):
        return False
    order[at], order[other] = order[other], order[at]
    for position, asked in enumerate(order, start=1):
        asked.position = position
    db.session.flush()
    return True


def copy_questions(source: Event, target: Event, *, now: datetime) -> None:
    """The target event asks what the source asks, in its order ("Run it again"): the same library questions, and
    a copy of each of the source's own, so editing one event's own question leaves the other's alone."""
    for asked in queries.list_event_questions(source):
        question = asked.question
        if not question.in_library:
            definition = Definition(
                question.type,
                question.label,
                question.help_text,
                question.required,
                [option.label for option in question.options],
                question.min_value,
                question.max_value,
                question.consent_text,
            )
            question = Question(event_id=target.id, created_at=now)
            _apply(question, definition)
            db.session.add(question)
            db.session.flush()
        _ask(target, question)


def _renumber(event: Event) -> None:
    for position, asked in enumerate(queries.list_event_questions(event), start=1):
        asked.position = position
    db.session.flush()


# Answers


def read_answers(questions: Iterable[Question], raw: dict[int, object]) -> tuple[list[Given], dict[int, QuestionError]]:
    """Each question's answer from what was sent (raw: by question id), read by rules.read_answer: the answers
    given, and the refusals by question id."""
    given, refused = [], {}
    for question in questions:
        try:
            answer = rules.read_answer(question, raw.get(question.id))
        except QuestionError as error:
            refused[question.id] = error
            continue
        if answer is not None:
            given.append(answer)
    return given, refused


def save_answers(registration: Registration, given: Iterable[Given], *, now: datetime) -> list[Answer]:
    """Store what the registrant answered, replacing any answers the registration had (someone registering again
    after cancelling answers the form as it is now). Each answer copies the question's label, type and place."""
    db.session.execute(sa.delete(Answer).where(Answer.registration_id == registration.id))
    given = list(given)
    if not given:
        return []
    places = {asked.question_id: asked.position for asked in queries.list_event_questions(registration.event)}
    answers = []
    for answer in given:
        stored = _stored(registration, answer, position=places.get(answer.question.id, 0), now=now)
        db.session.add(stored)
        answers.append(stored)
    db.session.flush()
    return answers


def _stored(registration: Registration, answer: Given, *, position: int, now: datetime) -> Answer:
    """The row of an answer given now: it copies the question's label and type and the labels chosen."""
    question = answer.question
    return Answer(
        registration_id=registration.id,
        question_id=question.id,
        label=question.label,
        type=question.type,
        position=position,
        value=answer.value,
        answered_at=now,
        choices=[AnswerChoice(position=n, label=label) for n, label in enumerate(answer.choices, start=1)],
    )


def change_answers(registration: Registration, given: Iterable[Given], *, now: datetime) -> list[tuple[str, str, str]]:
    """A registrant's new answers to the questions the event asks now (from the details page): each answer that
    differs replaces the old one, one left blank is removed; answers to questions no longer asked stay as given.
    Returns (label, old, new) for each that changed, in the form's order."""
    asked = queries.list_event_questions(registration.event)
    old = {answer.question_id: answer for answer in queries.answers_of([registration.id]).get(registration.id, [])}
    new = {answer.question.id: answer for answer in given}
    changed = []
    for place in asked:
        question = place.question
        before, after = old.get(question.id), new.get(question.id)
        if _as_given(before) == _as_given(after):
            continue
        if before is not None:
            db.session.delete(before)
            db.session.flush()  # its row goes before the new one takes its (registration, question) place
        if after is not None:
            db.session.add(_stored(registration, after, position=place.position, now=now))
        changed.append((question.label, before.value if before else "", after.value if after else ""))
    db.session.flush()
    return changed


def _as_given(answer) -> tuple | None:
    if answer is None:
        return None
    if isinstance(answer, Answer):
        return answer.value, tuple(answer.choice_labels)
    return answer.value, tuple(answer.choices)
