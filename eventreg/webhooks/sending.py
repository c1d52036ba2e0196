"""Sending deliveries: signed the Standard Webhooks way, claimed before sending, retried with backoff.

As the mail outbox does (eventreg/mail/sending.py): a conditional UPDATE claims each delivery, so two workers
or cron runs never both send it; each outcome is committed as soon as it is known. Only a 2xx answer counts;
a redirect, another status, a refused URL, a network error or the deadline is a failure, retried 5 minutes
later, then 10, 20, ... at most 12 hours apart, until three days after the delivery was made. An endpoint
that has failed FAILURES_TO_DISABLE times in a row over at least DISABLE_AFTER is disabled, and its host told
by e-mail."""

import logging
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import Flask, current_app
from standardwebhooks.webhooks import Webhook

from eventreg.core import database
from eventreg.core.background import BackgroundSender
from eventreg.core.extensions import db
from eventreg.core.links import external_url
from eventreg.mail import outbox
from eventreg.mail import sending as mail_sending
from eventreg.webhooks import network, operations
from eventreg.webhooks.models import WebhookDelivery, WebhookEndpoint

log = logging.getLogger(__name__)
CLAIM_TIMEOUT = timedelta(minutes=10)
CLAIM_BATCH = 20
RETRY_FIRST = timedelta(minutes=5)  # after a failure; doubling each time ...
RETRY_MAX = timedelta(hours=12)  # ... up to twice a day
FAILURES_TO_DISABLE = 10  # consecutive failed attempts of an endpoint ...
DISABLE_AFTER = timedelta(days=1)  # ... spread over at least this long, disable it


def retry_delay(attempts: int) -> timedelta:
    """The wait after a delivery's `attempts`-th failed attempt."""
    return min(RETRY_FIRST * 2 ** min(attempts - 1, 16), RETRY_MAX)


def signed_headers(delivery: WebhookDelivery | sa.Row, secret: str, now: datetime) -> dict[str, str]:
    """The Standard Webhooks headers: webhook-id (the same on every attempt), webhook-timestamp (this attempt,
    in seconds) and webhook-signature (v1, HMAC-SHA256 of "id.timestamp.body")."""
    return {
        "Content-Type": "application/json",
        "User-Agent": "eventreg-webhooks",
        "webhook-id": delivery.message_id,
        "webhook-timestamp": str(int(now.timestamp())),
        "webhook-signature": Webhook(secret).sign(delivery.message_id, now, delivery.payload),
    }


def send_queued(now: datetime) -> tuple[int, int]:
    """Send what this session queued, now; call right after commit."""
    ids = operations.take_queued_ids()
    return send_pending(now, ids=ids) if ids else (0, 0)


def deliver_queued(now: datetime) -> None:
    """What a request calls after its commit: with WEBHOOK_DELIVERY=background (the default) this process's
    sender thread posts, so a slow receiver never holds a page; "request" posts before the response."""
    if current_app.config["WEBHOOK_DELIVERY"] != "background":
        send_queued(now)
        return
    ids = operations.take_queued_ids()
    if ids:
        background_sender(current_app._get_current_object()).submit(ids)


def background_sender(app: Flask) -> BackgroundSender:
    return BackgroundSender.of(
        app, "webhooks", send_pending, batch_size=CLAIM_BATCH,
        drain_timeout=app.config["WEBHOOK_TIMEOUT"] * CLAIM_BATCH,
    )  # fmt: skip


def send_pending(now: datetime, *, ids: list[int] | None = None) -> tuple[int, int]:
    """Send the deliveries that are due (all, or those ids), each at most once per call. Returns (sent, failed)."""
    if ids is None:
        batches = _due_batches(now)
    else:
        ids = sorted(ids)
        batches = (ids[start : start + CLAIM_BATCH] for start in range(0, len(ids), CLAIM_BATCH))
    sent = failed = 0
    for batch in batches:
        for delivery in _claim(batch, now):
            if _send_one(delivery, now):
                sent += 1
            else:
                failed += 1
    return sent, failed


def _claimable(now: datetime) -> tuple:
    enabled = sa.select(WebhookEndpoint.id).where(WebhookEndpoint.is_enabled)
    return (
        WebhookDelivery.next_attempt_at <= now,
        WebhookDelivery.delivered_at.is_(None),
        WebhookDelivery.failed_at.is_(None),
        WebhookDelivery.endpoint_id.in_(enabled),
    )


def _due_batches(now: datetime):
    while True:
        query = sa.select(WebhookDelivery.id).where(*_claimable(now))
        ids = list(db.session.scalars(query.order_by(WebhookDelivery.next_attempt_at, WebhookDelivery.id).limit(20)))
        db.session.commit()
        if not ids:
            return
        yield ids


def _claim(ids: list[int], now: datetime) -> list[sa.Row]:
    statement = (
        sa.update(WebhookDelivery)
        .where(WebhookDelivery.id.in_(ids), *_claimable(now))
        .values(claimed_at=now, next_attempt_at=now + CLAIM_TIMEOUT)
    )
    deliveries = sorted(db.session.execute(statement.returning(*WebhookDelivery.__table__.c)), key=lambda d: d.id)
    db.session.commit()
    return deliveries


