"""A client generated from the live OpenAPI document by a standard generator (openapi-python-client), imported and
used against the app served on a loopback port: if the document says something the server does not do (a name,
a type, a status, a required field), the generated code breaks here."""

import importlib
import json
import subprocess
import sys
import threading
from datetime import timedelta

import pytest
from werkzeug.serving import make_server

from tests.conftest import DEFAULT_NOW

GENERATOR = [sys.executable, "-m", "openapi_python_client"]


@pytest.fixture
def generated(client, tmp_path, monkeypatch):
    """The package openapi-python-client writes from /api/v1/openapi.json, imported as eventreg_client."""
    spec = tmp_path / "openapi.json"
    spec.write_text(json.dumps(client.get("/api/v1/openapi.json").get_json()))
    config = tmp_path / "config.json"
    config.write_text(json.dumps({"post_hooks": []}))
    result = subprocess.run(
        [*GENERATOR, "generate", "--path", str(spec), "--config", str(config), "--meta", "none"]
        + ["--output-path", str(tmp_path / "eventreg_client")],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Warning" not in result.stdout, result.stdout  # nothing of the document was left out
    monkeypatch.syspath_prepend(str(tmp_path))
    for name in [name for name in sys.modules if name.startswith("eventreg_client")]:
        monkeypatch.delitem(sys.modules, name)
    return importlib.import_module("eventreg_client")


@pytest.fixture
def served(app, db_session, monkeypatch):
    """The app on a real loopback port (answering to 127.0.0.1, not the test client's eventreg.test)."""
    monkeypatch.setitem(app.config, "SERVER_NAME", None)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=5)


def test_a_generated_client_lists_creates_registers_and_reads_back(generated, served, make_host, make_token):
    from eventreg_client import AuthenticatedClient, Client
    from eventreg_client.api.api import get_event, list_events
    from eventreg_client.api.api_host import add_registration, create_event, get_registration, publish_event
    from eventreg_client.models import EventIn, EventInTimezone, HostEvent, Problem, RegistrationIn

    secret = make_token(make_host(admin=True))
    host = AuthenticatedClient(base_url=served, token=secret, raise_on_unexpected_status=True)
    anyone = Client(base_url=served, raise_on_unexpected_status=True)
    starts_at = DEFAULT_NOW + timedelta(days=30)

    created = create_event.sync_detailed(
        client=host,
        body=EventIn(
            title="Reading with children",
            timezone=EventInTimezone.AMERICANEW_YORK,  # the document lists the zones: an enum
            starts_at=starts_at,
            ends_at=starts_at + timedelta(hours=1),
            capacity=1,
        ),
    )
    assert created.status_code == 201
    event = created.parsed
    assert isinstance(event, HostEvent)
    assert created.headers["Location"].endswith(f"/api/v1/host/events/{event.id}")
    assert event.status == "draft"
    assert event.starts_at == starts_at

    refused = create_event.sync_detailed(
        client=host,
        body=EventIn(
            title="Backwards", timezone=EventInTimezone.UTC, starts_at=starts_at, ends_at=starts_at - timedelta(hours=1)
        ),
    )
    assert refused.status_code == 422
    assert isinstance(refused.parsed, Problem)
    assert refused.parsed.code == "ends_before_start"

    assert publish_event.sync(event.id, client=host).status == "published"
    listed = list_events.sync(client=anyone)
    assert [e.slug for e in listed.events] == [event.slug]
    shown = get_event.sync_detailed(event.slug, client=anyone)
    assert shown.parsed.title == "Reading with children"
    assert shown.headers["ETag"]
    assert not hasattr(shown.parsed, "join_url")  # the public shape has no join link

    first = add_registration.sync_detailed(
        event.id, client=host, body=RegistrationIn(name="Ada Lovelace", email="ada@example.org", organization="Lib")
    )
    second = add_registration.sync(
        event.id, client=host, body=RegistrationIn(name="Grace Hopper", email="grace@example.org", organization="Lib")
    )
    assert first.status_code == 201
    assert first.headers["Location"].endswith(f"/registrations/{first.parsed.id}")
    assert (first.parsed.status, second.status, second.waiting_position) == ("confirmed", "waiting", 1)
    again = add_registration.sync_detailed(
        event.id, client=host, body=RegistrationIn(name="Ada", email="ada@example.org", organization="Lib")
    )
    assert again.status_code == 409
    assert again.parsed.code == "already_registered"

    read = get_registration.sync(event.id, first.parsed.id, client=host)
    assert (read.name, read.email, read.status) == ("Ada Lovelace", "ada@example.org", "confirmed")
    assert get_event.sync(event.slug, client=anyone).seats_left == 0
