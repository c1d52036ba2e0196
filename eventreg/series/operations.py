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
from eventreg.series.models import Series, SeriesKind
from eventreg.series.rules import PlannedSession


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
