"""The personal feed: every event registered with one address, join links included, as a calendar
subscription. Its URL is only ever mailed to that address; it answers 304 from one narrow read, and is never
kept by a shared cache. The calendar itself is built by calendars/ (ics.py, feeds.py)."""

import hashlib
from datetime import datetime

import sqlalchemy as sa
from flask import Response, current_app
from flask_babel import gettext as _
from werkzeug.wrappers import Request

from eventreg.calendars import feeds, ics
from eventreg.core import languages
from eventreg.core.extensions import db
from eventreg.events import queries
from eventreg.events.models import Event
from eventreg.registrations.models import PersonalFeed, Registration, RegistrationStatus


def get_feed(token: str) -> PersonalFeed | None:
    return db.session.scalar(sa.select(PersonalFeed).where(PersonalFeed.token == token))


def _registrations(feed: PersonalFeed, now: datetime) -> sa.Select:
    """The confirmed registrations of the feed's address whose events a feed shows."""
    return (
        sa.select(Registration)
        .join(Event)
        .where(
            Registration.email == feed.email,
            Registration.status == RegistrationStatus.CONFIRMED,
            Event.status.in_(queries.PUBLIC_STATUSES),
            Event.ends_at >= now - feeds.FEED_WINDOW,
        )
        .order_by(Event.starts_at, Event.id)
    )


def _etag(feed: PersonalFeed, host: str, now: datetime) -> str:
    """Changes whenever the body would: the registrations in it, any change to their events (updated_at),
    an event passing its end (its join link leaves), the host the links carry, and for sessions of a series their
    "Part 2 of 4 of ..." lines (a sibling cancelled or the series renamed changes them). One narrow read, and one
    more when a session is in the feed."""
    rows = db.session.execute(
        _registrations(feed, now).with_only_columns(
            Registration.id,
            Event.id,
            sa.type_coerce(Event.updated_at, sa.String),
            Event.status,
            Event.ends_at <= now,
            Event.series_id,
        )
    ).all()
    lines = feeds.lines_of_series({row.series_id for row in rows if row.series_id is not None})
    fingerprint = repr((feed.token, host, [tuple(row) for row in rows], sorted(lines.items())))
    return hashlib.sha256(fingerprint.encode()).hexdigest()[:32]


def answer(request: Request, feed: PersonalFeed, *, now: datetime) -> Response:
    """A 304 when the client's copy is current, else the feed's body."""
    response = Response()
    response.set_etag(_etag(feed, request.host, now))
    response.headers["Cache-Control"] = "private, no-cache"
    if request.if_none_match.contains(response.get_etag()[0]):
        response.status_code = 304
        return response
    registrations = db.session.scalars(_registrations(feed, now)).all()
    with languages.speaking(_language(registrations)):
        body = _body(registrations, now=now)
    response.set_data(body)
    response.headers.update(ics.response_headers())
    return response


def _language(registrations: list[Registration]) -> str | None:
    """The feed speaks the language its person last registered in (None: the site's default)."""
    latest = max(registrations, key=lambda r: (r.created_at, r.id), default=None)
    return latest.locale if latest is not None else None


def _body(registrations: list[Registration], *, now: datetime) -> bytes:
    events = [r.event for r in registrations]
    domain = feeds.uid_domain()
    lines = feeds.session_series_lines(events)
    vevents = [
        ics.personal_vevent(
            r.event,
            now=now,
            domain=domain,
            page_url=feeds.page_url(r.event),
            join_url=r.event.join_url,
            series_line=lines.get(r.event.id, ""),
        )
        for r in registrations
    ]
    site = current_app.config["SITE_NAME"]
    return ics.feed(
        vevents,
        ics.zone_years(events),
        name=_("My %(site)s events", site=site),
        description=_("The %(site)s events you are registered for.", site=site),
    )
