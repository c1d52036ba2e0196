"""Endpoints and the deliveries other areas emit. Add and flush, never commit: a delivery exists exactly when
the change it reports does, as a mail outbox row does.

Other areas send domain signals (eventreg/core/signals.py) where they make the change; receivers.py turns them
into emit() (or emit_registration / emit_attendance / emit_certificate) calls. The deliveries are sent after the
commit (eventreg/core/requests.py hands them to webhooks.sending)."""

import base64
import json
import secrets
from collections.abc import Callable, Iterable
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from eventreg.core.deliveries import note_queued, take_queued
from eventreg.core.errors import CodedError
from eventreg.core.extensions import db
from eventreg.core.links import external_url
from eventreg.events.models import Event
from eventreg.hosts.models import Host, event_hosts
from eventreg.questions import queries as question_queries
from eventreg.series import links as series_links
from eventreg.webhooks import network
from eventreg.webhooks.models import EVENT_TYPES, WebhookDelivery, WebhookEndpoint

QUEUED_KEY = "eventreg.webhooks_queued"
GIVE_UP_AFTER = timedelta(days=3)  # a delivery not accepted this long after it was made is given up
ENDPOINTS_PER_HOST = 20
# "Send test event": not one of EVENT_TYPES, so no endpoint subscribes to it; it goes only where a host asks.
TEST_TYPE = "webhook.test"
ROTATION_GRACE = timedelta(hours=24)  # after a rotation, the previous secret also signs this long


class WebhookError(CodedError):
    MESSAGES = {
        "unknown_type": _l("Choose event types from the list."),
        "no_types": _l("Choose at least one event type to receive."),
        "too_many": _l("A host can have at most {count} endpoints."),
        "not_failed": _l("Only a delivery that failed can be sent again."),
        "endpoint_disabled": _l("The endpoint is disabled. Enable it first, then send again."),
    }


def new_secret() -> str:
    """A Standard Webhooks secret: whsec_ and the base64 of 32 random bytes."""
    return "whsec_" + base64.b64encode(secrets.token_bytes(32)).decode("ascii")


def _check_types(event_types: list[str]) -> list[str]:
    if not event_types:
        raise WebhookError("no_types")
    if any(kind not in EVENT_TYPES for kind in event_types):
        raise WebhookError("unknown_type")
    return [kind for kind in EVENT_TYPES if kind in event_types]  # stored in the list's order, once each


def create_endpoint(
    host: Host, *, url: str, event_types: list[str], description: str, allowed: frozenset[str], now: datetime
) -> WebhookEndpoint:
    """A new enabled endpoint with a fresh secret. network.UrlRefused unless the URL may be posted to (its
    name resolved and checked now; again at every send); WebhookError for the types or the host's limit."""
    event_types = _check_types(event_types)
    if count_endpoints(host) >= ENDPOINTS_PER_HOST:
        raise WebhookError("too_many", count=ENDPOINTS_PER_HOST)
    network.resolve(url, allowed)
    endpoint = WebhookEndpoint(
        host_id=host.id,
        url=url,
        event_types=event_types,
        description=description,
        secret=new_secret(),
        is_enabled=True,
        created_at=now,
    )
    db.session.add(endpoint)
    db.session.flush()
    return endpoint


def update_endpoint(
    endpoint: WebhookEndpoint, *, url: str, event_types: list[str], description: str, allowed: frozenset[str]
) -> None:
    event_types = _check_types(event_types)
    if url != endpoint.url:
        network.resolve(url, allowed)
    endpoint.url, endpoint.event_types, endpoint.description = url, event_types, description
    db.session.flush()


def disable_endpoint(endpoint: WebhookEndpoint, *, reason: str, now: datetime) -> int:
    """Stop sending to the endpoint. Its deliveries still waiting are marked failed (each can be sent again once
    it is enabled). Returns how many were."""
    endpoint.is_enabled = False
    endpoint.disabled_at = now
    endpoint.disabled_reason = reason
    held = db.session.execute(
        sa.update(WebhookDelivery)
        .where(
            WebhookDelivery.endpoint_id == endpoint.id,
            WebhookDelivery.delivered_at.is_(None),
            WebhookDelivery.failed_at.is_(None),
        )
        .values(failed_at=now, next_attempt_at=None, last_error="Not sent: the endpoint was disabled.")
    ).rowcount
    db.session.flush()
    return held


