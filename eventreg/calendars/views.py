"""Calendar downloads and subscription feeds. Feeds answer 304 from a narrow read of their events' ids and
last changes, before any calendar is built; the validator changes whenever an entry in the feed does."""

import hashlib
from collections import defaultdict

import sqlalchemy as sa
from flask import Blueprint, Response, abort, current_app, redirect, request, url_for

from eventreg import clock
from eventreg.calendars import feeds, ics
from eventreg.core import caching
from eventreg.core.extensions import db
from eventreg.events import queries
from eventreg.events.models import Event, Topic, event_topics
from eventreg.registrations import operations as registration_operations
from eventreg.registrations.forms import CancelForm
from eventreg.registrations.links import read_link
from eventreg.registrations.models import PersonalFeed, Registration, RegistrationStatus

bp = Blueprint("calendars", __name__)


def _domain() -> str:
    return current_app.config["CALENDAR_UID_DOMAIN"]


def _page_url(event: Event) -> str:
    return url_for("events.show", slug=event.slug, _external=True)


def _page_url_builder():
    """slug -> the event page's URL, with one url_for for a whole feed instead of one per event (url_for is
    slow enough to show in a large feed). Slugs are made of [a-z0-9-] (slugify, and SLUG_PATTERN in the
    editor), which a URL carries unchanged."""
    template = url_for("events.show", slug="__slug__", _external=True)
    return lambda slug: template.replace("__slug__", slug)


@bp.get("/events/<slug>.ics")
@caching.public
def download(slug: str):
    event = queries.get_public_event(slug)
    body = ics.download(event, now=clock.now(), domain=_domain(), page_url=_page_url(event))
    return Response(body, headers=ics.response_headers(filename=f"{event.slug}.ics"))


def _in_feed(query: sa.Select, topic: Topic | None, now) -> sa.Select:
    query = query.where(Event.status.in_(queries.PUBLIC_STATUSES), Event.ends_at >= now - feeds.FEED_WINDOW)
    if topic is not None:
        query = query.where(Event.topics.any(Topic.id == topic.id))
    return query


def _entry_keys(topic: Topic | None, now) -> dict[int, tuple]:
    """Each feed event's entry key, in the feed's order, from a narrow read of the columns an entry shows:
    they name the cached pieces its body is made of, so no two versions of an entry share one."""
    domain, page_url = _domain(), _page_url_builder()
    # One row per event and topic, so that the events are filtered once.
    query = (
        sa.select(*ics.entry_key_columns(now), Topic.name.label("topic_name"))
        .outerjoin(event_topics, event_topics.c.event_id == Event.id)
        .outerjoin(Topic, Topic.id == event_topics.c.topic_id)
    )
    entries, topic_names = {}, defaultdict(list)
    for row in db.session.execute(_in_feed(query, topic, now).order_by(Event.starts_at, Event.id)):
        entries.setdefault(row.id, row)
        if row.topic_name is not None:
            topic_names[row.id].append(row.topic_name)
    return {
        event_id: ics.piece_key(tuple(row[:-1]), topic_names[event_id], domain, page_url(row.slug))
        for event_id, row in entries.items()
    }


def _build_feed(keys: dict[int, tuple], topic: Topic | None, now, *, name: str, description: str) -> bytes:
    """The feed from cached entries: only the events whose entries are missing are loaded and built, so one
    change costs one event's work."""
    domain, page_url = _domain(), _page_url_builder()
    pieces = {event_id: ics.cached_vevent(key) for event_id, key in keys.items()}
    missing = [event_id for event_id, piece in pieces.items() if piece is None]
    if missing:
        query = sa.select(Event).where(Event.id.in_(missing)).options(sa.orm.selectinload(Event.topics))
        for event in db.session.scalars(query):
            url = page_url(event.slug)
            pieces[event.id] = ics.keep_vevent(keys[event.id], event, now=now, domain=domain, page_url=url)
    spans = sa.select(Event.timezone, sa.func.min(Event.starts_at), sa.func.max(Event.ends_at))
    zones = ics.zone_years_from(db.session.execute(_in_feed(spans, topic, now).group_by(Event.timezone)))
    # An event deleted between the two reads has no piece: it is simply not in this body.
    vevents = [piece for piece in pieces.values() if piece is not None]
    return ics.feed(vevents, zones, name=name, description=description)


