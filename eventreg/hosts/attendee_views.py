"""The attendee list and what a host does from it: search, filter and page it, approve or decline registrations,
promote from the waiting list, cancel a registration, mark attendance, add someone by hand, export it as CSV.
(Messages to registrants: eventreg/messages.)"""

import re
from datetime import datetime

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext, ngettext
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
from eventreg.hosts.forms import AddRegistrantForm, DecisionForm
from eventreg.hosts.views import bp, csrf_ok, csv_response, registration_status
from eventreg.mail import queries as mail_queries
from eventreg.questions import queries as question_queries
from eventreg.registrations import changes as registration_changes
from eventreg.registrations import operations as seats
from eventreg.registrations import queries as registration_queries
from eventreg.registrations.models import ChangedBy, Registration, RegistrationStatus
from eventreg.registrations.operations import RegistrationError

ATTENDEES_PER_PAGE = 50
# Row ids are 32-bit integer columns. A larger number names no row, and SQLite's driver cannot even send one
# past 2**63, so such ids are answered before any query.
ROW_ID = re.compile(r"[0-9]{1,10}")
# The attendee list's own query parameters, carried back to it after an action on the list.
LIST_ARGS = ("q", "sort", "page", "status")
# The list's status filter: its choices, in the order offered.
STATUS_FILTERS = [
    ("", _l("All registrations")),
    (RegistrationStatus.PENDING, _l("Awaiting approval")),
    (RegistrationStatus.CONFIRMED, _l("Confirmed")),
    (RegistrationStatus.WAITING, _l("Waiting list")),
    (RegistrationStatus.DECLINED, _l("Declined")),
    (RegistrationStatus.CANCELLED, lazy_pgettext("registrations", "Cancelled")),
]
# At most this many registrations in one approval or decline: a page of the list holds 50.
MAX_DECIDED = 200


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
    if not registration.is_active:
        flash(
            _("%(name)s: already %(status)s.", name=registration.name, status=registration_status(registration.status))
        )
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
    status = request.args.get("status", "")
    status = status if status in RegistrationStatus.ALL else ""  # an unknown one shows all, as an unknown sort
    page = request.args.get("page", 1, type=int)
    paging.check_page(page, per_page=ATTENDEES_PER_PAGE)
    counts = registration_queries.counts_by_status([event.id])[event.id]
    # Without a search, the page's total is read from the counts already read: no second COUNT over the rows.
    query = registration_queries.attendees_query(event, q=q, sort=sort, status=status or None)
    pagination = db.paginate(query, page=page, per_page=ATTENDEES_PER_PAGE, count=bool(q))
    if not q:
        pagination.total = counts[status] if status else sum(counts[s] for s in RegistrationStatus.ALL)
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
        answers=question_queries.answers_of([registration.id for registration in pagination.items]),
        asks_questions=bool(question_queries.list_event_questions(event)),
        counts=counts,
        q=q,
        sort=sort,
        status=status,
        status_filters=STATUS_FILTERS,
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
    if action == "cancel" and not registration.is_active:
        flash(
            _(
                "%(name)s: already %(status)s; nothing was changed.",
                name=registration.name,
                status=registration_status(registration.status),
            )
        )
        return redirect(url_for("hosts.attendees", event_id=event.id, **list_args()), code=303)
    try:
        if action == "promote":
            seats.promote(registration, now=clock.now())
        else:
            promoted = seats.cancel_registration(registration, now=clock.now())
    except RegistrationError as error:
        return _refused(event, error.message)
    if action == "promote":
        flash(_("%(name)s was moved from the waiting list to confirmed and emailed.", name=registration.name))
    else:
        flash(_("%(name)s’s registration was cancelled and they were emailed.", name=registration.name))
        for person in promoted:
            flash(_("%(name)s took the freed seat from the waiting list and was emailed.", name=person.name))
    return redirect(url_for("hosts.attendees", event_id=event.id, **list_args()), code=303)


