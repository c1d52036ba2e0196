from dataclasses import dataclass

from flask import Blueprint, current_app, g, render_template, request
from markupsafe import Markup

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
    page = pagecache.cached_page(
        lambda: _event_page(slug),
        visitor_zone=g.get("visitor_zone"),
        unknown_zone=g.get("unknown_zone"),
        now=clock.now(),
    )
    if not page.is_open:
        return page.html
    form = RegistrationForm(formdata=None, timezone=g.get("visitor_zone") or "")
    return page.html.replace(REGISTRATION_SLOT, registration_section(page, form), 1)


# Where the registration form goes in a kept event page: the form carries the visitor's own CSRF token and
# the seat count of this moment, so it is rendered for each request and put in here.
REGISTRATION_SLOT = "<!-- registration form -->"


@dataclass(frozen=True)
class EventPage:
    """An event page as the page cache keeps it, with what filling its registration slot needs."""

    html: str
    id: int
    slug: str
    capacity: int | None
    is_open: bool


def _event_page(slug: str) -> EventPage:
    event = queries.get_public_event(slug)
    form = RegistrationForm(formdata=None, meta={"csrf": False})
    context = event_page_context(event, form=form, registration=Markup(REGISTRATION_SLOT))
    html = render_template("events/show.html", **context)
    return EventPage(html, event.id, event.slug, event.capacity, context["is_open"])


def registration_section(event: Event | EventPage, form: RegistrationForm) -> Markup:
    """The registration form with the seats left (needs the event's id, slug and capacity)."""
    seats_left, waiting = seats.seat_counts(event)
    html = render_template("registrations/_form.html", event=event, form=form, seats_left=seats_left, waiting=waiting)
    return Markup(html)


def event_page_context(event: Event, *, form: RegistrationForm, registration: Markup | None = None) -> dict:
    """What the event page shows; the registration view re-renders it with a form full of errors."""
    now = clock.now()
    is_open = event.is_open_for_registration(now)
    if registration is None and is_open:
        registration = registration_section(event, form)
    return {
        "event": event,
        "state": event.state(now),
        "is_open": is_open,
        "form": form,
        "registration": registration,
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
