import base64
import secrets
from datetime import datetime
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from eventreg.core.extensions import db
from eventreg.registrations.models import Registration
from eventreg.series.models import Enrolment
from eventreg.timezones import UTCDateTime

CODE_BYTES = 10  # 80 random bits: 16 base32 letters
CODE_LENGTH = 16
# Base32 has no 0, 1 or 8; a person copying a code by hand may still type them for O, I and B.
_LOOKALIKES = str.maketrans({"0": "O", "1": "I", "8": "B"})


def new_code() -> str:
    """An unguessable verification code: 80 bits from secrets, in base32 (A-Z and 2-7), stored without dashes."""
    return base64.b32encode(secrets.token_bytes(CODE_BYTES)).decode("ascii")


def normalise_code(text: str) -> str | None:
    """The stored form of a code as a person may give it ("abcd-efgh ijkl-mnop"), or None if it cannot be one."""
    code = "".join(c for c in text.upper() if c not in "- ").translate(_LOOKALIKES)
    if len(code) != CODE_LENGTH or any(c not in "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567" for c in code):
        return None
    return code


def grouped(code: str) -> str:
    """ "ABCD-EFGH-IJKL-MNOP": easier to read out and type."""
    return "-".join(code[i : i + 4] for i in range(0, len(code), 4))


