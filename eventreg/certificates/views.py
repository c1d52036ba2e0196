"""Certificates: the host's finalise, reissue and revoke pages; the registrant's download and name
correction under their manage link; and the public verification page."""

import logging

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_required

from eventreg import clock, timezones
from eventreg.attendance import credit
from eventreg.certificates import logos, operations, queries, rendering
from eventreg.certificates.forms import (
    ConfirmForm,
    FinaliseForm,
    NameForm,
    ReissueForm,
    RevokeForm,
    SettingsForm,
    SignerForm,
)
from eventreg.certificates.models import Certificate, CourseCertificate, normalise_code
from eventreg.certificates.notifications import hours_label, read_course_download_token
from eventreg.certificates.operations import CertificateError
from eventreg.core import pdf, requests
from eventreg.core.extensions import db
from eventreg.core.inputs import MAX_ID
from eventreg.events.models import Event
from eventreg.hosts import queries as host_queries
from eventreg.hosts.access import managed_event
from eventreg.registrations import links
from eventreg.registrations.models import Registration
from eventreg.series import credit as course_credit
from eventreg.series import queries as series_queries
from eventreg.series.models import Series

bp = Blueprint("certificates", __name__)
log = logging.getLogger(__name__)
HOST = "/host/events/<int:event_id>/certificates"


@bp.app_context_processor
def certificate_helpers():
    # The manage page (registrations/manage.html) shows the registrant's certificate, or the name it will carry.
    return {"certificate_of": queries.get_for_registration, "hours_label": hours_label}


def change_labels() -> dict[str, str]:
    """The words a reissue's changes are logged under ("name", "title", "hours"), in the page's language."""
    return {"name": _("name"), "title": _("title"), "hours": _("hours")}


def change_text(changes: list[tuple]) -> str:
    """ "name: Ana Lopez → Ana López; hours: 1.5 → 2", with the labels in the page's language."""
    labels = change_labels()
    return "; ".join(f"{labels.get(label, label)}: {old} → {new}" for label, old, new in changes)


def log_detail(entry) -> str:
    """A certificate log entry's detail as the page shows it: a reissue's English labels (and "unchanged")
    translated; a revocation's reason as the host wrote it."""
    if entry.action != "reissued":
        return entry.detail
    if entry.detail == "unchanged":
        return _("unchanged")
    labels = change_labels()
    parts = []
    for part in entry.detail.split("; "):
        label, colon, rest = part.partition(": ")
        parts.append(f"{labels[label]}: {rest}" if colon and label in labels else part)
    return "; ".join(parts)


def event_certificate(event: Event, certificate_id: int) -> Certificate:
    certificate = db.session.get(Certificate, certificate_id) if 0 < certificate_id <= MAX_ID else None
    if certificate is None or certificate.event_id != event.id:
        abort(404)
    return certificate


def pdf_response(certificate: Certificate) -> Response:
    # A 304 without rendering when the browser holds this version (ETag of the HTML: core/pdf.py).
    return pdf.download(rendering.certificate_html(certificate), filename=rendering.filename(certificate))


# Host pages


def render_index(event: Event, signer_form: SignerForm, status: int = 200):
    return render_template(
        "certificates/index.html",
        event=event,
        certificates=queries.list_for_event(event),
        qualifying=len(queries.list_qualifying(event)),
        required_minutes=credit.required_minutes(event),
        ended=event.has_ended(clock.now()),
        signer_form=signer_form,
        site=operations.site_issuer_settings(),
        chosen=operations.issuer_settings(event),
        course=_course_of(event),
    ), status


def _course_of(event: Event) -> Series | None:
    """The course this event is a session of: its certificate is the course's, not the session's."""
    return event.series if event.series is not None and event.series.is_course else None


@bp.get(HOST)
@login_required
def index(event_id: int):
    event = managed_event(event_id)
    override = operations.get_event_signer(event)
    return render_index(event, SignerForm(obj=override) if override else SignerForm(formdata=None))


@bp.post(f"{HOST}/signer")
@login_required
def event_signer(event_id: int):
    """The event's own issuer and signer, for certificates issued from now on."""
    event = managed_event(event_id)
    form = SignerForm()
    if not form.validate_on_submit():
        return render_index(event, form, 400)
    operations.save_event_signer(
        event, issuer=form.issuer.data or "", signer=form.signer.data or "", signer_title=form.signer_title.data or ""
    )
    flash(_("Issuer and signer saved. Certificates issued from now on carry them; those already issued keep theirs."))
    return redirect(url_for("certificates.index", event_id=event.id, _anchor="signer-title"), code=303)


