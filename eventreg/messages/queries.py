"""Reads for an event's message log: its messages, and who got each and whether it reached them."""

import sqlalchemy as sa

from eventreg.core.extensions import db
from eventreg.events.models import Event
from eventreg.mail.models import OutboxMessage
from eventreg.messages.models import HostMessage, MessageRecipient, MessageStatus


def get_event_message(event: Event, message_id: int) -> HostMessage | None:
    message = db.session.get(HostMessage, message_id)
    return message if message is not None and message.event_id == event.id else None


def list_scheduled(event: Event) -> list[HostMessage]:
    """Messages still to go (or going now), soonest first."""
    going = (MessageStatus.SCHEDULED, MessageStatus.SENDING)
    query = sa.select(HostMessage).where(HostMessage.event_id == event.id, HostMessage.status.in_(going))
    return list(db.session.scalars(query.order_by(HostMessage.send_at, HostMessage.id)))


def log_query(event: Event) -> sa.Select:
    """The rest of the log, the latest first: sent, not sent (when it came due) and cancelled (when it was)."""
    going = (MessageStatus.SCHEDULED, MessageStatus.SENDING)
    happened = sa.func.coalesce(HostMessage.sent_at, HostMessage.cancelled_at, HostMessage.send_at)
    return (
        sa.select(HostMessage)
        .where(HostMessage.event_id == event.id, HostMessage.status.not_in(going))
        .order_by(happened.desc(), HostMessage.id.desc())
    )


def recipients_query(message: HostMessage) -> sa.Select:
    """Each recipient with their copy in the outbox (the subject they got, whether it reached them), in the order
    the copies were queued."""
    return (
        sa.select(MessageRecipient)
        .where(MessageRecipient.message_id == message.id)
        .options(sa.orm.joinedload(MessageRecipient.mail))
        .order_by(MessageRecipient.outbox_id, MessageRecipient.registration_id)
    )


def delivery_counts(message: HostMessage) -> dict[str, int]:
    """{"sent": n, "failed": n, "waiting": n}: where the message's copies are now."""
    state = sa.case(
        (OutboxMessage.sent_at.is_not(None), "sent"),
        (OutboxMessage.failed_at.is_not(None), "failed"),
        else_="waiting",
    )
    rows = db.session.execute(
        sa.select(state, sa.func.count())
        .select_from(MessageRecipient)
        .outerjoin(OutboxMessage, OutboxMessage.id == MessageRecipient.outbox_id)
        .where(MessageRecipient.message_id == message.id)
        .group_by(state)
    )
    counts = dict.fromkeys(("sent", "failed", "waiting"), 0)
    counts.update(dict(rows.all()))
    return counts
