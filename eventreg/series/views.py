import logging
from dataclasses import dataclass

from flask import Blueprint, abort, flash, g, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import login_required

from eventreg import clock
from eventreg.core import languages, requests
from eventreg.events.models import Event
from eventreg.hosts.access import managed_series
from eventreg.registrations import operations as registration_operations
from eventreg.registrations.models import RegistrationStatus
from eventreg.registrations.operations import RegistrationError
from eventreg.series import enrolments, queries, tokens
from eventreg.series.forms import ConfirmForm, DecisionForm, SeriesRegistrationForm
from eventreg.series.models import Enrolment, Series
from eventreg.series.rules import SeriesError

bp = Blueprint("series", __name__)
log = logging.getLogger(__name__)


def _public_series(slug: str) -> tuple[Series, list[Event]]:
    """The series and the sessions a visitor sees; 404 for an unknown series or one with nothing published."""
    series = queries.get_by_slug(slug)
    sessions = queries.public_sessions(series) if series else []
    if not sessions:
        abort(404)
    return series, sessions


def _open_sessions(series: Series, sessions: list[Event]) -> list[Event]:
    now = clock.now()
    if series.is_course:  # the sessions shown hold every published one, by start: no second read
        return enrolments.open_among(sessions, now=now)
    return [e for e in sessions if e.is_open_for_registration(now)]


def render_series_page(series: Series, sessions: list[Event], form: SeriesRegistrationForm, status: int = 200):
    now = clock.now()
    open_sessions = _open_sessions(series, sessions)
    seats_left = waiting = None
    if series.is_course and open_sessions and series.capacity is not None:
        seats_left = enrolments.seats_left(series)
        waiting = enrolments.count_waiting(series)
    page = render_template(
        "series/show.html",
        series=series,
        sessions=sessions,
        parts=queries.parts_of(sessions),
        open_ids={e.id for e in open_sessions},
        is_open=bool(open_sessions),
        seats_left=seats_left,
        waiting=waiting,
        now=now,
        form=form,
    )
    return page, status


@bp.get("/series/<slug>")
def show(slug: str):
    series, sessions = _public_series(slug)
    form = SeriesRegistrationForm(formdata=None, timezone=g.get("visitor_zone") or "")
    return render_series_page(series, sessions, form)


@dataclass
class SessionOutcome:
    event: Event
    sent: bool  # accepted: its details are mailed (whether the address was new or not: the page must not say)
    message: str = ""


@bp.post("/series/<slug>/register")
def register(slug: str):
    series, sessions = _public_series(slug)
    form = SeriesRegistrationForm()
    if not form.validate_on_submit():
        return render_series_page(series, sessions, form, 400)
    if form.is_bot:
        form.form_errors.append(_("We could not accept this registration."))
        return render_series_page(series, sessions, form, 400)
    now = clock.now()
    details = {**form.details(), "locale": languages.current()}
    if series.is_course:
        try:
            submitted = enrolments.submit_enrolment(series, form_key=form.form_key.data or None, now=now, **details)
        except SeriesError as error:
            form.form_errors.append(error.message)
            return render_series_page(series, sessions, form, 409)
        fields = {"series_id": series.id, "enrolment_id": submitted.enrolment.id, "outcome": submitted.outcome}
        requests.after_commit(lambda: log.info("course registration submitted", extra=fields))
        # The same answer whether the address was new, already held a place, or the form was sent twice.
        return render_template("series/check_email.html", series=series, email=form.email.data, outcomes=None)
    open_sessions = _open_sessions(series, sessions)
    if not open_sessions:
        form.form_errors.append(_("Registration has closed for every session of this program."))
        return render_series_page(series, sessions, form, 409)
    outcomes = []
    for event in open_sessions:
        try:
            registration_operations.submit_registration(event, form_key=form.form_key.data or None, now=now, **details)
        except RegistrationError as error:
            outcomes.append(SessionOutcome(event, False, error.message))
        else:
            outcomes.append(SessionOutcome(event, True))
    return render_template("series/check_email.html", series=series, email=form.email.data, outcomes=outcomes)


