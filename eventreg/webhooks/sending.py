"""Sending deliveries: signed the Standard Webhooks way, claimed before sending, retried with backoff.

Deliveries are a delivery queue, as the mail outbox is (eventreg/core/deliveries.py: claimed before sending, so two
workers or cron runs never both send one; each outcome committed as soon as it is known); this module is its send
step. Only a 2xx answer counts; a redirect, another status, a refused URL, a network error or the deadline is
a failure, retried 5 minutes later, then 10, 20, ... at most 12 hours apart, until three days after the delivery
was made. A 410 Gone disables the endpoint at once (as Stripe and Svix do). An endpoint that has failed
FAILURES_TO_DISABLE times in a row over at least DISABLE_AFTER is disabled, and its host told by e-mail."""

import logging
from collections.abc import Iterator
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import Flask, current_app
from flask_babel import gettext as _
from standardwebhooks.webhooks import Webhook

from eventreg.core import database, languages
from eventreg.core.background import BackgroundSender
from eventreg.core.deliveries import CLAIM_BATCH, DeliveryQueue
from eventreg.core.extensions import db
from eventreg.core.links import external_url
from eventreg.mail import outbox
from eventreg.mail import sending as mail_sending
from eventreg.webhooks import network, operations
from eventreg.webhooks.models import WebhookDelivery, WebhookEndpoint

log = logging.getLogger(__name__)
RETRY_FIRST = timedelta(minutes=5)  # after a failure; doubling each time ...
RETRY_MAX = timedelta(hours=12)  # ... up to twice a day
FAILURES_TO_DISABLE = 10  # consecutive failed attempts of an endpoint ...
DISABLE_AFTER = timedelta(days=1)  # ... spread over at least this long, disable it
GONE = 410  # the receiver's way to say "stop": the endpoint is disabled at once, nothing is retried


def signed_headers(delivery: WebhookDelivery | sa.Row, secrets: list[str], now: datetime) -> dict[str, str]:
    """The Standard Webhooks headers: webhook-id (the same on every attempt), webhook-timestamp (this attempt,
    in seconds) and webhook-signature (v1, HMAC-SHA256 of "id.timestamp.body"): one space-separated v1,<sig>
    per secret, the current secret's first (two during a rotation's grace period)."""
    return {
        "Content-Type": "application/json",
        "User-Agent": "eventreg-webhooks",
        "webhook-id": delivery.message_id,
        "webhook-timestamp": str(int(now.timestamp())),
        "webhook-signature": " ".join(Webhook(s).sign(delivery.message_id, now, delivery.payload) for s in secrets),
    }


def _claimable(now: datetime) -> tuple:
    return (WebhookDelivery.endpoint_id.in_(sa.select(WebhookEndpoint.id).where(WebhookEndpoint.is_enabled)),)


def _send_batch(deliveries: list[sa.Row], now: datetime) -> Iterator[bool]:
    """The webhook queue's send step: each delivery posted on its own."""
    for delivery in deliveries:
        yield _send_one(delivery, now)


QUEUE = DeliveryQueue(
    WebhookDelivery,
    name="webhooks",
    done="delivered_at",
    setting="WEBHOOK_DELIVERY",
    queued_key=operations.QUEUED_KEY,
    send_batch=_send_batch,
    claimable=_claimable,
    retry_first=RETRY_FIRST,
    retry_max=RETRY_MAX,
    drain_timeout=lambda config: config["WEBHOOK_TIMEOUT"] * CLAIM_BATCH,
)
retry_delay = QUEUE.retry_delay


def send_queued(now: datetime) -> tuple[int, int]:
    """Send what this session queued, now; call right after commit."""
    return QUEUE.send_queued(now)


def deliver_queued(now: datetime) -> None:
    """What a request calls after its commit: with WEBHOOK_DELIVERY=background (the default) this process's
    sender thread posts, so a slow receiver never holds a page; "request" posts before the response."""
    QUEUE.deliver_queued(now)


def background_sender(app: Flask) -> BackgroundSender:
    return QUEUE.background_sender(app)


def send_pending(now: datetime, *, ids: list[int] | None = None) -> tuple[int, int]:
    """Send the deliveries that are due (all, or those ids), each at most once per call. Returns (sent, failed)."""
    return QUEUE.send_pending(now, ids=ids)


