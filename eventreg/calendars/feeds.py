"""Calendar files as HTTP answers: one event's download, and the public feeds (every public event, or one
topic's) with their validator, a 304 when the client's copy is current, else their body.

Events in, bytes out: the views (eventreg/calendars/views.py) load the event or topic and answer through these
functions, and the personal feed (eventreg/registrations/feeds.py) builds on uid_domain, page_url and
FEED_WINDOW. Feeds answer 304 from a narrow read of their events' ids and last changes, before any calendar is
built; the validator changes whenever an entry in the feed does. nginx in front keeps the public answers for a
few seconds (deploy/nginx.conf) and revalidates them with the ETag."""

import gzip
import hashlib
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import Response, current_app, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Request

from eventreg.calendars import ics
from eventreg.core.extensions import db
from eventreg.events import queries
from eventreg.events.models import Event, Status, Topic, event_topics
from eventreg.timezones import UTCDateTime, language

FEED_WINDOW = timedelta(days=90)


def uid_domain() -> str:
    return current_app.config["CALENDAR_UID_DOMAIN"]


def page_url(event: Event) -> str:
    return url_for("events.show", slug=event.slug, _external=True)


def _page_url_builder() -> Callable[[str], str]:
    """slug -> the event page's URL, with one url_for for a whole feed instead of one per event (url_for is
    slow enough to show in a large feed). Slugs are made of [a-z0-9-] (slugify, and SLUG_PATTERN in the
    editor), which a URL carries unchanged."""
    template = url_for("events.show", slug="__slug__", _external=True)
    return lambda slug: template.replace("__slug__", slug)


def _last_modified_statement() -> sa.Select:
    """Index probes for Last-Modified: the latest change, and the latest end that has passed (an entry
    turns into its archive then). Built once: building it per request cost more than running it."""
    now = sa.bindparam("now", type_=UTCDateTime())
    # One probe of (status, ends_at) per public status: an IN list would make the database scan the range.
    ends = [
        sa.type_coerce(
            sa.select(sa.func.max(Event.ends_at)).where(Event.status == status, Event.ends_at <= now).scalar_subquery(),
            UTCDateTime(),
        )
        for status in queries.PUBLIC_STATUSES
    ]
    latest = sa.type_coerce(sa.select(sa.func.max(Event.updated_at)).scalar_subquery(), UTCDateTime())
    return sa.select(latest, *ends)


_LAST_MODIFIED = _last_modified_statement()


@dataclass(frozen=True)
class Validator:
    etag: str  # of the plain body; the gzipped one's is this + "-gz"
    modified: datetime | None


def _latest(values: list[datetime | None]) -> datetime | None:
    return max(filter(None, values), default=None)


def validator(connection: sa.Connection, entries: str, host: str, now: datetime) -> Validator:
    """A feed's ETag and Last-Modified, from the database alone, so every process agrees. `entries` stands
    for the feed's rows: each event's id, last change and whether it has passed, and the topics' names
    (_fingerprint), so an edit shows even when a later one committed first, and so do a deletion
    and a renamed topic. The host is part of the ETag because the body's links carry it."""
    latest, *ends = connection.execute(_LAST_MODIFIED, {"now": now}).one()
    etag = hashlib.sha256(f"{entries}|{host}".encode()).hexdigest()[:32]
    return Validator(etag, _latest([latest, *ends]))


def _not_modified(request: Request, current: Validator) -> bool:
    if request.if_none_match:
        return request.if_none_match.contains(current.etag) or request.if_none_match.contains(current.etag + "-gz")
    since = request.if_modified_since
    return current.modified is not None and since is not None and current.modified.replace(microsecond=0) <= since


def answer(request: Request, current: Validator, build: Callable[[], bytes]) -> Response:
    """304 when the client's copy is current; else the body build() makes. The app keeps no whole body:
    nginx in front keeps the answer for a few seconds and then revalidates it with the ETag, so the app
    builds a body only when the feed has changed."""
    # Calendar apps ask for gzip, and a feed's repetitive text compresses well; that representation gets its
    # own ETag, as HTTP requires, and either ETag is a match for a 304.
    gzipped = request.accept_encodings["gzip"] > 0  # "gzip;q=0" means "not gzip"
    response = Response(status=200)
    response.set_etag(current.etag + "-gz" if gzipped else current.etag)
    response.vary.add("Accept-Encoding")
    if current.modified is not None:
        response.last_modified = current.modified
    response.headers["Cache-Control"] = "public, max-age=300"
    if _not_modified(request, current):
        response.status_code = 304
        return response

    body = build()
    if gzipped:
        # mtime=0 keeps the compressed bytes, like the plain ones, the same on every build.
        body = gzip.compress(body, compresslevel=6, mtime=0)
        response.headers["Content-Encoding"] = "gzip"
    response.set_data(body)
    response.headers.update(ics.response_headers())
    return response


def download(event: Event, *, now: datetime) -> Response:
    """One event's calendar file, to open once (no subscription)."""
    body = ics.download(event, now=now, domain=uid_domain(), page_url=page_url(event))
    return Response(body, headers=ics.response_headers(filename=f"{event.slug}.ics"))


def _in_feed(query: sa.Select, topic: Topic | None, now: datetime) -> sa.Select:
    query = query.where(Event.status.in_(queries.PUBLIC_STATUSES), Event.ends_at >= now - FEED_WINDOW)
    if topic is not None:
        query = query.where(Event.topics.any(Topic.id == topic.id))
    return query


