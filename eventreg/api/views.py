"""The JSON API, /api/v1: the public catalog for anyone, and for hosts with a token, their events and
registrations, changed through the same operations (and so the same e-mails) as the host pages.

HTTP only, as in every views module: parse (flask-smorest and the schemas), check access, call one
operation, answer. Errors are problem documents (problems.py). A token is the only way in: cookies do not
authenticate the API, so CSRF does not apply to it."""

import http

import flask
import sqlalchemy as sa
from flask import current_app, g, render_template, request, url_for
from flask_babel import gettext as _
from flask_smorest.spec.plugins import integerconverter2paramschema

from eventreg import clock, timezones
from eventreg.api import bodies, cursors, openapi, operations, present, problems, reference
from eventreg.api import queries as api_queries
from eventreg.api import schemas as s
from eventreg.api.operations import ApiError
from eventreg.api.problems import fail
from eventreg.core import caching, languages, ratelimits
from eventreg.core.database import READ_ONLY_METHODS
from eventreg.core.extensions import csrf, db
from eventreg.core.inputs import IdConverter
from eventreg.events import operations as event_operations
from eventreg.events import queries
from eventreg.events.models import Event, Status, Topic
from eventreg.hosts import operations as host_operations
from eventreg.hosts import queries as host_queries
from eventreg.hosts.operations import HostError
from eventreg.questions import queries as question_queries
from eventreg.registrations import operations as seats
from eventreg.registrations import queries as registration_queries
from eventreg.registrations.models import Registration
from eventreg.registrations.operations import RegistrationError
from eventreg.series import links as series_links
from eventreg.series.models import Series

PREFIX = "/api/v1"
LINK_HEADER = {
    "Link": {"description": 'The next page: `<url>; rel="next"`, when there is one.', "schema": {"type": "string"}}
}
BEARER = {"bearerAuth": []}
TOKEN_ERRORS = (401, 403, 404, 429)

public = bodies.Blueprint(
    "api", __name__, url_prefix=PREFIX, description="The public catalog, the same lists the pages show. No token."
)
host = bodies.Blueprint(
    "api_host",
    __name__,
    idempotent_posts=True,
    url_prefix=f"{PREFIX}/host",
    description="A host's events and registrations, with a token (Authorization: Bearer ereg_...). A token sees "
    "the events its host manages (an admin's, every event); a read-only token may only GET.",
)
docs = flask.Blueprint("api_docs", __name__, url_prefix=PREFIX)


@public.after_request
def allow_any_origin(response: flask.Response) -> flask.Response:
    """CORS on the public catalog, so a library's own page can read it from the browser: any origin, no
    credentials (it needs none, and reveals nothing a visitor's cookies could unlock), the paging and cache
    headers readable. The host endpoints send none: a token belongs on a server, not in a page."""
    response.headers["Access-Control-Allow-Origin"] = "*"
    response.headers["Access-Control-Expose-Headers"] = "Link, ETag"
    return response


def documented_errors(blueprint: bodies.Blueprint, *statuses: int):
    """Document these error statuses on an operation, each a problem document."""

    def decorate(view):
        for status in statuses:
            name = http.HTTPStatus(status).name
            view = blueprint.alt_response(status, response=name)(view)
        return view

    return decorate


def refuses(blueprint: bodies.Blueprint, *codes: str):
    """Document the 422 codes (problems.BEYOND_SCHEMA) this operation answers for values its schema allows."""
    assert set(codes) <= set(problems.BEYOND_SCHEMA), codes
    return blueprint.doc(**{"x-refusals": {code: problems.SPECIFIC_CODES[code][1] for code in codes}})


EVENT_REFUSALS = (
    "ends_before_start", "too_long", "deadline_after_start", "bad_minutes", "start_in_past", "unknown_topic",
    "unknown_host",
)  # fmt: skip


# The public catalog


def _seat_counts(events: list[Event], now) -> dict:
    return seats.seat_counts_of(events, now=now)


def _next_link(cursor: str | None, carried: tuple[str, ...]) -> tuple[str | None, dict]:
    """The next page's URL and Link header: this request's filters (only those named: any other key, url_for's
    own _external or _anchor among them, must not reach url_for) and the cursor."""
    if cursor is None:
        return None, {}
    args = {key: request.args[key] for key in carried if key in request.args}
    url = url_for(request.endpoint, **request.view_args, **args, cursor=cursor, _external=True)
    return url, {"Link": f'<{url}>; rel="next"'}


