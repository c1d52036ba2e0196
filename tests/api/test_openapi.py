"""The OpenAPI document: valid, generated from the code, readable on our own reference page, and true: Schemathesis
sends generated requests (reads and writes, with a real read-write token) and checks every answer against it."""

import hypothesis
import pytest
import schemathesis
from openapi_spec_validator import validate
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from eventreg.core.extensions import db
from eventreg.core.security import CONTENT_SECURITY_POLICY
from eventreg.webhooks import operations as webhook_operations

CHECKS = [
    not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance,
    response_headers_conformance,
]  # fmt: skip
POSITIVE_EXAMPLES = 25
NEGATIVE_EXAMPLES = 10
# Any text is a possible slug, and the topics take no input: no request to these breaks the document's rules.
NOTHING_TO_NEGATE = {"GET /api/v1/events/{slug}", "GET /api/v1/topics"}


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
    ):
        assert expected in text, expected
    assert 'id="problem-not_found"' in html  # the target of every problem's type


@pytest.fixture
def world(make_event, make_host, register, make_token, clock):
    """An admin's read-write token, and a real event with registrations for the generated ids to hit now and then."""
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
    ids = {"event_id": event.id, "registration_id": registrations[0].id, "endpoint_id": endpoint.id}
    return ids, {"Authorization": f"Bearer {secret}"}


@pytest.mark.parametrize("mode", ["positive", "negative"])
def test_every_operation_answers_as_documented(app, world, db_session, mode):
    real_ids, headers = world
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    generation_mode = (
        schemathesis.GenerationMode.POSITIVE if mode == "positive" else schemathesis.GenerationMode.NEGATIVE
    )
    checks = CHECKS if mode == "positive" else [not_a_server_error, content_type_conformance, status_code_conformance]
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) == 20  # 14, and the 6 of webhook endpoints (api/webhook_views.py)
    for operation in operations:

        @hypothesis.settings(
            max_examples=POSITIVE_EXAMPLES if mode == "positive" else NEGATIVE_EXAMPLES,
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
                value = case.path_parameters.get(name) if case.path_parameters else None
                if isinstance(value, int) and value % 4 != 0:
                    case.path_parameters[name] = real
            case.call_and_validate(headers=headers, checks=checks)

        if mode == "positive" or operation.label not in NOTHING_TO_NEGATE:
            run()
