import re
from datetime import datetime, timedelta
from urllib.parse import urlsplit

from flask import Blueprint, Response, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required, login_user, logout_user
from wtforms.fields.choices import SelectChoice

from eventreg import clock, timezones
from eventreg.attendance import credit
from eventreg.certificates import queries as certificate_queries
from eventreg.core import paging
from eventreg.core.extensions import db, login_manager
from eventreg.core.inputs import MAX_ID
from eventreg.events import operations as event_operations
from eventreg.events import queries as event_queries
from eventreg.events.models import Event, Status
from eventreg.events.pages import event_page_context
from eventreg.hosts import exports
from eventreg.hosts import operations as host_operations
from eventreg.hosts import queries as host_queries
from eventreg.hosts.access import managed_event
from eventreg.hosts.forms import ActionForm, AddRegistrantForm, EventForm, LoginForm, MessageForm, PasswordForm
from eventreg.hosts.models import Host
from eventreg.hosts.operations import HostError
from eventreg.mail import queries as mail_queries
from eventreg.mail import sending
from eventreg.registrations import notifications
from eventreg.registrations import operations as seats
from eventreg.registrations import queries as registration_queries
from eventreg.registrations.forms import RegistrationForm
from eventreg.registrations.models import Registration, RegistrationStatus
from eventreg.registrations.operations import RegistrationError

bp = Blueprint("hosts", __name__, url_prefix="/host")
ATTENDEES_PER_PAGE = 50
# Row ids are 32-bit integer columns. A larger number names no row, and SQLite's driver cannot even send one
# past 2**63, so such ids are answered before any query.
ROW_ID = re.compile(r"[0-9]{1,10}")
# The attendee list's own query parameters, carried back to it after an action on the list.
LIST_ARGS = ("q", "sort", "page")


@login_manager.user_loader
def load_host(session_id: str) -> Host | None:
    return host_operations.host_for_session(session_id, now=clock.now(), max_age=_session_max_age())


def _session_max_age() -> timedelta:
    return timedelta(seconds=current_app.config["HOST_SESSION_MAX_AGE"])


def event_registration(event: Event, registration_id: int) -> Registration:
    if not 0 < registration_id <= MAX_ID:
        abort(404)
    registration = db.session.get(Registration, registration_id)
    if registration is None or registration.event_id != event.id:
        abort(404)
    return registration


def list_args() -> dict[str, str]:
    """The attendee list's search, sort and page from this request's query string, and nothing else: any other
    key (event_id, or url_for's own _external, _scheme, _anchor) must not reach url_for."""
    return {key: request.args[key] for key in LIST_ARGS if request.args.get(key)}


@bp.route("/login", methods=["GET", "POST"])
def login():
    form = LoginForm()
    if form.validate_on_submit():
        try:
            host = host_operations.authenticate(
                form.email.data, form.password.data, address=request.remote_addr or "", now=clock.now()
            )
        except HostError as error:
            # The failed attempt is kept: the view returns, so the request's commit saves it (core/requests.py).
            form.form_errors.append(error.message)
            return render_template("hosts/login.html", form=form), 429 if error.code == "too_many_attempts" else 401
        if current_user.is_authenticated:  # signing in again replaces the sign-in this browser had
            host_operations.end_session(current_user)
        host_operations.start_session(host, now=clock.now(), max_age=_session_max_age())
        login_user(host)
        return redirect(_safe_next(request.args.get("next", "")) or url_for("hosts.dashboard"), code=303)
    return render_template("hosts/login.html", form=form), 400 if form.errors else 200


def _safe_next(target: str) -> str | None:
    """The target if it is a path on this site, else None. Browsers drop tabs and line breaks from a Location
    and read a backslash as a slash ("/<tab>/evil.example" is "//evil.example" to them), so a target with any
    whitespace, control character or backslash is refused outright: what is judged is what is sent."""
    if not target.isprintable() or any(c.isspace() or c == "\\" for c in target):
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    return target