def _feed_fingerprint(topic: Topic | None, now, *, name: str, description: str) -> str:
    """What the feed's validator stands for: a narrow read of each event's id, last change (every change to
    an event, its topics included, sets updated_at) and whether it has passed, plus the topics' names. It
    reads no text, so it costs a small part of a body. A script that changes events behind the ORM must set
    updated_at, as the ORM does."""
    updated_at = sa.type_coerce(Event.updated_at, sa.String)  # as the driver returns it: only compared
    rows = db.session.execute(_in_feed(sa.select(Event.id, updated_at, Event.ends_at <= now), topic, now)
                              .order_by(Event.id)).all()  # fmt: skip
    topics = db.session.execute(sa.select(Topic.id, Topic.name).order_by(Topic.id)).all()
    return hashlib.sha256(repr((name, description, rows, topics)).encode()).hexdigest()


def _serve_feed(topic: Topic | None, name: str, description: str):
    now = clock.now()
    fingerprint = _feed_fingerprint(topic, now, name=name, description=description)
    validator = feeds.validator(db.session.connection(), fingerprint, request.host, now)

    def build() -> bytes:
        return _build_feed(_entry_keys(topic, now), topic, now, name=name, description=description)

    return feeds.answer(request, validator, build)


@bp.get("/calendar.ics")
@caching.public
def public_feed():
    site = current_app.config["SITE_NAME"]
    return _serve_feed(None, f"{site}: webinars and events", f"Upcoming and recent events from {site}.")


@bp.get("/topics/<slug>/calendar.ics")
@caching.public
def topic_feed(slug: str):
    topic = queries.get_topic(slug)
    site = current_app.config["SITE_NAME"]
    return _serve_feed(topic, f"{site}: {topic.name}", f"{topic.name} events from {site}.")


def _personal_feed_query(feed: PersonalFeed, now) -> sa.Select:
    """The confirmed registrations of the feed's address whose events a feed shows."""
    return (
        sa.select(Registration)
        .join(Event)
        .where(Registration.email == feed.email, Registration.status == RegistrationStatus.CONFIRMED,
               Event.status.in_(queries.PUBLIC_STATUSES), Event.ends_at >= now - feeds.FEED_WINDOW)
        .order_by(Event.starts_at, Event.id)
    )  # fmt: skip


def _personal_etag(feed: PersonalFeed, now) -> str:
    """Changes whenever the body would: the registrations in it, any change to their events (updated_at),
    an event passing its end (its join link leaves), the host the links carry. One narrow read."""
    rows = db.session.execute(
        _personal_feed_query(feed, now).with_only_columns(
            Registration.id, Event.id, sa.type_coerce(Event.updated_at, sa.String), Event.status, Event.ends_at <= now
        )
    ).all()
    fingerprint = repr((feed.token, request.host, [tuple(row) for row in rows]))
    return hashlib.sha256(fingerprint.encode()).hexdigest()[:32]


@bp.get("/feeds/<token>.ics")
def personal_feed(token: str):
    """Every event registered with one address, join links included. Its URL is only ever mailed to that
    address; it answers 304 from one narrow read, and is never kept by a shared cache."""
    feed = db.session.scalar(sa.select(PersonalFeed).where(PersonalFeed.token == token))
    if feed is None:
        abort(404)
    now = clock.now()
    response = Response()
    response.set_etag(_personal_etag(feed, now))
    response.headers["Cache-Control"] = "private, no-cache"
    if request.if_none_match.contains(response.get_etag()[0]):
        response.status_code = 304
        return response
    registrations = db.session.scalars(_personal_feed_query(feed, now)).all()
    events = [r.event for r in registrations]
    vevents = [
        ics.personal_vevent(r.event, now=now, domain=_domain(), page_url=_page_url(r.event), join_url=r.event.join_url)
        for r in registrations
    ]
    site = current_app.config["SITE_NAME"]
    body = ics.feed(vevents, ics.zone_years(events), name=f"My {site} events",
                    description=f"The {site} events you are registered for.")  # fmt: skip
    response.set_data(body)
    response.headers.update(ics.response_headers())
    return response


@bp.post("/r/<signed>/feed/replace")
def replace_feed(signed: str):
    """A leaked personal feed URL: give the address a new one; the old URL stops working. Offered only
    through links mailed to the address, including those of cancelled or replaced registrations."""
    registration, link = read_link(signed)
    if not link.mailed:
        abort(404)
    if not CancelForm().validate_on_submit():
        abort(400)
    registration_operations.replace_personal_feed(registration.email, now=clock.now())
    return redirect(url_for("registrations.manage", signed=signed, _anchor="calendar-feed"), code=303)