def _page(query, limit: int, cursor: str | None, after) -> tuple[list, bool]:
    """One page of the query's rows, and whether more follow (one row beyond the limit is read to know).
    after(cursor) is the condition for rows past the cursor; a cursor we never gave out is a 400."""
    if cursor:
        try:
            query = query.where(after(cursor))
        except cursors.InvalidCursor:
            fail(400, "invalid_cursor", _("This cursor is not one we gave out; start again without it."))
    rows = list(db.session.scalars(query.limit(limit + 1)))
    return rows[:limit], len(rows) > limit


@public.route("/events", methods=["GET"])
@public.arguments(s.EventListArgs, location="query", as_kwargs=True, error_status_code=400)
@public.response(200, s.EventListSchema, headers=LINK_HEADER)
@caching.public
def list_events(when, limit, topic=None, q="", from_=None, to=None, updated_since=None, cursor=None):
    """Events, as the Upcoming (soonest first) and On-demand (latest first) pages list them.

    Upcoming holds published and cancelled events that have not ended; on-demand, published events that have
    ended. Page through with the `next` link (or the Link header) until it is null."""
    now = clock.now()
    upcoming = when == "upcoming"
    list_query = queries.list_upcoming if upcoming else queries.list_on_demand
    chosen = api_queries.get_topic(topic) if topic else None
    query = list_query(now, topic=chosen, q=q.strip())
    if topic and chosen is None:
        query = query.where(sa.false())  # a topic nobody made has no events (as GitHub's issues?labels= answers)
    if from_ is not None:
        query = query.where(Event.starts_at >= from_)
    if to is not None:
        query = query.where(Event.starts_at < to)
    if updated_since is not None:
        query = query.where(Event.updated_at >= updated_since)
    events, more = _page(
        query, limit, cursor, lambda c: cursors.after(Event.starts_at, Event.id, c, descending=not upcoming)
    )
    counts, topics = _seat_counts(events, now), api_queries.topics_of(events)
    next_cursor = cursors.encode(events[-1].starts_at, events[-1].id) if more else None
    url, headers = _next_link(next_cursor, ("when", "topic", "q", "from", "to", "updated_since", "limit"))
    parts = series_links.sessions_series(events)
    shown = [
        present.public_event(e, now=now, seats=counts.get(e.id), topics=topics[e.id], part=parts.get(e.id))
        for e in events
    ]
    body = {"events": shown, "next": url}
    return body, 200, headers


@public.route("/events/<slug>", methods=["GET"])
@public.response(200, s.EventSchema)
@documented_errors(public, 404)
@caching.public
def get_event(slug: str):
    """One published or cancelled event, by its slug (as in its page's address)."""
    event = queries.get_public_event(slug)
    now = clock.now()
    part = series_links.sessions_series([event]).get(event.id)
    return present.public_event(event, now=now, seats=_seat_counts([event], now).get(event.id), part=part)


def _shown_series(series: list) -> list[dict]:
    sessions, confirmed = api_queries.public_sessions_of(series), api_queries.confirmed_enrolments(series)
    now = clock.now()
    return [present.series(one, sessions[one.id], now=now, confirmed=confirmed.get(one.id, 0)) for one in series]


@public.route("/series", methods=["GET"])
@public.arguments(s.SeriesListArgs, location="query", as_kwargs=True, error_status_code=400)
@public.response(200, s.SeriesListSchema, headers=LINK_HEADER)
@caching.public
def list_series(limit, kind=None, cursor=None):
    """Series (courses and recurring programs) with a published or cancelled session, oldest first, each with
    its sessions. Page through with the `next` link (or the Link header) until it is null."""
    query = api_queries.public_series_query(kind)
    series, more = _page(query, limit, cursor, lambda c: Series.id > cursors.decode_id(c))
    url, headers = _next_link(cursors.encode(series[-1].id) if more else None, ("kind", "limit"))
    return {"series": _shown_series(series), "next": url}, 200, headers


@public.route("/series/<slug>", methods=["GET"])
@public.response(200, s.SeriesSchema)
@documented_errors(public, 404)
@caching.public
def get_series(slug: str):
    """One series, by its slug (as in its page's address), with its sessions."""
    series = api_queries.get_public_series(slug)
    if series is None:
        fail(404)
    return _shown_series([series])[0]


