"""Issuing, reissuing and revoking certificates, and a registrant's name correction before issue.
Add and flush, never commit; mail is queued in the same transaction."""

import re
from datetime import datetime

import sqlalchemy as sa
from flask import current_app
from flask_babel import lazy_gettext as _l

from eventreg.certificates import logos, notifications, queries
from eventreg.certificates.models import (
    Certificate,
    CertificateLogEntry,
    CertificateSettings,
    CourseCertificate,
    EventSigner,
)
from eventreg.core import signals
from eventreg.core.errors import CodedError
from eventreg.core.extensions import db
from eventreg.events.models import Event
from eventreg.hosts.models import Host
from eventreg.registrations import operations as registration_operations
from eventreg.registrations.models import Registration
from eventreg.series import credit as course_credit
from eventreg.series import queries as series_queries
from eventreg.series.models import Series


class CertificateError(CodedError):
    MESSAGES = {
        "no_contact_hours": _l("Set the contact hours in the event’s credit rule first: a certificate states them."),
        "not_ended": _l("Attendance can be finalised once the event has ended."),
        "nobody_qualifies": _l(
            "Nobody new qualifies for a certificate: no confirmed registrant who met the credit rule is without one."
        ),
        "revoked": _l("This certificate is revoked; a revoked certificate cannot be reissued."),
        "already_revoked": _l("This certificate is already revoked."),
        "already_issued": _l(
            "Your certificate has been issued, so the name on it can no longer be changed here. "
            "Please ask the event’s host to correct it."
        ),
        "not_confirmed": _l("Only a confirmed registration can have a certificate."),
        "course_session": _l(
            "This is a session of the course “{title}”: its attendance counts towards one course certificate, "
            "issued from the course’s certificates page, not a certificate per session."
        ),
        "course_no_contact_hours": _l("Set the course’s contact hours first: the course certificate states them."),
        "not_a_course": _l("Only a course has a course certificate; a program’s sessions have their own."),
        "course_not_ended": _l("Course certificates can be issued once the course’s last session has ended."),
        "course_nobody_qualifies": _l(
            "Nobody new qualifies for a course certificate: "
            "no confirmed registrant who met the course’s credit rule is without one."
        ),
        "accent_format": _l("Please give the accent colour as # and six hexadecimal digits, e.g. #2f4f6f."),
        "accent_contrast": _l(
            "This colour is too pale to read on white (contrast below 4.5 to 1). Please choose a darker one."
        ),
    }


DEFAULT_ACCENT = "#2f4f6f"
MIN_CONTRAST = 4.5  # WCAG AA for normal text: the issuer's name is printed in the accent colour on white


def get_settings() -> CertificateSettings | None:
    return db.session.get(CertificateSettings, 1)


def get_event_signer(event: Event) -> EventSigner | None:
    return db.session.get(EventSigner, event.id)


def config_defaults() -> dict[str, str]:
    """The issuer, signer and signer title the configuration gives (CERTIFICATE_ISSUER, else SITE_NAME)."""
    config = current_app.config
    return {
        "issuer": config["CERTIFICATE_ISSUER"] or config["SITE_NAME"],
        "signer": config["CERTIFICATE_SIGNER"] or "",
        "signer_title": config["CERTIFICATE_SIGNER_TITLE"] or "",
    }


def site_issuer_settings() -> dict[str, str]:
    """The site's issuer, signer and signer title: the admin's settings, else the configuration's. The signer's
    title goes with the signer: an admin who names a signer gives their title (or none) with them."""
    return _overridden(config_defaults(), get_settings())


def issuer_settings(event: Event | None = None) -> dict[str, str]:
    """What a certificate of this event is issued with: the event's own issuer and signer where its host set
    them, else the site's (site_issuer_settings). A certificate copies these in when it is issued."""
    return _overridden(site_issuer_settings(), get_event_signer(event) if event is not None else None)


def _overridden(chosen: dict[str, str], source: CertificateSettings | EventSigner | None) -> dict[str, str]:
    """`chosen` with the source's issuer where it names one, and its signer with their title where it names one."""
    if source is not None and source.issuer:
        chosen["issuer"] = source.issuer
    if source is not None and source.signer:
        chosen["signer"], chosen["signer_title"] = source.signer, source.signer_title
    return chosen


