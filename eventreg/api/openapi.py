"""What the OpenAPI document says beyond the schemas, each by one rule here rather than in every view: the
operationId (the view's name in camelCase), the error statuses each operation can answer (and no catch-all
`default`), the headers that are sent (Location, ETag, Link, the rate-limit headers), the rules marshmallow's
validators enforce that JSON Schema can say (patterns), and the webhooks a host's endpoint receives.

Plugin is an apispec plugin: flask-smorest hands it every operation as the blueprints are registered, with the
URL rule, so a rule here can ask what the route is (its parameters, its method, whether a token opens it)."""

import http

import marshmallow
from apispec import BasePlugin
from apispec.ext.marshmallow import MarshmallowPlugin
from apispec.ext.marshmallow.common import resolve_schema_instance
from werkzeug.routing import Rule

from eventreg.api import schemas as s
from eventreg.core.database import READ_ONLY_METHODS
from eventreg.events.models import Status
from eventreg.questions.models import QuestionType
from eventreg.registrations.models import Accessibility, RegistrationStatus
from eventreg.series.models import SeriesKind

RATE_LIMIT_HEADERS = {
    "X-RateLimit-Limit": {
        "description": "Requests this token may make in the current window (API_RATE_LIMIT).",
        "schema": {"type": "integer"},
    },
    "X-RateLimit-Remaining": {
        "description": "Requests left in the current window.",
        "schema": {"type": "integer"},
    },
    "X-RateLimit-Reset": {
        "description": "When the current window ends, in seconds since the Unix epoch.",
        "schema": {"type": "integer"},
    },
}
RETRY_AFTER = {
    "Retry-After": {
        "description": "Seconds to wait before trying again (only on a 429).",
        "schema": {"type": "integer"},
    }
}
ETAG = {
    "ETag": {
        "description": "A validator of this answer: send it back as If-None-Match and an unchanged answer is a 304.",
        "schema": {"type": "string"},
    }
}
IF_NONE_MATCH = {
    "in": "header",
    "name": "If-None-Match",
    "required": False,
    "description": "An ETag from an earlier answer: if the answer has not changed, 304 Not Modified with no body.",
    "schema": {"type": "string"},
}
LOCATION = {
    "Location": {
        "description": "The address of what was created (its GET).",
        "schema": {"type": "string", "format": "uri"},
    }
}

# Patterns for marshmallow validators that JSON Schema can say (ECMA 262 and Python's re read them alike).
SINGLE_LINE = r"^[^\u0000-\u001f\u007f-\u009f\u2028\u2029]*$"
PLAIN_TEXT = r"^[^\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]*$"
WEB_ADDRESS = r"^[Hh][Tt][Tt][Pp][Ss]?://[^\s/$.?#]\S*$"
VALIDATOR_PROPERTIES = {
    s.single_line: {"pattern": SINGLE_LINE},
    s.plain_text: {"pattern": PLAIN_TEXT},
    s.web_address: {"pattern": WEB_ADDRESS},
}


def operation_id(endpoint: str) -> str:
    """The view's name in camelCase: api_host.add_registration -> addRegistration. Names are unique across the
    API's blueprints (the document test checks it)."""
    first, *rest = endpoint.rsplit(".", 1)[-1].split("_")
    return first + "".join(word.capitalize() for word in rest)


def _ref(status: int) -> str:
    """The component response problems.Api registers for the status, a problem document."""
    return http.HTTPStatus(status).name


