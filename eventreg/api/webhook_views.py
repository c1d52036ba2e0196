"""The host API's webhook endpoints, /api/v1/host/webhooks: list, add (the secret answered once), read, change,
delete and rotate the secret, through the same operations as the host pages (eventreg/webhooks/operations.py).
Its routes are on views.host (token, rate limit, problem documents); api.views.init_app imports this module
before registering that blueprint. A host reaches only their own endpoints (anyone else's id answers 404), and
only with a read-write token: an endpoint's address and types are its host's integration settings."""

from flask import current_app, g, url_for
from flask_babel import gettext as _
from marshmallow import fields, validate

from eventreg import clock
from eventreg.api import schemas as s
from eventreg.api.problems import fail
from eventreg.api.views import by_token, documented_errors, host, refuses
from eventreg.core.extensions import db
from eventreg.core.inputs import MAX_ID
from eventreg.webhooks import network, operations
from eventreg.webhooks.models import EVENT_TYPES, WebhookEndpoint
from eventreg.webhooks.operations import WebhookError

# The shape network.parse accepts, as far as a pattern says it: ASCII, no credentials (no "@" before the path).
URL_PATTERN = r"^[Hh][Tt][Tt][Pp][Ss]?://[A-Za-z0-9.\-\[\]:]+(?:[/?#][!-~]*)?$"
TYPES_DESCRIPTION = "Event types to receive: " + ", ".join(EVENT_TYPES) + "."


class WebhookEndpointSchema(s.Schema):
    id = fields.Integer(required=True)
    url = fields.String(required=True)
    description = fields.String(required=True)
    event_types = fields.List(fields.String(), required=True)
    enabled = fields.Boolean(required=True)
    disabled_at = s.Instant(required=True, allow_none=True)
    disabled_reason = fields.String(
        required=True,
        allow_none=True,
        metadata={"description": "host (disabled by its host), failing (repeated failures) or gone (answered 410)."},
    )
    created_at = s.Instant(required=True)
    previous_secret_expires_at = s.Instant(
        required=True,
        allow_none=True,
        metadata={"description": "After a rotation: until then the previous secret signs too."},
    )


class WebhookEndpointListSchema(s.Schema):
    endpoints = fields.List(fields.Nested(WebhookEndpointSchema), required=True)


class WebhookEndpointWithSecretSchema(WebhookEndpointSchema):
    secret = fields.String(required=True, metadata={"description": "The signing secret, answered this once."})


class WebhookEndpointInSchema(s.Schema):
    url = fields.String(
        required=True,
        validate=validate.Length(min=1, max=network.URL_MAX),  # network.parse reads the rest
        metadata={
            "description": "An https:// address (http:// only for hosts in WEBHOOK_ALLOWED_HOSTS), without a user "
            "name or password, whose name resolves to public addresses only.",
            "pattern": URL_PATTERN,
        },
    )
    description = fields.String(load_default="", validate=[validate.Length(max=200), s.single_line])
    event_types = fields.List(
        fields.String(validate=validate.OneOf(list(EVENT_TYPES))),
        required=True,
        validate=validate.Length(min=1),
        metadata={"description": TYPES_DESCRIPTION},
    )


class WebhookEndpointChangesSchema(WebhookEndpointInSchema):
    enabled = fields.Boolean(metadata={"description": "false disables it (waiting deliveries are marked failed)."})


def _shown(endpoint: WebhookEndpoint, secret: str | None = None) -> dict:
    shown = {
        "id": endpoint.id,
        "url": endpoint.url,
        "description": endpoint.description,
        "event_types": endpoint.event_types,
        "enabled": endpoint.is_enabled,
        "disabled_at": endpoint.disabled_at,
        "disabled_reason": endpoint.disabled_reason,
        "created_at": endpoint.created_at,
        "previous_secret_expires_at": endpoint.previous_secret_expires_at,
    }
    return shown if secret is None else {**shown, "secret": secret}


def _writer() -> None:
    if not g.api_token.can_write:
        fail(403, "read_only_token", _("Webhook endpoints need a read-write token."))


def _own_endpoint(endpoint_id: int) -> WebhookEndpoint:
    _writer()
    endpoint = db.session.get(WebhookEndpoint, endpoint_id) if 0 < endpoint_id <= MAX_ID else None
    if endpoint is None or endpoint.host_id != g.api_token.host.id:
        fail(404)
    return endpoint