def rotate_secret(endpoint: WebhookEndpoint, *, now: datetime) -> str:
    """A new secret for the endpoint, returned to be shown once. For ROTATION_GRACE every message carries a
    signature with the previous secret too, so the receiver can switch at its own pace; a second rotation within
    the grace drops the oldest secret at once."""
    endpoint.previous_secret = endpoint.secret
    endpoint.previous_secret_expires_at = now + ROTATION_GRACE
    endpoint.secret = new_secret()
    db.session.flush()
    return endpoint.secret


def enable_endpoint(endpoint: WebhookEndpoint) -> None:
    """Send to the endpoint again, starting with a clean failure count. Deliveries that failed meanwhile are
    sent again only when someone asks (send_again), one by one."""
    endpoint.is_enabled = True
    endpoint.disabled_at = endpoint.disabled_reason = None
    endpoint.failure_streak = 0
    endpoint.failing_since = None
    db.session.flush()


def delete_endpoint(endpoint: WebhookEndpoint) -> None:
    """The endpoint and its delivery log, for good."""
    db.session.execute(sa.delete(WebhookDelivery).where(WebhookDelivery.endpoint_id == endpoint.id))
    db.session.delete(endpoint)
    db.session.flush()


def send_again(delivery: WebhookDelivery, *, now: datetime) -> None:
    """A failed delivery, due again now with three fresh days of retries (the same webhook-id, so a receiver
    that did get it can tell). WebhookError("not_failed"/"endpoint_disabled")."""
    if delivery.failed_at is None:
        raise WebhookError("not_failed")
    if not delivery.endpoint.is_enabled:
        raise WebhookError("endpoint_disabled")
    delivery.failed_at = None
    delivery.next_attempt_at = now
    delivery.give_up_at = now + GIVE_UP_AFTER
    db.session.flush()
    note_queued(QUEUED_KEY, [delivery.id])


def send_again_many(endpoint: WebhookEndpoint, delivery_ids: list[int], *, now: datetime) -> int:
    """send_again for each of these deliveries that is the endpoint's and failed (others are left as they are).
    Returns how many were queued again. WebhookError("endpoint_disabled") unless the endpoint is enabled."""
    if not endpoint.is_enabled:
        raise WebhookError("endpoint_disabled")
    failed = db.session.scalars(
        sa.select(WebhookDelivery).where(
            WebhookDelivery.endpoint_id == endpoint.id,
            WebhookDelivery.id.in_(delivery_ids),
            WebhookDelivery.failed_at.is_not(None),
        )
    ).all()
    for delivery in failed:
        send_again(delivery, now=now)
    return len(failed)


def count_endpoints(host: Host) -> int:
    return db.session.scalar(
        sa.select(sa.func.count()).select_from(WebhookEndpoint).where(WebhookEndpoint.host_id == host.id)
    )


def iso(instant: datetime | None) -> str | None:
    """An instant in ISO 8601 UTC with a Z: 2025-01-30T20:00:00Z."""
    return instant.strftime("%Y-%m-%dT%H:%M:%SZ") if instant is not None else None


def event_data(event: Event) -> dict:
    return {
        "id": event.id,
        "slug": event.slug,
        "title": event.title,
        "status": event.status,
        "starts_at": iso(event.starts_at),
        "ends_at": iso(event.ends_at),
        "timezone": event.timezone,
        "url": external_url("events.show", slug=event.slug),
        "links": {"api": external_url("api_host.get_managed_event", event_id=event.id)},
        # The series it is a session of, as the API's event shows it (one query, none for an event of no series).
        "series": series_links.series_data(series_links.sessions_series([event]).get(event.id), build=external_url),
    }


def registration_data(registration, answers: list[dict] | None = None) -> dict:
    """A registration as its hosts see it: who, where they stand and what they answered, under the API's field
    names, with the address of the same object in the host API (links.api). `answers`: already read for many
    (questions.queries.shown_answers_of), else read here."""
    if answers is None:
        answers = question_queries.shown_answers_of([registration.id])[registration.id]
    return {
        "id": registration.id,
        "name": registration.name,
        "email": registration.email,
        "organization": registration.organization,
        "job_role": registration.job_role,
        "accessibility": registration.accessibility,
        "accessibility_details": registration.accessibility_details,
        "wants_recording": registration.wants_recording,
        "status": registration.status,
        "created_at": iso(registration.created_at),  # the API's name for it (api/present.py)
        "confirmed_at": iso(registration.confirmed_at),
        "cancelled_at": iso(registration.cancelled_at),
        "declined_at": iso(registration.declined_at),
        "answers": answers,
        "links": {
            "api": external_url(
                "api_host.get_registration", event_id=registration.event_id, registration_id=registration.id
            )
        },
    }