@bp.post("/logout")
@login_required
def logout():
    host_operations.end_session(current_user)
    logout_user()
    return redirect(url_for("events.upcoming"), code=303)


@bp.route("/password", methods=["GET", "POST"])
@login_required
def password():
    form = PasswordForm()
    if form.validate_on_submit():
        try:
            host_operations.change_password(current_user, current=form.current.data, new=form.new.data)
        except HostError as error:
            form.form_errors.append(error.message)
            return render_template("hosts/password.html", form=form), 400
        flash("Your password is changed.")
        return redirect(url_for("hosts.dashboard"), code=303)
    return render_template("hosts/password.html", form=form), 400 if form.errors else 200


@bp.get("/")
@login_required
def dashboard():
    now = clock.now()
    query = host_operations.managed_events_query(current_user)
    upcoming = db.session.scalars(query.where(Event.ends_at > now).order_by(Event.starts_at)).all()
    recent = db.session.scalars(query.where(Event.ends_at <= now).order_by(Event.starts_at.desc()).limit(20)).all()
    counts = registration_queries.counts_by_status([e.id for e in (*upcoming, *recent)])
    totals = host_queries.get_totals(current_user, now=now)
    return render_template(
        "hosts/dashboard.html", upcoming=upcoming, recent=recent, counts=counts, totals=totals, now=now
    )


@bp.get("/reports")
@login_required
def reports():
    return render_template("hosts/reports.html")


@bp.get("/integrations")
@login_required
def integrations():
    return render_template("hosts/integrations.html")


def _topic_choices(form: EventForm) -> None:
    form.topics.choices = [SelectChoice(t.id, t.name) for t in event_queries.list_topics()]


def _event_fields(form: EventForm) -> dict:
    return {
        "title": form.title.data,
        "summary": form.summary.data or "",
        "description": form.description.data or "",
        "format": form.format.data,
        "location": form.location.data or None,
        "host_name": form.host_name.data or None,
        "timezone": form.timezone.data,
        "starts_at": form.starts_at,
        "ends_at": form.ends_at,
        "join_url": form.join_url.data or None,
        "archive_url": form.archive_url.data or None,
        "reminder_hours": form.reminder_hours.data or "",
        "registration_deadline_at": form.registration_deadline_at,
        "contact_hours": form.contact_hours.data,
        "credit_min_minutes": form.credit_min_minutes.data,
    }


def _confirm_past_start(form: EventForm, event: Event | None) -> bool:
    """True when the start may be saved; else asks, on the form, whether a start in the past is meant."""
    if form.past_ok.data or not host_operations.needs_past_confirmation(event, form.starts_at, now=clock.now()):
        return True
    form.past_ok.flags.needed = True
    form.start_date.errors.append(
        f"This start, {timezones.local_date(form.starts_at, form.timezone.data)}, is in the "
        "past. Registrants are not emailed about changes to an event that has ended. If you mean it, tick "
        f"“{form.past_ok.label.text}” below and save again."
    )
    return False


def _selected_topics(form: EventForm):
    return [t for t in event_queries.list_topics() if t.id in (form.topics.data or [])]


@bp.route("/events/new", methods=["GET", "POST"])
@login_required
def new_event():
    form = EventForm()
    _topic_choices(form)
    if request.method == "GET":
        form.timezone.data = current_user.timezone
    if form.validate_on_submit() and _confirm_past_start(form, None):
        try:
            event = host_operations.create_event(
                current_user, cohost_emails=form.cohost_emails(), topics=_selected_topics(form),
                slug=form.slug.data or None, capacity=form.capacity.data, now=clock.now(), **_event_fields(form),
            )  # fmt: skip
        except (HostError, event_operations.EventError) as error:
            db.session.rollback()
            (form.cohosts if isinstance(error, HostError) else form.slug).errors.append(error.message)
            return render_template("hosts/event_form.html", form=form, event=None), 400
        flash("Draft saved. Preview it, then publish when it is ready.")
        return redirect(url_for("hosts.edit_event", event_id=event.id), code=303)
    return render_template("hosts/event_form.html", form=form, event=None), 400 if form.errors else 200


