"""The series editor: a new series with its sessions from a weekly pattern, the series page (its sessions in order,
each edited or cancelled in the ordinary event editor), one more session, publishing the drafts, the settings.

Every session is a real event, so moving or cancelling one is that event's own edit (editor_views.py), which tells
that session's registrants only."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_required
from wtforms.fields.choices import SelectChoice

from eventreg import clock, timezones
from eventreg.events.models import Event, Status
from eventreg.hosts.access import managed_series
from eventreg.hosts.forms import ActionForm, AddSessionForm, NewSeriesForm, SeriesForm
from eventreg.hosts.views import bp, csrf_ok
from eventreg.registrations import queries as registration_queries
from eventreg.series import enrolments
from eventreg.series import operations as series_operations
from eventreg.series import queries as series_queries
from eventreg.series.models import CreditRule, Series, SeriesKind
from eventreg.series.rules import SeriesError


@bp.route("/series/new", methods=["GET", "POST"])
@login_required
def new_series():
    """Settings and a pattern on one page. "Preview the dates" lists the sessions the pattern makes; "Create the
    series" saves it with its sessions as drafts and shows them on the series page, where they are published."""
    form = NewSeriesForm()
    if request.method == "GET":
        form.timezone.data = current_user.timezone
    if form.validate_on_submit():
        now = clock.now()
        planned = form.plan(now=now)
        is_course = form.kind.data == SeriesKind.COURSE
        credit_ok = not is_course or form.check_course(form.sessions_count.data)
        if planned and credit_ok:
            if "preview" in request.form:
                return render_template("hosts/series_new.html", form=form, planned=planned)
            settings = form.settings(is_course=is_course)
            series = series_operations.create_series(
                current_user,
                title=settings.pop("title"),
                kind=form.kind.data,
                timezone=settings.pop("timezone"),
                now=now,
                **settings,
            )
            series_operations.add_sessions(
                series,
                planned,
                current_user,
                now=now,
                description=series.description,
                **form.session_fields(series.summary),
            )
            flash(
                ngettext(
                    "Saved with %(num)d draft session. Check the dates below, then publish them.",
                    "Saved with %(num)d draft sessions. Check the dates below, then publish them.",
                    len(planned),
                )
            )
            return redirect(url_for("hosts.show_series", series_id=series.id), code=303)
    return render_template("hosts/series_new.html", form=form, planned=None), 400 if form.errors else 200


@bp.get("/series/<int:series_id>")
@login_required
def show_series(series_id: int):
    series = managed_series(series_id)
    sessions = series_queries.sessions(series)
    return render_template(
        "hosts/series_show.html",
        series=series,
        sessions=sessions,
        counts=registration_queries.counts_by_status([e.id for e in sessions]),
        enrolments=series_queries.count_enrolments(series) if series.is_course else None,
        drafts=[e for e in sessions if e.status == Status.DRAFT],
        when={e.id: _when(e, series.timezone) for e in sessions},
        credit=_credit_text(series),
    )


def _when(event: Event, zone: str) -> dict[str, str]:
    """A session's date and times in the series' zone ("Tuesday 4 March 2025", "3:00 PM – 4:00 PM EST"), and its
    start in UTC, so a host sees a clock change keep the local time while UTC moves."""
    start, end = timezones.to_zone(event.starts_at, zone), timezones.to_zone(event.ends_at, zone)
    utc = timezones.to_zone(event.starts_at, "UTC")
    return {
        "date": timezones.format_long_date(start),
        "time": f"{timezones.format_time(start)} – {timezones.format_time(end)} {start.tzname()}",
        "utc": f"{timezones.format_time(utc)} UTC",
    }


def _credit_text(series: Series) -> str:
    if series.credit_rule == CreditRule.ALL_SESSIONS:
        rule = _("Attend every session")
    elif series.credit_rule == CreditRule.SOME_SESSIONS:
        rule = _("Attend %(num)s of the sessions", num=series.credit_sessions)
    elif series.credit_rule == CreditRule.TOTAL_MINUTES:
        rule = _("Attend %(num)s minutes in all", num=series.credit_minutes)
    else:
        rule = series.credit_rule
    if series.contact_hours:
        hours = f"{series.contact_hours.normalize():f}"
        return _("%(rule)s; %(hours)s contact hours on the course certificate", rule=rule, hours=hours)
    return _("%(rule)s; no course certificate (no contact hours)", rule=rule)


def _live_sessions(series: Series) -> int:
    return len(series_queries.sessions(series, include_cancelled=False))


@bp.route("/series/<int:series_id>/edit", methods=["GET", "POST"])
@login_required
def edit_series(series_id: int):
    series = managed_series(series_id)
    form = SeriesForm(obj=series)
    if series.timezone not in timezones.canonical_zones():
        form.timezone.choices = [*form.timezone.choices, SelectChoice(series.timezone, series.timezone)]
    if form.validate_on_submit() and (not series.is_course or form.check_course(_live_sessions(series))):
        try:
            series_operations.update_series(series, now=clock.now(), **form.settings(is_course=series.is_course))
            if series.is_course:  # more seats (or none limited) confirm people waiting, in order
                enrolments.promote_waiting(series, now=clock.now())
        except SeriesError as error:
            field = form.requires_approval if error.code == "pending_left" else form.capacity
            field.errors.append(error.message)
            return render_template("hosts/series_edit.html", form=form, series=series), 400
        flash(_("Saved. The sessions keep their own times and pages; edit one from the list to change it."))
        return redirect(url_for("hosts.show_series", series_id=series.id), code=303)
    return render_template("hosts/series_edit.html", form=form, series=series), 400 if form.errors else 200


@bp.route("/series/<int:series_id>/sessions/new", methods=["GET", "POST"])
@login_required
def add_session(series_id: int):
    """One more session on a date and time in the series' zone, as a draft; the rest is copied from the latest
    session (its format, place, join link, presenter, summary and reminders)."""
    series = managed_series(series_id)
    form = AddSessionForm()
    if form.validate_on_submit():
        now = clock.now()
        planned = form.planned(series.timezone, now=now)
        if planned is not None:
            fields = series_operations.session_defaults(series)
            if form.title.data:
                fields["title"] = form.title.data
            (event,) = series_operations.add_sessions(series, [planned], current_user, now=now, **fields)
            flash(
                _(
                    "A draft session on %(when)s was added. Publish it when it is ready.",
                    when=timezones.in_zone(event.starts_at, series.timezone),
                )
            )
            return redirect(url_for("hosts.show_series", series_id=series.id), code=303)
    return render_template("hosts/series_add_session.html", form=form, series=series), 400 if form.errors else 200


@bp.route("/series/<int:series_id>/publish", methods=["GET", "POST"])
@login_required
def publish_series(series_id: int):
    """GET: the drafts that will go on the public pages, with their dates, to confirm. POST: publish them."""
    series = managed_series(series_id)
    drafts = [e for e in series_queries.sessions(series) if e.status == Status.DRAFT]
    if request.method == "POST":
        if not csrf_ok():
            abort(400)
        published = series_operations.publish(series, now=clock.now())
        # People already registered for a course are registered for its new sessions and get their invitations.
        enrolments.enrol_in_new_sessions(series, published, now=clock.now())
        flash(
            ngettext(
                "Published %(num)d session: they are on the public pages.",
                "Published %(num)d sessions: they are on the public pages.",
                len(published),
            )
            if published
            else _("There was no draft to publish.")
        )
        return redirect(url_for("hosts.show_series", series_id=series.id), code=303)
    return render_template("hosts/series_confirm_publish.html", series=series, drafts=drafts, form=ActionForm())