@bp.route(f"{HOST}/finalise", methods=["GET", "POST"])
@login_required
def finalise(event_id: int):
    """Finalising mails everyone it issues to, so it is asked first, with the list of who that is."""
    event = managed_event(event_id)
    form = FinaliseForm()
    error = None
    if request.method == "POST":
        if not form.validate_on_submit():
            abort(400)
        try:
            issued = operations.finalise(event, host=current_user, now=clock.now())
        except CertificateError as refused:
            error = refused.message
        else:
            count = len(issued)
            fields = {"event_id": event.id, "issued": count}
            requests.after_commit(lambda: log.info("certificates issued", extra=fields))
            flash(
                ngettext("%(num)d certificate issued and emailed.", "%(num)d certificates issued and emailed.", count)
            )
            return redirect(url_for("certificates.index", event_id=event.id), code=303)
    else:
        if _course_of(event) is not None:
            error = CertificateError("course_session", title=event.series.title).message
        elif not event.offers_certificate:
            error = CertificateError("no_contact_hours").message
        elif not event.has_ended(clock.now()):
            error = CertificateError("not_ended").message
    return render_template(
        "certificates/finalise.html",
        event=event,
        form=form,
        error=error,
        qualifying=queries.list_qualifying(event),
        required_minutes=credit.required_minutes(event),
        already=queries.count_for_event(event.id),
        course=_course_of(event),
    ), 409 if error and request.method == "POST" else 200


@bp.route(f"{HOST}/<int:certificate_id>/reissue", methods=["GET", "POST"])
@login_required
def reissue(event_id: int, certificate_id: int):
    event = managed_event(event_id)
    certificate = event_certificate(event, certificate_id)
    form = ReissueForm()
    if request.method == "GET":
        form.name.data = certificate.name
    status = 400 if request.method == "POST" else 200
    if form.validate_on_submit():
        try:
            changes = operations.reissue(certificate, name=form.name.data, host=current_user, now=clock.now())
        except CertificateError as error:
            form.form_errors.append(error.message)
            status = 409
        else:
            details = {"number": certificate.number, "name": certificate.name}
            if changes:
                flash(
                    _(
                        "Certificate %(number)s reissued to %(name)s and emailed (%(changes)s).",
                        changes=change_text(changes),
                        **details,
                    )
                )
            else:
                flash(_("Certificate %(number)s reissued to %(name)s and emailed.", **details))
            return redirect(url_for("certificates.index", event_id=event.id), code=303)
    return render_template(
        "certificates/reissue.html", event=event, certificate=certificate, form=form, log_detail=log_detail
    ), status


@bp.route(f"{HOST}/<int:certificate_id>/revoke", methods=["GET", "POST"])
@login_required
def revoke(event_id: int, certificate_id: int):
    event = managed_event(event_id)
    certificate = event_certificate(event, certificate_id)
    form = RevokeForm()
    status = 400 if request.method == "POST" else 200
    if form.validate_on_submit():
        try:
            operations.revoke(certificate, reason=form.reason.data, host=current_user, now=clock.now())
        except CertificateError as error:
            form.form_errors.append(error.message)
            status = 409
        else:
            flash(_("Certificate %(number)s (%(name)s) revoked.", number=certificate.number, name=certificate.name))
            return redirect(url_for("certificates.index", event_id=event.id), code=303)
    return render_template("certificates/revoke.html", event=event, certificate=certificate, form=form), status


@bp.get(f"{HOST}/<int:certificate_id>/certificate.pdf")
@login_required
def host_download(event_id: int, certificate_id: int):
    event = managed_event(event_id)
    return pdf_response(event_certificate(event, certificate_id))


# A course's certificates: one per enrolment, for the whole course
SERIES_HOST = "/host/series/<int:series_id>/certificates"


def managed_series(series_id: int) -> Series:
    """The course if the signed-in host may issue its certificates: an admin, the host who made it, or one who
    manages every one of its sessions. 404 otherwise, so ids reveal nothing."""
    series = series_queries.get_series(series_id) if 0 < series_id <= MAX_ID else None
    if series is None or not current_user.is_authenticated:
        abort(404)
    sessions = series.sessions
    if not (
        current_user.is_admin
        or series.created_by_id == current_user.id
        or (sessions and all(host_queries.can_manage(current_user, e) for e in sessions))
    ):
        abort(404)
    return series


