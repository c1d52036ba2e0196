"""A certificate as a PDF: templates/certificates/pdf.html through WeasyPrint (eventreg/core/pdf.py), with the
verification URL's QR code drawn by segno as an inline SVG, and the
site's logo and accent colour (certificates/logos.py) as a data: URI and a CSS colour: no network, no image files."""

from datetime import datetime

import segno
from flask import render_template
from flask_babel import gettext as _

from eventreg import timezones
from eventreg.certificates import operations
from eventreg.certificates.models import Certificate, CourseCertificate
from eventreg.certificates.notifications import course_verify_url, hours_label, verify_url
from eventreg.core import languages
from eventreg.core.pdf import render_pdf


def qr_data_uri(url: str) -> str:
    return segno.make(url, error="m").svg_data_uri(scale=4, border=2)


def certificate_html(certificate: Certificate) -> str:
    """The certificate's page in the language its registrant registered in, whoever downloads it."""
    url = verify_url(certificate)
    with languages.speaking(certificate.registration.locale):
        return _certificate_html(certificate, url)


def _certificate_html(certificate: Certificate, url: str) -> str:
    return render_template(
        "certificates/pdf.html",
        certificate=certificate,
        # The date in the registrant's own zone (the event's when they gave none), chosen at issue.
        date=timezones.local_date(certificate.event_starts_at, certificate.zone),
        hours=hours_label(certificate.contact_hours),
        verify_url=url,
        qr=qr_data_uri(url),
        look=operations.look(),
    )


def certificate_pdf(certificate: Certificate) -> bytes:
    return render_pdf(certificate_html(certificate))


def filename(certificate: Certificate) -> str:
    return f"certificate-{certificate.number}.pdf"


def course_sessions(certificate: CourseCertificate) -> list[dict]:
    """The sessions a course certificate lists, each with its date in the person's zone, its part, and its own
    title where it has one other than the course's."""
    listed = []
    for entry in certificate.sessions:
        starts_at = datetime.fromisoformat(entry["starts_at"])
        part = _("Part %(part)s of %(of)s", part=entry["part"], of=entry["of"]) if entry.get("part") else ""
        title = "" if entry["title"] == certificate.series_title else entry["title"]
        listed.append({"date": timezones.local_date(starts_at, certificate.zone), "title": title, "part": part})
    return listed


def course_dates(certificate: CourseCertificate) -> str:
    """ "4 March 2025" or "4 March 2025 to 25 March 2025": the first and last session attended."""
    if not certificate.sessions:
        return ""
    first, last = (datetime.fromisoformat(certificate.sessions[i]["starts_at"]) for i in (0, -1))
    first_text, last_text = (timezones.local_date(t, certificate.zone) for t in (first, last))
    return first_text if first_text == last_text else _("%(first)s to %(last)s", first=first_text, last=last_text)


def course_certificate_html(certificate: CourseCertificate) -> str:
    """The course certificate's page in the language its person enrolled in, whoever downloads it."""
    url = course_verify_url(certificate)
    with languages.speaking(certificate.enrolment.locale):
        return _course_certificate_html(certificate, url)


def _course_certificate_html(certificate: CourseCertificate, url: str) -> str:
    return render_template(
        "certificates/course_pdf.html",
        certificate=certificate,
        sessions=course_sessions(certificate),
        dates=course_dates(certificate),
        hours=hours_label(certificate.contact_hours),
        verify_url=url,
        qr=qr_data_uri(url),
        look=operations.look(),
    )


def course_certificate_pdf(certificate: CourseCertificate) -> bytes:
    return render_pdf(course_certificate_html(certificate))


def course_filename(certificate: CourseCertificate) -> str:
    return f"certificate-{certificate.number}.pdf"
