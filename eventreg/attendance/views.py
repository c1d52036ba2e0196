"""Host pages for importing a webinar platform's attendance report: upload, map columns (generic CSVs),
preview, apply; and the event's credit rule."""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_login import current_user, login_required

from eventreg import clock
from eventreg.attendance import credit, matching, operations, reports
from eventreg.attendance.forms import ApplyForm, ColumnsForm, CreditForm, UploadForm
from eventreg.attendance.models import AttendanceImport
from eventreg.attendance.operations import AttendanceError
from eventreg.attendance.reports import ReportError
from eventreg.core.extensions import db
from eventreg.core.inputs import MAX_ID
from eventreg.events.models import Event
from eventreg.events.rules import EventError, check_attendance_open
from eventreg.hosts import queries as host_queries
from eventreg.hosts.access import managed_event

bp = Blueprint("attendance", __name__, url_prefix="/host/events/<int:event_id>/attendance")
# Room for the form's other fields around the largest report we read.
UPLOAD_BODY_LIMIT = reports.MAX_REPORT_BYTES + 64 * 1024


# A registration's status as the preview names it inside a sentence ("registration waiting").
STATUS_WORDS = {
    "confirmed": _l("confirmed"),
    "waiting": _l("waiting"),
    "pending": _l("pending"),
    "declined": _l("declined"),
    "cancelled": _l("cancelled"),
}


@bp.context_processor
def attendance_helpers():
    return {
        "status_label": lambda status: STATUS_WORDS.get(status, status),
        "required_minutes": credit.required_minutes,
        "format_labels": reports.Format.LABELS,
        "max_size": reports.size_label(reports.MAX_REPORT_BYTES),
    }


@bp.url_value_preprocessor
def allow_report_uploads(endpoint, values):
    """Runs before every before_request hook (the CSRF check reads the body): the upload may be larger than
    the 1 MB the rest of the site accepts."""
    if endpoint == "attendance.upload":
        request.max_content_length = UPLOAD_BODY_LIMIT


@bp.errorhandler(413)
def too_large(error):
    """A file over the limit never reaches the view: say so on the form, with what to do."""
    event_id = (request.view_args or {}).get("event_id", 0)
    event = host_queries.get_managed_event(current_user, event_id) if current_user.is_authenticated else None
    if event is None:
        return error
    form = UploadForm(formdata=None, zone=event.timezone)
    size = request.content_length or 0
    form.report.errors = [
        ReportError(
            "too_large", size=reports.size_label(size), limit=reports.size_label(reports.MAX_REPORT_BYTES)
        ).message
    ]
    return render_template("attendance/upload.html", event=event, form=form, imports=_recent_imports(event)), 413


def event_import(event: Event, import_id: int) -> AttendanceImport:
    imported = db.session.get(AttendanceImport, import_id) if 0 < import_id <= MAX_ID else None
    if imported is None or imported.event_id != event.id:
        abort(404)
    return imported


def _recent_imports(event: Event) -> list[AttendanceImport]:
    return list(
        db.session.scalars(
            db.select(AttendanceImport)
            .where(AttendanceImport.event_id == event.id)
            .order_by(AttendanceImport.id.desc())
            .limit(10)
        )
    )


@bp.route("/import", methods=["GET", "POST"])
@login_required
def upload(event_id: int):
    event = managed_event(event_id)
    form = UploadForm()
    if request.method == "GET":
        form.zone.data = event.timezone
    status = 200
    if form.validate_on_submit():
        data = form.report.data.read(reports.MAX_REPORT_BYTES + 1)
        try:
            imported = operations.store_import(
                event,
                host=current_user,
                filename=form.report.data.filename or "",
                data=data,
                zone=form.zone.data,
                now=clock.now(),
            )
        except (ReportError, AttendanceError, EventError) as error:
            form.report.errors = [error.message]
            status = 400
        else:
            return redirect(url_for("attendance.preview", event_id=event.id, import_id=imported.id), code=303)
    elif form.errors:
        status = 400
    try:
        check_attendance_open(event, clock.now())
    except EventError as error:
        form.form_errors.append(error.message)
    return render_template("attendance/upload.html", event=event, form=form, imports=_recent_imports(event)), status


@bp.route("/imports/<int:import_id>/columns", methods=["GET", "POST"])
@login_required
def columns(event_id: int, import_id: int):
    """The preview's column choice: the report read again with these columns, and the preview shown. Saved on
    this import only; offered for later uploads once this import is applied."""
    event = managed_event(event_id)
    imported = event_import(event, import_id)
    if request.method == "GET":
        return redirect(url_for("attendance.preview", event_id=event.id, import_id=imported.id), code=303)
    form = _columns_form(imported)
    if form.validate_on_submit():
        mapping = reports.Mapping(
            email=form.email.data,
            name=form.name.data,
            minutes=form.minutes.data,
            joined=form.joined.data,
            left=form.left.data,
        )
        try:
            operations.map_columns(imported, event, mapping)
        except (ReportError, AttendanceError) as error:
            form.form_errors.append(error.message)
        else:
            return redirect(url_for("attendance.preview", event_id=event.id, import_id=imported.id), code=303)
    return _preview(event, imported, ApplyForm(formdata=None, mark_absent=True), {}, columns_form=form)