def error_statuses(method: str, operation: dict, rule: Rule) -> set[int]:
    """The error statuses this operation can answer, from what the route is:
    - a path with a parameter: 404 (nothing there, or nothing this token may see);
    - with a token: 401, and 429 past its rate limit; a change: 403 for a read-only token;
    - with a JSON body: 400 (unreadable JSON), 413 (too large), 415 (not JSON) and 422 (invalid values);
    - with query arguments: 422;
    - with an Idempotency-Key: 409 (the same key still in flight) and 422 (the key used for another request);
    and whatever the view itself documents (409 for a conflict, 400 for a cursor we never gave out, 403 on a read
    that takes a read-write token, marked x-read-write-token)."""
    statuses = {int(status) for status in operation.get("responses", {}) if str(status).isdigit()}
    statuses = {status for status in statuses if status >= 400} - {401, 403, 404, 429}
    if rule.arguments:
        statuses.add(404)
    if operation.get("security"):
        statuses |= {401, 429}
        if method.upper() not in READ_ONLY_METHODS or operation.get("x-read-write-token"):
            statuses.add(403)
    if "requestBody" in operation:
        statuses |= {400, 413, 415, 422}
    parameters = operation.get("parameters", [])
    if any(parameter.get("in") == "query" for parameter in parameters):
        statuses.add(422)
    if any(parameter.get("in") == "header" and parameter.get("name") == "Idempotency-Key" for parameter in parameters):
        statuses |= {409, 422}
    if not rule.arguments:
        statuses.discard(404)
    if method.upper() in READ_ONLY_METHODS and not operation.get("x-read-write-token"):
        statuses.discard(403)
    return statuses


class Plugin(BasePlugin):
    """Completes each operation as flask-smorest registers it (see the module's docstring)."""

    def init_spec(self, spec) -> None:
        self.spec = spec
        self.components_done = False
        for plugin in spec.plugins:
            if isinstance(plugin, MarshmallowPlugin):
                plugin.converter.add_attribute_function(validator_properties)

    def schema_helper(self, name, definition, schema=None, **kwargs) -> dict:
        """What marshmallow's Meta says of an object as a whole: no unknown fields (apispec leaves
        additionalProperties out of a schema with a description), and Meta.json_schema's keywords."""
        instance = resolve_schema_instance(schema) if schema is not None else None
        if instance is None:
            return {}
        extra = dict(getattr(instance.Meta, "json_schema", {}))
        if instance.unknown == marshmallow.RAISE:
            extra["additionalProperties"] = False
        return extra

    def operation_helper(self, path=None, operations=None, rule: Rule | None = None, **kwargs) -> None:
        if rule is None:
            return
        if not self.components_done:  # problems.Api registers its responses after the plugins' init_spec
            self.components_done = True
            for status, headers in ((429, {**RETRY_AFTER, **RATE_LIMIT_HEADERS}),):
                for registry in (self.spec.components.responses, self.spec.components.responses_lazy):
                    if _ref(status) in registry:
                        registry[_ref(status)]["headers"] = headers
        for method, operation in operations.items():
            complete(method, operation, rule)


def complete(method: str, operation: dict, rule: Rule) -> None:
    operation["operationId"] = operation_id(rule.endpoint)
    responses = {str(status): response for status, response in operation.get("responses", {}).items()}
    responses.pop("default", None)
    errors = error_statuses(method, operation, rule)
    responses = {status: response for status, response in responses.items() if int(status) < 400}
    responses.update({str(status): _ref(status) for status in sorted(errors)})
    limited = bool(operation.get("security"))
    for status, response in responses.items():
        if int(status) >= 300 or not isinstance(response, dict):
            continue
        headers = response.setdefault("headers", {})
        if status == "201":
            headers.update(LOCATION)
        if limited:
            headers.update(RATE_LIMIT_HEADERS)
        if not headers:
            del response["headers"]
    if _answers_conditionally(method, operation, responses):
        operation.setdefault("parameters", []).append(IF_NONE_MATCH)
        responses["200"].setdefault("headers", {}).update(ETAG)
        responses["304"] = {"description": "Not Modified: the ETag sent in If-None-Match is still current."}
    operation["responses"] = dict(sorted(responses.items()))


