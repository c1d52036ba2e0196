"""Reads for hosts: which events and series a host may manage, and the dashboard's totals over them."""

from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa

from eventreg.core.extensions import db
from eventreg.core.inputs import MAX_ID
from eventreg.events.models import Event, Status
from eventreg.hosts.models import Host, event_hosts
from eventreg.registrations.models import Registration, RegistrationStatus
from eventreg.series.models import Series

RECENT_WINDOW = timedelta(days=90)  # "recent events" for the attendance rate
WEEK = timedelta(days=7)


def can_manage(host: Host, event: Event) -> bool:
    return host.is_admin or any(h.id == host.id for h in event.hosts)


def get_managed_event(host: Host, event_id: int) -> Event | None:
    """The event if the host may manage it, else None (the caller answers 404, so ids reveal nothing)."""
    if not 0 < event_id <= MAX_ID:
        return None
    # Topics load when a page reads them (the edit form); most host pages never do.
    event = db.session.get(Event, event_id, options=[sa.orm.lazyload(Event.topics)])
    return event if event is not None and can_manage(host, event) else None


def managed_events_query(host: Host) -> sa.Select:
    query = sa.select(Event)
    if not host.is_admin:
        query = query.where(Event.id.in_(sa.select(event_hosts.c.event_id).where(event_hosts.c.host_id == host.id)))
    return query


def _hosted_series_ids(host: Host) -> sa.Select:
    """The series with a session this host hosts."""
    return (
        sa.select(Event.series_id)
        .join(event_hosts, event_hosts.c.event_id == Event.id)
        .where(event_hosts.c.host_id == host.id, Event.series_id.is_not(None))
    )


def can_manage_series(host: Host, series: Series) -> bool:
    """Admins, the series' creator, and the hosts of any of its sessions."""
    if host.is_admin or series.created_by_id == host.id:
        return True
    return db.session.scalar(_hosted_series_ids(host).where(Event.series_id == series.id).limit(1)) is not None


def get_managed_series(host: Host, series_id: int) -> Series | None:
    """The series if the host may manage it, else None (the caller answers 404, so ids reveal nothing)."""
    if not 0 < series_id <= MAX_ID:
        return None
    series = db.session.get(Series, series_id)
    return series if series is not None and can_manage_series(host, series) else None


def managed_series_query(host: Host) -> sa.Select:
    query = sa.select(Series)
    if not host.is_admin:
        query = query.where(sa.or_(Series.created_by_id == host.id, Series.id.in_(_hosted_series_ids(host))))
    return query


def count_series_sessions(series_ids: list[int]) -> dict[int, dict[str, int]]:
    """{series id: {"sessions": n, "drafts": n}} for the dashboard, in one query (cancelled sessions not counted)."""
    counts = {series_id: {"sessions": 0, "drafts": 0} for series_id in series_ids}
    if not series_ids:
        return counts
    rows = db.session.execute(
        sa.select(Event.series_id, sa.func.count(), sa.func.count().filter(Event.status == Status.DRAFT))
        .where(Event.series_id.in_(series_ids), Event.status != Status.CANCELLED)
        .group_by(Event.series_id)
    )
    for series_id, sessions, drafts in rows:
        counts[series_id] = {"sessions": sessions, "drafts": drafts}
    return counts


@dataclass
class Totals:
    upcoming: int  # events not yet ended and not cancelled
    registered_this_week: int  # registrations made in the last 7 days, for any of the host's events
    waiting: int  # people on the waiting lists of events not yet ended
    attended: int  # of the confirmed registrants of events that ended in the last 90 days and have attendance
    confirmed: int  # recorded, the confirmed registrants of those events
    recorded_events: int  # how many such events
    pending: int = 0  # registrations awaiting the host's approval, for events not yet ended

    @property
    def attendance_rate(self) -> int | None:
        return round(100 * self.attended / self.confirmed) if self.confirmed else None


def get_totals(host: Host, *, now: datetime) -> Totals:
    ids = managed_events_query(host).with_only_columns(Event.id).scalar_subquery()
    count = sa.select(sa.func.count())
    upcoming = db.session.scalar(
        count.select_from(Event).where(Event.id.in_(ids), Event.ends_at > now, Event.status != Status.CANCELLED)
    )
    this_week = db.session.scalar(
        count.select_from(Registration).where(Registration.event_id.in_(ids), Registration.created_at > now - WEEK)
    )
    waiting, pending = db.session.execute(
        sa.select(
            sa.func.count().filter(Registration.status == RegistrationStatus.WAITING),
            sa.func.count().filter(Registration.status == RegistrationStatus.PENDING),
        )
        .select_from(Registration)
        .join(Event, Event.id == Registration.event_id)
        .where(Event.id.in_(ids), Event.ends_at > now)
        .where(Registration.status.in_([RegistrationStatus.WAITING, RegistrationStatus.PENDING]))
    ).one()
    recorded = (
        sa.select(Registration.event_id)
        .join(Event, Event.id == Registration.event_id)
        .where(Event.id.in_(ids), Event.ends_at <= now, Event.ends_at > now - RECENT_WINDOW)
        .where(Registration.attended.is_not(None))
        .distinct()
    )
    attended, confirmed = db.session.execute(
        sa.select(
            sa.func.count().filter(Registration.attended.is_(True)),
            sa.func.count(),
        ).where(Registration.event_id.in_(recorded), Registration.status == RegistrationStatus.CONFIRMED)
    ).one()
    recorded_events = db.session.scalar(sa.select(sa.func.count()).select_from(recorded.subquery()))
    return Totals(upcoming, this_week, waiting, attended, confirmed, recorded_events, pending=pending)
