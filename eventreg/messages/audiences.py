"""Who a host's message can go to: a registry of audiences, each a key, a label and a query of (event, now) for its
registrations in the order they are sent, with why it cannot be chosen yet (if it cannot).

Another area adds its own by calling add() (a fixed audience, such as "pending") or add_provider() (audiences that
depend on the event, such as "answered X to question Y"), from its own module, imported by the factory. A message
keeps its audience's key and label, and its recipients are read from the query when it is sent, not before."""

import hashlib
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel.speaklater import LazyString

from eventreg import timezones
from eventreg.attendance import credit
from eventreg.core.extensions import db
from eventreg.events.models import Event
from eventreg.questions import queries as question_queries
from eventreg.questions.models import Answer, AnswerChoice, QuestionType
from eventreg.registrations import queries as registration_queries
from eventreg.registrations.models import Registration, RegistrationStatus

Query = Callable[[Event, datetime], sa.Select]  # select(Registration), ordered, of this event only
Reason = Callable[[Event, datetime], str | None]  # why the audience cannot be chosen now; None when it can


def _always(event: Event, now: datetime) -> None:
    return None


@dataclass(frozen=True)
class Audience:
    key: str  # stored with each message: at most 64 characters, never reused for another meaning
    label: str  # "Did not attend"
    query: Query
    hint: str | Callable[[Event], str] = ""  # a line under the label on the form: who exactly is in it
    unavailable: Reason = _always

    def hint_for(self, event: Event) -> str:
        return self.hint(event) if callable(self.hint) else self.hint


AUDIENCES: dict[str, Audience] = {}
PROVIDERS: list[Callable[[Event], Iterable[Audience]]] = []


def add(audience: Audience) -> Audience:
    """Offer an audience for every event; a key added again replaces the earlier one (a module imported twice)."""
    AUDIENCES[audience.key] = audience
    return audience


def add_provider(provider: Callable[[Event], Iterable[Audience]]) -> None:
    """Offer the audiences provider(event) gives, after the fixed ones, for each event."""
    if provider not in PROVIDERS:
        PROVIDERS.append(provider)


def for_event(event: Event) -> list[Audience]:
    """Every audience the event's messages can go to, in the order the form offers them."""
    return [*AUDIENCES.values(), *(audience for provider in PROVIDERS for audience in provider(event))]


def get(event: Event, key: str) -> Audience | None:
    return next((audience for audience in for_event(event) if audience.key == key), None)


def recipients(audience: Audience, event: Event, now: datetime) -> list[Registration]:
    """The audience's registrations now, in its order; nobody while it cannot be chosen."""
    if audience.unavailable(event, now):
        return []
    return list(db.session.scalars(audience.query(event, now)))


def first(audience: Audience, event: Event, now: datetime) -> Registration | None:
    """Who the preview is shown as: the first the message would go to."""
    if audience.unavailable(event, now):
        return None
    return db.session.scalar(audience.query(event, now).limit(1))


def count(audience: Audience, event: Event, now: datetime) -> int:
    if audience.unavailable(event, now):
        return 0
    everyone = audience.query(event, now).order_by(None).subquery()
    return db.session.scalar(sa.select(sa.func.count()).select_from(everyone))


# The audiences every event has.


def _of_status(event: Event, status: str) -> sa.Select:
    return (
        sa.select(Registration)
        .where(Registration.event_id == event.id, Registration.status == status)
        .options(sa.orm.lazyload(Registration.event))  # all of this one event, already loaded
    )


def _confirmed(event: Event, now: datetime) -> sa.Select:
    return _of_status(event, RegistrationStatus.CONFIRMED).order_by(Registration.id)


def _attended(event: Event, now: datetime) -> sa.Select:
    return _confirmed(event, now).where(credit.met_rule_clause(event))


def _did_not_attend(event: Event, now: datetime) -> sa.Select:
    # Recorded, and short of the rule: absent, or there for fewer minutes than it asks. Someone whose attendance
    # is not recorded at all is in neither audience: the host has not said.
    return _confirmed(event, now).where(Registration.attended.is_not(None), sa.not_(credit.met_rule_clause(event)))


def _waiting(event: Event, now: datetime) -> sa.Select:
    return registration_queries.waiting_list(event).options(sa.orm.lazyload(Registration.event))


def attendance_recorded(event: Event) -> bool:
    """Whether the host has recorded anyone's attendance (ticked, or imported from a report)."""
    query = sa.select(Registration.id).where(
        Registration.event_id == event.id,
        Registration.status == RegistrationStatus.CONFIRMED,
        Registration.attended.is_not(None),
    )
    return db.session.scalar(query.limit(1)) is not None


