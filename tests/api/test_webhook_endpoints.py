"""Webhook endpoints through the host API: list, add (the secret answered once), read, change, enable and disable,
rotate and delete, through the same operations as the pages, and what a token may not do. The secrets made here
sign real deliveries to a real receiver on loopback."""

import pytest
import sqlalchemy as sa
from standardwebhooks.webhooks import Webhook

from eventreg.webhooks import sending
from eventreg.webhooks.models import WebhookEndpoint
from tests.webhooks.conftest import Receiver

URL = "/api/v1/host/webhooks"


@pytest.fixture
def receiver(free_port, app, monkeypatch):
    monkeypatch.setitem(app.config, "WEBHOOK_DELIVERY", "request")
    monkeypatch.setitem(app.config, "WEBHOOK_ALLOWED_HOSTS", "127.0.0.1")
    monkeypatch.setitem(app.config, "WEBHOOK_TIMEOUT", 3)
    receiver = Receiver(free_port())
    yield receiver
    receiver.close()


def test_a_host_manages_an_endpoint_through_the_api(
    client, make_host, make_event, make_token, bearer, register, receiver, db_session, clock, as_problem
):
    host = make_host()
    event = make_event()
    event.hosts = [host]
    headers = bearer(make_token(host))
    assert client.get(URL, headers=headers).get_json() == {"endpoints": []}

    body = {"url": receiver.url, "description": "CRM", "event_types": ["registration.created", "event.updated"]}
    response = client.post(URL, json=body, headers=headers)

    assert response.status_code == 201, response.get_data(as_text=True)
    created = response.get_json()
    endpoint = db_session.scalars(sa.select(WebhookEndpoint)).one()
    assert created["secret"] == endpoint.secret
    assert response.headers["Location"] == f"http://eventreg.test{URL}/{endpoint.id}"
    assert created == {
        "id": endpoint.id,
        "url": receiver.url,
        "description": "CRM",
        "event_types": ["registration.created", "event.updated"],
        "enabled": True,
        "disabled_at": None,
        "disabled_reason": None,
        "created_at": "2025-01-15T17:00:00Z",
        "previous_secret_expires_at": None,
        "secret": endpoint.secret,
    }
    shown = {k: v for k, v in created.items() if k != "secret"}
    assert client.get(f"{URL}/{endpoint.id}", headers=headers).get_json() == shown  # never the secret again
    assert client.get(URL, headers=headers).get_json() == {"endpoints": [shown]}

    response = client.patch(f"{URL}/{endpoint.id}", json={"event_types": ["registration.created"]}, headers=headers)
    assert response.status_code == 200
    assert response.get_json()["event_types"] == ["registration.created"]
    assert response.get_json()["url"] == receiver.url
    response = client.patch(f"{URL}/{endpoint.id}", json={"url": "https://10.0.0.1/"}, headers=headers)
    problem = as_problem(response)
    assert (problem["status"], problem["code"]) == (422, "url_refused")
    assert "private, local or reserved network address" in problem["errors"]["json"]["url"][0]
    response = client.post(URL, json={**body, "event_types": ["nonsense"]}, headers=headers)
    assert as_problem(response)["status"] == 422

    # The secret signs real deliveries; a rotation answers the new one and both sign for 24 hours.
    old_secret = created["secret"]
    response = client.post(f"{URL}/{endpoint.id}/rotate-secret", headers=headers)
    assert response.status_code == 200
    new_secret = response.get_json()["secret"]
    assert new_secret != old_secret
    assert response.get_json()["previous_secret_expires_at"] == "2025-01-16T17:00:00Z"
    register(event)
    db_session.commit()
    sending.send_pending(clock.now())
    receiver.check_signatures(old_secret)
    receiver.check_signatures(new_secret)
    at = receiver.requests[-1]
    assert Webhook(new_secret).sign(at["headers"]["webhook-id"], clock.now(), at["body"].decode()) in (
        at["headers"]["webhook-signature"].split(" ")
    )

    response = client.patch(f"{URL}/{endpoint.id}", json={"enabled": False}, headers=headers)
    assert (response.get_json()["enabled"], response.get_json()["disabled_reason"]) == (False, "host")
    response = client.patch(f"{URL}/{endpoint.id}", json={"enabled": True}, headers=headers)
    assert response.get_json()["enabled"] is True
    assert client.delete(f"{URL}/{endpoint.id}", headers=headers).status_code == 204
    assert db_session.scalars(sa.select(WebhookEndpoint)).all() == []
    assert client.get(f"{URL}/{endpoint.id}", headers=headers).status_code == 404


def test_webhook_endpoints_need_a_read_write_token_and_stay_their_hosts(
    client, make_host, make_token, make_endpoint_via_api, bearer, as_problem
):
    ours, theirs = make_host("ours@library.example.org"), make_host("theirs@library.example.org")
    their_id = make_endpoint_via_api(theirs)
    headers = bearer(make_token(ours))
    assert client.get(URL, headers=headers).get_json() == {"endpoints": []}
    for method, path in (
        ("get", f"{URL}/{their_id}"),
        ("patch", f"{URL}/{their_id}"),
        ("delete", f"{URL}/{their_id}"),
        ("post", f"{URL}/{their_id}/rotate-secret"),
    ):
        response = getattr(client, method)(path, headers=headers, json={} if method == "patch" else None)
        assert as_problem(response)["status"] == 404, (method, path)
    reader = bearer(make_token(theirs, write=False))
    for response in (client.get(URL, headers=reader), client.get(f"{URL}/{their_id}", headers=reader)):
        assert (as_problem(response)["status"], as_problem(response)["code"]) == (403, "read_only_token")
    assert as_problem(client.get(URL))["status"] == 401


@pytest.fixture
def make_endpoint_via_api(client, make_token, bearer, receiver):
    def make(host) -> int:
        body = {"url": receiver.url, "event_types": ["event.updated"]}
        response = client.post(URL, json=body, headers=bearer(make_token(host)))
        assert response.status_code == 201
        return response.get_json()["id"]

    return make


def test_the_openapi_document_lists_the_webhook_operations(client):
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    assert set(paths[URL]) >= {"get", "post"}
    assert set(paths[URL + "/{endpoint_id}"]) >= {"get", "patch", "delete"}
    assert "post" in paths[URL + "/{endpoint_id}/rotate-secret"]
    assert "24 hours" in paths[URL + "/{endpoint_id}/rotate-secret"]["post"]["description"]