def _ticked(event: Event) -> list[Registration]:
    """The registrations named by the request's `registration` values (the list's checkboxes, or a row's link), each
    once: all found (or 404) before anything is done with any. 400 for anything but row ids, or too many."""
    ids = request.values.getlist("registration")
    if len(ids) > MAX_DECIDED or not all(ROW_ID.fullmatch(i) for i in ids):
        abort(400)
    return [event_registration(event, int(i)) for i in dict.fromkeys(ids)]


def _can_decide(registration: Registration, decision: str) -> bool:
    """Whether `decision` applies to it: both to someone pending; approval also to someone declined earlier."""
    return registration.is_pending or (decision == "approve" and registration.is_declined)


def _forecast(event: Event, registrations: list[Registration]) -> dict[int, bool]:
    """Registration id -> whether approving them now gives a seat (else the waiting list), by the rule approve
    follows: free seats go to the earliest registered. The answer after the POST may differ if seats change."""
    free, _ = seats.seat_counts(event)
    ordered = sorted(registrations, key=lambda r: (r.created_at, r.id))
    return {r.id: free is None or index < free for index, r in enumerate(ordered)}


def _render_decision(event: Event, decision: str, registrations: list[Registration], form: DecisionForm, status=200):
    chosen = [r for r in registrations if _can_decide(r, decision)]
    return render_template(
        "hosts/confirm_decision.html",
        event=event,
        decision=decision,
        chosen=chosen,
        skipped=[r for r in registrations if not _can_decide(r, decision)],
        seated=_forecast(event, chosen) if decision == "approve" else {},
        free=seats.seat_counts(event)[0],
        form=form,
        back=url_for("hosts.attendees", event_id=event.id, **list_args()),
        list_args=list_args(),
    ), status


@bp.get("/events/<int:event_id>/decisions")
@login_required
def confirm_decision(event_id: int):
    """The step before approving or declining the ticked registrations (or one row's): who, and what each will get
    (a seat or the waiting list; the emails), with an optional note. The POST to the same address does it."""
    event = managed_event(event_id)
    decision = request.args.get("decision")
    if decision not in ("approve", "decline"):
        abort(400)
    registrations = _ticked(event)
    if not any(_can_decide(r, decision) for r in registrations):
        flash(
            _("Tick one or more registrations awaiting approval first.")
            if not registrations
            else _("None of the ticked registrations can be approved: they are not awaiting approval.")
            if decision == "approve"
            else _("None of the ticked registrations can be declined: they are not awaiting approval."),
            "error",
        )
        return redirect(url_for("hosts.attendees", event_id=event.id, **list_args()), code=303)
    return _render_decision(event, decision, registrations, DecisionForm(formdata=None, decision=decision))


@bp.post("/events/<int:event_id>/decisions")
@login_required
def decide(event_id: int):
    event = managed_event(event_id)
    form = DecisionForm()
    registrations = _ticked(event)
    if not form.validate_on_submit():
        if {"csrf_token", "decision"} & set(form.errors):  # not from our page: nothing to show again
            abort(400)
        return _render_decision(event, form.decision.data, registrations, form, 400)
    operation = seats.approve if form.decision.data == "approve" else seats.decline
    try:
        decisions = operation(event, registrations, note=form.note.data or "", now=clock.now())
    except RegistrationError as error:
        return _refused(event, error.message)
    for message in _decided_messages(event, decisions, noted=bool(form.note.data)):
        flash(message)
    return redirect(url_for("hosts.attendees", event_id=event.id, **list_args()), code=303)


def _names(registrations: list[Registration]) -> str:
    names = [r.name for r in registrations]
    if len(names) == 1:
        return names[0]
    return _("%(names)s and %(last)s", names=", ".join(names[:-1]), last=names[-1])


