"""The certificate e-mail. It carries links, not the PDF: the link always serves the certificate as it is now
(reissued with a corrected name, or revoked), and the outbox stays small (no PDF stored per message)."""

from datetime import datetime

from eventreg.certificates.models import Certificate
from eventreg.core.links import external_url
from eventreg.mail import outbox
from eventreg.registrations import tokens
from eventreg.registrations.notifications import manage_url


def verify_url(certificate: Certificate) -> str:
    return external_url("certificates.verify", code=certificate.grouped_code)


def pdf_url(certificate: Certificate) -> str:
    """The download through the registrant's mailed manage link: only its holder can fetch it."""
    return external_url("certificates.download", signed=tokens.mailed_manage_token(certificate.registration))


def queue_issued(certificate: Certificate, *, now: datetime, again: bool = False):
    registration = certificate.registration
    return outbox.queue(
        kind="certificate_again" if again else "certificate",
        to_address=registration.email,
        to_name=certificate.name,
        subject=f"{'Corrected certificate' if again else 'Your certificate'}: {certificate.event_title}",
        template="certificate",
        context={
            "certificate": certificate,
            "again": again,
            "pdf_url": pdf_url(certificate),
            "verify_url": verify_url(certificate),
            "manage_url": manage_url(registration),
            "hours": hours_label(certificate.contact_hours),
        },
        registration_id=registration.id,
        now=now,
    )


def hours_label(hours) -> str:
    """ "1.5 contact hours", "1 contact hour"."""
    text = f"{hours.normalize():f}" if hours is not None else "0"
    return f"{text} contact hour{'' if text == '1' else 's'}"