@bp.route("/events/<int:event_id>/edit", methods=["GET", "POST"])
@login_required
def edit_event(event_id: int):
    event = managed_event(event_id)
    form = EventForm(obj=event)
    _topic_choices(form)
    if event.timezone not in timezones.canonical_zones():  # saved before the list held only canonical zones
        form.timezone.choices = [*form.timezone.choices, SelectChoice(event.timezone, event.timezone)]
    if request.method == "GET":
        _fill_times(form, event)
    if form.validate_on_submit() and _confirm_past_start(form, event):
        try:
            update, promoted = host_operations.save_event(
                event, current_user, cohost_emails=form.cohost_emails(), topics=_selected_topics(form),
                capacity=form.capacity.data, now=clock.now(), slug=form.slug.data or event.slug, **_event_fields(form),
            )  # fmt: skip
        except (HostError, RegistrationError, event_operations.EventError) as error:
            db.session.rollback()
            field = {HostError: form.cohosts, RegistrationError: form.capacity}.get(type(error), form.slug)
            field.errors.append(error.message)
            return render_template(
                "hosts/event_form.html", form=form, event=event, required_minutes=credit.required_minutes(event)
            ), 400
        flash(saved_message(update, promoted))
        return redirect(url_for("hosts.edit_event", event_id=event.id), code=303)
    if request.method == "GET":
        form.cohosts.data = ", ".join(h.email for h in event.hosts if h.id != current_user.id)
        form.topics.data = [t.id for t in event.topics]
    return render_template(
        "hosts/event_form.html", form=form, event=event, required_minutes=credit.required_minutes(event)
    ), 400 if form.errors else 200


NOT_INVITED = {
    "draft": "Nobody was emailed: the event is a draft.",
    "cancelled": "Nobody was emailed: the event is cancelled.",
    "ended": "Nobody was emailed: the event has ended.",
    "nobody": "Nobody was emailed: no one is confirmed yet.",
}
RECORDING_KINDS = {
    "thanks": "{n} attended (a thank-you)",
    "missed": "{n} marked absent (sorry we missed you)",
    "recording": "{n} who asked for the recording",
}
RECORDING_HELD = {
    "not_ended": "The recording link will be emailed after the event ends, to those who attended, those marked "
    "absent and those who asked for it.",
    "nobody": "Nobody was emailed the recording link: no one attended, was marked absent or asked for it.",
}


def _people(n: int, singular: str = "person", plural: str = "people") -> str:
    return f"{n} {singular if n == 1 else plural}"


def saved_message(update: event_operations.EventUpdate, promoted: list[Registration]) -> str:
    """What the save did, mail included, in plain words: never a message that was not sent."""
    parts = ["Saved."]
    if update.invited:
        parts.append(
            f"{_people(update.invited, 'confirmed registrant was', 'confirmed registrants were')} emailed an updated "
            f"invitation ({' and '.join(update.told)} changed)."
        )
    elif update.not_invited:
        parts.append(NOT_INVITED[update.not_invited])
    if promoted:
        parts.append(f"{_people(len(promoted))} moved from the waiting list to confirmed and emailed.")
    corrections = update.recording.get("recording_correction", 0)
    if corrections:
        parts.append(f"The corrected recording link was emailed to {_people(corrections)}.")
    elif update.recording:
        each = [
            text.format(n=update.recording[kind]) for kind, text in RECORDING_KINDS.items() if update.recording[kind]
        ]
        parts.append(f"The recording link was emailed to {_people(update.recording.total())}: {', '.join(each)}.")
    elif update.recording_held:
        parts.append(RECORDING_HELD[update.recording_held])
    return " ".join(parts)