def _course_certificate(series: Series, certificate_id: int) -> CourseCertificate:
    certificate = db.session.get(CourseCertificate, certificate_id) if 0 < certificate_id <= MAX_ID else None
    if certificate is None or certificate.series_id != series.id:
        abort(404)
    return certificate


def _course_refusal(series: Series) -> str | None:
    try:
        operations.check_course_finalise(series, clock.now())
    except CertificateError as refused:
        return refused.message
    return None


@bp.get(SERIES_HOST)
@login_required
def course_index(series_id: int):
    series = managed_series(series_id)
    credits = queries.list_course_credits(series) if series.is_course else []
    issued = {c.enrolment_id: c for c in queries.list_for_series(series)}
    return render_template(
        "certificates/course_index.html",
        series=series,
        credits=credits,
        issued=issued,
        rule=course_credit.rule_text(series),
        refusal=_course_refusal(series),
        qualifying=sum(1 for e, c in credits if c.met and e.id not in issued),
        sessions=series_queries.sessions(series),
    )


@bp.route(f"{SERIES_HOST}/finalise", methods=["GET", "POST"])
@login_required
def course_finalise(series_id: int):
    """Finalising mails everyone it issues to, so it is asked first, with the list of who that is."""
    series = managed_series(series_id)
    form = FinaliseForm()
    error = None
    if request.method == "POST":
        if not form.validate_on_submit():
            abort(400)
        try:
            issued = operations.finalise_course(series, host=current_user, now=clock.now())
        except CertificateError as refused:
            error = refused.message
        else:
            count = len(issued)
            fields = {"series_id": series.id, "issued": count}
            requests.after_commit(lambda: log.info("course certificates issued", extra=fields))
            flash(
                ngettext(
                    "%(num)d course certificate issued and emailed.",
                    "%(num)d course certificates issued and emailed.",
                    count,
                )
            )
            return redirect(url_for("certificates.course_index", series_id=series.id), code=303)
    else:
        error = _course_refusal(series)
    return render_template(
        "certificates/course_finalise.html",
        series=series,
        form=form,
        error=error,
        rule=course_credit.rule_text(series),
        qualifying=queries.list_course_qualifying(series) if series.is_course else [],
        already=queries.count_for_series(series.id),
    ), 409 if error and request.method == "POST" else 200


@bp.get(f"{SERIES_HOST}/<int:certificate_id>/certificate.pdf")
@login_required
def course_host_download(series_id: int, certificate_id: int):
    certificate = _course_certificate(managed_series(series_id), certificate_id)
    return pdf.download(rendering.course_certificate_html(certificate), filename=rendering.course_filename(certificate))


@bp.get("/c/<signed>/certificate.pdf")
def course_download(signed: str):
    """The course certificate from its mailed link (only ever sent to the enrolled address)."""
    payload = read_course_download_token(signed)
    certificate = db.session.get(CourseCertificate, payload[0]) if payload and 0 < payload[0] <= MAX_ID else None
    if certificate is None or certificate.code != payload[1]:
        abort(404)
    if certificate.is_revoked:
        page = render_template("certificates/revoked_course_download.html", certificate=certificate)
        return page, 410, {"Cache-Control": "private, no-store"}
    return pdf.download(rendering.course_certificate_html(certificate), filename=rendering.course_filename(certificate))


# The site's settings, for admins


def _admin_only() -> None:
    if not current_user.is_admin:
        abort(403)


@bp.route("/host/certificate-settings", methods=["GET", "POST"])
@login_required
def settings():
    _admin_only()
    current = operations.get_settings()
    form = SettingsForm(obj=current) if current else SettingsForm()
    if request.method == "GET" and not form.accent_colour.data:
        form.accent_colour.data = operations.DEFAULT_ACCENT
    status = 400 if request.method == "POST" else 200
    if form.validate_on_submit():
        logo = None
        upload = form.logo_file.data
        try:
            if upload and upload.filename:
                try:
                    logo = logos.read_logo(upload.read(logos.MAX_BYTES + 1))
                finally:
                    upload.close()  # a large upload is spooled to a temporary file: closed here, not by GC
            operations.save_settings(
                issuer=form.issuer.data or "",
                signer=form.signer.data or "",
                signer_title=form.signer_title.data or "",
                accent=form.accent_colour.data or "",
                logo=logo,
                host=current_user,
                now=clock.now(),
            )
        except logos.LogoError as error:
            form.logo_file.errors.append(error.message)
        except CertificateError as error:
            form.accent_colour.errors.append(error.message)
        else:
            if logo is not None and logo.removed:
                flash(
                    _(
                        "Certificate settings saved. Removed from the SVG logo: %(removed)s.",
                        removed=", ".join(logo.removed),
                    )
                )
            else:
                flash(_("Certificate settings saved."))
            return redirect(url_for("certificates.settings"), code=303)
    return render_template(
        "certificates/settings.html",
        form=form,
        current=current,
        look=operations.look(),
        defaults=operations.config_defaults(),
    ), status