def _allowed() -> frozenset[str]:
    return network.allowed_hosts(current_app.config["WEBHOOK_ALLOWED_HOSTS"])


def _refused(error: Exception):
    if isinstance(error, network.UrlRefused):
        fail(422, "url_refused", error.message, errors={"json": {"url": [error.message]}})
    if error.code == "too_many":
        fail(409, "conflict", error.message)
    fail(422, "invalid_input", error.message, errors={"json": {"event_types": [error.message]}})


@host.route("/webhooks", methods=["GET"])
@host.response(200, WebhookEndpointListSchema)
@host.doc(**{"x-read-write-token": True})  # an endpoint's address is an integration setting
@by_token
def list_webhook_endpoints():
    """The token's host's webhook endpoints, oldest first. Never their secrets."""
    _writer()
    endpoints = db.session.scalars(
        db.select(WebhookEndpoint).where(WebhookEndpoint.host_id == g.api_token.host.id).order_by(WebhookEndpoint.id)
    )
    return {"endpoints": [_shown(endpoint) for endpoint in endpoints]}


@host.route("/webhooks", methods=["POST"])
@host.arguments(WebhookEndpointInSchema)
@host.response(201, WebhookEndpointWithSecretSchema)
@documented_errors(host, 409)
@refuses(host, "url_refused")
@by_token
def create_webhook_endpoint(data):
    """A new enabled endpoint, as "Add an endpoint" makes it. The answer holds its signing secret, this once."""
    _writer()
    try:
        endpoint = operations.create_endpoint(g.api_token.host, allowed=_allowed(), now=clock.now(), **data)
    except (network.UrlRefused, WebhookError) as error:
        _refused(error)
    location = url_for("api_host.get_webhook_endpoint", endpoint_id=endpoint.id, _external=True)
    return _shown(endpoint, endpoint.secret), 201, {"Location": location}


@host.route("/webhooks/<int:endpoint_id>", methods=["GET"])
@host.response(200, WebhookEndpointSchema)
@host.doc(**{"x-read-write-token": True})  # an endpoint's address is an integration setting
@by_token
def get_webhook_endpoint(endpoint_id: int):
    """One of the host's endpoints, without its secret."""
    return _shown(_own_endpoint(endpoint_id))


@host.route("/webhooks/<int:endpoint_id>", methods=["PATCH"])
@host.arguments(WebhookEndpointChangesSchema(partial=True))
@host.response(200, WebhookEndpointSchema)
@refuses(host, "url_refused")
@by_token
def update_webhook_endpoint(data, endpoint_id: int):
    """Change the address, description or types (fields left out keep their values), or enable or disable it."""
    endpoint = _own_endpoint(endpoint_id)
    try:
        operations.update_endpoint(
            endpoint,
            url=data.get("url", endpoint.url),
            event_types=data.get("event_types", endpoint.event_types),
            description=data.get("description", endpoint.description),
            allowed=_allowed(),
        )
    except (network.UrlRefused, WebhookError) as error:
        _refused(error)
    if data.get("enabled") is True and not endpoint.is_enabled:
        operations.enable_endpoint(endpoint)
    elif data.get("enabled") is False and endpoint.is_enabled:
        operations.disable_endpoint(endpoint, reason="host", now=clock.now())
    return _shown(endpoint)


@host.route("/webhooks/<int:endpoint_id>", methods=["DELETE"])
@host.response(204)
@by_token
def delete_webhook_endpoint(endpoint_id: int):
    """The endpoint and its delivery log, for good."""
    operations.delete_endpoint(_own_endpoint(endpoint_id))
    return "", 204


@host.route("/webhooks/<int:endpoint_id>/rotate-secret", methods=["POST"])
@host.response(200, WebhookEndpointWithSecretSchema)
@by_token
def rotate_webhook_secret(endpoint_id: int):
    """A new signing secret, answered this once.

    Until previous_secret_expires_at (24 hours) every message carries a signature with the previous secret too
    (two space-separated v1 signatures in webhook-signature); then only the new one."""
    endpoint = _own_endpoint(endpoint_id)
    secret = operations.rotate_secret(endpoint, now=clock.now())
    return _shown(endpoint, secret)