@public.route("/topics", methods=["GET"])
@public.response(200, s.TopicListSchema)
@caching.public
def list_topics():
    """Every topic, by name; filter events with `topic=<slug>`."""
    return {"topics": [{"slug": t.slug, "name": t.name} for t in queries.list_topics()]}


# Hosts, with a token


@host.before_request
def authenticate():
    """Only a token opens these: cookies are ignored, so a page on another site cannot act for a host."""
    scheme, _space, secret = request.headers.get("Authorization", "").partition(" ")
    reading = request.method in READ_ONLY_METHODS
    token = None
    if scheme.lower() == "bearer":
        token = operations.authenticate(secret.strip(), now=clock.now(), reading=reading)
    if token is None:
        challenge = 'Bearer realm="eventreg"' + (', error="invalid_token"' if scheme else "")
        fail(401, "unauthorized" if not scheme else "invalid_token", headers={"WWW-Authenticate": challenge})
    g.api_token = token
    if not reading and not token.can_write:
        fail(403, "read_only_token", _("This token may only read. Make a read-write token to change things."))


def token_key() -> str:
    return f"api-token-{g.api_token.id}"


def by_token(view):
    """Document the token and its errors, and count the request against the token's rate limit."""
    view = ratelimits.limited("API_RATE_LIMIT", key=token_key, scope="api-token")(view)
    view = documented_errors(host, *TOKEN_ERRORS)(view)
    return host.doc(security=[BEARER])(view)


def _host():
    return g.api_token.host


def _managed_event(event_id: int) -> Event:
    """404 alike for an event that does not exist and one this token's host may not manage."""
    event = host_queries.get_managed_event(_host(), event_id)
    if event is None:
        fail(404)
    return event


def _host_event(event: Event, now=None) -> dict:
    now = now or clock.now()
    counts = registration_queries.counts_by_status([event.id])[event.id]
    part = series_links.sessions_series([event]).get(event.id)
    return present.host_event(event, now=now, seats=_seat_counts([event], now).get(event.id), counts=counts, part=part)


def _invalid(field: str, message: str, code: str = "invalid_input"):
    fail(422, code, message, errors={"json": {field: [message]}})


def _topics(slugs: list[str]) -> list[Topic]:
    known = {topic.slug: topic for topic in queries.list_topics()}
    unknown = [slug for slug in slugs if slug not in known]
    if unknown:
        message = _("No topic has the slug %(slug)s; GET /api/v1/topics lists them.", slug=repr(unknown[0]))
        _invalid("topics", message, "unknown_topic")
    return [known[slug] for slug in dict.fromkeys(slugs)]


def _check_event_input(data: dict, event: Event | None) -> None:
    """The editor's rules across fields (EventForm.validate and its past-start question)."""
    zone = data["timezone"]
    if zone not in timezones.canonical_zones() and (event is None or zone != event.timezone):
        _invalid("timezone", _("Use a canonical IANA zone name, such as America/New_York."))
    broken = s.broken_event_rule(data)
    if broken:
        _invalid(*broken)  # (field, message, the rule's code)
    past = host_operations.needs_past_confirmation(event, data["starts_at"], now=clock.now())
    if past and not data.get("confirm_past_start"):
        _invalid(
            "starts_at",
            _(
                "This start is in the past, and registrants are not emailed about changes to an event that has "
                "ended. Send confirm_past_start: true if you mean it."
            ),
            "start_in_past",
        )


EDITABLE = (
    "title", "summary", "description", "language", "format", "location", "host_name", "timezone", "starts_at",
    "ends_at", "join_url", "archive_url", "reminder_hours", "registration_deadline_at", "contact_hours",
    "credit_min_minutes", "requires_approval",
)  # fmt: skip
DEFAULTS = {"summary": "", "description": "", "format": "webinar", "reminder_hours": "24,1", "requires_approval": False}


def _fields(data: dict) -> dict:
    fields = {name: data.get(name, DEFAULTS.get(name)) for name in EDITABLE}
    fields["summary"], fields["description"] = fields["summary"] or "", fields["description"] or ""
    fields["location"], fields["host_name"] = fields["location"] or None, fields["host_name"] or None
    fields["reminder_hours"] = fields["reminder_hours"] or ""
    return fields