def _decided_messages(event: Event, decisions: seats.Decisions, *, noted: bool) -> list[str]:
    """What an approval or decline did, in plain words: who got a seat, who joined the waiting list (at which
    place), who was declined, who was left as they were, and what each was emailed."""
    messages = []
    if decisions.confirmed:
        names = _names(decisions.confirmed)
        if event.join_url:
            message = (
                _(
                    "Approved with a seat: %(names)s. Emailed the confirmation with the join link and a calendar "
                    "invitation (with your note).",
                    names=names,
                )
                if noted
                else _(
                    "Approved with a seat: %(names)s. Emailed the confirmation with the join link and a calendar "
                    "invitation.",
                    names=names,
                )
            )
        else:
            message = (
                _(
                    "Approved with a seat: %(names)s. Emailed the confirmation and a calendar invitation (with your "
                    "note).",
                    names=names,
                )
                if noted
                else _(
                    "Approved with a seat: %(names)s. Emailed the confirmation and a calendar invitation.", names=names
                )
            )
        messages.append(message)
    if decisions.waiting:
        positions = registration_queries.waiting_positions(event)
        placed = ", ".join(
            _("%(name)s (position %(position)d)", name=r.name, position=positions[r.id]) for r in decisions.waiting
        )
        messages.append(
            _(
                "Approved onto the waiting list, as no seat was free: %(placed)s. Emailed their place in the queue "
                "(with your note); they get a seat as seats free up.",
                placed=placed,
            )
            if noted
            else _(
                "Approved onto the waiting list, as no seat was free: %(placed)s. Emailed their place in the queue; "
                "they get a seat as seats free up.",
                placed=placed,
            )
        )
    if decisions.declined:
        names = _names(decisions.declined)
        messages.append(
            _("Declined: %(names)s. Emailed that it was not approved (with your note).", names=names)
            if noted
            else _("Declined: %(names)s. Emailed that it was not approved.", names=names)
        )
    if decisions.skipped:
        left = ", ".join(f"{r.name} ({registration_status(r.status)})" for r in decisions.skipped)
        messages.append(_("Left as they were, no longer awaiting this decision: %(left)s.", left=left))
    return messages or [_("Nobody was ticked, so nothing changed.")]


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
    if not marked:
        flash(_("Nobody was ticked."))
    elif value is True:
        flash(ngettext("%(num)d registrant marked attended.", "%(num)d registrants marked attended.", marked))
    elif value is False:
        flash(ngettext("%(num)d registrant marked absent.", "%(num)d registrants marked absent.", marked))
    else:
        flash(ngettext("%(num)d registrant marked not recorded.", "%(num)d registrants marked not recorded.", marked))
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
    if added.emailed and registration.is_confirmed:
        if event.join_url:
            return _("Added %(who)s as confirmed; a confirmation with the join link was emailed.", who=who)
        return _("Added %(who)s as confirmed; a confirmation was emailed.", who=who)
    if added.emailed:
        return _("Added %(who)s to the waiting list; a note with their place in the queue was emailed.", who=who)
    if event.has_ended(now):
        if registration.is_waiting:
            return _("Added %(who)s to the waiting list; no email was sent (the event has ended).", who=who)
        return _("Added %(who)s as confirmed; no email was sent (the event has ended).", who=who)
    if registration.is_waiting:
        return _("Added %(who)s to the waiting list; no email was sent.", who=who)
    return _("Added %(who)s as confirmed; no email was sent.", who=who)


@bp.get("/events/<int:event_id>/attendees.csv")
@login_required
def attendees_csv(event_id: int):
    event = managed_event(event_id)
    rows = db.session.scalars(registration_queries.attendees_query(event, sort="registered"))
    body = exports.attendees_csv(
        rows,
        registration_queries.waiting_positions(event),
        current_user.timezone,
        answer_columns=question_queries.answer_columns(event),
        answers=question_queries.answer_table(event),
    )
    return csv_response(body, f"{event.slug}-registrants.csv")
