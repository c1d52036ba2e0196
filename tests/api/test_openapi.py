"""The OpenAPI document: valid, generated from the code, readable on our own reference page, and true: Schemathesis
sends generated requests (reads and writes, with a real read-write token) and checks every answer against it."""

import re
import uuid
from datetime import date, time
from decimal import Decimal

import hypothesis
import pytest
import schemathesis
from openapi_spec_validator import validate
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    positive_data_acceptance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from eventreg.api.problems import BEYOND_SCHEMA
from eventreg.api.schemas import HOURS_PATTERN
from eventreg.core.extensions import db
from eventreg.core.inputs import MAX_ID
from eventreg.core.security import CONTENT_SECURITY_POLICY
from eventreg.events.operations import RESERVED_SLUGS
from eventreg.events.rules import EventError, check_contact_hours
from eventreg.hosts.forms import SLUG_PATTERN
from eventreg.series import operations as series_operations
from eventreg.series import rules as series_rules
from eventreg.timezones import canonical_zones
from eventreg.webhooks import operations as webhook_operations
from eventreg.webhooks.models import EVENT_TYPES

CHECKS = [
    not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance,
    response_headers_conformance,
]  # fmt: skip
POSITIVE_EXAMPLES = 25
NEGATIVE_EXAMPLES = 10
# Any text is a possible slug, and the topics take no input: no request to these breaks the document's rules.
NOTHING_TO_NEGATE = {"GET /api/v1/events/{slug}", "GET /api/v1/series/{slug}", "GET /api/v1/topics"}


