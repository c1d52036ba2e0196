"""The host's webhook pages: adding an endpoint (the secret shown once), changing, deleting, the delivery log, and
what a host may see and receive: their own endpoints, and only the events they may manage."""

import json
import re
from html import unescape

import pytest
import sqlalchemy as sa
from standardwebhooks.webhooks import Webhook

from eventreg.webhooks import sending
from eventreg.webhooks.models import WebhookDelivery, WebhookEndpoint


def test_a_host_adds_an_endpoint_and_sees_the_secret_once(client, login, make_host, db_session, text_of):
    login(make_host())
    assert "Webhooks" in text_of(client.get("/host/integrations"))
    form = client.get("/host/webhooks/new")
    assert form.status_code == 200
    assert 'value="registration.created" checked' in form.get_data(as_text=True) or (
        'checked id="event_types-0"' in form.get_data(as_text=True)
    )
    response = client.post(
        "/host/webhooks/new",
        data={
            "url": "http://127.0.0.1:8000/hook",
            "description": "CRM sync",
            "event_types": ["registration.created", "certificate.issued"],
        },
    )
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "private, no-store"
    endpoint = db_session.scalars(sa.select(WebhookEndpoint)).one()
    assert re.fullmatch(r"whsec_[A-Za-z0-9+/]{43}=", endpoint.secret)
    assert len(Webhook(endpoint.secret)._whsecret) == 32
    assert endpoint.secret in response.get_data(as_text=True)
    assert endpoint.event_types == ["registration.created", "certificate.issued"]
    # Never again: not on the endpoint's page, its form or the list.
    for url in ("/host/webhooks/", f"/host/webhooks/{endpoint.id}", f"/host/webhooks/{endpoint.id}/edit"):
        page = client.get(url)
        assert page.status_code == 200
        assert endpoint.secret not in page.get_data(as_text=True)
    assert "CRM sync" in text_of(client.get("/host/webhooks/"))


def test_the_form_says_what_is_wrong(client, login, make_host, text_of):
    login(make_host())
    response = client.post("/host/webhooks/new", data={"url": "", "event_types": []})
    assert response.status_code == 400
    assert "Please enter the address to post to." in text_of(response)
    assert "Choose at least one event type to receive." in text_of(response)
    response = client.post("/host/webhooks/new", data={"url": "https://x.example", "event_types": ["nonsense"]})
    assert response.status_code == 400
    assert "is not a valid choice" in text_of(response)


def test_a_host_changes_and_deletes_an_endpoint_after_confirming(
    client, hosted_event, make_endpoint, receiver, db_session, text_of
):
    event = hosted_event()
    endpoint = make_endpoint(event.hosts[0], receiver.url)
    db_session.commit()
    response = client.post(
        f"/host/webhooks/{endpoint.id}/edit", data={"url": receiver.url + "/v2", "event_types": ["event.updated"]}
    )
    assert response.status_code == 303
    db_session.expire_all()
    assert (endpoint.url, endpoint.event_types) == (receiver.url + "/v2", ["event.updated"])
    response = client.post(
        f"/host/webhooks/{endpoint.id}/edit", data={"url": "https://10.0.0.1/", "event_types": ["event.updated"]}
    )
    assert response.status_code == 400
    assert "private, local or reserved network address" in text_of(response)

    confirm = text_of(client.get(f"/host/webhooks/{endpoint.id}/confirm-delete"))
    assert "This cannot be undone" in confirm
    assert client.post(f"/host/webhooks/{endpoint.id}/delete").status_code == 303
    assert db_session.scalars(sa.select(WebhookEndpoint)).all() == []


def test_the_delivery_log_shows_status_code_time_and_attempts(
    client, hosted_event, make_endpoint, register, receiver, db_session, clock, text_of
):
    event = hosted_event()
    endpoint = make_endpoint(event.hosts[0], receiver.url)
    register(event)
    db_session.commit()
    receiver.status = 502
    sending.send_pending(clock.now())
    page = text_of(client.get(f"/host/webhooks/{endpoint.id}"))
    assert "registration.created" in page
    assert "Retrying" in page
    assert "502" in page
    assert "15 January 2025, 12:00 PM EST" in page  # made and tried at 17:00 UTC, in the host's zone
    assert "next try 15 January 2025, 12:05 PM EST" in page
    assert "1 failed attempt in a row" in page


