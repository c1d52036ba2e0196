import sqlalchemy as sa
from flask import Blueprint, abort, current_app, g, render_template, request, url_for

from eventreg import clock
from eventreg.core import caching, languages, paging
from eventreg.core.extensions import db
from eventreg.events import month as months
from eventreg.events import queries
from eventreg.registrations.pages import event_page_context, list_seats
from eventreg.series import links as series_links
from eventreg.series import queries as series_queries
from eventreg.timezones import to_zone

bp = Blueprint("events", __name__)


@bp.get("/")
@bp.get("/events")
@caching.public
def upcoming():
    return _event_list("upcoming", topic_slug=request.args.get("topic"))


@bp.get("/events/on-demand")
@caching.public
def on_demand():
    return _event_list("on_demand", topic_slug=request.args.get("topic"))


@bp.get("/topics/<slug>")
@caching.public
def topic(slug: str):
    return _event_list("upcoming", topic_slug=slug)


@bp.get("/topics/<slug>/on-demand")
@caching.public
def topic_on_demand(slug: str):
    return _event_list("on_demand", topic_slug=slug)


@bp.get("/month")
@caching.public
def month():
    zone = g.get("visitor_zone")
    now = clock.now()
    today = to_zone(now, zone).date() if zone else now.date()
    shown = months.parse_month(request.args.get("month"), today)
    if shown is None:
        abort(404)
    year, number = shown
    events = list(db.session.scalars(queries.list_starting_between(*months.utc_span(year, number))))
    return render_template(
        "events/month.html",
        year=year,
        month=number,
        weeks=months.weeks(year, number, events, zone),
        parts=series_links.parts_shown(events),
        previous=months.shift(year, number, -1),
        following=months.shift(year, number, 1),
        today=today,
    )


@bp.get("/events/<slug>")
@caching.public
def show(slug: str):
    # The same for every visitor: the registration form, with its CSRF token, is a page of its own.
    event = queries.get_public_event(slug)
    part = series_links.part_of(event)
    sessions = series_queries.public_sessions(event.series) if part else []
    return render_template("events/show.html", **event_page_context(event), part=part, sessions=sessions)


def content_language() -> str:
    """?language=es: only events written in that language; "" (every event) when absent or not one of ours."""
    asked = request.args.get("language", "")
    return asked if languages.is_known(asked) else ""


def _event_list(kind: str, *, topic_slug: str | None):
    topic = queries.get_topic(topic_slug) if topic_slug else None
    q = request.args.get("q", "").strip()[:200]
    language = content_language()
    list_query = queries.list_upcoming if kind == "upcoming" else queries.list_on_demand
    now = clock.now()
    pagination = paging.paginate(
        list_query(now, topic=topic, q=q, language=language),
        page=request.args.get("page", 1, type=int),
        per_page=current_app.config["EVENTS_PER_PAGE"],
    )
    return render_template(
        "events/list.html",
        kind=kind,
        pagination=pagination,
        seats=list_seats(pagination.items, now=now) if kind == "upcoming" else {},
        parts=series_links.parts_shown(pagination.items),
        topic=topic,
        topics=queries.list_topics(),
        q=q,
        content_language=language,
        on_demand=_on_demand_matches(topic, q, language, now=now, path_topic="slug" in (request.view_args or {}))
        if kind == "upcoming" and q
        else None,
    )


def _on_demand_matches(topic, q: str, language: str, *, now, path_topic: bool) -> tuple[int, str] | None:
    """An Upcoming search's hint that past events (and their recordings) match it too: how many, and the same
    search under On-demand; None when none match there. The same for every visitor, as the page must be."""
    matches = queries.list_on_demand(now, topic=topic, q=q, language=language).order_by(None).subquery()
    count = db.session.scalar(sa.select(sa.func.count()).select_from(matches))
    if not count:
        return None
    language = language or None  # left out of the link when not chosen
    if path_topic:
        return count, url_for("events.topic_on_demand", slug=topic.slug, q=q, language=language)
    return count, url_for("events.on_demand", q=q, topic=topic.slug if topic else None, language=language)
