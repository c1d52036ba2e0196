"""Making a series and its sessions. Operations add and flush, never commit.

A session is an ordinary event with `series_id` set, made by the hosts' own create_event, so everything an event
has (its page, editor, join link, reminders, attendance) a session has too; moving or cancelling one session is
that event's edit, and tells that session's registrants only."""

from datetime import datetime

import sqlalchemy as sa

from eventreg.core.extensions import db
from eventreg.events import operations as event_operations
from eventreg.events.models import Event, Status
from eventreg.hosts import operations as host_operations
from eventreg.hosts.models import Host
from eventreg.registrations.models import RegistrationStatus
from eventreg.series import queries
from eventreg.series.models import Series, SeriesKind
from eventreg.series.rules import PlannedSession, SeriesError


def unique_slug(title: str) -> str:
    """A slug no other series uses: "title", then "title-2"... (series have their own addresses, /series/<slug>)."""
    base = event_operations.slugify(title)
    candidate, n = base, 1
    while db.session.scalar(sa.select(Series.id).where(Series.slug == candidate)) is not None:
        n += 1
        candidate = f"{base}-{n}"
    return candidate


def create_series(host: Host, *, title: str, kind: str, timezone: str, now: datetime, **fields) -> Series:
    """A new series made by `host`; a program has no seats or approval of its own (its sessions have theirs)."""
    if kind == SeriesKind.PROGRAM:
        fields.update(capacity=None, requires_approval=False)
    series = Series(
        title=title,
        slug=fields.pop("slug", None) or unique_slug(title),
        kind=kind,
        timezone=timezone,
        created_by_id=host.id,
        created_at=now,
        updated_at=now,
        **fields,
    )
    db.session.add(series)
    db.session.flush()
    return series


def add_sessions(
    series: Series, planned: list[PlannedSession], host: Host, *, now: datetime, zone: str | None = None, **fields
) -> list[Event]:
    """Draft sessions of the series at the planned times, hosted by `host`, each with the event fields given
    (summary, description, format, location, join_url...); the title is the series' unless given. A course's
    sessions hold no seats of their own: the course's enrolments decide (series/enrolments.py)."""
    fields.setdefault("title", series.title)
    if series.is_course:
        fields.update(capacity=None, requires_approval=False)
    else:
        fields.setdefault("capacity", None)
    sessions = []
    for session in planned:
        event = host_operations.create_event(
            host,
            cohost_emails=[],
            topics=[],
            slug=None,
            now=now,
            starts_at=session.starts_at,
            ends_at=session.ends_at,
            timezone=zone or series.timezone,
            series_id=series.id,
            **fields,
        )
        sessions.append(event)
    db.session.flush()
    return sessions


def publish(series: Series, *, now: datetime) -> list[Event]:
    """Publish every draft session of the series; returns those published."""
    drafts = [e for e in series.sessions if e.status == Status.DRAFT]
    for event in drafts:
        event_operations.publish(event, now=now)
    return drafts


# What a new session copies from the series' latest one, so "add one session" needs only its date and time.
SESSION_FIELDS = ("summary", "description", "format", "location", "host_name", "join_url", "reminder_hours")


def session_defaults(series: Series) -> dict:
    """The event fields of the series' latest session that is not cancelled (or of any, if all are): a new session
    is presented as its siblings are. Empty for a series without sessions."""
    sessions = queries.sessions(series)
    live = [e for e in sessions if e.status != Status.CANCELLED] or sessions
    return {name: getattr(live[-1], name) for name in SESSION_FIELDS} if live else {}


def lock_series(series_id: int) -> Series:
    """The series row, locked until the transaction ends and refreshed: a course's seat decisions take the same
    lock, so a capacity change and a registration cannot pass each other."""
    query = sa.select(Series).where(Series.id == series_id).with_for_update().execution_options(populate_existing=True)
    return db.session.execute(query).scalar_one()


def update_series(series: Series, *, now: datetime, **fields) -> Series:
    """Save a series' settings (title, summary, description, timezone, and a course's capacity, approval, credit
    rule and contact hours; its kind stays). SeriesError("capacity_below_confirmed") for fewer seats than confirmed
    enrolments, ("pending_left") for approval turned off while enrolments await it: both before any write. A
    program's seats and approval stay empty (its sessions keep their own)."""
    series = lock_series(series.id)
    if series.is_course:
        counts = queries.count_enrolments(series)
        capacity = fields.get("capacity", series.capacity)
        if capacity is not None and capacity < counts[RegistrationStatus.CONFIRMED]:
            raise SeriesError("capacity_below_confirmed")
        approval_off = series.requires_approval and not fields.get("requires_approval", True)
        if approval_off and counts[RegistrationStatus.PENDING]:
            raise SeriesError("pending_left")
    else:
        fields.update(capacity=None, requires_approval=False)
    fields.pop("kind", None)
    for name, value in fields.items():
        setattr(series, name, value)
    series.updated_at = now
    db.session.flush()  # the caller promotes people waiting when seats rose (enrolments.promote_waiting)
    return series
