"""Emailing registrants: the count and a preview before sending, a test to yourself, replies to the host."""

import pytest
import sqlalchemy as sa

from eventreg.mail.models import OutboxMessage

MESSAGE = {
    "subject": "Slides",
    "body": "Hello all,\n\nThe slides are attached.\n\nSøren",
    "reply_to": "soren@library.example.org",
}


@pytest.fixture
def hosted(hosted_event, make_host):
    return hosted_event(make_host("soren@library.example.org"), capacity=2, title="Open data for needs assessments")


def queued(db_session) -> list[OutboxMessage]:
    db_session.expire_all()
    return list(db_session.scalars(sa.select(OutboxMessage).where(OutboxMessage.kind.like("host_message%"))))


def test_the_page_counts_recipients_and_sending_needs_a_preview_first(
    client, hosted, register, db_session, mailbox, deliver_and_clear, text_of
):
    register(hosted, name="Søren Ek"), register(hosted), register(hosted)  # the third waits
    deliver_and_clear()
    page = client.get(f"/host/events/{hosted.id}/message")
    assert "This goes to 2 confirmed registrants, each their own copy (not the 1 on the waiting list)." in text_of(page)
    assert 'value="soren@library.example.org"' in page.get_data(as_text=True)  # replies to the host by default
    assert 'value="send"' not in page.get_data(as_text=True)

    # "Send" without a preview only previews.
    response = client.post(f"/host/events/{hosted.id}/message", data={**MESSAGE, "action": "send"})
    assert response.status_code == 200
    assert queued(db_session) == []
    preview = text_of(response)
    assert "Subject Slides — Open data for needs assessments" in preview
    assert "Hello all, The slides are attached. Søren -- About: Open data for needs assessments" in preview
    assert "Hello Søren Ek" not in preview
    assert "Send to 2 registrants" in preview
    fingerprint = response.get_data(as_text=True).split('name="previewed" type="hidden" value="')[1].split('"')[0]

    sent = client.post(
        f"/host/events/{hosted.id}/message", data={**MESSAGE, "action": "send", "previewed": fingerprint}
    )
    assert sent.status_code == 303
    assert "Message sent to 2 confirmed registrants; replies go to soren@library.example.org." in text_of(
        client.get(sent.headers["Location"])
    )
    assert len(mailbox) == 2
    for message in mailbox:
        assert message["Reply-To"] == "soren@library.example.org"
        body = message.get_body(("plain",)).get_content()
        assert body.startswith("Hello all,")  # the host's greeting, and no second one of ours
        assert "Manage your registration: http" in body


def test_a_message_changed_after_the_preview_is_not_sent(
    client, hosted, register, db_session, deliver_and_clear, text_of
):
    register(hosted)
    deliver_and_clear()
    response = client.post(f"/host/events/{hosted.id}/message", data={**MESSAGE, "action": "preview"})
    fingerprint = response.get_data(as_text=True).split('name="previewed" type="hidden" value="')[1].split('"')[0]
    changed = client.post(
        f"/host/events/{hosted.id}/message",
        data={**MESSAGE, "body": "Something else", "action": "send", "previewed": fingerprint},
    )
    assert changed.status_code == 200
    assert "The message changed after the preview." in text_of(changed)
    assert queued(db_session) == []


def test_a_test_goes_to_the_host_only(client, hosted, register, db_session, mailbox, deliver_and_clear, text_of):
    register(hosted)
    deliver_and_clear()
    response = client.post(f"/host/events/{hosted.id}/message", data={**MESSAGE, "action": "test"})
    assert response.status_code == 200
    assert "A test copy was sent to soren@library.example.org. Nobody else was emailed." in text_of(response)
    (message,) = mailbox
    assert message["To"].addresses[0].addr_spec == "soren@library.example.org"
    assert message["Subject"] == "[Test] Slides — Open data for needs assessments"
    assert "each registrant’s own link" in message.get_body(("plain",)).get_content()


def test_reply_to_must_be_an_address(client, hosted, db_session, text_of):
    db_session.commit()
    response = client.post(f"/host/events/{hosted.id}/message", data={**MESSAGE, "reply_to": "not an address"})
    assert response.status_code == 400
    assert "Please enter a valid email." in text_of(response)


def test_sending_with_nobody_confirmed_says_nothing_was_sent(client, hosted, db_session, text_of):
    db_session.commit()
    preview = client.post(f"/host/events/{hosted.id}/message", data={**MESSAGE, "action": "preview"})
    assert "Send to" not in text_of(preview)
    previewed = preview.get_data(as_text=True).split('name="previewed" type="hidden" value="')[1].split('"')[0]
    response = client.post(
        f"/host/events/{hosted.id}/message", data={**MESSAGE, "action": "send", "previewed": previewed}
    )
    assert "Nobody is confirmed, so nothing was sent." in text_of(response)
    assert queued(db_session) == []