def _operation_failed(error: Exception):
    if isinstance(error, HostError):
        _invalid("cohosts", error.message, error.code)
    status = 422 if getattr(error, "code", "") == "slug_reserved" else 409
    fail(status, error.code, error.message)


@host.route("/events", methods=["GET"])
@host.arguments(s.HostEventListArgs, location="query", as_kwargs=True, error_status_code=400)
@host.response(200, s.HostEventListSchema, headers=LINK_HEADER)
@by_token
def list_managed_events(limit, cursor=None, status=None, starts_after=None, starts_before=None):
    """The events this token's host manages (an admin: every event), drafts included, oldest first; filtered by
    status and by start (`starts_after` at or after, `starts_before` before)."""
    # Each entry lists its hosts' addresses: read them for the page in one query, not one per event.
    query = host_queries.managed_events_query(_host()).order_by(Event.id).options(sa.orm.selectinload(Event.hosts))
    if status:
        query = query.where(Event.status == status)
    if starts_after is not None:
        query = query.where(Event.starts_at >= starts_after)
    if starts_before is not None:
        query = query.where(Event.starts_at < starts_before)
    events, more = _page(query, limit, cursor, lambda c: Event.id > cursors.decode_id(c))
    now = clock.now()
    counts = registration_queries.counts_by_status([e.id for e in events])
    free = _seat_counts(events, now)
    parts = series_links.sessions_series(events)
    shown = [
        present.host_event(e, now=now, seats=free.get(e.id), counts=counts[e.id], part=parts.get(e.id)) for e in events
    ]
    carried = ("status", "starts_after", "starts_before", "limit")
    url, headers = _next_link(cursors.encode(events[-1].id) if more else None, carried)
    return {"events": shown, "next": url}, 200, headers


@host.route("/events", methods=["POST"])
@host.arguments(s.EventInSchema)
@host.response(201, s.HostEventSchema)
@documented_errors(host, 409)
@refuses(host, *EVENT_REFUSALS)
@by_token
def create_event(data):
    """A new draft, hosted by the token's host and the co-hosts named, as "New event" makes it. Publish it
    with POST .../publish."""
    _check_event_input(data, None)
    topics = _topics(data.get("topics", []))
    data.setdefault("language", _host().locale if languages.is_known(_host().locale) else languages.default())
    try:
        event = host_operations.create_event(
            _host(),
            cohost_emails=[e.lower() for e in data.get("cohosts", [])],
            topics=topics,
            slug=data.get("slug"),
            capacity=data.get("capacity"),
            now=clock.now(),
            **_fields(data),
        )
    except (HostError, event_operations.EventError) as error:
        _operation_failed(error)
    location = url_for("api_host.get_managed_event", event_id=event.id, _external=True)
    return _host_event(event), 201, {"Location": location}


@host.route("/events/<int:event_id>", methods=["GET"])
@host.response(200, s.HostEventSchema)
@by_token
def get_managed_event(event_id: int):
    """One event this token's host manages, with its join link and registration counts."""
    return _host_event(_managed_event(event_id))


@host.route("/events/<int:event_id>", methods=["PATCH"])
@host.arguments(s.EventChangesSchema(partial=True))
@host.response(200, s.UpdatedSchema)
@documented_errors(host, 409)
@refuses(host, *EVENT_REFUSALS)
@by_token
def update_event(data, event_id: int):
    """Change some of an event's fields, as saving the editor does: registrants get the same updated invitation
    when the time, place or join link changes, a raised capacity confirms people waiting, and a new recording link
    goes out once the event has ended. Turning requires_approval off while registrations are pending is refused
    (409 pending_left), as in the editor. Fields left out keep their values; null clears an optional one."""
    event = _managed_event(event_id)
    current = {name: getattr(event, name) for name in EDITABLE}
    merged = {**current, **data}
    _check_event_input(merged, event)
    topics = _topics(data["topics"]) if "topics" in data else list(event.topics)
    editor = _host()
    cohosts = data.get("cohosts", [h.email for h in event.hosts if h.id != editor.id])
    try:
        update, promoted = host_operations.save_event(
            event,
            editor,
            cohost_emails=[e.lower() for e in cohosts],
            topics=topics,
            capacity=data.get("capacity", event.capacity),
            now=clock.now(),
            slug=data.get("slug") or event.slug,
            **_fields(merged),
        )
    except (HostError, RegistrationError, event_operations.EventError) as error:
        _operation_failed(error)
    return {
        "event": _host_event(event),
        "changed": update.changed,
        "invited": update.invited,
        "promoted": [registration.id for registration in promoted],
    }


