"""Reads of questions and answers: an event's questions in order, a host's library, the answers of registrations
(for the attendee list, its CSV, the API and webhooks) and the counts of choices (answer_counts, which the answers
page shows and charts and "message by answer" can reuse)."""

from collections import defaultdict

import sqlalchemy as sa

from eventreg.core.extensions import db
from eventreg.core.inputs import MAX_ID
from eventreg.events.models import Event
from eventreg.hosts.models import Host
from eventreg.questions.models import Answer, AnswerChoice, EventQuestion, Question, QuestionType
from eventreg.registrations.models import Registration, RegistrationStatus


def list_event_questions(event: Event) -> list[EventQuestion]:
    """The event's questions with their places, first first."""
    return list(
        db.session.scalars(
            sa.select(EventQuestion)
            .where(EventQuestion.event_id == event.id)
            .order_by(EventQuestion.position, EventQuestion.id)
        )
    )


def list_for_event(event: Event) -> list[Question]:
    """The questions the event's registration form asks, in order."""
    return [asked.question for asked in list_event_questions(event)]


def get_event_question(event: Event, question_id: int) -> EventQuestion | None:
    if not 0 < question_id <= MAX_ID:
        return None
    return db.session.scalar(
        sa.select(EventQuestion).where(EventQuestion.event_id == event.id, EventQuestion.question_id == question_id)
    )


def get_library_question(host: Host, question_id: int) -> Question | None:
    """A question of the host's own library, else None (the caller answers 404)."""
    if not 0 < question_id <= MAX_ID:
        return None
    question = db.session.get(Question, question_id)
    return question if question is not None and question.host_id == host.id else None


def list_library(host: Host) -> list[Question]:
    return list(db.session.scalars(sa.select(Question).where(Question.host_id == host.id).order_by(Question.label)))


def list_library_not_asked(host: Host, event: Event) -> list[Question]:
    """The host's library questions the event does not ask yet."""
    asked = sa.select(EventQuestion.question_id).where(EventQuestion.event_id == event.id)
    return list(
        db.session.scalars(
            sa.select(Question).where(Question.host_id == host.id, Question.id.not_in(asked)).order_by(Question.label)
        )
    )


def count_answers(question_ids: list[int], *, event: Event | None = None) -> dict[int, int]:
    """How many answers each question has (those of the event's registrations only, when given); 0 for none."""
    query = (
        sa.select(Answer.question_id, sa.func.count())
        .where(Answer.question_id.in_(question_ids))
        .group_by(Answer.question_id)
    )
    if event is not None:
        query = query.join(Registration, Registration.id == Answer.registration_id).where(
            Registration.event_id == event.id
        )
    counts = dict(db.session.execute(query).all()) if question_ids else {}
    return {question_id: counts.get(question_id, 0) for question_id in question_ids}


def list_events_asking(question: Question) -> list[Event]:
    """The events that ask this question, soonest first."""
    return list(
        db.session.scalars(
            sa.select(Event)
            .join(EventQuestion, EventQuestion.event_id == Event.id)
            .where(EventQuestion.question_id == question.id)
            .order_by(Event.starts_at, Event.id)
            .options(sa.orm.lazyload(Event.topics))
        )
    )


def count_events_asking(question_ids: list[int]) -> dict[int, int]:
    counts = dict(
        db.session.execute(
            sa.select(EventQuestion.question_id, sa.func.count())
            .where(EventQuestion.question_id.in_(question_ids))
            .group_by(EventQuestion.question_id)
        ).all()
    )
    return {question_id: counts.get(question_id, 0) for question_id in question_ids}


# Answers


def answers_of(registration_ids: list[int]) -> dict[int, list[Answer]]:
    """Each registration's answers in the order its form asked them (registrations without any are absent)."""
    if not registration_ids:
        return {}
    answers = defaultdict(list)
    for answer in db.session.scalars(
        sa.select(Answer)
        .where(Answer.registration_id.in_(registration_ids))
        .order_by(Answer.registration_id, Answer.position, Answer.id)
    ):
        answers[answer.registration_id].append(answer)
    return dict(answers)


def shown(answer: Answer) -> dict:
    """An answer as the API and webhooks show it: the question (null once deleted), its label and type when it
    was answered, the answer as text, and the labels chosen."""
    return {
        "question_id": answer.question_id,
        "label": answer.label,
        "type": answer.type,
        "value": answer.value,
        "choices": answer.choice_labels,
    }