class Certificate(db.Model):
    """A certificate of completion: one per registration, ever. What it certifies is copied in at issue (the
    name as registered, the title, the hours, the signer), so later edits to the event do not change a
    certificate already handed out; a reissue copies them again."""

    __tablename__ = "certificates"
    __table_args__ = (
        sa.UniqueConstraint("registration_id", name="uq_certificates_registration_id"),
        sa.UniqueConstraint("code", name="uq_certificates_code"),
        sa.UniqueConstraint("number", name="uq_certificates_number"),
        sa.Index("ix_certificates_event_id_id", "event_id", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    registration_id: Mapped[int] = mapped_column(sa.ForeignKey("registrations.id", ondelete="CASCADE"))
    event_id: Mapped[int] = mapped_column(sa.ForeignKey("events.id", ondelete="CASCADE"))
    code: Mapped[str] = mapped_column(sa.String(32), default=new_code)  # secret until shared; see new_code
    number: Mapped[str] = mapped_column(sa.String(40))  # for people: "2025-0012-0003" (year, event, sequence)
    name: Mapped[str] = mapped_column(sa.String(120))
    event_title: Mapped[str] = mapped_column(sa.String(200))
    contact_hours: Mapped[Decimal] = mapped_column(sa.Numeric(5, 2))
    event_starts_at: Mapped[datetime] = mapped_column(UTCDateTime())
    zone: Mapped[str] = mapped_column(sa.String(64))  # the date is printed in this zone: the registrant's own
    issuer: Mapped[str] = mapped_column(sa.String(200))
    signer: Mapped[str] = mapped_column(sa.String(200), default="")
    signer_title: Mapped[str] = mapped_column(sa.String(200), default="")
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime())
    reissued_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    revoked_reason: Mapped[str | None] = mapped_column(sa.String(500))

    registration: Mapped[Registration] = relationship()
    log: Mapped[list["CertificateLogEntry"]] = relationship(
        order_by="CertificateLogEntry.id", cascade="all, delete-orphan", passive_deletes=True
    )

    def __repr__(self) -> str:
        return f"<Certificate {self.id} {self.number} revoked={self.is_revoked}>"

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None

    @property
    def grouped_code(self) -> str:
        return grouped(self.code)


class CertificateLogEntry(db.Model):
    """Who issued, reissued or revoked a certificate, when, and what changed. The host's address is copied in:
    the entry outlives the host's account."""

    __tablename__ = "certificate_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    certificate_id: Mapped[int] = mapped_column(sa.ForeignKey("certificates.id", ondelete="CASCADE"), index=True)
    action: Mapped[str] = mapped_column(sa.String(20))  # "issued", "reissued", "revoked"
    host_id: Mapped[int | None] = mapped_column(sa.ForeignKey("hosts.id", ondelete="SET NULL"))
    host_email: Mapped[str] = mapped_column(sa.String(254), default="")
    at: Mapped[datetime] = mapped_column(UTCDateTime())
    detail: Mapped[str] = mapped_column(sa.Text, default="")

    def __repr__(self) -> str:
        return f"<CertificateLogEntry {self.id} {self.action} certificate={self.certificate_id}>"


class CertificateSettings(db.Model):
    """How the site's certificates look, set by an admin: one row (id 1). An empty issuer, signer or signer title
    falls back to the configuration (CERTIFICATE_ISSUER, CERTIFICATE_SIGNER, CERTIFICATE_SIGNER_TITLE); the logo
    is kept as checked and sanitised bytes (certificates/logos.py)."""

    __tablename__ = "certificate_settings"
    __table_args__ = (
        sa.CheckConstraint("id = 1", name="one_row"),
        sa.CheckConstraint("logo_type IN ('image/png', 'image/svg+xml')", name="logo_type"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    issuer: Mapped[str] = mapped_column(sa.String(200), default="", server_default="")
    signer: Mapped[str] = mapped_column(sa.String(200), default="", server_default="")
    signer_title: Mapped[str] = mapped_column(sa.String(200), default="", server_default="")
    accent_colour: Mapped[str] = mapped_column(sa.String(7), default="", server_default="")  # "#rrggbb"; "" default
    logo: Mapped[bytes | None] = mapped_column(sa.LargeBinary)
    logo_type: Mapped[str | None] = mapped_column(sa.String(20))
    updated_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    updated_by: Mapped[str] = mapped_column(sa.String(254), default="", server_default="")  # the admin's address

    def __repr__(self) -> str:
        return f"<CertificateSettings logo={self.logo_type}>"


class EventSigner(db.Model):
    """A host's issuer and signer for one event's certificates, over the site's; empty fields keep the site's."""

    __tablename__ = "event_certificate_signers"

    event_id: Mapped[int] = mapped_column(sa.ForeignKey("events.id", ondelete="CASCADE"), primary_key=True)
    issuer: Mapped[str] = mapped_column(sa.String(200), default="", server_default="")
    signer: Mapped[str] = mapped_column(sa.String(200), default="", server_default="")
    signer_title: Mapped[str] = mapped_column(sa.String(200), default="", server_default="")

    def __repr__(self) -> str:
        return f"<EventSigner event={self.event_id}>"


class CourseCertificate(db.Model):
    """A course's certificate: one per enrolment, ever, issued when the course's credit rule is met
    (series/credit.py). Like a Certificate, what it certifies is copied in at issue: the name, the course's
    title and contact hours, and the sessions attended (`sessions`: [{"title", "starts_at" (ISO, UTC),
    "timezone", "part", "of", "minutes"}], by start). Course sessions award no certificate of their own.
    Its code shares the verification page with single events' certificates."""

    __tablename__ = "course_certificates"
    __table_args__ = (
        sa.UniqueConstraint("enrolment_id", name="uq_course_certificates_enrolment_id"),
        sa.UniqueConstraint("code", name="uq_course_certificates_code"),
        sa.UniqueConstraint("number", name="uq_course_certificates_number"),
        sa.Index("ix_course_certificates_series_id_id", "series_id", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    enrolment_id: Mapped[int] = mapped_column(sa.ForeignKey("enrolments.id", ondelete="CASCADE"))
    series_id: Mapped[int] = mapped_column(sa.ForeignKey("series.id", ondelete="CASCADE"))
    code: Mapped[str] = mapped_column(sa.String(32), default=new_code)
    number: Mapped[str] = mapped_column(sa.String(40))  # "C2025-0003-0001": C, year, series, sequence
    name: Mapped[str] = mapped_column(sa.String(120))
    series_title: Mapped[str] = mapped_column(sa.String(200))
    contact_hours: Mapped[Decimal] = mapped_column(sa.Numeric(5, 2))
    sessions: Mapped[list] = mapped_column(sa.JSON)
    total_minutes: Mapped[int] = mapped_column()
    zone: Mapped[str] = mapped_column(sa.String(64))  # dates are printed in this zone: the person's own
    issuer: Mapped[str] = mapped_column(sa.String(200))
    signer: Mapped[str] = mapped_column(sa.String(200), default="")
    signer_title: Mapped[str] = mapped_column(sa.String(200), default="")
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime())
    issued_by: Mapped[str] = mapped_column(sa.String(254), default="")  # the host's address, copied in
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    revoked_reason: Mapped[str | None] = mapped_column(sa.String(500))

    enrolment: Mapped[Enrolment] = relationship()

    def __repr__(self) -> str:
        return f"<CourseCertificate {self.id} {self.number} revoked={self.is_revoked}>"

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None

    @property
    def grouped_code(self) -> str:
        return grouped(self.code)

    @property
    def first_starts_at(self) -> datetime | None:
        """When the first session it lists started (UTC), for the date range it states."""
        return datetime.fromisoformat(self.sessions[0]["starts_at"]) if self.sessions else None