def emit(kind: str, event: Event, data: dict | Callable[[], dict], now: datetime) -> list[WebhookDelivery]:
    """Queue a `kind` message about `event` for every enabled endpoint that asked for it and whose host may
    manage the event (an admin's: every event), in the caller's transaction. The body is
    {"type", "timestamp", "data": {"event": ..., **data}}, fixed now: a retry sends the same bytes. `data` may be
    a function making it, called only when some endpoint is to receive the message (a registration's answers are
    read for its payload, under the event's row lock)."""
    if kind not in EVENT_TYPES:
        raise ValueError(f"unknown webhook event type {kind!r}")
    endpoints = [endpoint for endpoint in _endpoints_for(event) if endpoint.receives(kind)]
    if not endpoints:
        return []
    return _queue(endpoints, kind, {"event": event_data(event), **(data() if callable(data) else data)}, now)


def send_test(endpoint: WebhookEndpoint, *, now: datetime) -> WebhookDelivery:
    """Queue a TEST_TYPE message to this endpoint alone, signed and logged like the rest, to check the receiver.
    WebhookError("endpoint_disabled") unless the endpoint is enabled."""
    if not endpoint.is_enabled:
        raise WebhookError("endpoint_disabled")
    data = {"endpoint": {"id": endpoint.id, "url": endpoint.url}, "message": "A test event from eventreg."}
    [delivery] = _queue([endpoint], TEST_TYPE, data, now)
    return delivery


def _queue(endpoints: list[WebhookEndpoint], kind: str, data: dict, now: datetime) -> list[WebhookDelivery]:
    payload = json.dumps({"type": kind, "timestamp": iso(now), "data": data}, ensure_ascii=False, separators=(",", ":"))
    deliveries = [
        WebhookDelivery(
            endpoint_id=endpoint.id,
            message_id="msg_" + secrets.token_urlsafe(24),
            kind=kind,
            payload=payload,
            created_at=now,
            give_up_at=now + GIVE_UP_AFTER,
            next_attempt_at=now,
        )
        for endpoint in endpoints
    ]
    db.session.add_all(deliveries)
    db.session.flush()
    note_queued(QUEUED_KEY, [delivery.id for delivery in deliveries])
    return deliveries


def emit_registration(kind: str, registration, now: datetime, **data) -> list[WebhookDelivery]:
    """A registration.* message: the registration as the change left it, and `data` beside it (a decision's
    `note`; registration.updated's `changed`, the fields that changed)."""
    return emit(kind, registration.event, lambda: {"registration": registration_data(registration), **data}, now)


def emit_certificate(certificate, now: datetime) -> list[WebhookDelivery]:
    """certificate.issued for a certificate just issued or reissued (the same number and code; reissued_at set)."""
    data = {
        "registration": registration_data(certificate.registration),
        "certificate": {
            "id": certificate.id,
            "number": certificate.number,
            "name": certificate.name,
            "contact_hours": str(certificate.contact_hours),
            "issued_at": iso(certificate.issued_at),
            "reissued_at": iso(certificate.reissued_at),
            "verification_url": external_url("certificates.verify", code=certificate.grouped_code),
        },
    }
    return emit("certificate.issued", certificate.registration.event, data, now)


def emit_attendance(event: Event, registrations: Iterable, now: datetime) -> list[WebhookDelivery]:
    """attendance.recorded for the registrations whose attendance was just written (one message per recording)."""
    registrations = list(registrations)
    answers = question_queries.shown_answers_of([r.id for r in registrations])
    rows = [
        {**registration_data(r, answers[r.id]), "attended": r.attended, "minutes_attended": r.minutes_attended}
        for r in registrations
    ]
    if not rows:
        return []
    return emit("attendance.recorded", event, {"registrations": rows}, now)


def _endpoints_for(event: Event) -> list[WebhookEndpoint]:
    hosts_of_event = sa.select(event_hosts.c.host_id).where(event_hosts.c.event_id == event.id)
    return list(
        db.session.scalars(
            sa.select(WebhookEndpoint)
            .join(Host, Host.id == WebhookEndpoint.host_id)
            .where(WebhookEndpoint.is_enabled, sa.or_(Host.is_admin, WebhookEndpoint.host_id.in_(hosts_of_event)))
            .order_by(WebhookEndpoint.id)
        )
    )


def take_queued_ids() -> list[int]:
    """Ids queued in this session since last asked (rolled-back ones are skipped when sending)."""
    return take_queued(QUEUED_KEY)
