"""Verbs on events. They add and flush but never commit: the caller owns the transaction."""

import re
import unicodedata
from datetime import datetime

import sqlalchemy as sa

from eventreg.events.models import Event, Topic
from eventreg.extensions import db

# Paths under /events/ that a slug must not shadow.
RESERVED_SLUGS = {"on-demand", "new"}
SLUG_MAX = 80


def slugify(text: str) -> str:
    """ "Don't manage change—embrace it" -> "dont-manage-change-embrace-it"."""
    # Drop accents but keep dashes and other symbols as word breaks.
    plain = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    plain = plain.replace("'", "").replace("’", "")
    slug = re.sub(r"[^a-z0-9]+", "-", plain.lower()).strip("-")
    return slug[:SLUG_MAX].rstrip("-") or "event"


def unique_slug(title: str, *, exclude_id: int | None = None) -> str:
    """A slug for the title that no other event uses: "title", then "title-2", "title-3"..."""
    base = slugify(title)
    candidate, n = base, 1
    while candidate in RESERVED_SLUGS or _slug_taken(candidate, exclude_id):
        n += 1
        candidate = f"{base}-{n}"
    return candidate


def _slug_taken(slug: str, exclude_id: int | None) -> bool:
    query = sa.select(Event.id).where(Event.slug == slug)
    if exclude_id is not None:
        query = query.where(Event.id != exclude_id)
    return db.session.scalar(query) is not None


def get_or_create_topic(slug: str, name: str) -> Topic:
    topic = db.session.scalar(sa.select(Topic).where(Topic.slug == slug))
    if topic is None:
        topic = Topic(slug=slug, name=name)
        db.session.add(topic)
        db.session.flush()
    return topic


def create_event(
    *, title: str, starts_at: datetime, ends_at: datetime, timezone: str, now: datetime, **fields
) -> Event:
    """A new event with a unique slug derived from its title (or the slug given)."""
    slug = fields.pop("slug", None) or unique_slug(title)
    event = Event(
        title=title,
        slug=slug,
        starts_at=starts_at,
        ends_at=ends_at,
        timezone=timezone,
        created_at=now,
        updated_at=now,
        **fields,
    )
    db.session.add(event)
    db.session.flush()
    return event
