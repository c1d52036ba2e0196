"""Reads the API needs beyond the catalog's own (eventreg/events/queries.py) and the hosts' lists."""

from datetime import datetime

import sqlalchemy as sa

from eventreg.core.extensions import db
from eventreg.events.models import Event, Topic, event_topics
from eventreg.registrations.models import Registration


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
