"""What a public feed answers a GET: its validator, a 304 when the client's copy is current, else its body.

The feed views (eventreg/calendars/views.py) answer through these functions; nginx in front keeps the public
answers for a few seconds (deploy/nginx.conf) and revalidates them with the ETag."""

import gzip
import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import Response
from werkzeug.wrappers import Request

from eventreg.calendars import ics
from eventreg.events import queries
from eventreg.events.models import Event
from eventreg.timezones import UTCDateTime

FEED_WINDOW = timedelta(days=90)


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
    (calendars/views.py), so an edit shows even when a later one committed first, and so do a deletion
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
