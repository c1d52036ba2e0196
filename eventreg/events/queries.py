"""Reads for the public catalog. Each returns a select for the caller to paginate or run."""

from datetime import datetime

import sqlalchemy as sa
from flask import abort

from eventreg.core.database import every_word_in
from eventreg.core.extensions import db
from eventreg.events.models import Event, Status, Topic
from eventreg.events.rules import MAX_DURATION

PUBLIC_STATUSES = (Status.PUBLISHED, Status.CANCELLED)
MAX_SEARCH_WORDS = 8


def _list_entry() -> sa.orm.Load:
    """A list entry shows no topics: skip the model's selectin query for them (they load one by one if asked
    for). A function, not a constant: building the option configures the mappers, which must wait until
    every model module is imported."""
    return sa.orm.lazyload(Event.topics)


def list_upcoming(now: datetime, *, topic: Topic | None = None, q: str = "", language: str = "") -> sa.Select:
    """Published and cancelled events that have not ended yet, soonest first; only those written in `language`
    ("es") when it is given.

    Cancelled ones stay listed (marked) until their time passes, so nobody wonders where they went."""
    query = sa.select(Event).where(
        Event.status.in_(PUBLIC_STATUSES),
        Event.ends_at > now,
        # No event lasts longer than the editor allows, so the scan of (starts_at, id) can start here
        # instead of at the oldest event: the page costs the same however many events have passed.
        Event.starts_at > now - MAX_DURATION,
    )
    return _filtered(query, topic, q, language).order_by(Event.starts_at, Event.id).options(_list_entry())


def list_on_demand(now: datetime, *, topic: Topic | None = None, q: str = "", language: str = "") -> sa.Select:
    """Published events that have ended, most recent first; only those written in `language` when given."""
    # An event that has ended has started: the extra bound lets (status, starts_at) be read backwards from now.
    query = sa.select(Event).where(Event.status == Status.PUBLISHED, Event.ends_at <= now, Event.starts_at <= now)
    query = _filtered(query, topic, q, language)
    return query.order_by(Event.starts_at.desc(), Event.id.desc()).options(_list_entry())


def list_starting_between(start: datetime, end: datetime) -> sa.Select:
    """Published and cancelled events starting in [start, end), in start order (the month view)."""
    query = sa.select(Event).where(Event.status.in_(PUBLIC_STATUSES), Event.starts_at >= start, Event.starts_at < end)
    return query.order_by(Event.starts_at, Event.id).options(_list_entry())


def get_public_event(slug: str, *, with_topics: bool = True) -> Event:
    """The event at this slug if the public may see it, else 404. Without topics, they load if asked for."""
    query = sa.select(Event).where(Event.slug == slug, Event.status.in_(PUBLIC_STATUSES))
    # Joined, the topics come with the row in one query; selectin (the model's default) would be a second.
    query = query.options(sa.orm.joinedload(Event.topics) if with_topics else sa.orm.lazyload(Event.topics))
    event = db.session.scalars(query).unique().one_or_none()
    if event is None:
        abort(404)
    return event


def get_topic(slug: str) -> Topic:
    return db.one_or_404(sa.select(Topic).where(Topic.slug == slug))


def list_topics() -> list[Topic]:
    return list(db.session.scalars(sa.select(Topic).order_by(Topic.name)))


def search_words(q: str) -> list[str]:
    return q.split()[:MAX_SEARCH_WORDS]


def _filtered(query: sa.Select, topic: Topic | None, q: str, language: str = "") -> sa.Select:
    if topic is not None:
        query = query.where(Event.topics.any(Topic.id == topic.id))
    if language:
        query = query.where(Event.language == language)
    return query.where(*every_word_in(search_words(q), Event.title, Event.summary, Event.description))