def _enrolment_from_link(signed: str) -> Enrolment:
    try:
        enrolment_id, token = tokens.read_manage_token(signed)
    except tokens.LinkError as error:
        abort(410 if error.code == "expired" else 404)
    enrolment = queries.get_enrolment_by_token(token)
    if enrolment is None or enrolment.id != enrolment_id:
        abort(404)
    return enrolment


def _can_cancel(enrolment: Enrolment) -> bool:
    now = clock.now()
    return enrolment.is_active and any(not r.event.has_ended(now) for r in enrolments.active_registrations(enrolment))


@bp.get("/series/manage/<signed>")
def manage(signed: str):
    enrolment = _enrolment_from_link(signed)
    registrations = sorted(enrolment.registrations, key=lambda r: (r.event.starts_at, r.event.id))
    return render_template(
        "series/manage.html",
        enrolment=enrolment,
        series=enrolment.series,
        registrations=registrations,
        parts=queries.parts_of([r.event for r in registrations]),
        position=enrolments.waiting_position(enrolment),
        can_cancel=_can_cancel(enrolment),
        signed=signed,
        now=clock.now(),
    )


@bp.get("/series/manage/<signed>/cancel")
def confirm_cancel(signed: str):
    """Cancelling cannot be undone (the seat goes to the next person waiting), so it is asked first."""
    enrolment = _enrolment_from_link(signed)
    if not _can_cancel(enrolment):
        return redirect(url_for("series.manage", signed=signed), code=303)
    return render_template(
        "series/cancel.html",
        enrolment=enrolment,
        series=enrolment.series,
        registrations=[r for r in enrolments.active_registrations(enrolment) if not r.event.has_ended(clock.now())],
        signed=signed,
        form=ConfirmForm(),
    )


@bp.post("/series/manage/<signed>/cancel")
def cancel(signed: str):
    enrolment = _enrolment_from_link(signed)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    enrolments.cancel_enrolment(enrolment, now=clock.now())
    fields = {"series_id": enrolment.series_id, "enrolment_id": enrolment.id}
    requests.after_commit(lambda: log.info("course registration cancelled", extra=fields))
    return redirect(url_for("series.manage", signed=signed), code=303)


# The hosts' list of a course's registrations, where they approve or decline those awaiting it.


@bp.get("/host/series/<int:series_id>/enrolments")
@login_required
def host_enrolments(series_id: int):
    series = managed_series(series_id)
    if not series.is_course:
        abort(404)
    rows = enrolments.list_enrolments(series)
    return render_template(
        "series/enrolments.html",
        series=series,
        enrolments=rows,
        seats_left=enrolments.seats_left(series),
        statuses=RegistrationStatus,
        form=DecisionForm(),
    )


@bp.post("/host/series/<int:series_id>/enrolments/<int:enrolment_id>/<any(approve, decline):decision>")
@login_required
def decide(series_id: int, enrolment_id: int, decision: str):
    series = managed_series(series_id)
    enrolment = enrolments.get_enrolment_of(series, enrolment_id)
    if enrolment is None:
        abort(404)
    form = DecisionForm()
    if not form.validate_on_submit():
        abort(400)
    operation = enrolments.approve if decision == "approve" else enrolments.decline
    try:
        operation(enrolment, now=clock.now(), note=form.note.data or "")
    except SeriesError as error:
        flash(error.message)
        return redirect(url_for("series.host_enrolments", series_id=series.id), code=303)
    if decision == "approve":
        flash(_("%(name)s’s registration is approved; they are emailed.", name=enrolment.name))
    else:
        flash(_("%(name)s’s registration is declined; they are emailed.", name=enrolment.name))
    return redirect(url_for("series.host_enrolments", series_id=series.id), code=303)
