"""Links that leave a request (mail, invitations, webhook payloads) point at BASE_URL (http://eventreg.test in the
tests), whatever Host header the request came with: a stranger's forged Host must not steer someone's secret
link to the stranger's server."""

import re
from datetime import timedelta

import pytest

from eventreg.core.extensions import db

EVIL = "evil.example"


@pytest.fixture(autouse=True)
def no_server_name(app, monkeypatch):
    """As in production: SERVER_NAME unset, so nothing but our own code keeps the request's Host out of links."""
    monkeypatch.setitem(app.config, "SERVER_NAME", None)


def all_text(message) -> str:
    parts = [message["Subject"] or ""]
    for part in message.walk():
        if not part.is_multipart():
            payload = part.get_payload(decode=True) or b""
            parts.append(payload.decode("utf-8", "replace"))
    return "\n".join(parts)


def test_a_forged_host_changes_no_link_in_mail_invitations_or_webhooks(
    client, make_host, make_event, make_endpoint, receiver, registration_form, mailbox, clock
):
    host = make_host()
    event = make_event(starts_at=clock.now() + timedelta(days=10))
    event.hosts = [host]
    make_endpoint(host, receiver.url, types=["registration.created"])
    db.session.commit()

    response = client.post(f"/events/{event.slug}/register", data=registration_form, base_url=f"http://{EVIL}")
    assert response.status_code == 200  # "Check your email": the manage link goes only to the mailbox
    assert EVIL not in response.get_data(as_text=True)

    [confirmation] = [m for m in mailbox if m["To"] and registration_form["email"] in m["To"]]
    text = all_text(confirmation)
    manage_path = re.search(r"http://eventreg\.test(/r/[^\s\"<]+)", text)[1]  # in the body and the invitation
    assert EVIL not in text
    [record] = receiver.requests
    body = record["body"].decode()
    assert "http://eventreg.test/events/" in body
    assert '"api":"http://eventreg.test/api/v1/host/events/' in body  # links.api, from BASE_URL too
    assert EVIL not in body

    invitation = client.get(manage_path + "/invite.ics", base_url=f"http://{EVIL}")
    assert invitation.status_code == 200
    assert "eventreg.test/r/" in invitation.get_data(as_text=True).replace("\r\n ", "")
    assert EVIL not in invitation.get_data(as_text=True)


def test_a_forged_host_on_a_transcript_request_mails_a_link_to_our_own_site(
    client, register, make_event, mailbox, clock, deliver_and_clear
):
    event = make_event()
    registration = register(event, email="ana@library.example.org")
    registration.attended, registration.minutes_attended = True, 58
    deliver_and_clear()  # the confirmation
    clock.set(event.ends_at + timedelta(days=1))
    response = client.post(
        "/transcript", data={"email": "ana@library.example.org", "website": ""}, base_url=f"http://{EVIL}"
    )
    assert response.status_code in (200, 303)
    [message] = mailbox
    text = all_text(message)
    assert "http://eventreg.test/transcript/" in text
    assert EVIL not in text
