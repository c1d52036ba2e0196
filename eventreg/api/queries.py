"""Reads the API needs beyond the catalog's own (eventreg/events/queries.py) and the hosts' lists."""

from datetime import datetime

import sqlalchemy as sa

from eventreg.core.extensions import db
from eventreg.events.models import Event, Topic, event_topics
from eventreg.events.queries import PUBLIC_STATUSES
from eventreg.registrations.models import Registration, RegistrationStatus
from eventreg.series.models import Enrolment, Series


def get_topic(slug: str) -> Topic | None:
    return db.session.scalar(sa.select(Topic).where(Topic.slug == slug))


def topics_of(events: list[Event]) -> dict[int, list[Topic]]:
    """Each event's topics, by name, in one query (the catalog's list queries leave them unloaded)."""
    topics = {event.id: [] for event in events}
    if events:
        rows = db.session.execute(
            sa.select(event_topics.c.event_id, Topic)
            .join(Topic, Topic.id == event_topics.c.topic_id)
            .where(event_topics.c.event_id.in_(topics))
            .order_by(Topic.name)
        )
        for event_id, topic in rows:
            topics[event_id].append(topic)
    return topics


def registrations_query(
    event: Event,
    *,
    status: str | None,
    attended: str | None,
    email: str | None = None,
    updated_since: datetime | None = None,
) -> sa.Select:
    """The event's registrations in the order they were made (id), by status, attendance ("true", "false", or
    "unknown": not recorded), address (any case: addresses are stored lower-case) and last change."""
    query = sa.select(Registration).where(Registration.event_id == event.id).order_by(Registration.id)
    if status:
        query = query.where(Registration.status == status)
    if email:
        query = query.where(Registration.email == email.strip().lower())
    if updated_since is not None:
        query = query.where(Registration.updated_at >= updated_since)
    if attended:
        column = Registration.attended
        query = query.where(column.is_(None) if attended == "unknown" else column.is_(attended == "true"))
    # Every row's event is this one, already loaded.
    return query.options(sa.orm.lazyload(Registration.event))


def public_series_query(kind: str | None = None) -> sa.Select:
    """The series the public may see (one with a published or cancelled session), oldest first."""
    shown = sa.select(Event.id).where(Event.series_id == Series.id, Event.status.in_(PUBLIC_STATUSES)).exists()
    query = sa.select(Series).where(shown).order_by(Series.id)
    return query.where(Series.kind == kind) if kind else query


def get_public_series(slug: str) -> Series | None:
    return db.session.scalar(public_series_query().where(Series.slug == slug))


def public_sessions_of(series: list[Series]) -> dict[int, list[Event]]:
    """Each series' published and cancelled sessions by start, in one query."""
    sessions = {s.id: [] for s in series}
    if sessions:
        query = (
            sa.select(Event)
            .where(Event.series_id.in_(sessions), Event.status.in_(PUBLIC_STATUSES))
            .order_by(Event.starts_at, Event.id)
            .options(sa.orm.lazyload(Event.topics))
        )
        for event in db.session.scalars(query):
            sessions[event.series_id].append(event)
    return sessions


def confirmed_enrolments(series: list[Series]) -> dict[int, int]:
    """How many confirmed registrations each course holds, in one query."""
    ids = [s.id for s in series if s.is_course]
    if not ids:
        return {}
    rows = db.session.execute(
        sa.select(Enrolment.series_id, sa.func.count())
        .where(Enrolment.series_id.in_(ids), Enrolment.status == RegistrationStatus.CONFIRMED)
        .group_by(Enrolment.series_id)
    )
    return dict(rows.all())
