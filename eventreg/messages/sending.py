"""Scheduled messages going out, from the same cron command as reminders (send-reminders), each exactly once.

A due message is claimed as the delivery queue claims a row (core/deliveries.py): a conditional UPDATE in one short
transaction of its own moves it from scheduled to sending with a random token, so of two overlapping runs only one
gets it, and a host's change or cancellation after that is refused. The run that holds the token then reads the
audience, queues everyone's copy in the outbox and marks the message sent, all in one transaction that begins by
checking the token (and takes the write lock first). A run that dies between the two leaves the message claimed;
after CLAIM_TIMEOUT another run may claim it again, and since the second transaction is all or nothing, nobody got
anything of it the first time. The outbox then sends each copy like any other mail."""

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa

from eventreg.core import database
from eventreg.core.extensions import db
from eventreg.messages import operations
from eventreg.messages.models import HostMessage, MessageStatus

CLAIM_TIMEOUT = timedelta(minutes=10)


@dataclass(frozen=True)
class Outcome:
    message_id: int
    status: str  # MessageStatus.SENT or NOT_SENT
    recipients: int


def send_due(now: datetime) -> list[Outcome]:
    """Send every scheduled message whose time has come, oldest first; each committed as soon as it is queued."""
    outcomes = []
    for message_id in due_ids(now):
        token = claim(message_id, now)
        if token is None:
            continue  # another run has it, or the host changed or cancelled it in between
        outcome = send_claimed(message_id, token, now)
        if outcome is not None:
            outcomes.append(outcome)
    return outcomes


def _claimable(now: datetime) -> sa.ColumnElement[bool]:
    return sa.or_(
        sa.and_(HostMessage.status == MessageStatus.SCHEDULED, HostMessage.send_at <= now),
        sa.and_(HostMessage.status == MessageStatus.SENDING, HostMessage.claimed_at <= now - CLAIM_TIMEOUT),
    )


def due_ids(now: datetime) -> list[int]:
    query = sa.select(HostMessage.id).where(_claimable(now)).order_by(HostMessage.send_at, HostMessage.id)
    ids = list(db.session.scalars(query))
    db.session.commit()
    return ids


def claim(message_id: int, now: datetime) -> str | None:
    """Take the message for this run, in a short transaction of its own: its token, or None when it is not ours."""
    token = secrets.token_urlsafe(24)
    statement = (
        sa.update(HostMessage)
        .where(HostMessage.id == message_id, _claimable(now))
        .values(status=MessageStatus.SENDING, claimed_at=now, claim_token=token)
        .execution_options(synchronize_session=False)
    )
    with database.write_transaction():
        claimed = db.session.execute(statement).rowcount == 1
        db.session.commit()
    return token if claimed else None


def send_claimed(message_id: int, token: str, now: datetime) -> Outcome | None:
    """Queue the claimed message's copies and mark it done, in one transaction, if the claim is still this run's
    (one that took too long may have been claimed again); None otherwise."""
    still_ours = (
        sa.update(HostMessage)
        .where(HostMessage.id == message_id, HostMessage.status == MessageStatus.SENDING)
        .where(HostMessage.claim_token == token)
        .values(claimed_at=now)
        .execution_options(synchronize_session=False)
    )
    with database.write_transaction():
        if db.session.execute(still_ours).rowcount != 1:  # the first statement: it holds the row until the commit
            db.session.rollback()
            return None
        message = operations.lock_message(message_id)
        recipients = operations.deliver(message, now=now)
        outcome = Outcome(message_id, message.status, recipients)
        db.session.commit()
    return outcome