def _columns_form(imported: AttendanceImport, *, posted: bool = True) -> ColumnsForm:
    form = ColumnsForm() if posted else ColumnsForm(formdata=None)
    form.set_columns(imported.columns)
    return form


@bp.get("/imports/<int:import_id>")
@login_required
def preview(event_id: int, import_id: int):
    event = managed_event(event_id)
    imported = event_import(event, import_id)
    return _preview(event, imported, ApplyForm(formdata=None, mark_absent=True), {})


def _preview(
    event: Event,
    imported: AttendanceImport,
    form: ApplyForm,
    decisions: dict,
    error: str = "",
    columns_form: ColumnsForm | None = None,
):
    mapping = operations.mapping_of(imported.mapping)
    if columns_form is None:
        columns_form = _columns_form(imported, posted=False)
        chosen = mapping or reports.guess_mapping(imported.columns)
        for name in operations.MAPPING_FIELDS:
            getattr(columns_form, name).data = getattr(chosen, name)
    plan = matching.plan(event, operations.rows_of(imported)) if imported.is_read else None
    same_file_applied = db.session.scalar(
        db.select(AttendanceImport.applied_at)
        .where(
            AttendanceImport.event_id == event.id,
            AttendanceImport.sha256 == imported.sha256,
            AttendanceImport.applied_at.is_not(None),
        )
        .order_by(AttendanceImport.applied_at.desc())
        .limit(1)
    )
    status = 400 if error or columns_form.form_errors else 200
    return render_template(
        "attendance/preview.html",
        event=event,
        imported=imported,
        plan=plan,
        form=form,
        decisions=decisions,
        decision_field=operations.decision_field,
        same_file_applied=same_file_applied,
        error=error,
        format_label=reports.Format.LABELS[imported.format],
        contact_hours=event.contact_hours,
        columns_form=columns_form,
        mapping=mapping,
        stated_zones=(imported.mapping or {}).get("stated_zones", []),
        doubts=matching.doubts(event, plan) if plan else [],
        merged=matching.merged_segments(plan) if plan else 0,
        has_attended=credit.has_attended,
        clipped=matching.clipped(plan) if plan else [],
        window=matching.plausible_window(event),
    ), status


@bp.post("/imports/<int:import_id>/apply")
@login_required
def apply(event_id: int, import_id: int):
    event = managed_event(event_id)
    imported = event_import(event, import_id)
    form = ApplyForm()
    decisions = {key: value for key, value in request.form.items() if key.startswith("person-")}
    if not form.validate_on_submit():
        abort(400)
    try:
        applied = operations.apply_import(
            imported, event, decisions=decisions, mark_absent=form.mark_absent.data, now=clock.now()
        )
    except AttendanceError as error:
        return _preview(event, imported, form, decisions, error=error.message)
    if applied.changed_nothing:
        flash(_("Attendance applied: nothing changed (this report was applied already)."))
    else:
        updated = ngettext("%(num)d registrant updated", "%(num)d registrants updated", applied.updated)
        walk_ins = ngettext("%(num)d walk-in added", "%(num)d walk-ins added", applied.walk_ins)
        absent = ngettext("%(num)d marked absent", "%(num)d marked absent", applied.marked_absent)
        flash(
            _(
                "Attendance applied: %(updated)s, %(walk_ins)s, %(absent)s.",
                updated=updated,
                walk_ins=walk_ins,
                absent=absent,
            )
        )
    return redirect(url_for("hosts.attendees", event_id=event.id), code=303)


@bp.route("/credit", methods=["GET", "POST"])
@login_required
def credit_rule(event_id: int):
    event = managed_event(event_id)
    form = CreditForm()
    if request.method == "GET":
        form.min_minutes.data = event.credit_min_minutes
        form.contact_hours.data = event.contact_hours
    if form.validate_on_submit():
        try:
            operations.set_credit_rule(
                event, min_minutes=form.min_minutes.data, contact_hours=form.contact_hours.data, now=clock.now()
            )
        except EventError as error:  # nothing was written; the 400 answer rolls back anyway
            (form.contact_hours if error.code == "bad_contact_hours" else form.min_minutes).errors.append(error.message)
        else:
            flash(
                _("Credit rule saved: %(minutes)s minutes count as attended.", minutes=credit.required_minutes(event))
            )
            return redirect(url_for("attendance.upload", event_id=event.id), code=303)
    return render_template(
        "attendance/credit.html", event=event, form=form, default_minutes=credit.required_minutes(event)
    ), 400 if form.errors else 200