@bp.route("/host/certificate-settings/remove-logo", methods=["GET", "POST"])
@login_required
def remove_logo():
    """Removing the logo changes every certificate downloaded from then on, so it is asked first."""
    _admin_only()
    form = ConfirmForm()
    if request.method == "POST":
        if not form.validate_on_submit():
            abort(400)
        operations.remove_logo(host=current_user, now=clock.now())
        flash(_("Logo removed. Certificates show the issuer's name without a logo."))
        return redirect(url_for("certificates.settings"), code=303)
    look = operations.look()  # the logo as a data: URI, encoded once
    if look["logo"] is None:
        return redirect(url_for("certificates.settings"), code=303)
    return render_template("certificates/remove_logo.html", form=form, look=look)


# The registrant's own, under their manage link


def _mailed_registration(signed: str) -> Registration:
    """The registration behind a manage link that we mailed. The link shown on screen after registering proves
    only that its holder filled in the form, which anyone can do with another's address: it opens no certificate
    and changes no name (a 404 saying where the certificate is)."""
    registration, link = links.registration_from_link(signed)
    if not link.mailed:
        page = render_template("certificates/mailed_link_only.html", registration=registration, signed=signed)
        abort(Response(page, 404, headers={"Cache-Control": "private, no-store"}))
    return registration


def _issued_certificate(registration: Registration) -> Certificate:
    certificate = queries.get_for_registration(registration)
    if certificate is None:
        abort(404)
    return certificate


@bp.get("/r/<signed>/certificate.pdf")
def download(signed: str):
    registration = _mailed_registration(signed)
    certificate = _issued_certificate(registration)
    if certificate.is_revoked:
        page = render_template("certificates/revoked_download.html", certificate=certificate, signed=signed)
        return page, 410
    return pdf_response(certificate)


@bp.route("/r/<signed>/name", methods=["GET", "POST"])
def correct_name(signed: str):
    """Before the certificate is issued, the registrant may correct the spelling of their name."""
    registration = _mailed_registration(signed)
    form = NameForm()
    if request.method == "GET":
        form.name.data = registration.name
    status = 400 if request.method == "POST" else 200
    issued = queries.get_for_registration(registration) is not None
    if form.validate_on_submit():
        try:
            operations.correct_name(registration, name=form.name.data)
        except CertificateError as error:
            form.form_errors.append(error.message)
            status = 409
        else:
            flash(_("Your name is saved. Your certificate will carry it as you wrote it."))
            return redirect(url_for("registrations.manage", signed=signed, _anchor="certificate"), code=303)
    return render_template(
        "certificates/name.html",
        registration=registration,
        event=registration.event,
        form=form,
        signed=signed,
        issued=issued,
    ), status


# Public


@bp.get("/certificates/<code>")
def verify(code: str):
    """Valid or revoked, the name, the event, the date and the hours; nothing else. Not shared-cached: a
    revocation shows at once, and every lookup counts towards the client's limit (core/ratelimits.py)."""
    normalised = normalise_code(code)
    certificate = queries.get_by_code(normalised) if normalised else None
    course_certificate = queries.get_course_certificate_by_code(normalised) if normalised and not certificate else None
    if course_certificate is not None:
        response = Response(
            render_template(
                "certificates/verify_course.html",
                certificate=course_certificate,
                dates=rendering.course_dates(course_certificate),
                sessions=rendering.course_sessions(course_certificate),
                hours=hours_label(course_certificate.contact_hours),
            )
        )
    elif certificate is None:
        response = Response(render_template("certificates/unknown.html", code=code[:40]), 404)
    else:
        response = Response(
            render_template(
                "certificates/verify.html",
                certificate=certificate,
                date=timezones.local_date(certificate.event_starts_at, certificate.zone),
                hours=hours_label(certificate.contact_hours),
            )
        )
    response.headers["X-Robots-Tag"] = "noindex"
    return response
