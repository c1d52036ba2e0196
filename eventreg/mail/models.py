from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from eventreg.core.extensions import db
from eventreg.timezones import UTCDateTime


class OutboxMessage(db.Model):
    """One e-mail, written in the same transaction as the change it tells about, sent after commit.

    A message is sent by whoever first claims it once next_attempt_at has come; sent_at or failed_at marks
    it done for good, and clears next_attempt_at, so the due messages are an index range on that column."""

    __tablename__ = "outbox"
    __table_args__ = (
        sa.Index("ix_outbox_sent_at_id", "sent_at", "id"),
        sa.Index("ix_outbox_next_attempt_at_id", "next_attempt_at", "id"),
        # How many repeats an address got today (registrations/operations.py resend_confirmation).
        sa.Index("ix_outbox_to_address_created_at", "to_address", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(sa.String(40))  # "confirmation", "waiting", "cancellation", ...
    registration_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("registrations.id", ondelete="SET NULL"), index=True
    )
    to_name: Mapped[str] = mapped_column(sa.String(200), default="")
    to_address: Mapped[str] = mapped_column(sa.String(254))
    subject: Mapped[str] = mapped_column(sa.String(300))
    reply_to: Mapped[str | None] = mapped_column(sa.String(254))  # where answers go, if not to the sender
    body_text: Mapped[str] = mapped_column(sa.Text)
    body_html: Mapped[str] = mapped_column(sa.Text)
    calendar: Mapped[str | None] = mapped_column(sa.Text)  # an iCalendar body, if the message carries one
    calendar_method: Mapped[str | None] = mapped_column(sa.String(20))  # REQUEST or CANCEL, as in the body
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    attempts: Mapped[int] = mapped_column(default=0, server_default="0")
    # When a sender may next take it: the queueing time, then later after each temporary failure (backoff),
    # and a claim's expiry while one holds it. None once sent or given up.
    next_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    failed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())  # given up: refused, or too long undelivered
    last_error: Mapped[str | None] = mapped_column(sa.Text)

    @property
    def is_failed(self) -> bool:
        return self.failed_at is not None

    def __repr__(self) -> str:
        return f"<OutboxMessage {self.id} {self.kind} to={self.to_address} sent={self.sent_at is not None}>"
