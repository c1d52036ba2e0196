import json
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from eventreg.core.extensions import db
from eventreg.hosts.models import Host
from eventreg.timezones import UTCDateTime


def N_(text: str) -> str:
    """Mark text for the catalogs: the labels stay English in the API document, pages translate them (forms.py)."""
    return text


# What an endpoint can ask to receive.
EVENT_TYPES = {
    "registration.created": N_("Someone registered (confirmed or waiting)"),
    "registration.cancelled": N_("A registration was cancelled"),
    "registration.promoted": N_("Someone moved from the waiting list to confirmed"),
    "registration.approved": N_("A host approved a registration (confirmed, or waiting when no seat was free)"),
    "registration.declined": N_("A host declined a registration"),
    "registration.updated": N_("A registrant changed their details"),
    "event.published": N_("An event was published"),
    "event.updated": N_("An event was changed"),
    "event.cancelled": N_("An event was cancelled"),
    "attendance.recorded": N_("Attendance was recorded (ticked or imported)"),
    "certificate.issued": N_("A certificate was issued or reissued"),
}


class WebhookEndpoint(db.Model):
    """A URL of a host's that receives signed deliveries of the event types it chose, for the events its host
    may manage (an admin's: every event). The secret is kept as is: it must be read back to sign."""

    __tablename__ = "webhook_endpoints"

    id: Mapped[int] = mapped_column(primary_key=True)
    host_id: Mapped[int] = mapped_column(sa.ForeignKey("hosts.id", ondelete="CASCADE"), index=True)
    url: Mapped[str] = mapped_column(sa.String(2000))
    description: Mapped[str] = mapped_column(sa.String(200), default="")
    event_types: Mapped[list] = mapped_column(sa.JSON)
    secret: Mapped[str] = mapped_column(sa.String(100))  # whsec_<base64 of 32 random bytes>
    # After a rotation the secret it replaced still signs (beside the new one) until this instant.
    previous_secret: Mapped[str | None] = mapped_column(sa.String(100))
    previous_secret_expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    is_enabled: Mapped[bool] = mapped_column(default=True)
    disabled_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    disabled_reason: Mapped[str | None] = mapped_column(sa.String(20))  # "host", "failing" or "gone" (a 410)
    # Consecutive failed attempts, and when the run began; a success clears both.
    failure_streak: Mapped[int] = mapped_column(default=0, server_default="0")
    failing_since: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())

    host: Mapped[Host] = relationship()

    def __repr__(self) -> str:
        return f"<WebhookEndpoint {self.id} host={self.host_id} enabled={self.is_enabled}>"

    def signing_secrets(self, now: datetime) -> list[str]:
        """The secrets a message sent now is signed with: the current one, and the previous one during its grace."""
        if self.previous_secret and self.previous_secret_expires_at and now < self.previous_secret_expires_at:
            return [self.secret, self.previous_secret]
        return [self.secret]

    def receives(self, kind: str) -> bool:
        return kind in (self.event_types or [])


class WebhookDelivery(db.Model):
    """One message to one endpoint, written in the same transaction as the change it reports and sent after
    commit. Like the mail outbox: claimed before sending, retried with backoff until give_up_at; delivered_at
    or failed_at marks it done and clears next_attempt_at, so the due ones are an index range."""

    __tablename__ = "webhook_deliveries"
    __table_args__ = (
        sa.Index("ix_webhook_deliveries_next_attempt_at_id", "next_attempt_at", "id"),
        sa.Index("ix_webhook_deliveries_endpoint_id_id", "endpoint_id", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    endpoint_id: Mapped[int] = mapped_column(sa.ForeignKey("webhook_endpoints.id", ondelete="CASCADE"))
    message_id: Mapped[str] = mapped_column(sa.String(40), unique=True)  # webhook-id: the same on every attempt
    kind: Mapped[str] = mapped_column(sa.String(40))
    payload: Mapped[str] = mapped_column(sa.Text)  # the exact JSON body that is signed and sent
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    give_up_at: Mapped[datetime] = mapped_column(UTCDateTime())  # created (or sent again) + three days
    next_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    attempts: Mapped[int] = mapped_column(default=0, server_default="0")
    last_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_status_code: Mapped[int | None] = mapped_column()
    last_error: Mapped[str | None] = mapped_column(sa.String(500))
    delivered_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    failed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    endpoint: Mapped[WebhookEndpoint] = relationship()

    def __repr__(self) -> str:
        return f"<WebhookDelivery {self.id} {self.kind} endpoint={self.endpoint_id}>"

    @property
    def readable_payload(self) -> str:
        """The body sent, indented for a person (the bytes signed and sent are the compact `payload`)."""
        return json.dumps(json.loads(self.payload), indent=2, ensure_ascii=False)

    @property
    def status(self) -> str:
        """ "delivered", "failed" (given up), "retrying" (failed, tried again later) or "pending"."""
        if self.delivered_at is not None:
            return "delivered"
        if self.failed_at is not None:
            return "failed"
        return "retrying" if self.attempts else "pending"
