"""Writing a message on the host's page: the audiences with their counts, a preview merged for the first recipient, a
test to yourself, and sending now (only what a preview showed, once), through the real SMTP server."""

from datetime import timedelta

import pytest
import sqlalchemy as sa

from eventreg.hosts import operations as host_operations
from eventreg.mail.models import OutboxMessage
from eventreg.messages.models import HostMessage, MessageRecipient

from .conftest import previewed


def queued(db_session, kind="host_message") -> list[OutboxMessage]:
    db_session.expire_all()
    return list(db_session.scalars(sa.select(OutboxMessage).where(OutboxMessage.kind == kind)))


def test_the_page_offers_each_audience_with_its_count_and_why_one_cannot_be_chosen_yet(
    client, hosted, register, db_session, text_of
):
    register(hosted, name="Ana Lima"), register(hosted), register(hosted)  # the third waits
    db_session.commit()
    page = client.get(f"/host/events/{hosted.id}/messages/new")
    assert page.status_code == 200
    assert page.headers["Cache-Control"] == "private, no-store"
    text = text_of(page)
    assert "Everyone confirmed (2 people) Not the waiting list." in text
    assert "Waiting list (1 person) In their order on the list." in text
    assert "Attended Available once attendance is recorded" in text
    assert "Did not attend Available once the event has ended (30 January 2025, 4:00 PM EST)" in text
    html = page.get_data(as_text=True)
    assert 'value="not_attended" disabled' in html
    assert 'value="soren@library.example.org"' in html  # replies to the host by default
    assert 'value="send"' not in html  # no "Send" before a preview


def test_send_needs_a_preview_which_shows_the_first_recipients_copy(
    client, hosted, register, db_session, message_form, deliver_and_clear, text_of, mailbox
):
    register(hosted, name="Søren Ek", timezone="Asia/Kolkata"), register(hosted, name="Ana Lima")
    deliver_and_clear()
    url = f"/host/events/{hosted.id}/messages/new"
    response = client.post(url, data={**message_form(), "action": "send"})  # "Send" without a preview previews
    assert response.status_code == 200
    assert queued(db_session) == []
    preview = text_of(response)
    assert "Subject Slides — Open data for needs assessments" in preview
    assert "As Søren Ek will get it." in preview
    assert "Hello Søren, The slides are attached. Søren -- About: Open data for needs assessments" in preview
    assert "(each person’s own link to manage their registration)" in preview  # never a real link to the host
    assert "Sending emails 2 people now, each their own copy." in preview

    sent = client.post(url, data={**message_form(), "action": "send", "previewed": previewed(response)})
    assert sent.status_code == 303
    assert "Message sent to 2 people (“Everyone confirmed”); replies go to soren@library.example.org." in text_of(
        client.get(sent.headers["Location"])
    )
    assert sorted(m["Subject"] for m in mailbox) == ["Slides — Open data for needs assessments"] * 2
    by_name = {m["To"].addresses[0].display_name: m for m in mailbox}
    for name, first in (("Søren Ek", "Søren"), ("Ana Lima", "Ana")):
        message = by_name[name]
        assert message["Reply-To"] == "soren@library.example.org"
        body = message.get_body(("plain",)).get_content()
        assert body.startswith(f"Hello {first},")  # the host's greeting, merged, and no second one of ours
        assert "Manage your registration: http://eventreg.test/r/" in body


def test_a_message_changed_after_its_preview_is_previewed_again_not_sent(
    client, hosted, register, db_session, message_form, text_of
):
    register(hosted)
    db_session.commit()
    url = f"/host/events/{hosted.id}/messages/new"
    preview = client.post(url, data={**message_form(), "action": "preview"})
    for change in ({"body": "Something else"}, {"audience": "waiting"}, {"when": "later", "send_date": "2025-01-20",
                                                                         "send_time": "09:00"}):  # fmt: skip
        changed = client.post(url, data={**message_form(**change), "action": "send", "previewed": previewed(preview)})
        assert changed.status_code == 200
        assert "The message changed after the preview." in text_of(changed)
    assert queued(db_session) == []
    assert db_session.scalar(sa.select(sa.func.count()).select_from(HostMessage)) == 0