def _answers_conditionally(method: str, operation: dict, responses: dict) -> bool:
    """The public catalog's GETs (caching.public) carry an ETag and answer If-None-Match with a 304."""
    return method.upper() == "GET" and not operation.get("security") and "200" in responses


def validator_properties(self, field, **kwargs) -> dict:
    """JSON Schema keywords for our own validators on a field (apispec knows marshmallow's)."""
    found = {}
    for validator in getattr(field, "validators", []):
        found.update(VALIDATOR_PROPERTIES.get(validator, {}))
    return found


# Webhooks: what a host's endpoint receives (eventreg/webhooks: operations.emit writes the bodies, sending.py
# signs them). The API does not import the webhooks package (it listens to signals, nothing imports it); the
# factory hands the event types to document_webhooks, which refuses a type whose payload is not described here.

INSTANT = {"type": "string", "format": "date-time", "description": "UTC, with a Z.", "example": "2025-01-30T20:00:00Z"}
MAYBE_INSTANT = {**INSTANT, "type": ["string", "null"]}


def _links(what: str) -> dict:
    return {
        "type": "object",
        "properties": {"api": {"type": "string", "format": "uri", "description": f"The {what} in the host API."}},
        "required": ["api"],
    }


WEBHOOK_SCHEMAS = {
    "WebhookEvent": {
        "type": "object",
        "description": "The event a message is about.",
        "properties": {
            "id": {"type": "integer"},
            "slug": {"type": "string"},
            "title": {"type": "string"},
            "status": {"type": "string", "enum": list(Status.ALL)},
            "starts_at": INSTANT,
            "ends_at": INSTANT,
            "timezone": {"type": "string", "example": "America/New_York"},
            "url": {"type": "string", "format": "uri", "description": "The event's page."},
            "links": _links("event"),
            "series": {
                "oneOf": [{"type": "null"}, {"$ref": "#/components/schemas/WebhookSeries"}],
                "description": "The series (course or program) the event is a session of; null: none.",
            },
        },
        "required": ["id", "slug", "title", "status", "starts_at", "ends_at", "timezone", "url", "links", "series"],
    },
    "WebhookSeries": {
        "type": "object",
        "description": "The series an event is a session of, as the API's event shows it.",
        "properties": {
            "slug": {"type": "string"},
            "title": {"type": "string"},
            "kind": {"type": "string", "enum": list(SeriesKind.ALL)},
            "part": {
                "type": ["integer", "null"],
                "description": "Part 2 of 4: 2; null for a cancelled or draft session.",
            },
            "of": {"type": ["integer", "null"], "description": "How many published sessions."},
            "links": {
                "type": "object",
                "properties": {
                    "page": {"type": "string", "format": "uri", "description": "The series' page."},
                    "api": {"type": "string", "format": "uri", "description": "The series in the public API."},
                },
                "required": ["page", "api"],
            },
        },
        "required": ["slug", "title", "kind", "part", "of", "links"],
    },
    "WebhookRegistration": {
        "type": "object",
        "description": "A registration as its hosts see it: who, and where they stand.",
        "properties": {
            "id": {"type": "integer"},
            "name": {"type": "string"},
            "email": {"type": "string", "format": "email"},
            "organization": {"type": "string"},
            "job_role": {"type": "string"},
            "accessibility": {
                "type": "string",
                "enum": [value for value, _ in Accessibility.CHOICES],
                "description": "The accessibility request; empty: none.",
            },
            "accessibility_details": {"type": "string"},
            "wants_recording": {"type": "boolean", "description": "Asked to be emailed when the recording is posted."},
            "status": {"type": "string", "enum": list(RegistrationStatus.ALL)},
            "created_at": {**INSTANT, "description": "When they registered (UTC, with a Z), as the API names it."},
            "confirmed_at": MAYBE_INSTANT,
            "cancelled_at": MAYBE_INSTANT,
            "declined_at": MAYBE_INSTANT,
            "answers": {
                "type": "array",
                "items": {"$ref": "#/components/schemas/WebhookAnswer"},
                "description": "Its answers to the event's own questions, in the form's order (as in the API).",
            },
            "links": _links("registration"),
        },
        "required": [
            "id",
            "name",
            "email",
            "organization",
            "job_role",
            "accessibility",
            "accessibility_details",
            "wants_recording",
            "status",
            "created_at",
            "confirmed_at",
            "cancelled_at",
            "declined_at",
            "answers",
            "links",
        ],
    },
    "WebhookAnswer": {
        "type": "object",
        "description": "An answer as given: the question (null once deleted), its label and type then, the answer as "
        "text and the labels chosen.",
        "properties": {
            "question_id": {"type": ["integer", "null"]},
            "label": {"type": "string"},
            "type": {"type": "string", "enum": list(QuestionType.ALL)},
            "value": {"type": "string"},
            "choices": {"type": "array", "items": {"type": "string"}},
        },
        "required": ["question_id", "label", "type", "value", "choices"],
    },
    "WebhookAttendance": {
        "allOf": [
            {"$ref": "#/components/schemas/WebhookRegistration"},
            {
                "type": "object",
                "properties": {
                    "attended": {"type": ["boolean", "null"], "description": "null: not recorded."},
                    "minutes_attended": {"type": ["integer", "null"]},
                },
                "required": ["attended", "minutes_attended"],
            },
        ]
    },
    "WebhookCertificate": {
        "type": "object",
        "properties": {
            "id": {"type": "integer"},
            "number": {"type": "string", "example": "2025-0012-0003"},
            "name": {"type": "string", "description": "The name printed on it."},
            "contact_hours": {"type": "string", "format": "decimal", "example": "1.50"},
            "issued_at": INSTANT,
            "reissued_at": {**MAYBE_INSTANT, "description": "Set when it was issued again (same number and code)."},
            "verification_url": {"type": "string", "format": "uri"},
        },
        "required": ["id", "number", "name", "contact_hours", "issued_at", "reissued_at", "verification_url"],
    },
}
REGISTRATION = "#/components/schemas/WebhookRegistration"
DECISION_NOTE = {
    "type": ["string", "null"],
    "description": "The host's note to the person, as mailed to them; null without one.",
}
# Each type's `data` beside `event`.
WEBHOOK_DATA = {
    "registration.created": {"registration": {"$ref": REGISTRATION}},
    "registration.cancelled": {"registration": {"$ref": REGISTRATION}},
    "registration.promoted": {"registration": {"$ref": REGISTRATION}},
    "registration.approved": {"registration": {"$ref": REGISTRATION}, "note": DECISION_NOTE},
    "registration.declined": {"registration": {"$ref": REGISTRATION}, "note": DECISION_NOTE},
    "registration.updated": {
        "registration": {"$ref": REGISTRATION},
        "changed": {
            "type": "array",
            "items": {"type": "string"},
            "minItems": 1,
            "description": "The fields the registrant changed, by the API's names (name, organization, job_role, "
            "accessibility, accessibility_details, wants_recording, answers); the registration shows their new values.",
        },
    },
    "event.published": {},
    "event.updated": {
        "changed": {
            "type": "array",
            "items": {"type": "string"},
            "description": "The names of the fields that changed, as the editor's change list has them.",
        }
    },
    "event.cancelled": {},
    "attendance.recorded": {
        "registrations": {"type": "array", "items": {"$ref": "#/components/schemas/WebhookAttendance"}}
    },
    "certificate.issued": {
        "registration": {"$ref": REGISTRATION},
        "certificate": {"$ref": "#/components/schemas/WebhookCertificate"},
    },
}
WEBHOOK_HEADERS = [
    ("webhook-id", "The message's id, the same on every attempt: a receiver that has seen it may ignore it.",
     {"type": "string", "example": "msg_2KWPBgLlAfxdpx2AI54pPJ85f4W"}),
    ("webhook-timestamp", "This attempt's time, in seconds since the Unix epoch. Refuse one far from now.",
     {"type": "string", "pattern": "^[0-9]+$", "example": "1738267200"}),
    ("webhook-signature", 'Space-separated signatures, each "v1," and the base64 HMAC-SHA256, keyed with the '
     'endpoint\'s secret (whsec_..., base64 after the prefix), of "{webhook-id}.{webhook-timestamp}.{body}".',
     {"type": "string", "example": "v1,K5oZfzN95Z9UVu1EsfQmfVNQhnkZ2pj9o9NDN/H/pI4="}),
]  # fmt: skip


