"""Queue e-mail in the caller's transaction: it exists exactly when the change it reports does."""

from datetime import datetime

from flask import render_template

from eventreg.core import deliveries
from eventreg.core.extensions import db
from eventreg.mail.models import OutboxMessage

QUEUED_KEY = "eventreg.outbox_queued"


def queue(
    *,
    kind: str,
    to_address: str,
    to_name: str,
    subject: str,
    template: str,
    context: dict,
    now: datetime,
    calendar: bytes | None = None,
    calendar_method: str | None = None,
    registration_id: int | None = None,
    reply_to: str | None = None,
) -> OutboxMessage:
    """Render templates/mail/<template>.txt and .html and add the message; sent after commit."""
    message = OutboxMessage(
        kind=kind,
        to_address=to_address,
        to_name=to_name,
        subject=" ".join(subject.split()),  # one line, whatever the title held
        body_text=render_template(f"mail/{template}.txt", **context),
        body_html=render_template(f"mail/{template}.html", **context),
        calendar=calendar.decode("utf-8") if calendar else None,
        calendar_method=calendar_method,
        registration_id=registration_id,
        reply_to=reply_to,
        created_at=now,
        next_attempt_at=now,
    )
    db.session.add(message)
    db.session.flush()
    deliveries.note_queued(QUEUED_KEY, [message.id])
    return message


def take_queued_ids() -> list[int]:
    """Ids queued in this session since last asked (rolled-back ones are skipped when sending)."""
    return deliveries.take_queued(QUEUED_KEY)
