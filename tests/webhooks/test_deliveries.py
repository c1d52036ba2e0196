"""Deliveries written with the change, posted after the commit to a real receiver, signed and verifiable."""

from datetime import timedelta

import pytest
import sqlalchemy as sa
from standardwebhooks.webhooks import Webhook

from eventreg.clock import SystemClock
from eventreg.core.extensions import db
from eventreg.events.models import Event
from eventreg.registrations.models import Registration
from eventreg.webhooks import sending
from eventreg.webhooks.models import WebhookDelivery


def test_a_public_registration_delivers_registration_created_after_commit(
    app, client, make_host, make_event, make_endpoint, receiver, post_registration, clock, deliveries
):
    # standardwebhooks checks the timestamp against the real time: stand the app's clock there.
    clock.set(SystemClock().now())
    host = make_host()
    event = make_event(starts_at=clock.now() + timedelta(days=10), timezone="Europe/Berlin")
    event.hosts = [host]
    endpoint = make_endpoint(host, receiver.url, types=["registration.created"])
    db.session.commit()
    seen = []

    def count_committed(record):  # read from another connection: only what was committed is visible
        with app.app_context():
            seen.append(db.session.scalar(sa.select(sa.func.count()).select_from(Registration)))

    receiver.on_request = count_committed

    response = post_registration(event, email="Ana@Library.example.org")

    assert response.status_code == 200
    assert seen == [1]
    [record] = receiver.requests
    payload = Webhook(endpoint.secret).verify(record["body"], record["headers"])
    assert payload["type"] == "registration.created"
    assert payload["timestamp"] == clock.now().strftime("%Y-%m-%dT%H:%M:%SZ")
    data = payload["data"]
    assert data["event"] == {
        "id": event.id,
        "slug": event.slug,
        "title": event.title,
        "status": "published",
        "starts_at": f"{event.starts_at:%Y-%m-%dT%H:%M:%SZ}",
        "ends_at": f"{event.ends_at:%Y-%m-%dT%H:%M:%SZ}",
        "timezone": "Europe/Berlin",
        "url": f"http://eventreg.test/events/{event.slug}",
        "links": {"api": f"http://eventreg.test/api/v1/host/events/{event.id}"},
        "series": None,  # a session of a series names it (tests/series/test_series_api.py)
    }
    registration = db.session.scalars(sa.select(Registration)).one()
    assert data["registration"]["created_at"] == clock.now().strftime("%Y-%m-%dT%H:%M:%SZ")  # the API's name
    assert "registered_at" not in data["registration"]
    assert data["registration"]["links"] == {
        "api": f"http://eventreg.test/api/v1/host/events/{event.id}/registrations/{registration.id}"
    }
    assert data["registration"]["email"] == "ana@library.example.org"
    assert data["registration"]["name"] == "Ana Lima"
    assert data["registration"]["status"] == "confirmed"
    assert record["headers"]["webhook-id"].startswith("msg_")
    [delivery] = deliveries()
    assert (delivery.status, delivery.last_status_code, delivery.attempts) == ("delivered", 200, 1)
    assert delivery.message_id == record["headers"]["webhook-id"]


def test_a_request_that_fails_after_the_change_delivers_nothing(
    client, make_host, make_event, make_endpoint, receiver, post_registration, db_session, clock, deliveries
):
    host = make_host()
    event = make_event()
    event.hosts = [host]
    make_endpoint(host, receiver.url)
    db_session.commit()

    def fail(session):
        raise RuntimeError("the database refused the commit")

    sa.event.listen(sa.orm.Session, "before_commit", fail)
    try:
        with pytest.raises(RuntimeError, match="refused the commit"):
            post_registration(event)
    finally:
        sa.event.remove(sa.orm.Session, "before_commit", fail)
    db_session.rollback()  # what the end of a real request does; here the test's app context outlives it

    assert deliveries() == []
    assert sending.send_pending(clock.now()) == (0, 0)
    assert receiver.requests == []


