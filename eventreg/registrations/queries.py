"""Reads over an event's registrations, for hosts and for notifications."""

import sqlalchemy as sa

from eventreg.core.database import every_word_in
from eventreg.core.extensions import db
from eventreg.events.models import Event
from eventreg.mail.models import OutboxMessage
from eventreg.registrations.models import Registration, RegistrationStatus

# The messages that carry the link to a registrant's own page: their confirmation, their place in the queue, or
# that their registration awaits the host's approval.
CONFIRMING_KINDS = ("confirmation", "confirmation_again", "waiting", "waiting_again", "pending", "pending_again")


def list_confirmed(event: Event) -> list[Registration]:
    return list(
        db.session.scalars(
            sa.select(Registration)
            .where(Registration.event_id == event.id, Registration.status == RegistrationStatus.CONFIRMED)
            .order_by(Registration.id)
        )
    )


def list_active(event: Event) -> list[Registration]:
    """Confirmed, waiting and pending: everyone still expecting the event, or the host's decision on it."""
    return list(
        db.session.scalars(
            sa.select(Registration)
            .where(Registration.event_id == event.id, Registration.status.in_(RegistrationStatus.ACTIVE))
            .order_by(Registration.id)
        )
    )


def count_pending(event: Event) -> int:
    return db.session.scalar(
        sa.select(sa.func.count())
        .select_from(Registration)
        .where(Registration.event_id == event.id, Registration.status == RegistrationStatus.PENDING)
    )


SORTS = {
    "registered": (Registration.created_at, Registration.id),
    "name": (sa.func.lower(Registration.name), Registration.id),
    "organization": (sa.func.lower(Registration.organization), Registration.id),
    "status": (Registration.status, Registration.created_at, Registration.id),
}


def attendees_query(event: Event, *, q: str = "", sort: str = "registered", status: str | None = None) -> sa.Select:
    """An event's registrations for its hosts: searched by name, email or organization, of one status (None:
    all), sorted."""
    # Every row's event is this one, already in the session: joining it to each row would only repeat it.
    query = (
        sa.select(Registration)
        .where(Registration.event_id == event.id)
        .where(*every_word_in(q.split()[:5], Registration.name, Registration.email, Registration.organization))
        .options(sa.orm.lazyload(Registration.event))
    )
    if status is not None:
        query = query.where(Registration.status == status)
    return query.order_by(*SORTS.get(sort, SORTS["registered"]))


def waiting_list(event: Event, *columns) -> sa.Select:
    """The event's waiting list (its registrations, or these columns of them) in its one order: first come, first
    served, by when they joined it (waiting_since: when they registered, or were approved), then by id. Every
    position and promotion reads it so."""
    return (
        sa.select(*(columns or (Registration,)))
        .where(Registration.event_id == event.id, Registration.status == RegistrationStatus.WAITING)
        .order_by(Registration.waiting_since, Registration.id)
    )


def ahead_in_line(registration: Registration) -> sa.ColumnElement[bool]:
    """Those before `registration` in waiting_list's order."""
    return sa.or_(
        Registration.waiting_since < registration.waiting_since,
        sa.and_(Registration.waiting_since == registration.waiting_since, Registration.id < registration.id),
    )


def first_waiting(event: Event) -> Registration | None:
    """The person at the front of the waiting list: the one a freed seat goes to."""
    return db.session.scalar(waiting_list(event).limit(1))


def waiting_positions(event: Event) -> dict[int, int]:
    """Registration id -> waiting-list position, in one query."""
    ids = db.session.scalars(waiting_list(event, Registration.id))
    return {registration_id: position for position, registration_id in enumerate(ids, start=1)}


def counts_by_status(event_ids: list[int]) -> dict[int, dict[str, int]]:
    """{event id: {"confirmed": n, "waiting": n, "pending": n, "declined": n, "cancelled": n, "attended": n}}, in
    one query grouped by status and attendance."""
    counts = {event_id: dict.fromkeys((*RegistrationStatus.ALL, "attended"), 0) for event_id in event_ids}
    if not event_ids:
        return counts
    rows = db.session.execute(
        sa.select(Registration.event_id, Registration.status, Registration.attended, sa.func.count())
        .where(Registration.event_id.in_(event_ids))
        .group_by(Registration.event_id, Registration.status, Registration.attended)
    )
    for event_id, status, attended, count in rows:
        counts[event_id][status] += count
        if attended is True:
            counts[event_id]["attended"] += count
    return counts


def was_sent_its_link(registration: Registration) -> bool:
    """Whether the registration's confirmation (or waiting-list note) was queued for the person: not so for
    someone a host added without email (registrations.operations.mails_added_person)."""
    query = sa.select(OutboxMessage.id).where(
        OutboxMessage.registration_id == registration.id, OutboxMessage.kind.in_(CONFIRMING_KINDS)
    )
    return db.session.scalar(query.limit(1)) is not None
