"""The certificate e-mail. It carries links, not the PDF: the link always serves the certificate as it is now
(reissued with a corrected name, or revoked), and the outbox stays small (no PDF stored per message)."""

from datetime import datetime
from decimal import Decimal

from babel.numbers import format_decimal
from flask import current_app
from flask_babel import gettext as _
from flask_babel import ngettext
from itsdangerous import BadSignature, URLSafeSerializer

from eventreg.certificates.models import Certificate, CourseCertificate
from eventreg.core import languages
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
    """The certificate's mail, in the language its registrant registered in."""
    registration = certificate.registration
    with languages.speaking(registration.locale):
        title = certificate.event_title
        return outbox.queue(
            kind="certificate_again" if again else "certificate",
            to_address=registration.email,
            to_name=certificate.name,
            subject=_("Corrected certificate: %(title)s", title=title)
            if again
            else _("Your certificate: %(title)s", title=title),
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
    """ "1.5 contact hours", "1 contact hour", in the current language ("1,5 horas de contacto")."""
    number = hours.normalize() if hours is not None else Decimal(0)
    language = languages.current()
    text = f"{number:f}" if language == "en" else format_decimal(number, locale=language)
    return ngettext("%(hours)s contact hour", "%(hours)s contact hours", languages.plural_count(number), hours=text)


COURSE_SALT = "course-certificate"


def _course_serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=COURSE_SALT)


def course_download_token(certificate: CourseCertificate) -> str:
    """The course certificate's download link: only ever mailed to the enrolled address. It does not expire, as
    a certificate does not; a revoked one answers 410."""
    return _course_serializer().dumps([certificate.id, certificate.code])


def read_course_download_token(signed: str) -> tuple[int, str] | None:
    """(certificate id, code) from a download link we made, else None."""
    try:
        payload = _course_serializer().loads(signed)
    except BadSignature:
        return None
    if not (isinstance(payload, list) and len(payload) == 2 and isinstance(payload[0], int)):
        return None
    return payload[0], str(payload[1])


def course_verify_url(certificate: CourseCertificate) -> str:
    return external_url("certificates.verify", code=certificate.grouped_code)


def course_pdf_url(certificate: CourseCertificate) -> str:
    return external_url("certificates.course_download", signed=course_download_token(certificate))


def queue_course_issued(certificate: CourseCertificate, *, now: datetime):
    """The course certificate's mail, in the language its person enrolled in."""
    enrolment = certificate.enrolment
    with languages.speaking(enrolment.locale):
        return outbox.queue(
            kind="course_certificate",
            to_address=enrolment.email,
            to_name=certificate.name,
            subject=_("Your course certificate: %(title)s", title=certificate.series_title),
            template="course_certificate",
            context={
                "certificate": certificate,
                "pdf_url": course_pdf_url(certificate),
                "verify_url": course_verify_url(certificate),
                "hours": hours_label(certificate.contact_hours),
                "sessions": len(certificate.sessions),
            },
            now=now,
        )