def relative_luminance(colour: str) -> float:
    def channel(hex_pair: str) -> float:
        c = int(hex_pair, 16) / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(colour[i : i + 2]) for i in (1, 3, 5))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast_with_white(colour: str) -> float:
    """WCAG's contrast ratio of a "#rrggbb" colour against white, 1 to 21."""
    return 1.05 / (relative_luminance(colour) + 0.05)


def normalise_accent(text: str) -> str:
    """ "#rrggbb" in lower case, or CertificateError "accent_format" / "accent_contrast" (too pale on white)."""
    colour = text.strip().lower()
    if not re.fullmatch(r"#[0-9a-f]{6}", colour):
        raise CertificateError("accent_format")
    if contrast_with_white(colour) < MIN_CONTRAST:
        raise CertificateError("accent_contrast")
    return colour


def look() -> dict[str, str | None]:
    """How certificates look now: the accent colour and the logo as a data: URI (None without one). Unlike the
    issuer and signer, these are not copied into each certificate: a new logo shows on every download."""
    settings = get_settings()
    logo = None
    if settings is not None and settings.logo is not None:
        logo = logos.data_uri(settings.logo_type, settings.logo)
    return {"accent": (settings.accent_colour if settings else "") or DEFAULT_ACCENT, "logo": logo}


def save_settings(
    *, issuer: str, signer: str, signer_title: str, accent: str, logo: logos.Logo | None, host: Host, now: datetime
) -> CertificateSettings:
    """Store the site's certificate settings; a logo given replaces the one before, None keeps it.
    CertificateError "accent_format" or "accent_contrast"."""
    accent = normalise_accent(accent) if accent.strip() else ""
    settings = get_settings()
    if settings is None:
        settings = CertificateSettings(id=1)
        db.session.add(settings)
    settings.issuer, settings.signer, settings.signer_title = issuer, signer, signer_title if signer else ""
    settings.accent_colour = accent
    if logo is not None:
        settings.logo, settings.logo_type = logo.data, logo.content_type
    settings.updated_at, settings.updated_by = now, host.email
    db.session.flush()
    return settings


def remove_logo(*, host: Host, now: datetime) -> bool:
    """Remove the site's logo; False when there was none."""
    settings = get_settings()
    if settings is None or settings.logo is None:
        return False
    settings.logo, settings.logo_type = None, None
    settings.updated_at, settings.updated_by = now, host.email
    db.session.flush()
    return True


def save_event_signer(event: Event, *, issuer: str, signer: str, signer_title: str) -> None:
    """The event's own issuer and signer for certificates issued from now on; all empty removes the override.
    Certificates already issued keep what they were issued with."""
    override = get_event_signer(event)
    if not (issuer or signer):
        if override is not None:
            db.session.delete(override)
        db.session.flush()
        return
    if override is None:
        override = EventSigner(event_id=event.id)
        db.session.add(override)
    override.issuer, override.signer, override.signer_title = issuer, signer, signer_title if signer else ""
    db.session.flush()


def _log(certificate: Certificate, action: str, host: Host | None, now: datetime, detail: str = "") -> None:
    certificate.log.append(
        CertificateLogEntry(
            action=action,
            host_id=host.id if host else None,
            host_email=host.email if host else "",
            at=now,
            detail=detail,
        )
    )


def finalise(event: Event, *, host: Host, now: datetime) -> list[Certificate]:
    """Issue a certificate to every confirmed registrant who met the credit rule and has none, and mail each.

    Run again, it issues only to people who qualified since (a later report, a hand tick): one certificate per
    registration, ever; the unique constraint on registration_id is the backstop. CertificateError
    "no_contact_hours", "not_ended" or "nobody_qualifies"."""
    # The lock makes a second finalise (a double click, a co-host) wait and then find these certificates.
    event = registration_operations.lock_event(event.id)
    check_not_course_session(event)
    if not event.offers_certificate:
        raise CertificateError("no_contact_hours")
    if not event.has_ended(now):
        raise CertificateError("not_ended")
    qualifying = queries.list_qualifying(event)
    if not qualifying:
        raise CertificateError("nobody_qualifies")
    sequence = queries.count_for_event(event.id)
    settings = issuer_settings(event)
    issued = []
    for registration in qualifying:
        sequence += 1
        certificate = Certificate(
            registration=registration,
            event_id=event.id,
            number=f"{event.starts_at.year}-{event.id:04d}-{sequence:04d}",
            name=registration.name,
            event_title=event.title,
            contact_hours=event.contact_hours,
            event_starts_at=event.starts_at,
            zone=registration.zone,
            issued_at=now,
            **settings,
        )
        db.session.add(certificate)
        _log(certificate, "issued", host, now)
        issued.append(certificate)
    db.session.flush()
    for certificate in issued:
        notifications.queue_issued(certificate, now=now)
        signals.certificate_issued.send(certificate, now=now)
    return issued