def _series_url_builder() -> Callable[[str], str]:
    """slug -> the series page's URL (/series/<slug>, the `series` blueprint's show), one url_for per feed."""
    template = url_for("series.show", slug="__slug__", _external=True)
    return lambda slug: template.replace("__slug__", slug)


def series_lines(topic: Topic | None, now: datetime) -> dict[int, str]:
    """For each session of a series in the feed: "Part 2 of 4 of <series title>: <its page>", the first line
    of its DESCRIPTION. The SUMMARY stays the event's title, as in the registrant's invitation for it. Two
    narrow reads, one when no event of the feed belongs to a series."""
    in_feed = db.session.execute(
        _in_feed(sa.select(Event.series_id).where(Event.series_id.is_not(None)), topic, now).distinct()
    ).scalars()
    return lines_of_series(set(in_feed))


def session_series_lines(events: list[Event]) -> dict[int, str]:
    """series_lines for these events (a personal feed's), in one query; none when no event is a session."""
    lines = lines_of_series({event.series_id for event in events if event.series_id is not None})
    return {event.id: lines[event.id] for event in events if event.id in lines}


def lines_of_series(series_ids: set[int]) -> dict[int, str]:
    """The series line of every published session of these series. Parts count the series' published sessions
    by start, as the pages do (a cancelled session has none). Calendars may not import the series package (its
    models know registrations): the series row is reached through the event's relationship."""
    if not series_ids:
        return {}
    series = Event.series.property.mapper.class_
    rows = db.session.execute(
        sa.select(Event.id, Event.series_id, series.title, series.slug)
        .join(series, series.id == Event.series_id)
        .where(Event.series_id.in_(series_ids), Event.status == Status.PUBLISHED)
        .order_by(Event.series_id, Event.starts_at, Event.id)
    ).all()
    by_series = defaultdict(list)
    for row in rows:
        by_series[row.series_id].append(row)
    series_url = _series_url_builder()
    return {
        row.id: _(
            "Part %(number)d of %(count)d of %(title)s: %(url)s",
            number=number,
            count=len(sessions),
            title=row.title,
            url=series_url(row.slug),
        )
        for sessions in by_series.values()
        for number, row in enumerate(sessions, start=1)
    }


def _entry_keys(topic: Topic | None, now: datetime) -> dict[int, tuple]:
    """Each feed event's entry key, in the feed's order, from a narrow read of the columns an entry shows:
    they name the cached pieces its body is made of, so no two versions of an entry share one."""
    domain, event_url = uid_domain(), _page_url_builder()
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
    lines = series_lines(topic, now)
    # A session's series line is part of its key: renaming the series or cancelling a sibling changes the entry.
    return {
        event_id: (
            *ics.piece_key(tuple(row[:-1]), topic_names[event_id], domain, event_url(row.slug)),
            lines.get(event_id, ""),
        )
        for event_id, row in entries.items()
    }


def _build(keys: dict[int, tuple], topic: Topic | None, now: datetime, *, name: str, description: str) -> bytes:
    """The feed from cached entries: only the events whose entries are missing are loaded and built, so one
    change costs one event's work."""
    domain, event_url = uid_domain(), _page_url_builder()
    pieces = {event_id: ics.cached_vevent(key) for event_id, key in keys.items()}
    missing = [event_id for event_id, piece in pieces.items() if piece is None]
    if missing:
        query = sa.select(Event).where(Event.id.in_(missing)).options(sa.orm.selectinload(Event.topics))
        for event in db.session.scalars(query):
            url = event_url(event.slug)
            key = keys[event.id]
            pieces[event.id] = ics.keep_vevent(key, event, now=now, domain=domain, page_url=url, series_line=key[-1])
    spans = sa.select(Event.timezone, sa.func.min(Event.starts_at), sa.func.max(Event.ends_at))
    zones = ics.zone_years_from(db.session.execute(_in_feed(spans, topic, now).group_by(Event.timezone)))
    # An event deleted between the two reads has no piece: it is simply not in this body.
    vevents = [piece for piece in pieces.values() if piece is not None]
    return ics.feed(vevents, zones, name=name, description=description)


def _fingerprint(topic: Topic | None, now: datetime, *, name: str, description: str) -> str:
    """What the feed's validator stands for: a narrow read of each event's id, last change (every change to
    an event, its topics included, sets updated_at) and whether it has passed, plus the topics' names. It
    reads no text, so it costs a small part of a body. A script that changes events behind the ORM must set
    updated_at, as the ORM does."""
    updated_at = sa.type_coerce(Event.updated_at, sa.String)  # as the driver returns it: only compared
    rows = db.session.execute(
        _in_feed(sa.select(Event.id, updated_at, Event.ends_at <= now), topic, now).order_by(Event.id)
    ).all()
    topics = db.session.execute(sa.select(Topic.id, Topic.name).order_by(Topic.id)).all()
    # Sessions' parts and series titles change with other rows than their own (a sibling cancelled, a rename).
    lines = sorted(series_lines(topic, now).items())
    # The entries' words are in the request's language (nginx keys its copies on it too).
    return hashlib.sha256(repr((language(), name, description, rows, topics, lines)).encode()).hexdigest()


def public_feed(request: Request, topic: Topic | None, *, now: datetime, name: str, description: str) -> Response:
    """The public feed of every public event, or of one topic's, from 90 days back: a 304 when the client's
    copy is current, else the body."""
    fingerprint = _fingerprint(topic, now, name=name, description=description)
    current = validator(db.session.connection(), fingerprint, request.host, now)

    def build() -> bytes:
        return _build(_entry_keys(topic, now), topic, now, name=name, description=description)

    return answer(request, current, build)
