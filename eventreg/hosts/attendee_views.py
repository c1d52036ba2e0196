"""The attendee list and what a host does from it: search and page it, promote from the waiting list, cancel a
registration, mark attendance, add someone by hand, message the confirmed registrants, export it as CSV."""

import re
from datetime import datetime

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from eventreg import clock
from eventreg.attendance import credit
from eventreg.certificates import queries as certificate_queries
from eventreg.charts import counts as chart_counts
from eventreg.charts import figures
from eventreg.core import paging
from eventreg.core.extensions import db
from eventreg.core.inputs import MAX_ID
from eventreg.events.models import Event
from eventreg.events.rules import EventError
from eventreg.hosts import exports
from eventreg.hosts import operations as host_operations
from eventreg.hosts.access import managed_event
from eventreg.hosts.forms import AddRegistrantForm, MessageForm
from eventreg.hosts.views import bp, counted, csrf_ok, csv_response
from eventreg.mail import queries as mail_queries
from eventreg.mail import sending
from eventreg.registrations import changes as registration_changes
from eventreg.registrations import notifications
from eventreg.registrations import operations as seats
from eventreg.registrations import queries as registration_queries
from eventreg.registrations.models import ChangedBy, Registration, RegistrationStatus
from eventreg.registrations.operations import RegistrationError

ATTENDEES_PER_PAGE = 50
# Row ids are 32-bit integer columns. A larger number names no row, and SQLite's driver cannot even send one
# past 2**63, so such ids are answered before any query.
ROW_ID = re.compile(r"[0-9]{1,10}")
# The attendee list's own query parameters, carried back to it after an action on the list.
LIST_ARGS = ("q", "sort", "page")


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
    now = clock.now()
    return render_template(
        "hosts/attendees.html",
        event=event,
        timeline=figures.registrations_over_time(
            "registrations-chart",
            chart_counts.registrations_over_time(event, now=now),
            capacity=event.capacity,
            zone=event.timezone,
        ),
        answer_charts=chart_counts.answer_charts(event),
        pagination=pagination,
        positions=registration_queries.waiting_positions(event) if counts["waiting"] else {},
        failed_mail=mail_queries.list_failed_kinds([registration.id for registration in pagination.items]),
        changes=registration_changes.list_changes(pagination.items),
        changed_by=ChangedBy.LABELS,
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
        started=event.has_started(now),
        ended=event.has_ended(now),
    )


@bp.post("/events/<int:event_id>/attendees/<int:registration_id>/<any(promote, cancel):action>")
@login_required
def registration_action(event_id: int, registration_id: int, action: str):
    event = managed_event(event_id)
    registration = event_registration(event, registration_id)
    if not csrf_ok():
        abort(400)
    promoted = []
    try:
        if action == "promote":
            seats.promote(registration, now=clock.now())
        else:
            promoted = seats.cancel_registration(registration, now=clock.now())
    except RegistrationError as error:
        return _refused(event, error.message)
    if action == "promote":
        flash(f"{registration.name} was moved from the waiting list to confirmed and emailed.")
    else:
        flash(f"{registration.name}’s registration was cancelled and they were emailed.")
        for person in promoted:
            flash(f"{person.name} took the freed seat from the waiting list and was emailed.")
    return redirect(url_for("hosts.attendees", event_id=event.id, **list_args()), code=303)


def _refused(event: Event, message: str):
    """The attendee list with why the action was refused, as a 409: the commit point rolls back whatever the
    operation wrote before it refused."""
    flash(message, "error")
    return attendees(event.id), 409


@bp.post("/events/<int:event_id>/attendance")
@login_required
def attendance(event_id: int):
    """Mark attendance for the ticked registrants (one or many): attended, absent, or not recorded."""
    event = managed_event(event_id)
    if not csrf_ok():
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
    except EventError as error:
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
            event,
            name=form.name.data,
            email=form.email.data,
            organization=form.organization.data,
            email_them=not form.dont_email.data,
            now=now,
        )
    except RegistrationError as error:
        return _refused(event, error.message)
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
                f"Message sent to {counted(sent, 'confirmed registrant', 'confirmed registrants')}; "
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
    return csv_response(body, f"{event.slug}-registrants.csv")
