"""Backoff, giving up after three days, disabling a failing endpoint (its host is e-mailed), enabling it again and
"Send again": the clock is moved, nothing sleeps."""

from datetime import timedelta

from eventreg.webhooks import operations, sending
from eventreg.webhooks.models import WebhookEndpoint


def step_to_next_attempt(db_session, clock, delivery_of):
    delivery = delivery_of()
    clock.set(delivery.next_attempt_at)
    sending.send_pending(clock.now())
    return delivery_of()


def test_failures_back_off_exponentially_and_give_up_after_three_days(
    make_host, make_event, make_endpoint, register, receiver, db_session, clock, deliveries
):
    host = make_host()
    event = make_event()
    event.hosts = [host]
    endpoint = make_endpoint(host, receiver.url, types=["registration.created", "event.updated"])
    register(event)
    db_session.commit()
    [failing] = deliveries()
    receiver.failing.add(failing.message_id)
    start = clock.now()
    sending.send_pending(clock.now())

    waits, attempts_at = [], [start]
    while True:
        delivery = next(d for d in deliveries() if d.id == failing.id)
        if delivery.failed_at is not None:
            break
        waits.append(int((delivery.next_attempt_at - clock.now()).total_seconds() // 60))
        clock.set(delivery.next_attempt_at)
        attempts_at.append(clock.now())
        sending.send_pending(clock.now())
        # Another message succeeds each time, so the endpoint itself is working and stays enabled.
        event.title = f"Title {len(waits)}"
        event.updated_at = clock.now()
        operations.emit("event.updated", event, {"changed": ["title"]}, clock.now())
        db_session.commit()
        sending.send_pending(clock.now())

    assert waits == [5, 10, 20, 40, 80, 160, 320, 640, 720, 720, 720, 720, 165]
    delivery = next(d for d in deliveries() if d.id == failing.id)
    assert delivery.failed_at == start + timedelta(days=3)
    assert delivery.attempts == 14
    assert delivery.last_status_code == 500
    assert "only a 2xx answer counts" in delivery.last_error
    assert db_session.get(WebhookEndpoint, endpoint.id).is_enabled
    ids = [r["headers"]["webhook-id"] for r in receiver.requests]
    assert ids.count(failing.message_id) == 14  # the same webhook-id on every attempt


def test_an_endpoint_failing_for_a_day_is_disabled_and_its_host_emailed_then_enabled_and_sent_again(
    client, hosted_event, make_endpoint, register, receiver, db_session, clock, deliveries, mailbox, text_of
):
    event = hosted_event()
    host = event.hosts[0]
    endpoint = make_endpoint(host, receiver.url)
    register(event, name="Ana Lopez")
    register(event, name="Ben Okafor")
    db_session.commit()
    receiver.status = 500
    sending.send_pending(clock.now())
    first = deliveries()[0]
    start = clock.now()
    while db_session.get(WebhookEndpoint, endpoint.id).is_enabled:
        db_session.expire_all()
        clock.set(min(d.next_attempt_at for d in deliveries() if d.next_attempt_at))
        sending.send_pending(clock.now())
        assert clock.now() - start < timedelta(days=3)

    db_session.expire_all()
    endpoint = db_session.get(WebhookEndpoint, endpoint.id)
    assert endpoint.failure_streak >= sending.FAILURES_TO_DISABLE
    assert clock.now() - endpoint.failing_since >= sending.DISABLE_AFTER
    assert endpoint.disabled_reason == "failing"
    assert [d.status for d in deliveries()] == ["failed", "failed"]
    assert "endpoint was disabled" in deliveries()[0].last_error
    [message] = [m for m in mailbox if m["To"] == host.email]
    assert message["Subject"] == "Webhook endpoint disabled after repeated failures"
    assert receiver.url in message.get_body(("plain",)).get_content()
    assert f"/host/webhooks/{endpoint.id}" in message.get_body(("plain",)).get_content()

    # Nothing is sent while disabled, and nothing new is written for it.
    requests_before = len(receiver.requests)
    register(event, name="Chen Wei")
    db_session.commit()
    assert len(deliveries()) == 2
    page = text_of(client.get(f"/host/webhooks/{endpoint.id}"))
    assert "Disabled after repeated failures" in page
    assert "Failed" in page
    assert "Send again" in page

    # "Send again" needs the endpoint enabled; then it posts at once.
    response = client.post(f"/host/webhooks/{endpoint.id}/deliveries/{first.id}/send-again")
    assert "Enable it first" in text_of(client.get(response.headers["Location"]))
    assert len(receiver.requests) == requests_before
    receiver.status = 200
    client.post(f"/host/webhooks/{endpoint.id}/enable")
    response = client.post(f"/host/webhooks/{endpoint.id}/deliveries/{first.id}/send-again")
    assert response.status_code == 303
    assert len(receiver.requests) == requests_before + 1
    assert receiver.requests[-1]["headers"]["webhook-id"] == first.message_id
    statuses = {d.id: d.status for d in deliveries()}
    assert statuses == {first.id: "delivered", first.id + 1: "failed"}
    db_session.expire_all()
    assert db_session.get(WebhookEndpoint, endpoint.id).failure_streak == 0
    # A delivered one cannot be sent again.
    client.post(f"/host/webhooks/{endpoint.id}/deliveries/{first.id}/send-again")
    assert len(receiver.requests) == requests_before + 1


def test_host_disables_and_enables_an_endpoint(
    client, hosted_event, make_endpoint, register, receiver, db_session, clock
):
    event = hosted_event()
    endpoint = make_endpoint(event.hosts[0], receiver.url)
    db_session.commit()
    assert client.post(f"/host/webhooks/{endpoint.id}/disable").status_code == 303
    register(event)
    db_session.commit()
    sending.send_pending(clock.now() + timedelta(days=1))
    assert receiver.requests == []
    client.post(f"/host/webhooks/{endpoint.id}/enable")
    client.post(
        f"/events/{event.slug}/register",
        data={"name": "Dee", "email": "dee@library.example.org", "organization": "Library", "form_key": "k"},
    )
    assert receiver.types() == ["registration.created"]


def test_a_410_gone_disables_the_endpoint_at_once_and_its_page_says_why(
    client, hosted_event, make_endpoint, register, receiver, db_session, clock, deliveries, text_of
):
    event = hosted_event()
    endpoint = make_endpoint(event.hosts[0], receiver.url)
    register(event, name="Ana Lopez")
    register(event, name="Ben Okafor")
    db_session.commit()
    receiver.status = 410
    sending.send_pending(clock.now())

    assert len(receiver.requests) == 1  # the second delivery was not posted once the first said "gone"
    db_session.expire_all()
    endpoint = db_session.get(WebhookEndpoint, endpoint.id)
    assert not endpoint.is_enabled
    assert endpoint.disabled_reason == "gone"
    assert endpoint.disabled_at == clock.now()
    first, second = deliveries()
    assert (first.status, first.attempts, first.last_status_code, first.next_attempt_at) == ("failed", 1, 410, None)
    assert "410 Gone" in first.last_error
    assert (second.status, second.attempts) == ("failed", 0)
    assert "endpoint was disabled" in second.last_error

    # No retry, however long we wait, and nothing new is written for it.
    register(event, name="Chen Wei")
    db_session.commit()
    sending.send_pending(clock.now() + timedelta(days=4))
    assert len(receiver.requests) == 1
    assert len(deliveries()) == 2
    page = text_of(client.get(f"/host/webhooks/{endpoint.id}"))
    assert "Disabled: the receiver answered 410 Gone" in page
    assert "Disabled: the receiver answered 410 Gone" in text_of(client.get("/host/webhooks/"))
