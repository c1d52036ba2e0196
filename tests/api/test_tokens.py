"""Tokens: made on the host pages and shown once, kept as hashes, limited to what their host manages, revoked at
once; cookies never open the API; read-only tokens only read; too many requests are refused per token."""

import hashlib
import os
import re
import uuid
from datetime import datetime, timedelta

import pytest
import pytz
import redis
import sqlalchemy as sa

from eventreg import create_app
from eventreg.api.models import ApiToken
from eventreg.clock import FixedClock
from eventreg.core.extensions import db

REDIS_URL = os.environ.get("EVENTREG_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


def test_host_makes_a_token_sees_it_once_and_only_its_hash_is_kept(client, make_host, login, text_of, db_session):
    host = login(make_host())
    integrations = client.get("/host/integrations")
    assert 'href="/host/api-tokens/"' in integrations.get_data(as_text=True)
    response = client.post("/host/api-tokens/", data={"name": "Library website", "access": "read"})
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "private, no-store"
    secret = re.search(r'value="(ereg_[A-Za-z0-9_-]{43})"', response.get_data(as_text=True)).group(1)
    assert "it will not be shown again" in text_of(response)

    token = db_session.scalar(sa.select(ApiToken))
    assert token.host_id == host.id
    assert not token.can_write
    assert token.token_hash == hashlib.sha256(secret.encode()).hexdigest()
    assert secret not in str([getattr(token, c.key) for c in ApiToken.__table__.columns])
    listing = client.get("/host/api-tokens/")
    assert secret not in listing.get_data(as_text=True)
    assert f"{secret[:9]}…" in text_of(listing)
    assert "Never" in text_of(listing)

    assert client.get("/api/v1/host/events", headers={"Authorization": f"Bearer {secret}"}).status_code == 200
    assert "30 January" not in text_of(client.get("/host/api-tokens/"))
    assert "15 January 2025" in text_of(client.get("/host/api-tokens/"))  # last use, in the host's zone


def test_token_form_says_what_is_missing(client, make_host, login, text_of, db_session):
    login(make_host())
    response = client.post("/host/api-tokens/", data={"name": "", "access": "admin"})
    assert response.status_code == 400
    assert "Please name the token" in text_of(response)
    assert db_session.scalar(sa.select(sa.func.count()).select_from(ApiToken)) == 0


def test_revoking_asks_first_then_the_token_is_refused_with_401(
    client, make_host, login, make_token, bearer, as_problem, text_of, db_session
):
    host = login(make_host())
    secret = make_token(host)
    token = db_session.scalar(sa.select(ApiToken))
    confirm = client.get(f"/host/api-tokens/{token.id}/revoke")
    assert confirm.status_code == 200
    assert "cannot be undone" in text_of(confirm)
    assert client.get("/api/v1/host/events", headers=bearer(secret)).status_code == 200  # not yet revoked
    response = client.post(f"/host/api-tokens/{token.id}/revoke")
    assert response.status_code == 303
    refused = client.get("/api/v1/host/events", headers=bearer(secret))
    assert refused.status_code == 401
    assert as_problem(refused)["code"] == "invalid_token"
    assert refused.headers["WWW-Authenticate"] == 'Bearer realm="eventreg", error="invalid_token"'
    assert "No tokens yet" in text_of(client.get("/host/api-tokens/"))


def test_another_hosts_token_cannot_be_revoked_or_seen(client, make_host, login, make_token, db_session):
    owner = make_host("owner@library.example.org")
    make_token(owner)
    token = db_session.scalar(sa.select(ApiToken))
    login(make_host("other@library.example.org"))
    assert client.get(f"/host/api-tokens/{token.id}/revoke").status_code == 404
    assert client.post(f"/host/api-tokens/{token.id}/revoke").status_code == 404
    assert db_session.get(ApiToken, token.id).revoked_at is None


def test_requests_without_a_valid_token_get_401_and_cookies_do_not_count(
    client, hosted_event, bearer, as_problem, db_session
):
    event = hosted_event()  # its host is signed in: the session cookie is sent with every request below
    db_session.commit()
    for headers in ({}, bearer("ereg_not-a-real-token"), {"Authorization": "Basic dXNlcjpwYXNz"}, bearer("")):
        for method, url in (
            ("GET", "/api/v1/host/events"),
            ("GET", f"/api/v1/host/events/{event.id}"),
            ("POST", f"/api/v1/host/events/{event.id}/cancel"),
        ):
            response = client.open(url, method=method, headers=headers)
            assert response.status_code == 401, (headers, url)
            assert as_problem(response)["code"] in ("unauthorized", "invalid_token")
            assert response.headers["WWW-Authenticate"].startswith('Bearer realm="eventreg"')
    assert db_session.get(type(event), event.id).status == "published"


def test_read_only_token_reads_but_may_not_write(client, hosted_event, make_token, bearer, as_problem, db_session):
    event = hosted_event()
    secret = make_token(event.hosts[0], write=False)
    assert client.get(f"/api/v1/host/events/{event.id}", headers=bearer(secret)).status_code == 200
    for method, url, body in (
        ("POST", f"/api/v1/host/events/{event.id}/cancel", None),
        ("PATCH", f"/api/v1/host/events/{event.id}", {"title": "Changed"}),
        (
            "POST",
            f"/api/v1/host/events/{event.id}/registrations",
            {"name": "A", "email": "a@example.org", "organization": "L"},
        ),  # noqa: E501
    ):
        response = client.open(url, method=method, json=body, headers=bearer(secret))
        assert response.status_code == 403, url
        assert as_problem(response)["code"] == "read_only_token"
    db_session.expire_all()
    assert db_session.get(type(event), event.id).status == "published"


def test_another_hosts_event_is_the_same_404_as_one_that_does_not_exist(
    client, make_event, make_host, register, make_token, bearer, db_session
):
    mine = make_event(title="Mine")
    theirs = make_event(title="Theirs")
    me, them = make_host("me@library.example.org"), make_host("them@library.example.org")
    mine.hosts, theirs.hosts = [me], [them]
    their_registration = register(theirs)
    my_registration = register(mine)
    secret = make_token(me)
    missing_id = theirs.id + 1000

    def answer(url, method="GET", **kwargs):
        response = client.open(url, method=method, headers=bearer(secret), **kwargs)
        return response.status_code, response.headers["Content-Type"], response.get_data()

    pairs = [
        (f"/api/v1/host/events/{theirs.id}", f"/api/v1/host/events/{missing_id}"),
        (f"/api/v1/host/events/{theirs.id}/registrations", f"/api/v1/host/events/{missing_id}/registrations"),
        (
            f"/api/v1/host/events/{theirs.id}/registrations/{their_registration.id}",
            f"/api/v1/host/events/{missing_id}/registrations/{their_registration.id}",
        ),
        # Someone else's registration through my own event: as missing as a registration that never was.
        (
            f"/api/v1/host/events/{mine.id}/registrations/{their_registration.id}",
            f"/api/v1/host/events/{mine.id}/registrations/{their_registration.id + 1000}",
        ),
    ]
    for theirs_url, missing_url in pairs:
        assert answer(theirs_url) == answer(missing_url), theirs_url
        assert answer(theirs_url)[0] == 404
    for action in ("cancel", "publish"):
        assert answer(f"/api/v1/host/events/{theirs.id}/{action}", "POST") == answer(
            f"/api/v1/host/events/{missing_id}/{action}", "POST"
        )
    assert answer(f"/api/v1/host/events/{theirs.id}", "PATCH", json={"title": "Mine now"})[0] == 404
    listed = client.get("/api/v1/host/events", headers=bearer(secret)).get_json()["events"]
    assert [event["id"] for event in listed] == [mine.id]
    assert (
        client.get(
            f"/api/v1/host/events/{mine.id}/registrations/{my_registration.id}", headers=bearer(secret)
        ).status_code
        == 200
    )  # noqa: E501


def test_admin_token_sees_every_event(client, make_event, make_host, make_token, bearer, db_session):
    events = [make_event(title=f"Event {n}") for n in range(3)]
    secret = make_token(make_host(admin=True))
    listed = client.get("/api/v1/host/events?limit=2", headers=bearer(secret)).get_json()
    assert [e["id"] for e in listed["events"]] == [events[0].id, events[1].id]
    rest = client.get(listed["next"], headers=bearer(secret)).get_json()
    assert [e["id"] for e in rest["events"]] == [events[2].id]
    assert rest["next"] is None


def test_last_use_is_recorded_to_the_minute_for_reads_and_writes(
    client, make_host, make_event, make_token, bearer, clock, db_session
):
    host = make_host()
    event = make_event(status="draft")
    event.hosts = [host]
    secret = make_token(host)

    def last_used():
        db_session.commit()  # a fresh read: on SQLite the test's session would keep its older snapshot
        return db_session.scalar(sa.select(ApiToken.last_used_at))

    assert last_used() is None
    assert client.get("/api/v1/host/events", headers=bearer(secret)).status_code == 200
    assert last_used() == clock.now()
    clock.advance(timedelta(seconds=30))
    client.get("/api/v1/host/events", headers=bearer(secret))
    assert last_used() == clock.now() - timedelta(seconds=30)  # to the minute
    clock.advance(timedelta(minutes=2))
    assert client.post(f"/api/v1/host/events/{event.id}/publish", headers=bearer(secret)).status_code == 200
    assert last_used() == clock.now()


@pytest.fixture
def strict_app(app, database_url, smtp_server, db_session):
    """The app with CSRF protection and rate limits on, as in production, on the test database."""
    strict = create_app(
        {
            "TESTING": True,
            "SQLALCHEMY_DATABASE_URI": database_url,
            "SERVER_NAME": "eventreg.test",
            "CLOCK": FixedClock(datetime(2025, 1, 15, 17, tzinfo=pytz.utc)),
            "SECRET_KEY": "test-secret",
            "MAIL_SERVER": "127.0.0.1",
            "MAIL_PORT": smtp_server.port,
            "MAIL_DELIVERY": "request",
            "RATELIMIT_ENABLED": True,
            "API_RATE_LIMIT": "3 per minute",
        }
    )
    yield strict
    with strict.app_context():
        db.engine.dispose()


def test_rate_limit_counts_per_token_and_answers_429_as_a_problem(
    strict_app, client_of, make_host, make_token, bearer, as_problem
):
    host = make_host()
    first, second = make_token(host, name="First"), make_token(host, name="Second")
    client = client_of(strict_app)
    for _ in range(3):
        allowed = client.get("/api/v1/host/events", headers=bearer(first))
        assert allowed.status_code == 200
        assert "Retry-After" not in allowed.headers  # only a refusal says how long to wait
        assert allowed.headers["X-RateLimit-Limit"] == "3"
    refused = client.get("/api/v1/host/events", headers=bearer(first))
    assert refused.status_code == 429
    assert as_problem(refused)["code"] == "rate_limited"
    assert int(refused.headers["Retry-After"]) > 0
    assert client.get("/api/v1/host/events", headers=bearer(second)).status_code == 200  # its own count
    assert client.get("/api/v1/events").status_code == 200  # the public catalog is not counted


def test_csrf_does_not_apply_to_token_requests(strict_app, client_of, make_event, make_host, make_token, bearer):
    host = make_host()
    event = make_event(status="draft")
    event.hosts = [host]
    secret = make_token(host)
    client = client_of(strict_app)
    response = client.post(f"/api/v1/host/events/{event.id}/publish", headers=bearer(secret))
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.get_json()["status"] == "published"
    # The host pages still need their CSRF token.
    assert client.post("/host/api-tokens/1/revoke").status_code in (302, 400)


def test_two_workers_sharing_a_limit_store_count_one_tokens_requests_once(
    app, database_url, smtp_server, client_of, make_host, make_token, bearer
):
    """Two apps, as two gunicorn workers would be, with RATELIMIT_STORAGE_URI on one Redis: the token's count is
    one, so the limit holds across them and X-RateLimit-Remaining only goes down, whichever worker answers."""
    shared = {"RATELIMIT_STORAGE_URI": REDIS_URL, "RATELIMIT_KEY_PREFIX": uuid.uuid4().hex}
    redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2).ping()  # the test needs the real store
    workers = []
    for _ in range(2):
        worker = create_app(
            {
                **{key: app.config[key] for key in ("TESTING", "SQLALCHEMY_DATABASE_URI", "SERVER_NAME", "CLOCK")},
                "MAIL_SERVER": "127.0.0.1",
                "MAIL_PORT": smtp_server.port,
                "RATELIMIT_ENABLED": True,
                "API_RATE_LIMIT": "3 per minute",
                **shared,
            }
        )
        workers.append(client_of(worker))
    secret = make_token(make_host())
    try:
        remaining = []
        for n in range(3):
            response = workers[n % 2].get("/api/v1/host/events", headers=bearer(secret))
            assert response.status_code == 200
            remaining.append(int(response.headers["X-RateLimit-Remaining"]))
        assert remaining == [2, 1, 0]
        for client in workers:
            assert client.get("/api/v1/host/events", headers=bearer(secret)).status_code == 429
    finally:
        for client in workers:
            with client.application.app_context():
                db.engine.dispose()
