"""The webhook pages in Spanish and French (the endpoint codes, addresses and payloads stay as they are), and the
mail that an endpoint was disabled in its host's language, whoever's request sent it."""

import re
from datetime import timedelta

import pytest
import sqlalchemy as sa

from eventreg.webhooks import sending
from eventreg.webhooks.models import EVENT_TYPES, WebhookDelivery, WebhookEndpoint

DATES = {"es": "de enero de 2025", "fr": "janvier 2025"}


def own_part(html: str) -> str:
    """The page's main content without the host menu (hosts/_nav.html, another area's): what this area wrote."""
    main = html[html.index("<main") : html.index("</main>")]
    return re.sub(r'<nav class="host-nav".*?</nav>', " ", main, flags=re.S)


def content_of(endpoint: WebhookEndpoint, deliveries: list[WebhookDelivery], *more: str) -> list[str]:
    """What the pages show as it is: the address, the event type codes, the zone id, the message ids and payloads."""
    shown = [endpoint.url, endpoint.host.timezone, *EVENT_TYPES, "webhook.test", *more]
    for delivery in deliveries:
        shown += [delivery.message_id, delivery.readable_payload, delivery.last_error or ""]
    return shown


@pytest.mark.parametrize("language", ["es", "fr"])
def test_the_webhook_pages_are_in_the_hosts_language(
    client, hosted_event, make_endpoint, register, receiver, db_session, clock, english_left, language
):
    event = hosted_event()
    endpoint = make_endpoint(event.hosts[0], receiver.url, description="CRM")
    register(event, name="Ana Lopez")
    db_session.commit()
    receiver.status = 500
    sending.send_pending(clock.now())
    asked = {"Accept-Language": language}

    def page(url: str) -> str:
        response = client.get(url, headers=asked)
        html = response.get_data(as_text=True)
        assert response.status_code == 200, html
        assert f'<html lang="{language}"' in html
        return html

    deliveries = list(db_session.scalars(sa.select(WebhookDelivery)))
    shown = content_of(endpoint, deliveries, "CRM", event.title)
    base = f"/host/webhooks/{endpoint.id}"
    for url in ("/host/webhooks/", "/host/webhooks/new", f"{base}/edit", f"{base}/rotate-secret",
                f"{base}/confirm-delete"):  # fmt: skip
        assert english_left(own_part(page(url)), *shown) == [], url
    log = page(f"/host/webhooks/{endpoint.id}")
    assert english_left(own_part(log), *shown) == []
    assert DATES[language] in log

    # What each action says, and the pages after it (the log's stored error texts are a record, as written).
    for action in ("disable", "enable", "deliveries/send-again", "test"):
        receiver.status = 200 if action == "test" else 500
        said = client.post(f"{base}/{action}", headers=asked, follow_redirects=True)
        db_session.expire_all()
        shown = content_of(endpoint, list(db_session.scalars(sa.select(WebhookDelivery))), "CRM", event.title)
        assert english_left(own_part(said.get_data(as_text=True)), *shown) == [], action

    rotated = client.post(f"/host/webhooks/{endpoint.id}/rotate-secret", headers=asked)
    db_session.expire_all()
    html = rotated.get_data(as_text=True)
    assert english_left(own_part(html), *shown, db_session.get(WebhookEndpoint, endpoint.id).secret) == []
    assert DATES[language] in html

    refused = client.post("/host/webhooks/new", data={"url": "https://10.0.0.1/", "event_types": []}, headers=asked)
    assert refused.status_code == 400
    # "Please check the form" is _forms.html's (another area's); the rest of the summary is ours.
    assert english_left(own_part(refused.get_data(as_text=True)), *shown, "10.0.0.1", "Please check the form") == []

    made = client.post(
        "/host/webhooks/new", data={"url": receiver.url + "/2", "event_types": ["event.updated"]}, headers=asked
    )
    secret = db_session.scalars(sa.select(WebhookEndpoint).order_by(WebhookEndpoint.id.desc())).first().secret
    assert english_left(own_part(made.get_data(as_text=True)), *shown, receiver.url + "/2", secret) == []

    deleted = client.post(f"/host/webhooks/{endpoint.id}/delete", headers=asked, follow_redirects=True)
    assert english_left(own_part(deleted.get_data(as_text=True)), *shown, receiver.url + "/2") == []


def test_the_disabled_endpoint_mail_is_in_its_hosts_language(
    client, hosted_event, make_endpoint, register, receiver, db_session, clock, deliveries, mailbox, english_left
):
    event = hosted_event()
    spanish_host = event.hosts[0]
    spanish_host.locale = "es"
    endpoint = make_endpoint(spanish_host, receiver.url)
    register(event, name="Ana Lopez")
    register(event, name="Ben Okafor")
    db_session.commit()
    receiver.status = 500
    # The failures happen during a French visitor's request: the mail still goes out in its host's Spanish.
    client.get("/host/webhooks/", headers={"Accept-Language": "fr"})
    sending.send_pending(clock.now())
    start = clock.now()
    while db_session.get(WebhookEndpoint, endpoint.id).is_enabled:
        db_session.expire_all()
        clock.set(min(d.next_attempt_at for d in deliveries() if d.next_attempt_at))
        sending.send_pending(clock.now())
        assert clock.now() - start < timedelta(days=3)

    [message] = [m for m in mailbox if m["To"] == spanish_host.email]
    assert message["Subject"] == "Endpoint de webhook desactivado tras fallos repetidos"
    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    log_url = re.search(r"http\S+/host/webhooks/\d+", text)[0]
    for body in (text, html):
        assert english_left(body, receiver.url, log_url) == []
        assert "de enero de 2025" in body
    assert "se desactivó: sus últimos" in text


def test_the_delivery_log_keeps_its_record_in_english_whatever_the_request_language(
    client, hosted_event, make_endpoint, receiver, db_session, deliveries, webhook_settings, monkeypatch
):
    event = hosted_event()
    endpoint = make_endpoint(event.hosts[0], receiver.url)
    db_session.commit()
    monkeypatch.setitem(webhook_settings, "WEBHOOK_ALLOWED_HOSTS", "")  # now refused at the send: http://
    said = client.post(f"/host/webhooks/{endpoint.id}/test", headers={"Accept-Language": "es"}, follow_redirects=True)
    assert "Se está enviando un evento de prueba" in said.get_data(as_text=True)
    [delivery] = deliveries()
    assert delivery.last_error == (
        "Not sent: The address must start with https:// (webhooks carry registrants’ details)."
    )