def webhook_name(kind: str) -> str:
    """registration.created -> registrationCreated."""
    return operation_id(kind.replace(".", "_"))


TEST_BODY = {
    "type": "object",
    "properties": {
        "timestamp": {**INSTANT, "description": "When the host asked for it."},
        "data": {
            "type": "object",
            "properties": {
                "endpoint": {
                    "type": "object",
                    "properties": {"id": {"type": "integer"}, "url": {"type": "string"}},
                    "required": ["id", "url"],
                },
                "message": {"type": "string"},
            },
            "required": ["endpoint", "message"],
        },
    },
    "required": ["type", "timestamp", "data"],
}


def document_webhooks(spec, event_types: dict[str, str], test_type: str) -> None:
    """Add the top-level `webhooks` (OpenAPI 3.1): one POST per event type, its body and the Standard Webhooks
    headers, and the test event a host sends from the endpoint's page. Called by the factory with
    webhooks.models.EVENT_TYPES and webhooks.operations.TEST_TYPE."""
    undescribed = set(event_types) - set(WEBHOOK_DATA)
    if undescribed:
        raise LookupError(f"webhook event types without a described payload: {sorted(undescribed)}")
    for name, schema in WEBHOOK_SCHEMAS.items():
        if name not in spec.components.schemas:
            spec.components.schema(name, schema)
    parameters = [
        {"in": "header", "name": name, "required": True, "description": description, "schema": schema}
        for name, description, schema in WEBHOOK_HEADERS
    ]
    webhooks = {}
    for kind, summary in event_types.items():
        body = {
            "type": "object",
            "properties": {
                "type": {"type": "string", "const": kind},
                "timestamp": {**INSTANT, "description": "When it happened (the same on every attempt)."},
                "data": {
                    "type": "object",
                    "properties": {"event": {"$ref": "#/components/schemas/WebhookEvent"}, **WEBHOOK_DATA[kind]},
                    "required": ["event", *WEBHOOK_DATA[kind]],
                },
            },
            "required": ["type", "timestamp", "data"],
        }
        webhooks[kind] = {
            "post": {
                "operationId": webhook_name(kind) + "Webhook",
                "summary": summary,
                "description": "Sent to each enabled endpoint that chose this type and whose host may manage the "
                "event, after the change is committed; retried with backoff for three days until it answers 2xx.",
                "tags": ["webhooks"],
                "parameters": parameters,
                "requestBody": {"required": True, "content": {"application/json": {"schema": body}}},
                "responses": {
                    "2XX": {"description": "Received. Any other answer, or none within the timeout, is retried."}
                },
            }
        }
    webhooks[test_type] = {
        "post": {
            **webhooks[next(iter(event_types))]["post"],
            "operationId": webhook_name(test_type) + "Webhook",
            "summary": "A test event, sent when the host presses “Send test event”",
            "description": "Sent to that one endpoint (enabled), whatever types it chose; signed, logged and "
            "retried as every delivery is.",
            "requestBody": {"required": True, "content": {"application/json": {"schema": TEST_BODY | {
                "properties": {**TEST_BODY["properties"], "type": {"type": "string", "const": test_type}}
            }}}},
        }
    }  # fmt: skip
    spec.options["webhooks"] = webhooks
