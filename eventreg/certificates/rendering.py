"""A certificate as a PDF: templates/certificates/pdf.html through WeasyPrint (eventreg/core/pdf.py), with the
verification URL's QR code drawn by segno as an inline SVG, and the
site's logo and accent colour (certificates/logos.py) as a data: URI and a CSS colour: no network, no image files."""

import segno
from flask import render_template

from eventreg import timezones
from eventreg.certificates import operations
from eventreg.certificates.models import Certificate
from eventreg.certificates.notifications import hours_label, verify_url
from eventreg.core.pdf import render_pdf


def qr_data_uri(url: str) -> str:
    return segno.make(url, error="m").svg_data_uri(scale=4, border=2)


def certificate_html(certificate: Certificate) -> str:
    url = verify_url(certificate)
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
