"""Reading series: their sessions in order, and which part of its series a session is."""

import sqlalchemy as sa

from eventreg.core.extensions import db
from eventreg.events.models import Event, Status
from eventreg.registrations.models import RegistrationStatus
from eventreg.series.models import Enrolment, Series


def get_series(series_id: int) -> Series | None:
    return db.session.get(Series, series_id)


def get_by_slug(slug: str) -> Series | None:
    return db.session.scalar(sa.select(Series).where(Series.slug == slug))


def sessions(series: Series, *, include_cancelled: bool = True) -> list[Event]:
    """The series' sessions by start."""
    query = sa.select(Event).where(Event.series_id == series.id).order_by(Event.starts_at, Event.id)
    if not include_cancelled:
        query = query.where(Event.status != Status.CANCELLED)
    return list(db.session.scalars(query))


def public_sessions(series: Series) -> list[Event]:
    """The sessions a visitor sees: published or cancelled (a cancelled session stays listed, marked), by start."""
    query = (
        sa.select(Event)
        .where(Event.series_id == series.id, Event.status.in_((Status.PUBLISHED, Status.CANCELLED)))
        .order_by(Event.starts_at, Event.id)
    )
    return list(db.session.scalars(query))


def parts_of(events: list[Event]) -> dict[int, tuple[int, int]]:
    """For each session among `events`: (its number, the count) among its series' sessions that are not drafts
    or cancelled, in start order ("Part 2 of 4"). One query for all the series the events belong to."""
    series_ids = {e.series_id for e in events if e.series_id is not None}
    if not series_ids:
        return {}
    rows = db.session.execute(
        sa.select(Event.id, Event.series_id)
        .where(Event.series_id.in_(series_ids), Event.status == Status.PUBLISHED)
        .order_by(Event.series_id, Event.starts_at, Event.id)
    ).all()
    by_series: dict[int, list[int]] = {}
    for event_id, series_id in rows:
        by_series.setdefault(series_id, []).append(event_id)
    parts = {}
    for ids in by_series.values():
        for number, event_id in enumerate(ids, start=1):
            parts[event_id] = (number, len(ids))
    return parts


def get_enrolment(series: Series, email: str) -> Enrolment | None:
    return db.session.scalar(sa.select(Enrolment).where(Enrolment.series_id == series.id, Enrolment.email == email))


def get_enrolment_by_token(token: str) -> Enrolment | None:
    return db.session.scalar(sa.select(Enrolment).where(Enrolment.token == token))


def count_enrolments(series: Series) -> dict[str, int]:
    """{status: n} over the course's enrolments, every RegistrationStatus present (0 when none)."""
    counts = dict.fromkeys(RegistrationStatus.ALL, 0)
    rows = db.session.execute(
        sa.select(Enrolment.status, sa.func.count()).where(Enrolment.series_id == series.id).group_by(Enrolment.status)
    )
    for status, n in rows:
        counts[status] = n
    return counts