def test_a_test_goes_to_the_host_only_as_the_first_recipient_would_get_it(
    client, hosted, register, db_session, message_form, mailbox, deliver_and_clear, text_of
):
    register(hosted, name="Ana Lima")
    deliver_and_clear()
    response = client.post(f"/host/events/{hosted.id}/messages/new", data={**message_form(), "action": "test"})
    assert response.status_code == 200
    assert "A test copy (as Ana Lima would get it) was sent to soren@library.example.org. Nobody else was emailed." in (
        text_of(response)
    )
    (message,) = mailbox
    assert message["To"].addresses[0].addr_spec == "soren@library.example.org"
    assert message["Subject"] == "[Test] Slides — Open data for needs assessments"
    body = message.get_body(("plain",)).get_content()
    assert body.startswith("Hello Ana,")
    assert "(each person’s own link to manage their registration)" in body
    assert "/r/" not in body
    assert db_session.scalar(sa.select(sa.func.count()).select_from(HostMessage)) == 0  # a test is not logged


def test_to_the_waiting_list_only_and_the_log_says_who_got_it(
    client, hosted, register, db_session, post_message, mailbox, deliver_and_clear, text_of
):
    register(hosted), register(hosted)
    fay, gus = register(hosted, name="Fay Berg"), register(hosted, name="Gus Hale")
    deliver_and_clear()
    sent = post_message(hosted, "send", audience="waiting", subject="A seat may open, {first_name}")
    assert sent.status_code == 303
    assert sorted(m["Subject"] for m in mailbox) == [
        "A seat may open, Fay — Open data for needs assessments",
        "A seat may open, Gus — Open data for needs assessments",
    ]
    message = db_session.scalars(sa.select(HostMessage)).one()
    assert (message.status, message.recipient_count, message.audience_label) == ("sent", 2, "Waiting list")
    recipients = db_session.scalars(sa.select(MessageRecipient).order_by(MessageRecipient.registration_id)).all()
    assert [(r.registration_id, r.name) for r in recipients] == [(fay.id, "Fay Berg"), (gus.id, "Gus Hale")]
    page = text_of(client.get(sent.headers["Location"]))
    assert "Who got it 2 delivered." in page
    assert "Fay Berg fay" not in page
    assert (
        "Fay Berg reader3@library.example.org A seat may open, Fay — Open data for needs assessments Delivered" in page
    )


def test_a_form_sent_twice_sends_once(
    client, hosted, register, db_session, message_form, mailbox, deliver_and_clear, text_of
):
    register(hosted), register(hosted)
    deliver_and_clear()
    url = f"/host/events/{hosted.id}/messages/new"
    preview = client.post(url, data={**message_form(), "action": "preview"})
    data = {**message_form(), "action": "send", "previewed": previewed(preview)}
    assert client.post(url, data=data).status_code == 303
    again = client.post(url, data=data)  # a double click, or the back button and Send
    assert again.status_code == 409
    assert "This form was sent already, so nothing more was sent." in text_of(again)
    assert len(mailbox) == 2
    assert db_session.scalar(sa.select(sa.func.count()).select_from(HostMessage)) == 1


def test_nobody_in_the_audience_means_nothing_to_send(client, hosted, db_session, post_message, text_of):
    db_session.commit()
    preview = post_message(hosted)
    assert "Nobody is in “Everyone confirmed” now, so there is nothing to send." in text_of(preview)
    assert "Hello (first name)," in text_of(preview)  # what the field stands for
    assert 'value="send"' not in preview.get_data(as_text=True)
    sent = post_message(hosted, "send")
    assert sent.status_code == 409
    assert "Nobody is in “Everyone confirmed”, so nothing was sent." in text_of(sent)
    assert db_session.scalar(sa.select(sa.func.count()).select_from(HostMessage)) == 0


