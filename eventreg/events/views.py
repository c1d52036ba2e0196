from flask import Blueprint, current_app, g, render_template, request

from eventreg import clock, paging
from eventreg.events import pagecache, queries
from eventreg.events.models import Event
from eventreg.registrations import operations as seats
from eventreg.registrations.forms import RegistrationForm

bp = Blueprint("events", __name__)


@bp.get("/")
@bp.get("/events")
def upcoming():
    return _cached_event_list("upcoming", topic_slug=request.args.get("topic"))


@bp.get("/events/on-demand")
def on_demand():
    return _cached_event_list("on_demand", topic_slug=request.args.get("topic"))


@bp.get("/topics/<slug>")
def topic(slug: str):
    return _cached_event_list("upcoming", topic_slug=slug)


@bp.get("/topics/<slug>/on-demand")
def topic_on_demand(slug: str):
    return _cached_event_list("on_demand", topic_slug=slug)


@bp.get("/events/<slug>")
def show(slug: str):
    event = queries.get_public_event(slug)
    form = RegistrationForm(formdata=None, timezone=g.get("visitor_zone") or "")
    return render_template("events/show.html", **event_page_context(event, form=form))


def event_page_context(event: Event, *, form: RegistrationForm) -> dict:
    """What the event page shows; the registration view re-renders it with a form full of errors."""
    now = clock.now()
    seats_left, waiting = seats.seat_counts(event)
    return {
        "event": event,
        "state": event.state(now),
        "is_open": event.is_open_for_registration(now),
        "form": form,
        "seats_left": seats_left,
        "waiting": waiting,
    }


def _event_list(kind: str, *, topic_slug: str | None):
    topic = queries.get_topic(topic_slug) if topic_slug else None
    q = request.args.get("q", "").strip()[:200]
    list_query = queries.list_upcoming if kind == "upcoming" else queries.list_on_demand
    pagination = paging.paginate(
        list_query(clock.now(), topic=topic, q=q),
        page=request.args.get("page", 1, type=int),
        per_page=current_app.config["EVENTS_PER_PAGE"],
    )
    return render_template(
        "events/list.html",
        kind=kind,
        pagination=pagination,
        topic=topic,
        topics=queries.list_topics(),
        q=q,
    )


def _cached_event_list(kind: str, *, topic_slug: str | None):
    return pagecache.cached_page(
        lambda: _event_list(kind, topic_slug=topic_slug),
        visitor_zone=g.get("visitor_zone"),
        unknown_zone=g.get("unknown_zone"),
        now=clock.now(),
    )