def _send_one(delivery: sa.Row, now: datetime) -> bool:
    endpoint = db.session.get(WebhookEndpoint, delivery.endpoint_id)
    if endpoint is None:  # deleted since the claim, and the delivery with it
        db.session.rollback()
        return False
    url, secret = endpoint.url, endpoint.secret
    # No transaction is held while the receiver answers: on SQLite a read transaction cannot become a write
    # once another connection has committed ("database is locked"), so the outcome would be lost and the
    # message sent again when its claim expired; on PostgreSQL it would hold a connection idle in transaction.
    db.session.rollback()
    config = current_app.config
    status = None
    try:
        target = network.resolve(url, network.allowed_hosts(config["WEBHOOK_ALLOWED_HOSTS"]))
        answer = network.post(
            target, delivery.payload.encode("utf-8"), signed_headers(delivery, secret, now),
            timeout=config["WEBHOOK_TIMEOUT"],
        )  # fmt: skip
        status = answer.status
        error = None if 200 <= status < 300 else _refusal(status)
    except network.UrlRefused as refusal:
        error = f"Not sent: {refusal.message}"
    except OSError as failure:
        error = f"{type(failure).__name__}: {failure}"
    fields = {"delivery_id": delivery.id, "endpoint_id": delivery.endpoint_id, "kind": delivery.kind, "status": status}
    if error is None:
        _record(delivery.id, delivered_at=now, next_attempt_at=None, last_status_code=status, last_error=None, now=now)
        _endpoint_succeeded(delivery.endpoint_id)
        log.info("webhook delivered", extra=fields)
        return True
    attempts = delivery.attempts + 1
    if now >= delivery.give_up_at:
        _record(delivery.id, failed_at=now, next_attempt_at=None, last_status_code=status, last_error=error, now=now)
        log.error("webhook given up", extra={**fields, "attempts": attempts})
    else:
        next_attempt_at = min(now + retry_delay(attempts), delivery.give_up_at)  # the last try at the deadline
        _record(delivery.id, next_attempt_at=next_attempt_at, last_status_code=status, last_error=error, now=now)
        log.warning("webhook failed", extra={**fields, "attempts": attempts, "next_attempt_at": next_attempt_at})
    _endpoint_failed(delivery.endpoint_id, now)
    return False


def _refusal(status: int) -> str:
    if 300 <= status < 400:
        return f"HTTP {status}: a redirect, which is not followed. Give the final address instead."
    return f"HTTP {status}: only a 2xx answer counts as delivered."


def _record(delivery_id: int, *, now: datetime, **values) -> None:
    """The outcome of one attempt, committed at once in a transaction of its own that takes the write lock first
    (on SQLite it waits for the lock rather than failing), so a crash or a busy database cannot send it twice."""
    statement = sa.update(WebhookDelivery).where(WebhookDelivery.id == delivery_id)
    values["last_error"] = values["last_error"][:500] if values.get("last_error") else None
    with database.write_transaction():
        db.session.execute(statement.values(attempts=WebhookDelivery.attempts + 1, last_attempt_at=now, **values))
        db.session.commit()


def _endpoint_succeeded(endpoint_id: int) -> None:
    with database.write_transaction():
        db.session.execute(
            sa.update(WebhookEndpoint)
            .where(WebhookEndpoint.id == endpoint_id, WebhookEndpoint.failure_streak > 0)
            .values(failure_streak=0, failing_since=None)
        )
        db.session.commit()


def _endpoint_failed(endpoint_id: int, now: datetime) -> None:
    """Count the failure; past FAILURES_TO_DISABLE over DISABLE_AFTER, disable the endpoint and tell its host."""
    with database.write_transaction():
        disabled = _count_failure(endpoint_id, now)
    if disabled:
        mail_sending.send_queued(now)


def _count_failure(endpoint_id: int, now: datetime) -> bool:
    """Whether this failure disabled the endpoint (its host's mail is queued and committed)."""
    endpoint = db.session.execute(
        sa.select(WebhookEndpoint).where(WebhookEndpoint.id == endpoint_id).with_for_update()
        .execution_options(populate_existing=True)
    ).scalar_one()  # fmt: skip
    endpoint.failure_streak += 1
    endpoint.failing_since = endpoint.failing_since or now
    disabling = (
        endpoint.is_enabled
        and endpoint.failure_streak >= FAILURES_TO_DISABLE
        and now - endpoint.failing_since >= DISABLE_AFTER
    )
    if disabling:
        held = operations.disable_endpoint(endpoint, reason="failing", now=now)
        outbox.queue(
            kind="webhook_disabled", to_address=endpoint.host.email, to_name=endpoint.host.name or "",
            subject="Webhook endpoint disabled after repeated failures", template="webhook_disabled",
            context=_disabled_context(endpoint, held),
            now=now,
        )  # fmt: skip
        log.error("webhook endpoint disabled", extra={"endpoint_id": endpoint.id, "failures": endpoint.failure_streak})
    db.session.commit()
    return disabling


def _disabled_context(endpoint: WebhookEndpoint, held: int) -> dict:
    return {"endpoint": endpoint, "held": held, "log_url": external_url("webhooks.show", endpoint_id=endpoint.id)}