def test_nothing_is_written_for_events_nobody_listens_to(make_event, register, deliveries, make_host, make_endpoint):
    host = make_host()
    make_endpoint(host, "http://127.0.0.1:9/never", types=["event.cancelled"])
    event = make_event()
    event.hosts = [host]
    register(event)
    assert deliveries() == []


def test_the_cron_command_sends_what_is_due_and_the_background_thread_sends_after_the_response(
    app, client, make_host, make_event, make_endpoint, receiver, post_registration, db_session, clock, monkeypatch
):
    host = make_host()
    event = make_event()
    event.hosts = [host]
    endpoint = make_endpoint(host, receiver.url)
    db_session.commit()
    receiver.status = 503
    post_registration(event)
    assert len(receiver.requests) == 1

    receiver.status = 200
    clock.advance(minutes=5)
    result = app.test_cli_runner().invoke(args=["send-webhooks"])
    assert result.exit_code == 0, result.output
    assert "Webhooks: 1 delivered, 0 failed." in result.output
    assert len(receiver.requests) == 2
    assert receiver.requests[0]["headers"]["webhook-id"] == receiver.requests[1]["headers"]["webhook-id"]
    receiver.check_signatures(endpoint.secret)

    monkeypatch.setitem(app.config, "WEBHOOK_DELIVERY", "background")
    post_registration(event, email="ben@library.example.org", form_key="key-2")
    assert sending.background_sender(app).drain(timeout=10)
    assert len(receiver.requests) == 3
    assert receiver.payloads()[2]["data"]["registration"]["email"] == "ben@library.example.org"


def test_a_delivery_is_sent_once_however_many_senders_run(
    app, make_host, make_event, make_endpoint, receiver, register, db_session, clock
):
    host = make_host()
    event = make_event()
    event.hosts = [host]
    make_endpoint(host, receiver.url)
    register(event)
    db_session.commit()
    assert sending.send_pending(clock.now()) == (1, 0)
    assert sending.send_pending(clock.now()) == (0, 0)
    assert len(receiver.requests) == 1
    assert db_session.scalar(sa.select(WebhookDelivery.attempts)) == 1


def test_emit_takes_a_listed_type_and_refuses_any_other(
    make_host, make_event, make_endpoint, register, receiver, db_session, clock
):
    from eventreg.webhooks import operations

    host = make_host()
    event = make_event()
    event.hosts = [host]
    make_endpoint(host, receiver.url, types=["certificate.issued"])
    registration = register(event)
    data = {"registration": operations.registration_data(registration), "certificate": {"id": 7}}
    assert len(operations.emit("certificate.issued", event, data, clock.now())) == 1
    db_session.commit()
    sending.send_queued(clock.now())
    assert receiver.payloads()[0]["data"]["certificate"] == {"id": 7}
    with pytest.raises(ValueError, match="unknown webhook event type"):
        operations.emit("certificate.revoked", event, {}, clock.now())


def commit_elsewhere(app, event_id):
    """What another request does meanwhile: a write committed on another connection."""

    def write(_record):
        with app.app_context():
            db.session.execute(sa.update(Event).where(Event.id == event_id).values(summary=Event.summary + "."))
            db.session.commit()

    return write


def test_an_outcome_is_recorded_though_another_connection_commits_while_the_receiver_answers(
    app, make_host, make_event, make_endpoint, receiver, register, db_session, clock, deliveries
):
    """SQLite refuses to turn a read transaction into a write once another connection has committed: the sender
    must hold no transaction while it posts, or the outcome is lost and the message sent again."""
    host = make_host()
    event = make_event()
    event.hosts = [host]
    make_endpoint(host, receiver.url)
    register(event)
    db_session.commit()
    receiver.on_request = commit_elsewhere(app, event.id)
    assert sending.send_pending(clock.now()) == (1, 0)
    [delivery] = deliveries()
    assert (delivery.status, delivery.attempts, delivery.last_status_code) == ("delivered", 1, 200)
    assert sending.send_pending(clock.now() + timedelta(hours=1)) == (0, 0)
    assert len(receiver.requests) == 1


