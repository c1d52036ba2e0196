"""The host's own pages: signing in and out, the password, the dashboard and its reports. The host blueprint's
other views live beside it, by what a host does: editor_views.py (creating and changing events),
attendee_views.py (the attendee list and its actions) and series_views.py (series and their sessions). The factory
imports each, so all their routes are on this one blueprint. Messages to registrants have a package of their own
(eventreg/messages)."""

from datetime import timedelta
from urllib.parse import urlsplit

from flask import Blueprint, Response, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import pgettext
from flask_login import current_user, login_required, login_user, logout_user

from eventreg import clock
from eventreg.attendance import exports as attendance_exports
from eventreg.charts import figures
from eventreg.core import languages, requests
from eventreg.core.extensions import db, login_manager
from eventreg.events.models import Event, Status
from eventreg.hosts import operations as host_operations
from eventreg.hosts import queries as host_queries
from eventreg.hosts.forms import ActionForm, LanguageForm, LoginForm, PasswordForm
from eventreg.hosts.models import Host
from eventreg.hosts.operations import HostError
from eventreg.registrations import queries as registration_queries
from eventreg.series.models import Series

bp = Blueprint("hosts", __name__, url_prefix="/host")
CHARTED_EVENTS = 12  # the dashboard's chart shows the next published events, so that each bar stays readable


# The status words the host pages show for an event and for a registration (the stored values are codes).
@bp.app_template_filter("event_status")
def event_status(status: str) -> str:
    words = {
        "draft": pgettext("event status", "draft"),
        "published": pgettext("event status", "published"),
        "cancelled": pgettext("event status", "cancelled"),
    }
    return words.get(status, status)


@bp.app_template_filter("registration_status")
def registration_status(status: str) -> str:
    words = {
        "confirmed": pgettext("registration status", "confirmed"),
        "waiting": pgettext("registration status", "waiting"),
        "pending": pgettext("registration status", "pending"),
        "declined": pgettext("registration status", "declined"),
        "cancelled": pgettext("registration status", "cancelled"),
    }
    return words.get(status, status)


@login_manager.user_loader
def load_host(session_id: str) -> Host | None:
    return host_operations.host_for_session(session_id, now=clock.now(), max_age=_session_max_age())


def _session_max_age() -> timedelta:
    return timedelta(seconds=current_app.config["HOST_SESSION_MAX_AGE"])


@bp.route("/login", methods=["GET", "POST"])
def login():
    form = LoginForm()
    if form.validate_on_submit():
        try:
            host = host_operations.authenticate(
                form.email.data, form.password.data, address=request.remote_addr or "", now=clock.now()
            )
        except HostError as error:
            requests.keep_on_error()  # the failed attempt is counted by the limit, so its row must be saved
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
            return render_template("hosts/password.html", form=form, language_form=_language_form()), 400
        flash(_("Your password is changed."))
        return redirect(url_for("hosts.dashboard"), code=303)
    return render_template(
        "hosts/password.html", form=form, language_form=_language_form()
    ), 400 if form.errors else 200


def _language_form(formdata=None) -> LanguageForm:
    form = LanguageForm(formdata=formdata)
    if formdata is None:
        form.locale.data = current_user.locale or ""
    return form


@bp.post("/language")
@login_required
def language():
    """The host's own language, from their account page: their pages (unless a ?lang= choice overrides it) and the
    mail sent to them."""
    form = LanguageForm()
    if not form.validate_on_submit():
        return render_template("hosts/password.html", form=PasswordForm(formdata=None), language_form=form), 400
    host_operations.set_language(current_user, form.locale.data or None)
    with languages.speaking(form.locale.data or languages.current()):  # in the language the next page is in
        flash(_("Your language is saved."))
    return redirect(url_for("hosts.password"), code=303)


@bp.get("/")
@login_required
def dashboard():
    now = clock.now()
    query = host_queries.managed_events_query(current_user)
    upcoming = db.session.scalars(query.where(Event.ends_at > now).order_by(Event.starts_at)).all()
    recent = db.session.scalars(query.where(Event.ends_at <= now).order_by(Event.starts_at.desc()).limit(20)).all()
    counts = registration_queries.counts_by_status([e.id for e in (*upcoming, *recent)])
    totals = host_queries.get_totals(current_user, now=now)
    charted = [event for event in upcoming if event.status == Status.PUBLISHED][:CHARTED_EVENTS]
    series = db.session.scalars(
        host_queries.managed_series_query(current_user).order_by(Series.created_at.desc(), Series.id.desc())
    ).all()
    return render_template(
        "hosts/dashboard.html",
        upcoming=upcoming,
        recent=recent,
        counts=counts,
        totals=totals,
        now=now,
        seats=figures.seats_by_event("seats-chart", charted, counts),
        series=series,
        series_counts=host_queries.count_series_sessions([s.id for s in series]),
    )


@bp.get("/reports")
@login_required
def reports():
    return render_template("hosts/reports.html")


@bp.get("/integrations")
@login_required
def integrations():
    return render_template("hosts/integrations.html")


@bp.get("/attendance.csv")
@login_required
def attendance_csv():
    events = db.session.scalars(
        host_queries.managed_events_query(current_user).where(Event.ends_at <= clock.now()).order_by(Event.starts_at)
    ).all()
    counts = registration_queries.counts_by_status([e.id for e in events])
    return csv_response(attendance_exports.attendance_csv(events, counts), "attendance.csv")


def csrf_ok() -> bool:
    """Buttons that only post an action still carry the CSRF token."""
    return ActionForm().validate_on_submit()


def csv_response(body: str, filename: str) -> Response:
    return Response(
        body.encode("utf-8"),
        headers={
            "Content-Type": "text/csv; charset=utf-8",
            "Content-Disposition": f'attachment; filename="{filename}"',
            "Cache-Control": "no-store",  # personal data
        },
    )
