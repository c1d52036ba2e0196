"""A real HTTP receiver on loopback, endpoints made through the real operation, and the app set to post before
the response (the background thread has a test of its own) to the allow-listed loopback address only."""

import json
import threading
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import pytz
import sqlalchemy as sa
from standardwebhooks.webhooks import Webhook

from eventreg.webhooks import network
from eventreg.webhooks import operations as webhook_operations
from eventreg.webhooks.models import EVENT_TYPES, WebhookDelivery


class Receiver:
    """What a host's system would run: records each request; answers `status` (a 3xx with `location`), or
    answers `failing` message ids with 500."""

    def __init__(self, port: int):
        self.requests: list[dict] = []
        self.status = 200
        self.location: str | None = None
        self.failing: set[str] = set()
        self.body = b"ok"
        self.on_request = None  # called with the request's record, in the server's thread
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                length = int(self.headers.get("Content-Length") or 0)
                record = {"path": self.path, "headers": dict(self.headers.items()), "body": self.rfile.read(length)}
                if receiver.on_request:
                    receiver.on_request(record)
                receiver.requests.append(record)
                status = 500 if self.headers.get("webhook-id") in receiver.failing else receiver.status
                self.send_response(status)
                if receiver.location:
                    self.send_header("Location", receiver.location)
                self.send_header("Content-Length", str(len(receiver.body)))
                self.end_headers()
                self.wfile.write(receiver.body)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{port}/hooks"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def payloads(self) -> list[dict]:
        return [json.loads(r["body"]) for r in self.requests]

    def types(self) -> list[str]:
        return [p["type"] for p in self.payloads()]

    def check_signatures(self, secret: str) -> None:
        """Each request signed with the secret as Standard Webhooks says, at the timestamp it carries (the app's
        clock may stand anywhere; test_deliveries verifies with the library's own clock check too)."""
        for record in self.requests:
            headers = {k.lower(): v for k, v in record["headers"].items()}
            at = datetime.fromtimestamp(int(headers["webhook-timestamp"]), tz=pytz.utc)
            expected = Webhook(secret).sign(headers["webhook-id"], at, record["body"].decode())
            assert expected in headers["webhook-signature"].split(" ")

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver(free_port):
    receiver = Receiver(free_port())
    yield receiver
    receiver.close()


@pytest.fixture
def second_receiver(free_port):
    receiver = Receiver(free_port())
    yield receiver
    receiver.close()


@pytest.fixture(autouse=True)
def webhook_settings(app, monkeypatch):
    monkeypatch.setitem(app.config, "WEBHOOK_DELIVERY", "request")
    monkeypatch.setitem(app.config, "WEBHOOK_ALLOWED_HOSTS", "127.0.0.1")
    monkeypatch.setitem(app.config, "WEBHOOK_TIMEOUT", 3)
    return app.config


@pytest.fixture
def make_endpoint(db_session, clock):
    """make_endpoint(host, url, types=every type): an enabled endpoint, flushed."""

    def make(host, url, types=None, **fields):
        return webhook_operations.create_endpoint(
            host,
            url=url,
            event_types=list(types or EVENT_TYPES),
            description=fields.get("description", ""),
            allowed=network.allowed_hosts("127.0.0.1"),
            now=clock.now(),
        )

    return make


@pytest.fixture
def deliveries(db_session):
    """deliveries(): every delivery row, oldest first, read afresh."""

    def read():
        db_session.expire_all()
        return list(db_session.scalars(sa.select(WebhookDelivery).order_by(WebhookDelivery.id)))

    return read