@pytest.fixture
def two_hosts(make_host, make_event, make_endpoint, receiver, second_receiver, db_session):
    ours, theirs = make_host("ours@library.example.org"), make_host("theirs@library.example.org")
    our_event, their_event = make_event(title="Ours"), make_event(title="Theirs")
    our_event.hosts, their_event.hosts = [ours], [theirs]
    our_endpoint = make_endpoint(ours, receiver.url)
    their_endpoint = make_endpoint(theirs, second_receiver.url)
    db_session.commit()
    return ours, theirs, our_event, their_event, our_endpoint, their_endpoint


def test_a_host_cannot_see_or_manage_another_hosts_endpoints(client, login, two_hosts, register, db_session, clock):
    ours, theirs, our_event, their_event, our_endpoint, their_endpoint = two_hosts
    register(their_event)
    db_session.commit()
    delivery = db_session.scalars(sa.select(WebhookDelivery)).one()
    login(ours)
    assert their_endpoint.url not in client.get("/host/webhooks/").get_data(as_text=True)
    base = f"/host/webhooks/{their_endpoint.id}"
    for url in (base, f"{base}/edit", f"{base}/confirm-delete"):
        assert client.get(url).status_code == 404
    for action in ("disable", "enable", "delete"):
        assert client.post(f"{base}/{action}").status_code == 404
    assert (
        client.post(
            f"{base}/edit", data={"url": "https://93.184.215.14/", "event_types": ["event.updated"]}
        ).status_code
        == 404
    )
    assert client.post(f"{base}/deliveries/{delivery.id}/send-again").status_code == 404
    # Nor through their own endpoint's address with another's delivery.
    assert client.post(f"/host/webhooks/{our_endpoint.id}/deliveries/{delivery.id}/send-again").status_code == 404
    db_session.expire_all()
    assert db_session.get(WebhookEndpoint, their_endpoint.id).is_enabled


def test_each_host_receives_only_the_events_they_manage_and_an_admin_all(
    two_hosts, make_host, make_endpoint, register, receiver, second_receiver, free_port, db_session, clock
):
    from tests.webhooks.conftest import Receiver

    ours, theirs, our_event, their_event, our_endpoint, their_endpoint = two_hosts
    admin_receiver = Receiver(free_port())
    try:
        make_endpoint(make_host("admin@library.example.org", admin=True), admin_receiver.url)
        register(our_event, email="a@library.example.org")
        register(their_event, email="b@library.example.org")
        db_session.commit()
        sending.send_pending(clock.now())
        assert [p["data"]["event"]["title"] for p in receiver.payloads()] == ["Ours"]
        assert [p["data"]["event"]["title"] for p in second_receiver.payloads()] == ["Theirs"]
        assert sorted(p["data"]["event"]["title"] for p in admin_receiver.payloads()) == ["Ours", "Theirs"]
    finally:
        admin_receiver.close()


def test_webhook_pages_need_a_signed_in_host(client, two_hosts):
    *_, our_endpoint, _ = two_hosts
    for url in ("/host/webhooks/", "/host/webhooks/new", f"/host/webhooks/{our_endpoint.id}"):
        response = client.get(url)
        assert response.status_code == 302
        assert "/host/login" in response.headers["Location"]


