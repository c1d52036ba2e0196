"""A learner's transcript (asked for by address, opened from the mailed link) and the hosts' CE report."""

import logging
from decimal import Decimal
from pathlib import Path

from babel.numbers import format_decimal
from flask import Blueprint, Response, abort, current_app, g, render_template, request
from flask_babel import gettext as _
from flask_login import current_user, login_required
from markupsafe import Markup

from eventreg import clock, timezones
from eventreg.core import languages, pdf, requests
from eventreg.hosts import queries as host_queries
from eventreg.transcripts import exports, operations, queries, records, tokens
from eventreg.transcripts.forms import CeReportForm, TranscriptRequestForm

bp = Blueprint("transcripts", __name__)
log = logging.getLogger(__name__)
PRIVATE = {"Cache-Control": "private, no-store", "Referrer-Policy": "no-referrer"}


@bp.app_template_filter("hours")
def hours_text(hours: Decimal | None) -> str:
    """records.format_hours in the page's language: "1.5" in English, "1,5" in Spanish and French. The CSV
    exports keep format_hours's own "1.5", for spreadsheets."""
    text = records.format_hours(hours)
    language = languages.current()
    return text if not text or language == "en" else format_decimal(Decimal(text), locale=language)


@bp.app_template_filter("hours_count")
def hours_count(hours: Decimal | None) -> int:
    """The count to give ngettext for a number of hours, in the page's language (languages.plural_count)."""
    return languages.plural_count(Decimal(records.format_hours(hours) or 0))


@bp.route("/transcript", methods=["GET", "POST"])
def request_link():
    """The same answer whatever the address: the link goes to the mailbox, never to the screen."""
    form = TranscriptRequestForm()
    if not form.validate_on_submit():
        return render_template("transcripts/request.html", form=form), 400 if form.errors else 200
    if not form.is_bot:
        sent = operations.request_transcript(form.email.data, now=clock.now())
        requests.after_commit(lambda: log.info("transcript requested", extra={"mailed": sent or "throttled"}))
    return render_template("transcripts/requested.html")


def _email_from_link(signed: str) -> str:
    """The address a transcript link names; an expired link gets a page offering a new one (410), anything
    else not made by us the site's 404."""
    try:
        return tokens.read_transcript_token(signed)
    except tokens.LinkError as error:
        if error.code != "expired":
            abort(404)
        form = TranscriptRequestForm(formdata=None, email=error.email or "")
        abort(Response(render_template("transcripts/expired.html", form=form), 410, headers=PRIVATE))


def _transcript(signed: str) -> dict:
    email = _email_from_link(signed)
    registrations = queries.list_attended(email)
    # By each event's own date, as the years are counted: what happened on 31 December comes before 1 January.
    # A course is one line with its sessions under it (records.group_courses), its hours counted once.
    attendances = records.group_courses(records.attendance_of(r) for r in registrations)
    return {
        "email": email,
        "name": registrations[-1].name if registrations else "",
        "attendances": attendances,
        "totals": records.year_totals(attendances),
        "certificates": records.certificate_links(registrations),
        "course_certificates": records.course_certificate_links(attendances),
        "signed": signed,
    }


@bp.get("/transcript/<link>")
def show(link: str):
    context = _transcript(link)
    return render_template("transcripts/show.html", **context), PRIVATE


@bp.get("/transcript/<link>/transcript.csv")
def download_csv(link: str):
    context = _transcript(link)
    body = exports.transcript_csv(context["attendances"], context["certificates"], context["course_certificates"])
    return _download(body.encode("utf-8"), "text/csv; charset=utf-8", "transcript.csv")


@bp.get("/transcript/<link>/transcript.pdf")
def download_pdf(link: str):
    context = _transcript(link)
    now = clock.now()
    zone = g.get("visitor_zone") or "UTC"
    html = render_template(
        "transcripts/pdf.html",
        **context,
        made_on=timezones.local_date(now, zone),
        made_zone=zone,
        visitor_zone=g.get("visitor_zone"),
        page_counter=page_counter(),
    )
    # The app's own template folder (the factory sets it), not a path of this package's.
    base_url = Path(current_app.root_path, current_app.template_folder, "transcripts").as_uri() + "/"
    # A 304 without rendering when the browser holds this version (ETag of the HTML: core/pdf.py).
    return pdf.download(html, filename="transcript.pdf", base_url=base_url, headers={"Referrer-Policy": "no-referrer"})


def page_counter() -> Markup:
    """ "Page 2 of 5" as a CSS content value: the translated sentence around WeasyPrint's page counters,
    '"Page " counter(page) " of " counter(pages)'."""
    text = _("Page %(page)s of %(pages)s", page="\0page\0", pages="\0pages\0")
    parts = []
    for n, piece in enumerate(text.split("\0")):
        if n % 2:
            parts.append(f"counter({piece})")
        elif piece:
            parts.append('"' + piece.replace("\\", "\\\\").replace('"', '\\"').replace("<", "\\3c ") + '"')
    return Markup(" ".join(parts))


def _download(body: bytes, content_type: str, filename: str) -> Response:
    return Response(
        body,
        headers={
            "Content-Type": content_type,
            "Content-Disposition": f'attachment; filename="{filename}"',
            **PRIVATE,
        },
    )


@bp.get("/host/ce-report")
@login_required
def ce_report():
    form = CeReportForm(request.args)
    _event_choices(form)
    errors = bool(request.args) and not form.validate()
    return render_template("transcripts/ce_report.html", form=form), 400 if errors else 200


@bp.get("/host/ce-report.csv")
@login_required
def ce_report_csv():
    form = CeReportForm(request.args)
    _event_choices(form)
    if not form.validate():
        return render_template("transcripts/ce_report.html", form=form), 400
    if form.chosen_event_id is not None:
        event = host_queries.get_managed_event(current_user, form.chosen_event_id)
        if event is None:
            abort(404)
        events, name = [event], f"ce-report-{event.slug}.csv"
    else:
        first, last = form.dates
        events, name = queries.list_events_between(current_user, first, last), f"ce-report-{first}-to-{last}.csv"
    attendances = [records.attendance_of(r) for r in queries.list_report_registrations(events)]
    courses = records.report_courses(attendances, events)
    return _download(exports.ce_report_csv(attendances, courses).encode("utf-8"), "text/csv; charset=utf-8", name)


def _event_choices(form: CeReportForm) -> None:
    events = queries.list_report_events(current_user, now=clock.now())
    form.event_id.choices = [("", _("All my events in the dates below"))] + [
        (str(e.id), f"{timezones.local_date(e.starts_at, e.timezone)}: {e.title}") for e in events
    ]