@host.route("/events/<int:event_id>/publish", methods=["POST"])
@host.response(200, s.HostEventSchema)
@documented_errors(host, 409)
@by_token
def publish_event(event_id: int):
    """Put the event on the public pages (from a draft)."""
    event = _managed_event(event_id)
    if event.status != Status.PUBLISHED:
        try:
            event_operations.publish(event, now=clock.now())
        except event_operations.EventError as error:
            fail(409, "event_cancelled", error.message)
    return _host_event(event)


@host.route("/events/<int:event_id>/cancel", methods=["POST"])
@host.response(200, s.CancelledSchema)
@by_token
def cancel_event(event_id: int):
    """Cancel the event and email everyone registered (a calendar cancellation for those confirmed), as the
    editor's "Cancel event" does. Cancelling again changes nothing and emails nobody."""
    event = _managed_event(event_id)
    now = clock.now()
    emailed = 0
    if event_operations.cancel_event(event, now=now):
        emailed = seats.tell_of_event_cancelled(event, now=now)
    return {"event": _host_event(event, now), "emailed": emailed}


def _registration(event: Event, registration_id: int) -> Registration:
    registration = operations.get_registration(event, registration_id)
    if registration is None:
        fail(404)
    return registration


def _shown(registration: Registration) -> dict:
    answers = question_queries.shown_answers_of([registration.id])[registration.id]
    return present.registration(registration, position=seats.waiting_position(registration), answers=answers)


@host.route("/events/<int:event_id>/registrations", methods=["GET"])
@host.arguments(s.RegistrationListArgs, location="query", as_kwargs=True, error_status_code=400)
@host.response(200, s.RegistrationListSchema, headers=LINK_HEADER)
@by_token
def list_registrations(event_id: int, limit, cursor=None, status=None, attended=None, email=None, updated_since=None):
    """The event's registrations in the order they were made, filtered by status, attendance, address and last
    change (`updated_since`: poll for what changed since your last poll)."""
    event = _managed_event(event_id)
    query = api_queries.registrations_query(
        event, status=status, attended=attended, email=email, updated_since=updated_since
    )
    rows, more = _page(query, limit, cursor, lambda c: Registration.id > cursors.decode_id(c))
    positions = registration_queries.waiting_positions(event) if any(r.is_waiting for r in rows) else {}
    url, headers = _next_link(
        cursors.encode(rows[-1].id) if more else None, ("status", "attended", "email", "updated_since", "limit")
    )
    answers = question_queries.shown_answers_of([r.id for r in rows])
    shown = [present.registration(r, position=positions.get(r.id), answers=answers[r.id]) for r in rows]
    return {"registrations": shown, "next": url}, 200, headers


@host.route("/events/<int:event_id>/registrations", methods=["POST"])
@host.arguments(s.RegistrationInSchema)
@host.response(201, s.RegistrationSchema)
@documented_errors(host, 409)
@by_token
def add_registration(data, event_id: int):
    """Add someone as a host does from the registrant list: confirmed while seats last, else waiting, even after
    registration has closed (not for a cancelled event) and without approval when the event requires it (the host
    is the one adding them); they are emailed a confirmation."""
    event = _managed_event(event_id)
    try:
        registration = seats.register(event, now=clock.now(), by_host=True, **data)
    except RegistrationError as error:
        fail(409, error.code, error.message)
    location = url_for("api_host.get_registration", event_id=event.id, registration_id=registration.id, _external=True)
    return _shown(registration), 201, {"Location": location}


@host.route("/events/<int:event_id>/registrations/<int:registration_id>", methods=["GET"])
@host.response(200, s.RegistrationSchema)
@by_token
def get_registration(event_id: int, registration_id: int):
    """One registration of the event."""
    return _shown(_registration(_managed_event(event_id), registration_id))


@host.route("/events/<int:event_id>/registrations/<int:registration_id>/cancel", methods=["POST"])
@host.response(200, s.RegistrationSchema)
@by_token
def cancel_registration(event_id: int, registration_id: int):
    """Cancel and email the person; a freed seat goes to the first person waiting (emailed too). Cancelling again
    changes nothing."""
    registration = _registration(_managed_event(event_id), registration_id)
    seats.cancel_registration(registration, now=clock.now())
    return _shown(registration)


