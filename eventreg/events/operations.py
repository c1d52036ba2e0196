"""Verbs on events. They add and flush but never commit: the caller owns the transaction."""

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import sqlalchemy as sa

from eventreg.core import signals
from eventreg.core.extensions import db
from eventreg.events.models import Event, Status, Topic
from eventreg.events.rules import EventError

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
    """A new event with a unique slug derived from its title (or the slug given).

    The slug is checked, then inserted, so two hosts saving same-titled events at once can both pick "title". The
    unique index decides: the insert runs in a SAVEPOINT, and when it fails because the slug was taken meanwhile
    only the savepoint is undone and the next free slug ("title-2") is tried, so neither draft is lost and the
    caller's transaction carries on. (On PostgreSQL the second insert waits for the first transaction and then
    fails; on SQLite writers take the lock at BEGIN, so the race cannot start there.) A slug the host chose that was
    taken meanwhile is EventError("slug_taken"), as when it was taken before."""
    chosen = fields.pop("slug", None)
    while True:
        slug = chosen or unique_slug(title)
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
        try:
            with db.session.begin_nested():
                db.session.add(event)
        except sa.exc.IntegrityError:
            if not _slug_taken(slug, None):
                raise  # another constraint: not ours to retry
            if chosen:
                raise EventError("slug_taken") from None
            continue  # taken meanwhile: the next suffix
        return event


# What a registrant is told changed, by field.
NOTIFIED_CHANGES = {
    "starts_at": "time",
    "ends_at": "time",
    "timezone": "time",
    "join_url": "join link",
    "location": "place",
    "format": "place",
}


@dataclass
class EventUpdate:
    """What a save changed (update_event) and who was emailed about it (registrations.operations.
    tell_of_event_update), so the host is told exactly that."""

    changed: list[str]  # the fields that changed
    told: list[str]  # what registrants care about that changed: "join link", "place", "time"
    before: dict = field(default_factory=dict)  # each changed field's value before the save, for "was ... now ..."
    invited: int = 0  # confirmed registrants queued an updated invitation
    # Why nobody was sent an invitation although `told` changed: "draft", "cancelled", "ended", "nobody".
    not_invited: str | None = None
    recording: Counter = field(default_factory=Counter)  # recording mail queued, by kind
    # Why a new recording link was not mailed: "not_ended" (it goes after the end), "nobody".
    recording_held: str | None = None


def update_event(event: Event, *, now: datetime, topics: list[Topic] | None = None, **fields) -> EventUpdate:
    """Apply a host's edits. When a published event's time, place or join link changes, SEQUENCE grows.
    Returns what changed; registrations.operations.tell_of_event_update tells the registrants and fills in who
    was emailed."""
    if "slug" in fields and fields["slug"] != event.slug:
        check_slug(fields["slug"], event.id)
        _claim_slug(event, fields["slug"])
    changed = [name for name, value in fields.items() if getattr(event, name) != value]
    before = {name: getattr(event, name) for name in changed}
    for name in changed:
        setattr(event, name, fields[name])
    if topics is not None and {t.id for t in topics} != {t.id for t in event.topics}:
        event.topics = topics
        changed.append("topics")
    # Saving without a change moves nothing: not DTSTAMP, LAST-MODIFIED, nor the feeds' validators.
    if changed:
        event.updated_at = now
    told = sorted({NOTIFIED_CHANGES[name] for name in changed if name in NOTIFIED_CHANGES})
    if told and event.status != Status.DRAFT:
        event.sequence += 1  # SEQUENCE must grow on every change or calendars keep the stale entry
    db.session.flush()
    if changed:
        signals.event_updated.send(event, changed=changed, now=now)
    return EventUpdate(changed=changed, told=told, before=before)


def _claim_slug(event: Event, slug: str) -> None:
    """Write the new slug now, in a SAVEPOINT: another event may have taken it since check_slug looked, and then
    the unique index says so here, as EventError("slug_taken"), rather than at the commit as a 500."""
    try:
        with db.session.begin_nested():
            event.slug = slug
    except sa.exc.IntegrityError:
        if not _slug_taken(slug, event.id):
            raise
        raise EventError("slug_taken") from None


def check_slug(slug: str, event_id: int | None) -> None:
    """EventError unless a host may give an event (event_id, or a new one) this slug."""
    if slug in RESERVED_SLUGS:
        raise EventError("slug_reserved")
    if _slug_taken(slug, event_id):
        raise EventError("slug_taken")


def publish(event: Event, *, now: datetime) -> None:
    """On the public pages. EventError("cancelled") for a cancelled event, from the editor and the API alike."""
    if event.status == Status.CANCELLED:
        raise EventError("cancelled")
    event.status = Status.PUBLISHED
    event.updated_at = now
    db.session.flush()
    signals.event_published.send(event, now=now)


def unpublish(event: Event, *, now: datetime) -> None:
    """Back to draft: off the public pages. Registrations are kept. EventError("cancelled") for a cancelled
    event (a draft could then be published, undoing the cancellation its registrants were told of)."""
    if event.status == Status.CANCELLED:
        raise EventError("cancelled")
    event.status = Status.DRAFT
    event.updated_at = now
    db.session.flush()
    signals.event_updated.send(event, changed=["status"], now=now)


def cancel_event(event: Event, *, now: datetime) -> bool:
    """Cancel the event (SEQUENCE grows, so calendars drop it). Returns whether it changed: cancelling twice
    does nothing. registrations.operations.tell_of_event_cancelled tells everyone registered."""
    if event.status == Status.CANCELLED:
        return False
    event.status = Status.CANCELLED
    event.sequence += 1
    event.updated_at = now
    db.session.flush()
    signals.event_cancelled.send(event, now=now)
    return True


def duplicate_event(event: Event, *, now: datetime, weeks_later: int = 1) -> Event:
    """Run it again: a draft copy at the same local time `weeks_later` weeks on, with no registrants."""
    from eventreg import timezones

    def shifted(instant: datetime) -> datetime:
        local = timezones.to_zone(instant, event.timezone).replace(tzinfo=None) + timedelta(weeks=weeks_later)
        try:
            return timezones.to_utc(local, event.timezone)
        except (timezones.NonExistentTimeError, timezones.AmbiguousTimeError):
            return instant + timedelta(weeks=weeks_later)  # the host adjusts it in the editor

    starts_at = shifted(event.starts_at)
    copy = create_event(
        title=event.title,
        starts_at=starts_at,
        ends_at=max(shifted(event.ends_at), starts_at + timedelta(minutes=1)),
        timezone=event.timezone,
        now=now,
        summary=event.summary,
        description=event.description,
        format=event.format,
        location=event.location,
        host_name=event.host_name,
        capacity=event.capacity,
        requires_approval=event.requires_approval,
        join_url=event.join_url,
        reminder_hours=event.reminder_hours,
        credit_min_minutes=event.credit_min_minutes,  # the same session again earns the same credit
        contact_hours=event.contact_hours,
        status=Status.DRAFT,
    )
    copy.topics = list(event.topics)
    copy.hosts = list(event.hosts)
    db.session.flush()
    return copy