def _fill_times(form: EventForm, event: Event) -> None:
    start, end = timezones.to_zone(event.starts_at, event.timezone), timezones.to_zone(event.ends_at, event.timezone)
    form.start_date.data, form.start_time.data = start.date(), start.time().replace(tzinfo=None)
    form.end_time.data = end.time().replace(tzinfo=None)
    form.end_date.data = end.date() if end.date() != start.date() else None
    if event.registration_deadline_at is not None:
        deadline = timezones.to_zone(event.registration_deadline_at, event.timezone)
        form.deadline_date.data, form.deadline_time.data = deadline.date(), deadline.time().replace(tzinfo=None)


@bp.post("/events/<int:event_id>/<any(publish, unpublish, cancel, duplicate):action>")
@login_required
def event_action(event_id: int, action: str):
    event = managed_event(event_id)
    if not _csrf_ok():
        abort(400)
    now = clock.now()
    if action in ("publish", "unpublish"):
        try:
            if action == "publish":
                event_operations.publish(event, now=now)
                flash("Published: the event is on the public pages.")
            else:
                event_operations.unpublish(event, now=now)
                flash("Unpublished: the event is a draft again.")
        except event_operations.EventError as error:
            flash(error.message, "error")
    elif action == "cancel":
        if event.status == Status.CANCELLED:
            flash("This event was already cancelled; nobody was emailed again.")
        else:
            event_operations.cancel_event(event, now=now)
            told = seats.tell_of_event_cancelled(event, now=now)
            flash(
                f"Cancelled. {told} registrant{'s were' if told != 1 else ' was'} emailed."
                if told
                else "Cancelled. Nobody was registered, so no one was emailed."
            )
    else:
        copy = event_operations.duplicate_event(event, now=now)
        flash("A draft copy one week later. Check the date, then publish.")
        return redirect(url_for("hosts.edit_event", event_id=copy.id), code=303)
    return redirect(url_for("hosts.edit_event", event_id=event.id), code=303)


@bp.get("/events/<int:event_id>/confirm-cancel")
@login_required
def confirm_cancel_event(event_id: int):
    """The step before cancelling: it says who will be emailed. The POST to the same address cancels."""
    event = managed_event(event_id)
    if event.status == Status.CANCELLED:
        flash("This event is already cancelled.")
        return redirect(url_for("hosts.edit_event", event_id=event.id), code=303)
    counts = registration_queries.counts_by_status([event.id])[event.id]
    return render_template("hosts/confirm_cancel_event.html", event=event, counts=counts)


@bp.get("/events/<int:event_id>/attendees/<int:registration_id>/confirm-cancel")
@login_required
def confirm_cancel_registration(event_id: int, registration_id: int):
    event = managed_event(event_id)
    registration = event_registration(event, registration_id)
    back = url_for("hosts.attendees", event_id=event.id, **list_args())
    if registration.is_cancelled:
        flash(f"{registration.name}: already cancelled.")
        return redirect(back, code=303)
    next_waiting = registration_queries.first_waiting(event) if registration.is_confirmed else None
    return render_template(
        "hosts/confirm_cancel_registration.html",
        event=event,
        registration=registration,
        next_waiting=next_waiting,
        back=back,
        list_args=list_args(),
    )


def _csrf_ok() -> bool:
    """Buttons that only post an action still carry the CSRF token."""
    return ActionForm().validate_on_submit()


@bp.get("/events/<int:event_id>/preview")
@login_required
def preview(event_id: int):
    event = managed_event(event_id)
    context = event_page_context(event, form=RegistrationForm(formdata=None))
    return render_template("events/show.html", preview=True, **context)