def test_send_test_event_posts_a_signed_test_message_and_logs_its_outcome(
    client, hosted_event, make_endpoint, receiver, db_session, clock, deliveries, text_of
):
    from eventreg.clock import SystemClock
    from eventreg.webhooks.models import EVENT_TYPES
    from eventreg.webhooks.operations import TEST_TYPE

    clock.set(SystemClock().now())  # standardwebhooks checks the timestamp against the real time
    event = hosted_event()
    endpoint = make_endpoint(event.hosts[0], receiver.url, types=["event.updated"])
    db_session.commit()
    assert "Send test event" in text_of(client.get(f"/host/webhooks/{endpoint.id}"))

    response = client.post(f"/host/webhooks/{endpoint.id}/test")

    assert response.status_code == 303
    [record] = receiver.requests
    payload = Webhook(endpoint.secret).verify(record["body"], record["headers"])
    assert TEST_TYPE == "webhook.test"
    assert TEST_TYPE not in EVENT_TYPES
    assert payload == {
        "type": "webhook.test",
        "timestamp": clock.now().strftime("%Y-%m-%dT%H:%M:%SZ"),
        "data": {"endpoint": {"id": endpoint.id, "url": receiver.url}, "message": "A test event from eventreg."},
    }
    [delivery] = deliveries()
    assert (delivery.kind, delivery.status, delivery.last_status_code) == ("webhook.test", "delivered", 200)
    page = text_of(client.get(response.headers["Location"]))
    assert "A test event (webhook.test" in page
    assert "webhook.test" in page
    assert "Delivered" in page

    # A failing receiver shows as such in the log; a disabled endpoint is not sent a test.
    receiver.status = 500
    client.post(f"/host/webhooks/{endpoint.id}/test")
    assert [d.status for d in deliveries()] == ["delivered", "retrying"]
    assert "500" in text_of(client.get(f"/host/webhooks/{endpoint.id}"))
    client.post(f"/host/webhooks/{endpoint.id}/disable")
    response = client.post(f"/host/webhooks/{endpoint.id}/test")
    assert "Enable it first" in text_of(client.get(response.headers["Location"]))
    assert len(receiver.requests) == 2
    assert "Send test event" not in text_of(client.get(f"/host/webhooks/{endpoint.id}"))


def test_the_delivery_log_shows_each_payload_sent_escaped(
    client, hosted_event, make_endpoint, register, receiver, db_session, clock
):
    event = hosted_event(title="Tea & <b>biscuits</b>")
    endpoint = make_endpoint(event.hosts[0], receiver.url)
    register(event, name="Zoë Ångström")
    db_session.commit()
    sending.send_pending(clock.now())
    [record] = receiver.requests
    html = client.get(f"/host/webhooks/{endpoint.id}").get_data(as_text=True)
    assert "<summary>Payload</summary>" in html
    assert "&#34;title&#34;: &#34;Tea &amp; &lt;b&gt;biscuits&lt;/b&gt;&#34;" in html
    assert "<b>biscuits</b>" not in html
    assert "&#34;name&#34;: &#34;Zoë Ångström&#34;" in html
    shown = re.search(r'<pre class="long-code">(.*?)</pre>', html, re.S).group(1)
    assert json.loads(unescape(shown)) == json.loads(record["body"])  # the very body that was sent


def test_send_again_for_the_ticked_failed_deliveries_at_once(
    app, client, hosted_event, make_endpoint, register, receiver, db_session, clock, deliveries, text_of, monkeypatch
):
    event = hosted_event()
    endpoint = make_endpoint(event.hosts[0], receiver.url)
    for name in ("Ana Lopez", "Ben Okafor", "Chen Wei"):
        register(event, name=name)
    db_session.commit()
    first, second, third = deliveries()
    receiver.failing.update({first.message_id, second.message_id})
    sending.send_pending(clock.now())
    client.post(f"/host/webhooks/{endpoint.id}/disable")  # the two retrying ones are marked failed
    client.post(f"/host/webhooks/{endpoint.id}/enable")
    assert [d.status for d in deliveries()] == ["failed", "failed", "delivered"]
    page = client.get(f"/host/webhooks/{endpoint.id}").get_data(as_text=True)
    assert page.count('name="delivery"') == 2  # a checkbox for each failed one only
    assert "Send the ticked deliveries again" in page

    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    ticked = {"delivery": [str(first.id), str(second.id), str(third.id)]}
    assert client.post(f"/host/webhooks/{endpoint.id}/deliveries/send-again", data=ticked).status_code == 400
    assert len(receiver.requests) == 3
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", False)

    receiver.failing.clear()
    response = client.post(f"/host/webhooks/{endpoint.id}/deliveries/send-again", data=ticked)

    assert response.status_code == 303
    assert "2 failed deliveries are being sent again" in text_of(client.get(response.headers["Location"]))
    assert [r["headers"]["webhook-id"] for r in receiver.requests[3:]] == [first.message_id, second.message_id]
    assert [d.status for d in deliveries()] == ["delivered", "delivered", "delivered"]
    response = client.post(f"/host/webhooks/{endpoint.id}/deliveries/send-again", data={})
    assert "Tick the failed deliveries" in text_of(client.get(response.headers["Location"]))
    response = client.post(f"/host/webhooks/{endpoint.id}/deliveries/send-again", data=ticked)
    assert "nothing was sent again" in text_of(client.get(response.headers["Location"]))
    assert len(receiver.requests) == 5
