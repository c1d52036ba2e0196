"""Reads for transcripts and the hosts' continuing-education report."""

from datetime import date, datetime, time, timedelta

import pytz
import sqlalchemy as sa

from eventreg import timezones
from eventreg.core.extensions import db
from eventreg.events.models import Event
from eventreg.hosts import queries as host_queries
from eventreg.hosts.models import Host
from eventreg.registrations.models import Registration, RegistrationStatus
from eventreg.series.models import Enrolment

# Every zone's wall clock lies within 14 hours of UTC: a local date's events start inside this margin of it.
ZONE_MARGIN = timedelta(hours=14)


def attendance_recorded():
    """Registrations with attendance on record: marked attended, or with minutes from a platform's report."""
    return sa.or_(Registration.attended.is_(True), Registration.minutes_attended > 0)


def list_attended(email: str) -> list[Registration]:
    """Every registration of the address (stored lower-case, as `email` must be) with attendance on record,
    across all events, oldest event first."""
    return list(
        db.session.scalars(
            sa.select(Registration)
            .join(Registration.event)
            .where(Registration.email == email, attendance_recorded())
            .order_by(Event.starts_at, Event.id)
        )
    )


def list_report_events(host: Host, *, now: datetime, limit: int = 300) -> list[Event]:
    """The events the host manages that have started, newest first: those that can have attendance."""
    query = host_queries.managed_events_query(host).where(Event.starts_at <= now)
    return list(db.session.scalars(query.order_by(Event.starts_at.desc(), Event.id.desc()).limit(limit)))


def list_events_between(host: Host, first: date, last: date) -> list[Event]:
    """The events the host manages (admins: all) whose date in their own zone is from `first` to `last`, in
    the order of those dates."""
    after = pytz.utc.localize(datetime.combine(first, time())) - ZONE_MARGIN
    before = pytz.utc.localize(datetime.combine(last, time())) + timedelta(days=1) + ZONE_MARGIN
    query = host_queries.managed_events_query(host).where(Event.starts_at >= after, Event.starts_at < before)
    dated = [(timezones.to_zone(e.starts_at, e.timezone).date(), e) for e in db.session.scalars(query)]
    # By their own dates, as they were chosen: 31 December in New York before 1 January in Kolkata.
    dated.sort(key=lambda pair: (pair[0], pair[1].starts_at, pair[1].id))
    return [e for day, e in dated if first <= day <= last]


def list_report_registrations(events: list[Event]) -> list[Registration]:
    """The CE report's people: every confirmed registrant of these events, present or not, and anyone else
    (cancelled, on the waiting list) with attendance on record, so nothing recorded drops out of the report.
    By event in the given order, then by name."""
    if not events:
        return []
    order = {event.id: n for n, event in enumerate(events)}
    rows = db.session.scalars(
        sa.select(Registration)
        .where(
            Registration.event_id.in_(list(order)),
            sa.or_(Registration.status == RegistrationStatus.CONFIRMED, attendance_recorded()),
        )
        .order_by(Registration.name, Registration.email)
    )
    return sorted(rows, key=lambda r: order[r.event_id])


def list_enrolments(ids: list[int]) -> list[Enrolment]:
    if not ids:
        return []
    query = sa.select(Enrolment).where(Enrolment.id.in_(ids)).options(sa.orm.selectinload(Enrolment.registrations))
    return list(db.session.scalars(query))