def test_a_burst_in_the_background_while_other_requests_commit_arrives_once_each(
    app,
    client,
    make_host,
    make_event,
    make_endpoint,
    receiver,
    registration_form,
    db_session,
    clock,
    deliveries,
    monkeypatch,
):
    host = make_host()
    event = make_event(starts_at=clock.now() + timedelta(days=10))
    event.hosts = [host]
    make_endpoint(host, receiver.url, types=["registration.created"])
    db_session.commit()
    url, event_id = f"/events/{event.slug}/register", event.id
    db_session.commit()  # the test's session (which the requests share) holds no read open between them
    receiver.on_request = commit_elsewhere(app, event_id)
    monkeypatch.setitem(app.config, "WEBHOOK_DELIVERY", "background")
    for n in range(12):
        form = {**registration_form, "email": f"reader{n}@library.example.org", "form_key": f"k{n}"}
        assert client.post(url, data=form).status_code == 200
    assert sending.background_sender(app).drain(timeout=30)
    ids = [record["headers"]["webhook-id"] for record in receiver.requests]
    assert len(ids) == len(set(ids)) == 12
    assert {(d.status, d.attempts) for d in deliveries()} == {("delivered", 1)}
    assert sending.send_pending(clock.now() + timedelta(hours=1)) == (0, 0)  # nothing left to send again


def test_a_rotated_secret_signs_beside_the_old_one_for_24_hours_then_alone(
    client, hosted_event, make_endpoint, register, receiver, db_session, clock, deliveries, text_of
):
    from standardwebhooks.webhooks import WebhookVerificationError

    from eventreg.webhooks.models import WebhookEndpoint

    # standardwebhooks checks the timestamp against the real time (5 minutes either way): rotate a day and two
    # minutes before it, so the grace ends two minutes ago; the clock is moved, nothing sleeps.
    real_now = SystemClock().now().replace(microsecond=0)
    clock.set(real_now - timedelta(hours=24, minutes=2))
    event = hosted_event(starts_at=real_now + timedelta(days=10))
    endpoint = make_endpoint(event.hosts[0], receiver.url, types=["registration.created"])
    db_session.commit()
    old_secret = endpoint.secret
    confirm = text_of(client.get(f"/host/webhooks/{endpoint.id}/rotate-secret"))
    assert "For the next 24 hours every message carries two signatures" in confirm

    response = client.post(f"/host/webhooks/{endpoint.id}/rotate-secret")

    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "private, no-store"
    db_session.expire_all()
    endpoint = db_session.get(WebhookEndpoint, endpoint.id)
    new_secret = endpoint.secret
    assert new_secret != old_secret
    assert new_secret in response.get_data(as_text=True)
    assert old_secret not in response.get_data(as_text=True)
    assert endpoint.previous_secret_expires_at == real_now - timedelta(minutes=2)
    page = client.get(f"/host/webhooks/{endpoint.id}").get_data(as_text=True)
    assert new_secret not in page  # shown once
    assert "signed with both the new and the previous secret" in page

    clock.set(real_now - timedelta(minutes=3))  # a minute before the grace ends
    register(event, email="during@library.example.org")
    db_session.commit()
    sending.send_pending(clock.now())
    during = receiver.requests[-1]
    assert len(during["headers"]["webhook-signature"].split(" ")) == 2
    for secret in (old_secret, new_secret):
        assert Webhook(secret).verify(during["body"], during["headers"])["type"] == "registration.created"

    clock.set(real_now)  # the grace is over
    register(event, email="after@library.example.org")
    db_session.commit()
    sending.send_pending(clock.now())
    after = receiver.requests[-1]
    assert after is not during
    assert len(after["headers"]["webhook-signature"].split(" ")) == 1
    assert Webhook(new_secret).verify(after["body"], after["headers"])["type"] == "registration.created"
    with pytest.raises(WebhookVerificationError):
        Webhook(old_secret).verify(after["body"], after["headers"])
    assert "signed with both" not in client.get(f"/host/webhooks/{endpoint.id}").get_data(as_text=True)