def _send_one(delivery: sa.Row, now: datetime) -> bool:
    endpoint = db.session.get(WebhookEndpoint, delivery.endpoint_id)
    if endpoint is None or not endpoint.is_enabled:
        # Deleted since the claim (and the delivery with it), or disabled since: disabling marked it failed.
        db.session.rollback()
        return False
    url, secrets = endpoint.url, endpoint.signing_secrets(now)
    # No transaction is held while the receiver answers: on SQLite a read transaction cannot become a write
    # once another connection has committed ("database is locked"), so the outcome would be lost and the
    # message sent again when its claim expired; on PostgreSQL it would hold a connection idle in transaction.
    db.session.rollback()
    config = current_app.config
    status = None
    try:
        # The delivery log's texts are a record kept in English, as its other entries are, even when a request
        # in another language sends (EVENTREG_WEBHOOK_DELIVERY=request).
        with languages.speaking("en"):
            target = network.resolve(url, network.allowed_hosts(config["WEBHOOK_ALLOWED_HOSTS"]))
        answer = network.post(
            target,
            delivery.payload.encode("utf-8"),
            signed_headers(delivery, secrets, now),
            timeout=config["WEBHOOK_TIMEOUT"],
        )
        status = answer.status
        error = None if 200 <= status < 300 else _refusal(status)
    except network.UrlRefused as refusal:
        error = f"Not sent: {refusal.message}"
    except OSError as failure:
        error = f"{type(failure).__name__}: {failure}"
    fields = {"delivery_id": delivery.id, "endpoint_id": delivery.endpoint_id, "kind": delivery.kind, "status": status}
    if error is None:
        QUEUE.succeeded(delivery.id, now, last_status_code=status, last_attempt_at=now)
        _endpoint_succeeded(delivery.endpoint_id)
        log.info("webhook delivered", extra=fields)
        return True
    attempts = delivery.attempts + 1
    gone = status == GONE
    next_attempt_at = QUEUE.failed(
        delivery,
        now,
        deadline=delivery.give_up_at,
        give_up=gone,
        last_status_code=status,
        last_error=error[:500],
        last_attempt_at=now,
    )
    if next_attempt_at is None:
        log.error("webhook given up", extra={**fields, "attempts": attempts})
    else:
        log.warning("webhook failed", extra={**fields, "attempts": attempts, "next_attempt_at": next_attempt_at})
    if gone:
        _endpoint_gone(delivery.endpoint_id, now)
    else:
        _endpoint_failed(delivery.endpoint_id, now)
    return False


def _refusal(status: int) -> str:
    if status == GONE:
        return f"HTTP {GONE} Gone: the receiver says this endpoint no longer exists, so it was disabled."
    if 300 <= status < 400:
        return f"HTTP {status}: a redirect, which is not followed. Give the final address instead."
    return f"HTTP {status}: only a 2xx answer counts as delivered."


def _endpoint_succeeded(endpoint_id: int) -> None:
    with database.write_transaction():
        db.session.execute(
            sa.update(WebhookEndpoint)
            .where(WebhookEndpoint.id == endpoint_id, WebhookEndpoint.failure_streak > 0)
            .values(failure_streak=0, failing_since=None)
        )
        db.session.commit()


def _endpoint_gone(endpoint_id: int, now: datetime) -> None:
    """410 Gone: the receiver asks for nothing more, so the endpoint is disabled at once (its waiting deliveries
    are marked failed, as when its host disables it) and its page says why."""
    with database.write_transaction():
        endpoint = db.session.execute(
            sa.select(WebhookEndpoint)
            .where(WebhookEndpoint.id == endpoint_id)
            .with_for_update()
            .execution_options(populate_existing=True)
        ).scalar_one_or_none()
        if endpoint is not None and endpoint.is_enabled:
            operations.disable_endpoint(endpoint, reason="gone", now=now)
            log.error("webhook endpoint disabled", extra={"endpoint_id": endpoint.id, "status": GONE})
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
        sa.select(WebhookEndpoint)
        .where(WebhookEndpoint.id == endpoint_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).scalar_one()
    endpoint.failure_streak += 1
    endpoint.failing_since = endpoint.failing_since or now
    disabling = (
        endpoint.is_enabled
        and endpoint.failure_streak >= FAILURES_TO_DISABLE
        and now - endpoint.failing_since >= DISABLE_AFTER
    )
    if disabling:
        held = operations.disable_endpoint(endpoint, reason="failing", now=now)
        with languages.speaking(endpoint.host.locale):  # the host's language, whoever's request sent it
            outbox.queue(
                kind="webhook_disabled",
                to_address=endpoint.host.email,
                to_name=endpoint.host.name or "",
                subject=_("Webhook endpoint disabled after repeated failures"),
                template="webhook_disabled",
                context=_disabled_context(endpoint, held),
                now=now,
            )
        log.error("webhook endpoint disabled", extra={"endpoint_id": endpoint.id, "failures": endpoint.failure_streak})
    db.session.commit()
    return disabling


def _disabled_context(endpoint: WebhookEndpoint, held: int) -> dict:
    return {"endpoint": endpoint, "held": held, "log_url": external_url("webhooks.show", endpoint_id=endpoint.id)}