@host.route("/events/<int:event_id>/registrations/<int:registration_id>/approve", methods=["POST"])
@host.arguments(s.DecisionInSchema, required=False)
@host.response(200, s.RegistrationSchema)
@documented_errors(host, 409)
@by_token
def approve_registration(data, event_id: int, registration_id: int):
    """Approve a pending (or earlier declined) registration, by the seat rules of registering: confirmed while a
    seat is free, else at the end of the waiting list (`status` says which). The person is emailed once: the
    confirmation with the join link and the calendar invitation, or their place in the queue, with the optional
    note. 409: not pending or declined (cannot_approve), the event cancelled or ended."""
    registration = _registration(_managed_event(event_id), registration_id)
    try:
        seats.approve_one(registration, note=data.get("note", ""), now=clock.now())
    except RegistrationError as error:
        fail(409, error.code, error.message)
    return _shown(registration)


@host.route("/events/<int:event_id>/registrations/<int:registration_id>/decline", methods=["POST"])
@host.arguments(s.DecisionInSchema, required=False)
@host.response(200, s.RegistrationSchema)
@documented_errors(host, 409)
@by_token
def decline_registration(data, event_id: int, registration_id: int):
    """Decline a pending registration: the person is emailed once that it was not approved, with the optional note.
    409 cannot_decline when it is not pending."""
    registration = _registration(_managed_event(event_id), registration_id)
    try:
        seats.decline_one(registration, note=data.get("note", ""), now=clock.now())
    except RegistrationError as error:
        fail(409, error.code, error.message)
    return _shown(registration)


@host.route("/events/<int:event_id>/registrations/<int:registration_id>/attendance", methods=["PUT"])
@host.arguments(s.AttendanceInSchema)
@host.response(200, s.RegistrationSchema)
@documented_errors(host, 409)
@by_token
def mark_attendance(data, event_id: int, registration_id: int):
    """Record a confirmed registrant's attendance once the event has started: attended true, false or null (not
    recorded), with the minutes they stayed. With minutes and no `attended`, the event's credit rule decides."""
    event = _managed_event(event_id)
    registration = _registration(event, registration_id)
    try:
        operations.mark_attendance(
            event,
            registration,
            attended=data.get("attended"),
            minutes=data.get("minutes"),
            now=clock.now(),
            attended_given="attended" in data,
        )
    except (HostError, ApiError, event_operations.EventError) as error:
        fail(409, error.code, error.message)
    return _shown(registration)


# The document and its reference page


@docs.get("/openapi.json")
@caching.public
def openapi_json():
    return flask.jsonify(current_app.extensions["eventreg.api"].spec.to_dict())


@docs.get("/docs")
@caching.public
def reference_page():
    spec = current_app.extensions["eventreg.api"].spec.to_dict()
    return render_template("api/reference.html", **reference.context(spec, problems.all_codes()))


def init_app(app: flask.Flask) -> None:
    """Register the API's blueprints, its document, and its problem documents."""
    app.config.setdefault("API_TITLE", "eventreg API")
    app.config.setdefault("API_VERSION", "v1")
    app.config.setdefault("OPENAPI_VERSION", "3.1.0")
    app.config.setdefault("API_RATE_LIMIT", "120 per minute;2000 per hour")
    app.config.setdefault(
        "API_SPEC_OPTIONS",
        {
            "info": {
                "description": "Events, topics and (with a host's token) registrations. Errors are RFC 9457 problem "
                "documents. The reference: /api/v1/docs."
            },
            "servers": [{"url": "/"}],
        },
    )
    api = problems.Api(app, spec_kwargs={"extra_plugins": [openapi.Plugin()]})  # operationIds, statuses, headers
    api.register_converter(IdConverter, integerconverter2paramschema)
    api.register_field(s.Hours, "string", "decimal")
    api.spec.components.security_scheme(
        "bearerAuth", {"type": "http", "scheme": "bearer", "description": "A host's API token, ereg_..."}
    )
    api.register_blueprint(public)
    api.register_blueprint(host)  # with api/webhook_views.py's routes, which the factory imported first
    app.register_blueprint(docs)
    for blueprint in (public, host, docs):
        csrf.exempt(blueprint)
    app.extensions["eventreg.api"] = api