@pytest.mark.parametrize(
    ("changes", "error"),
    [
        ({"body": "Hello {frist_name}"}, "Message (plain text): “{frist_name}” is not a merge field. Use {first_name}"),
        ({"body": "Costs {5} {dollars}"}, "Message (plain text): “{5}” is not a merge field."),
        ({"body": "a { b"}, "Message (plain text): The “{” is not closed."),
        ({"subject": "Link {manage_link}"}, "Subject: {manage_link} can go in the message, not the subject"),
        ({"subject": "Hi }"}, "Subject: The “}” has no “{” before it. For a brace itself, write }}."),
        ({"audience": "no-such-audience"}, "Send to: Please choose who gets the message."),
        ({"audience": "not_attended"}, "Send to: Did not attend: Available once the event has ended"),
        ({"reply_to": "not an address"}, "Replies go to: Please enter a valid email."),
        ({"when": "later", "send_date": "2025-01-20"}, "Time: Please enter the date and the time to send it"),
        ({"when": "soon"}, "When: Not a valid choice."),
        ({"form_key": "k" * 65}, "Form Key: Field cannot be longer than 64 characters."),
    ],
)
def test_bad_input_is_a_clear_form_error_never_a_500(
    client, hosted, register, db_session, message_form, text_of, changes, error
):
    register(hosted)
    db_session.commit()
    for action in ("preview", "test", "send"):
        response = client.post(
            f"/host/events/{hosted.id}/messages/new", data={**message_form(**changes), "action": action}
        )
        assert response.status_code == 400
        assert "Please check the form" in text_of(response)
        assert error in text_of(response)
    assert queued(db_session, "host_message_test") == []


def test_merged_values_are_escaped_in_html_and_whole_in_the_subject_header(
    client, make_event, make_host, login, register, db_session, post_message, mailbox, deliver_and_clear
):
    host = login(make_host("soren@library.example.org"))
    event = make_event(title="Q&A: <Open> data =?utf-8?q?x?=", hosts=[host])
    register(event, name="Zoë <b>Ångström</b>", timezone="Asia/Kolkata")
    deliver_and_clear()
    post_message(event, "send", subject="{first_name}, see {event_title}", body="Dear {first_name} <3\n\n{event_time}")
    (message,) = mailbox
    assert (
        message["Subject"] == "Zoë, see Q&A: <Open> data =?utf-8?q?x?="
    )  # {event_title} in it: the title is not added again
    html = message.get_body(("html",)).get_content()
    assert "Dear Zoë &lt;3" in html
    assert "Q&amp;A: &lt;Open&gt; data" in html
    assert "<b>" not in html
    text = message.get_body(("plain",)).get_content()
    assert "Friday 31 January 2025, 1:30 AM – 2:30 AM India Standard Time, Asia [UTC +5:30]" in text


def test_after_the_event_to_those_who_did_not_attend(
    client, hosted, register, db_session, post_message, mailbox, deliver_and_clear, clock, text_of
):
    ana, ben = register(hosted, name="Ana Lima"), register(hosted, name="Ben Okafor")
    clock.set(hosted.ends_at + timedelta(hours=2))
    host_operations.record_attendance(hosted, [ana], True, now=clock.now())
    host_operations.record_attendance(hosted, [ben], False, now=clock.now())
    deliver_and_clear()
    page = text_of(client.get(f"/host/events/{hosted.id}/messages/new"))
    assert "Attended (1 person)" in page
    assert "Did not attend (1 person)" in page
    sent = post_message(hosted, "send", audience="not_attended", subject="Sorry we missed you")
    assert sent.status_code == 303
    assert [m["To"].addresses[0].display_name for m in mailbox] == ["Ben Okafor"]


def test_the_old_address_leads_to_the_new_page_for_its_hosts_only(client, hosted, make_host, login, db_session):
    db_session.commit()
    response = client.get(f"/host/events/{hosted.id}/message")
    assert response.status_code == 308
    assert response.headers["Location"].endswith(f"/host/events/{hosted.id}/messages/new")
    assert client.post(f"/host/events/{hosted.id}/message", data={}).status_code == 308
    login(make_host("other@library.example.org"))
    assert client.get(f"/host/events/{hosted.id}/message").status_code == 404