def shown_answers_of(registration_ids: list[int]) -> dict[int, list[dict]]:
    """answers_of, each answer as `shown`; every id is a key, with [] for none."""
    answers = answers_of(registration_ids)
    return {rid: [shown(answer) for answer in answers.get(rid, [])] for rid in registration_ids}


def answer_columns(event: Event) -> list[tuple[object, str]]:
    """The columns of answers for the event's attendee export, as (key, heading): each question the event asks, in
    order, then any question its registrants answered that it no longer asks (removed or deleted), so no answer
    given is left out. answer_table's rows use the same keys."""
    current = list_for_event(event)
    columns = [(question.id, question.label) for question in current]
    asked = {question.id for question in current}
    others = db.session.execute(
        sa.select(Answer.question_id, Answer.label, sa.func.min(Answer.position))
        .join(Registration, Registration.id == Answer.registration_id)
        .where(Registration.event_id == event.id)
        .where(sa.or_(Answer.question_id.is_(None), Answer.question_id.not_in(asked) if asked else sa.true()))
        .group_by(Answer.question_id, Answer.label)
        .order_by(sa.func.min(Answer.position), Answer.label)
    ).all()
    seen = set()
    for question_id, label, _position in others:
        key = _column_key(question_id, label)
        if key not in seen:  # a question renamed after some answers: one column, under the first label
            seen.add(key)
            columns.append((key, f"{label} (question removed)"))
    return columns


def _column_key(question_id: int | None, label: str) -> object:
    # A deleted question's answers have no id left: its label is all that tells them apart.
    return question_id if question_id is not None else ("deleted", label)


def answer_table(event: Event) -> dict[int, dict[object, str]]:
    """Every answer given by the event's registrants, as {registration id: {answer_columns key: value}}."""
    rows = db.session.execute(
        sa.select(Answer.registration_id, Answer.question_id, Answer.label, Answer.value)
        .join(Registration, Registration.id == Answer.registration_id)
        .where(Registration.event_id == event.id)
    ).all()
    table = defaultdict(dict)
    for registration_id, question_id, label, value in rows:
        table[registration_id][_column_key(question_id, label)] = value
    return dict(table)


def answer_counts(event: Event) -> dict[Question, list[tuple[str, int]]]:
    """How many of the event's registrants (confirmed, waiting or pending: not the cancelled or declined) chose each
    option of each single choice, multiple choice and yes-or-no question it asks: {question: [(option, count)]},
    questions in the form's order, options in the question's order with 0 for none, then any other label chosen (an
    option renamed or removed after it was chosen: answers are counted as given), by label."""
    questions = [question for question in list_for_event(event) if question.type in QuestionType.COUNTED]
    if not questions:
        return {}
    rows = db.session.execute(
        sa.select(Answer.question_id, AnswerChoice.label, sa.func.count())
        .join(AnswerChoice, AnswerChoice.answer_id == Answer.id)
        .join(Registration, Registration.id == Answer.registration_id)
        .where(
            Registration.event_id == event.id,
            Registration.status.in_(RegistrationStatus.ACTIVE),
            Answer.question_id.in_([question.id for question in questions]),
        )
        .group_by(Answer.question_id, AnswerChoice.label)
    ).all()
    chosen = defaultdict(dict)
    for question_id, label, count in rows:
        chosen[question_id][label] = count
    counts = {}
    for question in questions:
        given = dict(chosen[question.id])
        counts[question] = [(label, given.pop(label, 0)) for label in question.choice_labels] + sorted(given.items())
    return counts


def count_respondents(event: Event) -> dict[int, int]:
    """How many of the event's registrants (confirmed, waiting or pending) answered each question it asks, by id."""
    ids = [question.id for question in list_for_event(event)]
    if not ids:
        return {}
    counts = dict(
        db.session.execute(
            sa.select(Answer.question_id, sa.func.count())
            .join(Registration, Registration.id == Answer.registration_id)
            .where(
                Registration.event_id == event.id,
                Registration.status.in_(RegistrationStatus.ACTIVE),
                Answer.question_id.in_(ids),
            )
            .group_by(Answer.question_id)
        ).all()
    )
    return {question_id: counts.get(question_id, 0) for question_id in ids}
