from datetime import datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from eventreg.core.extensions import db
from eventreg.events.models import Event
from eventreg.mail.models import OutboxMessage
from eventreg.timezones import UTCDateTime


class MessageStatus:
    SCHEDULED = "scheduled"  # waiting for its time; can be changed or cancelled
    SENDING = "sending"  # claimed by a cron run, which is resolving its recipients now
    SENT = "sent"
    NOT_SENT = "not_sent"  # it came due but could not go (note says why: nobody in the audience, ...)
    CANCELLED = "cancelled"
    ALL = (SCHEDULED, SENDING, SENT, NOT_SENT, CANCELLED)
    LABELS = {
        SCHEDULED: _l("Scheduled"),
        SENDING: _l("Sending"),
        SENT: _l("Sent"),
        NOT_SENT: _l("Not sent"),
        CANCELLED: _l("Cancelled"),
    }


class HostMessage(db.Model):
    """A host's message to one audience of an event's registrants, sent now or at send_at. Its subject and body
    are kept as the host wrote them, merge fields and all; each recipient's merged copy is an outbox row."""

    __tablename__ = "host_messages"
    __table_args__ = (
        sa.CheckConstraint(f"status IN {MessageStatus.ALL!r}", name="status_known"),
        # The cron's question: which scheduled messages are due.
        sa.Index("ix_host_messages_status_send_at", "status", "send_at"),
        # An event's message log, newest first.
        sa.Index("ix_host_messages_event_id_id", "event_id", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(sa.ForeignKey("events.id", ondelete="CASCADE"))
    author_id: Mapped[int | None] = mapped_column(sa.ForeignKey("hosts.id", ondelete="SET NULL"))
    audience: Mapped[str] = mapped_column(sa.String(64))  # a key of audiences.py
    # The audience's name when the message was written, for the log (an audience can go: a deleted question's).
    audience_label: Mapped[str] = mapped_column(sa.String(200))
    subject: Mapped[str] = mapped_column(sa.String(150))
    body: Mapped[str] = mapped_column(sa.Text)
    reply_to: Mapped[str | None] = mapped_column(sa.String(254))
    status: Mapped[str] = mapped_column(sa.String(20))
    send_at: Mapped[datetime] = mapped_column(UTCDateTime())  # when it goes (went), as chosen; "now" for a send now
    zone: Mapped[str] = mapped_column(sa.String(64))  # the zone the host chose send_at in, shown back when editing
    # The compose form's key: a double-clicked "Send" finds the message the first click made.
    form_key: Mapped[str | None] = mapped_column(sa.String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())
    # A cron run's claim (sending.py): its random token, so only the run that claimed it sends it.
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    claim_token: Mapped[str | None] = mapped_column(sa.String(64))
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    recipient_count: Mapped[int | None] = mapped_column()  # once sent
    note: Mapped[str | None] = mapped_column(sa.String(500))  # why it was not sent, or was cancelled

    event: Mapped[Event] = relationship()

    def __repr__(self) -> str:
        return f"<HostMessage {self.id} {self.status} event={self.event_id} audience={self.audience}>"

    @property
    def is_scheduled(self) -> bool:
        return self.status == MessageStatus.SCHEDULED

    @property
    def status_label(self) -> str:
        return MessageStatus.LABELS.get(self.status, self.status)


class MessageRecipient(db.Model):
    """One person a message went to, and their copy in the outbox. The primary key makes a second copy of one
    message to one registration impossible, whatever two senders do."""

    __tablename__ = "host_message_recipients"

    message_id: Mapped[int] = mapped_column(sa.ForeignKey("host_messages.id", ondelete="CASCADE"), primary_key=True)
    registration_id: Mapped[int] = mapped_column(
        sa.ForeignKey("registrations.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    outbox_id: Mapped[int | None] = mapped_column(sa.ForeignKey("outbox.id", ondelete="SET NULL"))
    # As they were when it was sent: a name changed later does not rewrite whom a message went to.
    name: Mapped[str] = mapped_column(sa.String(120))
    email: Mapped[str] = mapped_column(sa.String(254))

    mail: Mapped[OutboxMessage | None] = relationship()  # their copy: its subject, and whether it was delivered

    def __repr__(self) -> str:
        return f"<MessageRecipient message={self.message_id} registration={self.registration_id}>"