@bp.get("/events/<int:event_id>/attendees")
@login_required
def attendees(event_id: int):
    event = managed_event(event_id)
    q = request.args.get("q", "").strip()[:200]
    sort = request.args.get("sort", "registered")
    page = request.args.get("page", 1, type=int)
    paging.check_page(page, per_page=ATTENDEES_PER_PAGE)
    counts = registration_queries.counts_by_status([event.id])[event.id]
    # Unfiltered, the page's total is the sum of the counts already read: no second COUNT over the rows.
    query = registration_queries.attendees_query(event, q=q, sort=sort)
    pagination = db.paginate(query, page=page, per_page=ATTENDEES_PER_PAGE, count=bool(q))
    if not q:
        pagination.total = sum(counts[status] for status in RegistrationStatus.ALL)
    return render_template(
        "hosts/attendees.html",
        event=event,
        pagination=pagination,
        positions=registration_queries.waiting_positions(event) if counts["waiting"] else {},
        failed_mail=mail_queries.list_failed_kinds([registration.id for registration in pagination.items]),
        certificates={
            certificate.registration_id: certificate
            for certificate in certificate_queries.list_for_registrations([r.id for r in pagination.items])
        },
        met_rule=credit.met_rule,
        counts=counts,
        q=q,
        sort=sort,
        list_args=list_args(),
        add_form=AddRegistrantForm(formdata=None),
        started=event.has_started(clock.now()),
        ended=event.has_ended(clock.now()),
    )


@bp.post("/events/<int:event_id>/attendees/<int:registration_id>/<any(promote, cancel):action>")
@login_required
def registration_action(event_id: int, registration_id: int, action: str):
    event = managed_event(event_id)
    registration = event_registration(event, registration_id)
    if not _csrf_ok():
        abort(400)
    promoted = []
    try:
        if action == "promote":
            seats.promote(registration, now=clock.now())
        else:
            promoted = seats.cancel_registration(registration, now=clock.now())
    except RegistrationError as error:
        db.session.rollback()
        flash(error.message, "error")
        return redirect(url_for("hosts.attendees", event_id=event.id), code=303)
    if action == "promote":
        flash(f"{registration.name} was moved from the waiting list to confirmed and emailed.")
    else:
        flash(f"{registration.name}’s registration was cancelled and they were emailed.")
        for person in promoted:
            flash(f"{person.name} took the freed seat from the waiting list and was emailed.")
    return redirect(url_for("hosts.attendees", event_id=event.id, **list_args()), code=303)


@bp.post("/events/<int:event_id>/attendance")
@login_required
def attendance(event_id: int):
    """Mark attendance for the ticked registrants (one or many): attended, absent, or not recorded."""
    event = managed_event(event_id)
    if not _csrf_ok():
        abort(400)
    marks = {"attended": True, "absent": False, "clear": None}
    if request.form.get("mark") not in marks:
        abort(400)
    value = marks[request.form["mark"]]
    ids = request.form.getlist("registration")
    if not all(ROW_ID.fullmatch(i) for i in ids):  # the list's checkboxes only ever send ids
        abort(400)
    registrations = [event_registration(event, int(i)) for i in ids]  # all found (or 404) before any is marked
    try:
        marked = host_operations.record_attendance(event, registrations, value, now=clock.now())
    except event_operations.EventError as error:
        flash(error.message, "error")
        return redirect(url_for("hosts.attendees", event_id=event.id, **list_args()), code=303)
    what = {True: "attended", False: "absent", None: "not recorded"}[value]
    flash(f"{marked} registrant{'s' if marked != 1 else ''} marked {what}." if marked else "Nobody was ticked.")
    return redirect(url_for("hosts.attendees", event_id=event.id, **list_args()), code=303)


@bp.post("/events/<int:event_id>/attendees/add")
@login_required
def add_registrant(event_id: int):
    event = managed_event(event_id)
    form = AddRegistrantForm()
    if not form.validate_on_submit():
        for field, errors in form.errors.items():
            for error in errors:
                flash(f"{getattr(form, field).label.text if hasattr(form, field) else ''}: {error}", "error")
        return redirect(url_for("hosts.attendees", event_id=event.id), code=303)
    now = clock.now()
    try:
        added = seats.add_registrant(
            event, name=form.name.data, email=form.email.data, organization=form.organization.data,
            email_them=not form.dont_email.data, now=now,
        )  # fmt: skip
    except RegistrationError as error:
        db.session.rollback()
        flash(error.message, "error")
        return redirect(url_for("hosts.attendees", event_id=event.id), code=303)
    flash(_added_message(event, added, now))
    return redirect(url_for("hosts.attendees", event_id=event.id), code=303)