def test_document_is_valid_openapi_3_1_and_describes_every_api_route(app, client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    spec = response.get_json()
    validate(spec)
    assert spec["openapi"] == "3.1.0"
    documented = {
        (path, method.upper()) for path, item in spec["paths"].items() for method in item if method != "parameters"
    }
    routes = {
        (rule.rule.replace("<int:", "{").replace("<", "{").replace(">", "}"), method)
        for rule in app.url_map.iter_rules()
        if rule.endpoint.startswith(("api.", "api_host."))
        for method in rule.methods - {"HEAD", "OPTIONS"}
    }
    assert routes == documented
    assert spec["components"]["securitySchemes"]["bearerAuth"] == {
        "type": "http",
        "scheme": "bearer",
        "description": "A host's API token, ereg_...",
    }
    problem = spec["components"]["responses"]["NOT_FOUND"]["content"]
    assert list(problem) == ["application/problem+json"]


def operations_of(spec: dict, section: str = "paths"):
    for path, item in spec[section].items():
        for method, operation in item.items():
            if method != "parameters":
                yield f"{method.upper()} {path}", operation


def test_every_operation_is_named_and_lists_the_statuses_it_answers_with_their_headers(client):
    spec = client.get("/api/v1/openapi.json").get_json()
    operations = dict(operations_of(spec))
    ids = [operation["operationId"] for operation in operations.values()]
    assert len(set(ids)) == len(ids) == 24  # 18, and the 6 of webhook endpoints (api/webhook_views.py)
    assert {"listEvents", "getEvent", "createEvent", "addRegistration", "getRegistration"} <= set(ids)
    assert {"approveRegistration", "declineRegistration"} <= set(ids)
    for label, operation in operations.items():
        responses = operation["responses"]
        assert "default" not in responses, label
        token = "security" in operation
        writes = not label.startswith("GET")
        assert ("401" in responses, "429" in responses) == (token, token), label
        # A read-only token may GET, but for the webhook endpoints (their addresses are integration settings).
        assert ("403" in responses) == (token and (writes or "/webhooks" in label)), label
        assert ("404" in responses) == ("{" in label), label  # only an address naming something can miss
        assert ("413" in responses) == ("415" in responses) == ("requestBody" in operation), label
        for status, response in responses.items():
            if status >= "400":
                assert response == {"$ref": f"#/components/responses/{__import__('http').HTTPStatus(int(status)).name}"}
            elif status != "304" and token:
                assert {"X-RateLimit-Limit", "X-RateLimit-Remaining", "X-RateLimit-Reset"} <= set(response["headers"])
        if "201" in responses:
            assert "Location" in responses["201"]["headers"], label
        assert ("304" in responses) == (not token and label.startswith("GET")), label
        if "304" in responses:
            assert "ETag" in responses["200"]["headers"]
    assert set(spec["components"]["responses"]["TOO_MANY_REQUESTS"]["headers"]) >= {"Retry-After", "X-RateLimit-Reset"}
    for name in ("BAD_REQUEST", "NOT_FOUND", "UNSUPPORTED_MEDIA_TYPE", "TOO_MANY_REQUESTS"):
        assert list(spec["components"]["responses"][name]["content"]) == ["application/problem+json"]


def test_the_document_states_the_rules_the_server_enforces(client):
    schemas = client.get("/api/v1/openapi.json").get_json()["components"]["schemas"]
    event_in = schemas["EventIn"]
    assert "14 days" in event_in["description"]
    assert "registration_deadline_at at or before starts_at" in (event_in["description"])
    assert "2000 to 2100" in event_in["properties"]["starts_at"]["description"]
    assert event_in["properties"]["title"]["pattern"].startswith("^[^\\u0000-\\u001f")
    assert event_in["properties"]["join_url"]["pattern"].startswith("^[Hh][Tt][Tt][Pp][Ss]?://")
    assert event_in["properties"]["slug"]["pattern"] == "^[a-z0-9]+(?:-[a-z0-9]+)*$"
    assert schemas["RegistrationIn"]["properties"]["email"]["format"] == "email"
    assert event_in["properties"]["timezone"]["enum"] == list(canonical_zones())
    assert event_in["properties"]["slug"]["not"] == {"enum": sorted(RESERVED_SLUGS)}
    assert event_in["properties"]["topics"]["items"]["pattern"] == SLUG_PATTERN
    assert schemas["AttendanceIn"]["anyOf"]  # attended, or a number of minutes


def test_every_request_body_refuses_unknown_fields_and_says_so(client):
    spec = client.get("/api/v1/openapi.json").get_json()
    bodies = {
        label: op["requestBody"]["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[1]
        for label, op in operations_of(spec)
        if "requestBody" in op
    }
    assert len(bodies) == 8  # and approve, decline (an optional note)
    for label, name in bodies.items():
        assert spec["components"]["schemas"][name]["additionalProperties"] is False, label


def test_each_write_lists_the_422s_its_schema_cannot_express_and_each_is_a_documented_code(client):
    spec = client.get("/api/v1/openapi.json").get_json()
    refusals = {label: set(op.get("x-refusals", {})) for label, op in operations_of(spec)}
    assert refusals["POST /api/v1/host/events"] == refusals["PATCH /api/v1/host/events/{event_id}"] == {
        "ends_before_start", "too_long", "deadline_after_start", "bad_minutes", "start_in_past", "unknown_topic",
        "unknown_host",
    }  # fmt: skip
    assert refusals["POST /api/v1/host/webhooks"] == {"url_refused"}
    listed = set().union(*refusals.values())
    assert listed == set(BEYOND_SCHEMA)
    reference = client.get("/api/v1/docs").get_data(as_text=True)
    for code in listed:
        assert f'id="problem-{code}"' in reference, code


def test_contact_hours_text_is_read_exactly_as_the_documents_pattern_says(client, make_host, make_token):
    for hundredths in range(0, 100_100):
        text = f"{hundredths / 100:.2f}"
        for written in {text, text.rstrip("0").rstrip(".")} - {""}:
            try:
                check_contact_hours(Decimal(written))
                allowed = True
            except EventError:
                allowed = False
            assert bool(re.fullmatch(HOURS_PATTERN, written)) == allowed, written
    headers = {"Authorization": f"Bearer {make_token(make_host(admin=True))}"}
    body = {"title": "Hours", "timezone": "UTC", "starts_at": "2030-01-01T10:00:00Z", "ends_at": "2030-01-01T11:00:00Z"}
    for written in ("1e2", "1_0", "01.5", " 1.5", "1.", "+1"):  # Decimal() reads them; the pattern does not
        response = client.post("/api/v1/host/events", json={**body, "contact_hours": written}, headers=headers)
        assert response.status_code == 422, written
        assert list(response.get_json()["errors"]["json"]) == ["contact_hours"]
    response = client.post("/api/v1/host/events", json={**body, "contact_hours": "999.00"}, headers=headers)
    assert response.status_code == 201


def test_the_webhooks_section_describes_every_event_type_and_its_signed_headers(client):
    spec = client.get("/api/v1/openapi.json").get_json()
    assert set(spec["webhooks"]) == {*EVENT_TYPES, webhook_operations.TEST_TYPE}
    for kind, operation in operations_of(spec, "webhooks"):
        headers = {p["name"] for p in operation["parameters"] if p["in"] == "header" and p["required"]}
        assert headers == {"webhook-id", "webhook-timestamp", "webhook-signature"}
        body = operation["requestBody"]["content"]["application/json"]["schema"]
        assert body["properties"]["type"]["const"] == kind.split()[1]
        assert operation["operationId"].endswith("Webhook")


def test_reference_page_is_ours_with_no_script_and_the_strict_csp(client, text_of):
    response = client.get("/api/v1/docs")
    assert response.status_code == 200
    assert response.headers["Content-Security-Policy"] == CONTENT_SECURITY_POLICY
    html = response.get_data(as_text=True)
    assert "cdn" not in html.lower()
    assert all(src.startswith("/static/") for src in __import__("re").findall(r'src="([^"]+)"', html))
    text = text_of(response)
    for expected in (
        "GET /api/v1/events",
        "PATCH /api/v1/host/events/{event_id}",
        "Authorization: Bearer",
        "read_only_token",
        "time_line",
        "application/problem+json",
        'rel="next"',
        "operationId createEvent",
        "registration.created",
        "webhook.test",
        f"one of {len(canonical_zones())} values the document lists",  # the zones, counted rather than listed
    ):
        assert expected in text, expected
    assert 'id="problem-not_found"' in html  # the target of every problem's type


@pytest.fixture
def world(make_event, make_host, register, make_token, clock):
    """An admin's read-write and read-only tokens, and a real event with registrations for the generated ids to
    hit now and then."""
    host = make_host(admin=True)
    event = make_event(capacity=2)
    registrations = [register(event) for _ in range(3)]
    secret = make_token(host)
    endpoint = webhook_operations.create_endpoint(
        host,
        url="http://127.0.0.1:9/hook",
        event_types=["event.updated"],
        description="",
        allowed=frozenset({"127.0.0.1"}),
        now=clock.now(),
    )
    # A published course, so that lists and events carry a series (series and event.series in the document).
    series = series_operations.create_series(
        host, title="World course", kind="course", timezone="America/New_York", now=clock.now(), capacity=10
    )
    pattern = series_rules.Pattern(date(2025, 3, 4), time(15), 60, "America/New_York", 2, 1)
    series_operations.add_sessions(series, series_rules.plan(pattern), host, now=clock.now(), join_url=None)
    series_operations.publish(series, now=clock.now())
    ids = {"event_id": event.id, "registration_id": registrations[0].id, "endpoint_id": endpoint.id}
    read_only = make_token(host, write=False, name="Catalog widget")
    return ids, {
        "read-write": {"Authorization": f"Bearer {secret}"},
        "read-only": {"Authorization": f"Bearer {read_only}"},
    }


def accepted_unless_refused_as_documented(ctx, response, case):
    """positive_data_acceptance, but a 422 whose code the operation lists under x-refusals is a documented
    refusal (a rule across fields, the clock, what exists or the network: what JSON Schema cannot say)."""
    try:
        return positive_data_acceptance(ctx, response, case)
    except Exception:
        refusals = case.operation.definition.raw.get("x-refusals", {})
        if response.status_code == 422 and response.json().get("code") in refusals:
            return None
        raise


@pytest.mark.parametrize("token", ["read-write", "read-only"])
@pytest.mark.parametrize("mode", ["positive", "negative"])
def test_every_operation_answers_as_documented(app, world, db_session, mode, token):
    real_ids, tokens = world
    # Schemathesis' WSGI transport asks for gzip, as requests does, but does not decode it: ask for the plain
    # representation (the gzipped one is tested in tests/test_caching.py).
    headers = {**tokens[token], "Accept-Encoding": "identity"}
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    generation_mode = (
        schemathesis.GenerationMode.POSITIVE if mode == "positive" else schemathesis.GenerationMode.NEGATIVE
    )
    # A request the document allows is accepted, or refused with a documented x-refusals code; one it calls
    # invalid is refused.
    checks = (
        [*CHECKS, accepted_unless_refused_as_documented]
        if mode == "positive"
        else [not_a_server_error, content_type_conformance, status_code_conformance, negative_data_rejection]
    )
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) == 24  # 18, and the 6 of webhook endpoints (api/webhook_views.py)
    for operation in operations:

        @hypothesis.settings(
            # A read-only token's writes all stop at the 403: fewer examples show it.
            max_examples=(POSITIVE_EXAMPLES if mode == "positive" else NEGATIVE_EXAMPLES)
            // (3 if token == "read-only" else 1),
            deadline=None,
            database=None,
            derandomize=True,
            suppress_health_check=list(hypothesis.HealthCheck),
            phases=[hypothesis.Phase.explicit, hypothesis.Phase.generate],
        )
        @hypothesis.given(case=operation.as_strategy(generation_mode))
        def run(case):
            db.session.commit()  # the shared session starts each request fresh (see tests/api/conftest.py)
            for name, real in real_ids.items():
                # Mostly the real event and registration, so writes reach a row; sometimes what was generated.
                # An id the document allows only: a negated one must stay as generated, to be refused.
                value = case.path_parameters.get(name) if case.path_parameters else None
                if isinstance(value, int) and 0 < value <= MAX_ID and value % 4 != 0:
                    case.path_parameters[name] = real
            if mode == "positive":
                # A cursor is only valid from a next link; a reused Idempotency-Key answers for its first request
                # (both documented, both tested in test_conventions and test_idempotency).
                if case.query:
                    case.query.pop("cursor", None)
                if case.headers and "Idempotency-Key" in case.headers:
                    case.headers["Idempotency-Key"] = str(uuid.uuid4())
            case.call_and_validate(headers=headers, checks=checks)

        if mode == "positive" or operation.label not in NOTHING_TO_NEGATE:
            run()


def test_every_webhook_sent_matches_the_document(app, client, make_host, make_token, clock, db_session, monkeypatch):
    """Real deliveries (written by the API's operations) validate against the webhooks section's bodies."""
    from datetime import timedelta

    import jsonschema
    import sqlalchemy as sa

    from eventreg.webhooks import network
    from eventreg.webhooks import operations as webhook_operations
    from eventreg.webhooks.models import WebhookDelivery, WebhookEndpoint

    monkeypatch.setitem(app.config, "WEBHOOK_DELIVERY", "request")
    monkeypatch.setitem(app.config, "WEBHOOK_ALLOWED_HOSTS", "127.0.0.1")
    host = make_host(admin=True)
    endpoint = webhook_operations.create_endpoint(
        host, url="http://127.0.0.1:9/hook", event_types=list(EVENT_TYPES), description="", now=clock.now(),
        allowed=network.allowed_hosts("127.0.0.1"),
    )  # fmt: skip
    headers = {"Authorization": f"Bearer {make_token(host)}"}
    starts_at = clock.now() + timedelta(days=3)
    created = client.post(
        "/api/v1/host/events",
        headers=headers,
        json={"title": "Hooks", "timezone": "UTC", "capacity": 1, "starts_at": starts_at.isoformat(),
              "ends_at": (starts_at + timedelta(hours=1)).isoformat()},
    )  # fmt: skip
    event = created.get_json()["id"]
    base = f"/api/v1/host/events/{event}"
    assert client.post(f"{base}/publish", headers=headers).status_code == 200
    assert client.patch(base, headers=headers, json={"title": "Hooks, again"}).status_code == 200
    people = [
        client.post(f"{base}/registrations", headers=headers, json=person).get_json()["id"]
        for person in ({"name": "Ada", "email": "ada@example.org", "organization": "Lib"},
                       {"name": "Grace", "email": "grace@example.org", "organization": "Lib"})
    ]  # fmt: skip
    assert client.post(f"{base}/registrations/{people[0]}/cancel", headers=headers).status_code == 200
    # registration.updated comes from the registrant's own page (registrations/changes.py), through the mailed link.
    from eventreg.registrations import tokens
    from eventreg.registrations.models import Registration

    with app.test_request_context():
        manage = f"/r/{tokens.mailed_manage_token(db_session.get(Registration, people[1]))}"
    details = {"name": "Grace Hopper", "organization": "Navy Library", "job_role": "", "accessibility": ""}
    assert client.post(f"{manage}/details", data=details).status_code == 303
    # Approval: two register on the public form and wait; one is approved with a note, the other declined without.
    assert client.patch(base, headers=headers, json={"requires_approval": True}).status_code == 200
    waiting_for_approval = [
        client.post(
            "/events/hooks/register",
            data={"name": name, "email": f"{name.lower()}@example.org", "organization": "Lib", "website": ""},
        )
        for name in ("Hedy", "Katherine")
    ]
    assert [response.status_code for response in waiting_for_approval] == [200, 200]
    listed = client.get(f"{base}/registrations?status=pending", headers=headers).get_json()["registrations"]
    hedy, katherine = sorted(listed, key=lambda r: r["id"])
    approved = client.post(f"{base}/registrations/{hedy['id']}/approve", headers=headers, json={"note": "Welcome!"})
    assert approved.status_code == 200
    assert client.post(f"{base}/registrations/{katherine['id']}/decline", headers=headers).status_code == 200
    # Nothing listens at the endpoint, and ten failures spread over a day would disable it before the last types:
    # clear its count, as enabling it again does.
    webhook_operations.enable_endpoint(db_session.merge(endpoint))
    db_session.commit()
    clock.set(starts_at + timedelta(hours=2))
    attendance = client.put(f"{base}/registrations/{people[1]}/attendance", headers=headers, json={"minutes": 50})
    assert attendance.status_code == 200
    assert client.post(f"{base}/cancel", headers=headers).status_code == 200
    endpoint = db_session.scalar(sa.select(WebhookEndpoint))
    webhook_operations.send_test(endpoint, now=clock.now())  # "Send test event"

    spec = client.get("/api/v1/openapi.json").get_json()
    db_session.expire_all()
    sent = list(db_session.scalars(sa.select(WebhookDelivery).order_by(WebhookDelivery.id)))
    assert {delivery.kind for delivery in sent} == set(EVENT_TYPES) - {"certificate.issued"} | {"webhook.test"}
    for delivery in sent:
        body = spec["webhooks"][delivery.kind]["post"]["requestBody"]["content"]["application/json"]["schema"]
        schema = {**body, "components": spec["components"]}  # the body's $refs point into the document
        jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker()).validate(
            __import__("json").loads(delivery.payload)
        )