NOT_RECORDED = _l(
    "Available once attendance is recorded: mark it on the registrant list, or import the platform’s report."
)


def _attended_unavailable(event: Event, now: datetime) -> str | None:
    return None if attendance_recorded(event) else NOT_RECORDED


def _did_not_attend_unavailable(event: Event, now: datetime) -> str | None:
    if now < event.ends_at:
        ends = timezones.in_zone(event.ends_at, event.timezone)
        return _("Available once the event has ended (%(ends)s) and attendance is recorded.", ends=ends)
    return None if attendance_recorded(event) else NOT_RECORDED


def _rule_hint(event: Event) -> str:
    return _(
        "at least %(minutes)s minutes by the report, or ticked as attended", minutes=credit.required_minutes(event)
    )


CONFIRMED = add(Audience("confirmed", _l("Everyone confirmed"), _confirmed, hint=_l("Not the waiting list.")))
ATTENDED = add(
    Audience(
        "attended",
        _l("Attended"),
        _attended,
        hint=lambda event: _(
            "Confirmed registrants who meet the event’s attendance rule (%(rule)s).", rule=_rule_hint(event)
        ),
        unavailable=_attended_unavailable,
    )
)
DID_NOT_ATTEND = add(
    Audience(
        "not_attended",
        _l("Did not attend"),
        _did_not_attend,
        hint=lambda event: _(
            "Confirmed registrants recorded as absent, or short of the attendance rule (%(rule)s). "
            "Anyone whose attendance is not recorded is left out.",
            rule=_rule_hint(event),
        ),
        unavailable=_did_not_attend_unavailable,
    )
)
WAITING = add(Audience("waiting", _l("Waiting list"), _waiting, hint=_l("In their order on the list.")))


def _pending(event: Event, now: datetime) -> sa.Select:
    return _of_status(event, RegistrationStatus.PENDING).order_by(Registration.created_at, Registration.id)


def _pending_unavailable(event: Event, now: datetime) -> str | None:
    if event.requires_approval:
        return None
    return _("This event does not ask for approval.")


PENDING = add(
    Audience(
        "pending",
        _l("Awaiting approval"),
        _pending,
        hint=_l("Registrations you have not approved or declined yet: they have no join link."),
        unavailable=_pending_unavailable,
    )
)


# By answer: for each single choice, multiple choice and yes-or-no question the event asks, one audience per option,
# of the confirmed registrants whose answer chose it (questions/models.AnswerChoice: the labels as chosen).


def answer_key(question_id: int, label: str) -> str:
    """Stable while the option keeps its wording: a message scheduled to it finds it again when it is due (and, if
    the option was renamed meanwhile, is not sent, with the reason)."""
    return f"answer-{question_id}-" + hashlib.sha256(label.encode()).hexdigest()[:16]


def _chose(question_id: int, label: str) -> Query:
    def query(event: Event, now: datetime) -> sa.Select:
        chose = (
            sa.select(Answer.registration_id)
            .join(AnswerChoice, AnswerChoice.answer_id == Answer.id)
            .where(Answer.question_id == question_id, AnswerChoice.label == label)
        )
        return _confirmed(event, now).where(Registration.id.in_(chose))

    return query


def _cut(text: str, length: int) -> str:
    return text if len(text) <= length else text[: length - 1] + "…"


def answered_label(answer: str, question: str) -> str:
    return _("Answered “%(answer)s” to “%(question)s”", answer=answer, question=question)


# An answer audience's label as a message keeps it when written in English: read back to show it in another language.
_ANSWERED = re.compile(r"Answered “(.*)” to “(.*)”", re.DOTALL)


def label_of(key: str, stored: str) -> str:
    """An audience's label for a message's log in the page's language: a fixed audience's own, an answer audience's
    from the answer and question it names; else as the message keeps it."""
    if key in AUDIENCES:
        return str(AUDIENCES[key].label)
    answered = _ANSWERED.fullmatch(stored)
    return answered_label(*answered.groups()) if answered else stored


def _by_answer(event: Event) -> list[Audience]:
    return [
        Audience(
            answer_key(question.id, label),
            # In the language it is read in (a message's log keeps it in English); fits the log's 200 characters.
            LazyString(answered_label, _cut(label, 80), _cut(question.label, 100)),
            _chose(question.id, label),
            hint=_l("Confirmed registrants whose answer chose it."),
        )
        for question in question_queries.list_for_event(event)
        if question.type in QuestionType.COUNTED
        for label in question.choice_labels
    ]


add_provider(_by_answer)