def reissue(certificate: Certificate, *, name: str, host: Host, now: datetime) -> list[tuple]:
    """Issue the certificate again under the same number and code, with the name the host gives and the
    event's current title and hours, and mail it again. Returns what changed: [(label, old, new)], label "name",
    "title" or "hours". CertificateError("revoked")."""
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
            changes.append((label, old, value))
            setattr(certificate, attribute, value)
    certificate.reissued_at = now
    # The log keeps its English words ("name: Ana Lopez → Ana López"); pages translate them as they show them.
    _log(
        certificate,
        "reissued",
        host,
        now,
        "; ".join(f"{label}: {old} → {new}" for label, old, new in changes) or "unchanged",
    )
    db.session.flush()
    notifications.queue_issued(certificate, now=now, again=True)
    signals.certificate_issued.send(certificate, now=now)
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


def check_not_course_session(event: Event) -> None:
    """A course's sessions award no certificate of their own: CertificateError("course_session")."""
    if event.series is not None and event.series.is_course:
        raise CertificateError("course_session", title=event.series.title)


def course_has_ended(series: Series, now: datetime) -> bool:
    """Every session that took place has ended (a course with none has not)."""
    held = [e for e in series.sessions if course_credit.took_place(e)]
    return bool(held) and all(e.has_ended(now) for e in held)


def check_course_finalise(series: Series, now: datetime) -> None:
    if not series.is_course:
        raise CertificateError("not_a_course")
    if not series.offers_certificate:
        raise CertificateError("course_no_contact_hours")
    if not course_has_ended(series, now):
        raise CertificateError("course_not_ended")


def _lock_series(series_id: int) -> Series:
    query = sa.select(Series).where(Series.id == series_id).with_for_update().execution_options(populate_existing=True)
    return db.session.execute(query).scalar_one()


def _session_entry(session: course_credit.SessionCredit, parts: dict[int, tuple[int, int]]) -> dict:
    event = session.event
    part, of = parts.get(event.id, (None, None))
    return {
        "title": event.title,
        "starts_at": event.starts_at.isoformat(),
        "timezone": event.timezone,
        "part": part,
        "of": of,
        "minutes": session.minutes,
    }


def finalise_course(series: Series, *, host: Host, now: datetime) -> list[CourseCertificate]:
    """Issue a course certificate to every confirmed enrolment that met the course's credit rule and has none,
    and mail each. Run again, it issues only to people who qualified since: one per enrolment, ever (the unique
    constraint on enrolment_id is the backstop). CertificateError "not_a_course", "course_no_contact_hours",
    "course_not_ended" or "course_nobody_qualifies"."""
    # The lock makes a second finalise (a double click, a co-host) wait and then find these certificates.
    series = _lock_series(series.id)
    check_course_finalise(series, now)
    qualifying = queries.list_course_qualifying(series)
    if not qualifying:
        raise CertificateError("course_nobody_qualifies")
    parts = series_queries.parts_of(series.sessions)
    held = [e for e in series.sessions if course_credit.took_place(e)]
    year = held[-1].starts_at.year
    sequence = queries.count_for_series(series.id)
    # A course's sessions share one issuer: the site's (an event's own signer is for single events).
    settings = site_issuer_settings()
    issued = []
    for enrolment, result in qualifying:
        sequence += 1
        certificate = CourseCertificate(
            enrolment=enrolment,
            series_id=series.id,
            number=f"C{year}-{series.id:04d}-{sequence:04d}",
            name=enrolment.name,
            series_title=series.title,
            contact_hours=series.contact_hours,
            sessions=[_session_entry(s, parts) for s in result.attended],
            total_minutes=result.total_minutes,
            zone=enrolment.zone,
            issued_at=now,
            issued_by=host.email,
            **settings,
        )
        db.session.add(certificate)
        issued.append(certificate)
    db.session.flush()
    for certificate in issued:
        notifications.queue_course_issued(certificate, now=now)
    return issued