def _added_message(event: Event, added: seats.Added, now: datetime) -> str:
    registration = added.registration
    who = f"{registration.name} ({registration.email})"
    where = "to the waiting list" if registration.is_waiting else "as confirmed"
    if added.emailed and registration.is_confirmed:
        mail = f"a confirmation{' with the join link' if event.join_url else ''} was emailed"
    elif added.emailed:
        mail = "a note with their place in the queue was emailed"
    elif event.has_ended(now):
        mail = "no email was sent (the event has ended)"
    else:
        mail = "no email was sent"
    return f"Added {who} {where}; {mail}."


@bp.route("/events/<int:event_id>/message", methods=["GET", "POST"])
@login_required
def message(event_id: int):
    """Write, preview (with the recipient count), send a test to yourself, then send. "Send" is offered only
    on a preview, and sends only the text that preview showed."""
    event = managed_event(event_id)
    form = MessageForm()
    if request.method == "GET":
        form.reply_to.data = current_user.email
    counts = registration_queries.counts_by_status([event.id])[event.id]
    action = request.form.get("action", "preview")
    preview = None
    if form.validate_on_submit():
        now = clock.now()
        fields = {"subject": form.subject.data, "body": form.body.data, "reply_to": form.reply_to.data}
        if action == "send" and form.previewed.data == form.fingerprint() and not counts["confirmed"]:
            flash("Nobody is confirmed, so nothing was sent.", "error")
        elif action == "send" and form.previewed.data == form.fingerprint():
            sent = seats.message_confirmed(event, now=now, **fields)
            flash(
                f"Message sent to {_people(sent, 'confirmed registrant', 'confirmed registrants')}; "
                f"replies go to {form.reply_to.data}."
            )
            return redirect(url_for("hosts.attendees", event_id=event.id), code=303)
        elif action == "send":  # changed since the preview: show the preview of what would go now
            flash("The message changed after the preview. Check the preview below, then send.", "error")
        if action == "test":
            notifications.queue_host_message_test(
                event, to_address=current_user.email, to_name=current_user.name or "", now=now, **fields
            )
            flash(f"A test copy was sent to {current_user.email}. Nobody else was emailed.")
        form.previewed.data = form.fingerprint()
        preview = {
            "subject": notifications.host_message_subject(event, form.subject.data),
            "text": render_template(
                "mail/host_message.txt", **notifications.host_message_context(event, body=form.body.data)
            ),
            "sender": sending.sender_address(),
        }
    status = 400 if form.errors else 200
    return render_template("hosts/message.html", event=event, form=form, counts=counts, preview=preview), status


@bp.get("/events/<int:event_id>/attendees.csv")
@login_required
def attendees_csv(event_id: int):
    event = managed_event(event_id)
    rows = db.session.scalars(registration_queries.attendees_query(event, sort="registered"))
    body = exports.attendees_csv(rows, registration_queries.waiting_positions(event), current_user.timezone)
    return _csv_response(body, f"{event.slug}-registrants.csv")


@bp.get("/attendance.csv")
@login_required
def attendance_csv():
    events = db.session.scalars(
        host_operations.managed_events_query(current_user).where(Event.ends_at <= clock.now()).order_by(Event.starts_at)
    ).all()
    counts = registration_queries.counts_by_status([e.id for e in events])
    return _csv_response(exports.attendance_csv(events, counts), "attendance.csv")


def _csv_response(body: str, filename: str) -> Response:
    return Response(
        body.encode("utf-8"),
        headers={
            "Content-Type": "text/csv; charset=utf-8",
            "Content-Disposition": f'attachment; filename="{filename}"',
            "Cache-Control": "no-store",  # personal data
        },
    )
