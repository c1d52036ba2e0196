"""Issuing, reissuing and revoking certificates, and a registrant's name correction before issue.
Add and flush, never commit; mail is queued in the same transaction."""

from datetime import datetime

from flask import current_app

from eventreg.certificates import notifications, queries
from eventreg.certificates.models import Certificate, CertificateLogEntry
from eventreg.core.extensions import db
from eventreg.events.models import Event
from eventreg.hosts.models import Host
from eventreg.registrations import operations as registration_operations
from eventreg.registrations.models import Registration
from eventreg.webhooks import operations as webhooks


class CertificateError(Exception):
    MESSAGES = {
        "no_contact_hours": "Set the contact hours in the event’s credit rule first: a certificate states them.",
        "not_ended": "Attendance can be finalised once the event has ended.",
        "nobody_qualifies": "Nobody new qualifies for a certificate: no confirmed registrant who met the credit "
        "rule is without one.",
        "revoked": "This certificate is revoked; a revoked certificate cannot be reissued.",
        "already_revoked": "This certificate is already revoked.",
        "already_issued": "Your certificate has been issued, so the name on it can no longer be changed here. "
        "Please ask the event’s host to correct it.",
        "not_confirmed": "Only a confirmed registration can have a certificate.",
    }

    def __init__(self, code: str):
        super().__init__(code)
        self.code = code
        self.message = self.MESSAGES[code]


def issuer_settings() -> dict[str, str]:
    config = current_app.config
    return {
        "issuer": config["CERTIFICATE_ISSUER"] or config["SITE_NAME"],
        "signer": config["CERTIFICATE_SIGNER"] or "",
        "signer_title": config["CERTIFICATE_SIGNER_TITLE"] or "",
    }


def _log(certificate: Certificate, action: str, host: Host | None, now: datetime, detail: str = "") -> None:
    certificate.log.append(
        CertificateLogEntry(
            action=action,
            host_id=host.id if host else None,
            host_email=host.email if host else "",
            at=now,
            detail=detail,
        )  # fmt: skip
    )


def finalise(event: Event, *, host: Host, now: datetime) -> list[Certificate]:
    """Issue a certificate to every confirmed registrant who met the credit rule and has none, and mail each.

    Run again, it issues only to people who qualified since (a later report, a hand tick): one certificate per
    registration, ever; the unique constraint on registration_id is the backstop. CertificateError
    "no_contact_hours", "not_ended" or "nobody_qualifies"."""
    # The lock makes a second finalise (a double click, a co-host) wait and then find these certificates.
    event = registration_operations.lock_event(event.id)
    if event.contact_hours is None or event.contact_hours <= 0:
        raise CertificateError("no_contact_hours")
    if now < event.ends_at:
        raise CertificateError("not_ended")
    qualifying = queries.list_qualifying(event)
    if not qualifying:
        raise CertificateError("nobody_qualifies")
    sequence = queries.count_for_event(event.id)
    settings = issuer_settings()
    issued = []
    for registration in qualifying:
        sequence += 1
        certificate = Certificate(
            registration=registration, event_id=event.id,
            number=f"{event.starts_at.year}-{event.id:04d}-{sequence:04d}",
            name=registration.name, event_title=event.title, contact_hours=event.contact_hours,
            event_starts_at=event.starts_at, zone=registration.zone, issued_at=now, **settings,
        )  # fmt: skip
        db.session.add(certificate)
        _log(certificate, "issued", host, now)
        issued.append(certificate)
    db.session.flush()
    for certificate in issued:
        notifications.queue_issued(certificate, now=now)
        webhooks.emit_certificate(certificate, now)
    return issued


def reissue(certificate: Certificate, *, name: str, host: Host, now: datetime) -> list[str]:
    """Issue the certificate again under the same number and code, with the name the host gives and the
    event's current title and hours, and mail it again. Returns what changed. CertificateError("revoked")."""
    if certificate.is_revoked:
        raise CertificateError("revoked")
    event = certificate.registration.event
    changes = []
    for label, attribute, value in (
        ("name", "name", name),
        ("title", "event_title", event.title),
        ("hours", "contact_hours", event.contact_hours if event.contact_hours else certificate.contact_hours),
    ):
        old = getattr(certificate, attribute)
        if old != value:
            changes.append(f"{label}: {old} → {value}")
            setattr(certificate, attribute, value)
    certificate.reissued_at = now
    _log(certificate, "reissued", host, now, "; ".join(changes) or "unchanged")
    db.session.flush()
    notifications.queue_issued(certificate, now=now, again=True)
    webhooks.emit_certificate(certificate, now)
    return changes


def revoke(certificate: Certificate, *, reason: str, host: Host, now: datetime) -> None:
    """Revoke for good: the verification page says so from now on. CertificateError("already_revoked")."""
    if certificate.is_revoked:
        raise CertificateError("already_revoked")
    certificate.revoked_at = now
    certificate.revoked_reason = reason
    _log(certificate, "revoked", host, now, reason)
    db.session.flush()


def correct_name(registration: Registration, *, name: str) -> None:
    """The registrant's own spelling, before their certificate is issued. CertificateError "already_issued" or
    "not_confirmed"."""
    if queries.get_for_registration(registration) is not None:
        raise CertificateError("already_issued")
    if not registration.is_confirmed:
        raise CertificateError("not_confirmed")
    registration.name = name
    db.session.flush()
