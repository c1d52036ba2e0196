"""Changes reach registrants, through the outbox and the real SMTP test server."""

from datetime import datetime, timedelta

import icalendar
import pytest
import pytz
import vobject


@pytest.fixture
def invitation_of(calendar_part):
    """invitation_of(message): the message's calendar part, parsed."""

    def parse(message):
        return icalendar.Calendar.from_ical(calendar_part(message).get_payload(decode=True))

    return parse


def test_time_change_sends_an_updated_invitation_with_the_same_uid_and_higher_sequence(
    client,
    hosted_event,
    register,
    db_session,
    clock,
    mailbox,
    deliver_and_clear,
    invitation_of,
    calendar_part,
    editor_form,
):
    event = hosted_event(join_url=editor_form["join_url"], capacity=1)
    confirmed = register(event, email="ana@library.example.org", timezone="Europe/Berlin")
    register(event, email="waiting@library.example.org")
    db_session.commit()
    from eventreg.mail import sending

    sending.send_pending(clock.now())
    original = invitation_of(mailbox[0]).walk("VEVENT")[0]
    mailbox.clear()

    response = client.post(
        f"/host/events/{event.id}/edit",
        data={**editor_form, "start_time": "16:00", "end_time": "17:00", "capacity": "1"},
    )
    assert response.status_code == 303
    assert len(mailbox) == 1  # confirmed only: the waiting list holds no invitation
    (message,) = mailbox
    assert message["To"].addresses[0].addr_spec == confirmed.email
    assert str(message["Subject"]).strip().startswith("Updated:")
    text = message.get_body(("plain",)).get_content()
    assert "have changed: time." in text
    # Old and new, in the event's zone and the registrant's, as every mail shows times.
    assert "It was: 30 January 2025, 3:00 PM – 4:00 PM Eastern Standard Time" in text
    assert "Your time was: 9:00 PM – 10:00 PM Central European Standard Time" in text
    assert "Time: 4:00 PM – 5:00 PM Eastern Standard Time" in text
    assert "Your time: 10:00 PM – 11:00 PM Central European Standard Time" in text
    html = message.get_body(("html",)).get_content()
    assert "It was: 30 January 2025, 3:00 PM – 4:00 PM Eastern Standard Time" in html
    updated = invitation_of(message)
    assert updated["METHOD"] == "REQUEST"
    vevent = updated.walk("VEVENT")[0]
    assert vevent["UID"] == original["UID"]
    assert int(vevent["SEQUENCE"]) > int(original["SEQUENCE"])
    assert vevent.decoded("DTSTART").astimezone(pytz.utc) == datetime(2025, 1, 30, 21, tzinfo=pytz.utc)
    parsed = vobject.readOne(calendar_part(message).get_payload(decode=True).decode())
    assert parsed.vevent.dtstart.value.astimezone(pytz.utc) == datetime(2025, 1, 30, 21, tzinfo=pytz.utc)


def test_editing_only_the_description_tells_nobody(
    client, hosted_event, register, db_session, mailbox, deliver_and_clear, editor_form
):
    event = hosted_event(join_url=editor_form["join_url"])
    register(event)
    deliver_and_clear()
    client.post(f"/host/events/{event.id}/edit", data={**editor_form, "description": "New words."})
    assert mailbox == []


def test_join_link_change_is_sent_to_confirmed_registrants(
    client, hosted_event, register, db_session, mailbox, deliver_and_clear, editor_form
):
    event = hosted_event(join_url=editor_form["join_url"])
    register(event)
    deliver_and_clear()
    client.post(
        f"/host/events/{event.id}/edit", data={**editor_form, "join_url": "https://meet.example.org/j/new-room"}
    )
    (message,) = mailbox
    text = message.get_body(("plain",)).get_content()
    assert "https://meet.example.org/j/new-room" in text
    assert "have changed: join link." in text
    assert "The join link has changed: use the new one below." in text
    assert "It was:" not in text  # the time did not change


def test_a_place_change_says_where_it_was_and_where_it_is_now(
    client, hosted_event, register, db_session, mailbox, deliver_and_clear, editor_form
):
    event = hosted_event(join_url=editor_form["join_url"])
    register(event)
    deliver_and_clear()
    moved = {**editor_form, "format": "hybrid", "location": "Main Library, Room 2"}
    assert client.post(f"/host/events/{event.id}/edit", data=moved).status_code == 303
    (message,) = mailbox
    text = message.get_body(("plain",)).get_content()
    assert "have changed: place." in text
    assert "The place was: online only" in text
    assert "Place: Main Library, Room 2" in text


def test_cancelling_the_event_tells_everyone_and_marks_the_page(
    client, hosted_event, register, db_session, mailbox, deliver_and_clear, invitation_of, calendar_part, editor_form
):
    event = hosted_event(join_url=editor_form["join_url"], capacity=1)
    register(event, email="seat@library.example.org")
    register(event, email="queue@library.example.org")
    deliver_and_clear()
    assert client.post(f"/host/events/{event.id}/cancel").status_code == 303
    by_address = {m["To"].addresses[0].addr_spec: m for m in mailbox}
    assert set(by_address) == {"seat@library.example.org", "queue@library.example.org"}
    cancel = invitation_of(by_address["seat@library.example.org"])
    assert cancel["METHOD"] == "CANCEL"
    assert calendar_part(by_address["seat@library.example.org"]).get_param("method") == "CANCEL"
    assert not [p for p in by_address["queue@library.example.org"].walk() if p.get_content_type() == "text/calendar"]
    assert "Cancelled." in client.get(f"/events/{event.slug}").get_data(as_text=True)
    mailbox.clear()
    client.post(f"/host/events/{event.id}/cancel")
    assert mailbox == []


def test_recording_follow_up_goes_once_by_attendance(
    client, hosted_event, register, db_session, clock, mailbox, deliver_and_clear, editor_form
):
    event = hosted_event(join_url=editor_form["join_url"])
    attendee = register(event, email="came@library.example.org")
    absent = register(event, email="absent@library.example.org")
    asked = register(event, email="asked@library.example.org", wants_recording=True)
    register(event, email="quiet@library.example.org")  # no attendance recorded, did not ask
    db_session.commit()
    clock.set(event.ends_at + timedelta(hours=1))
    client.post(f"/host/events/{event.id}/attendance", data={"mark": "attended", "registration": [str(attendee.id)]})
    client.post(f"/host/events/{event.id}/attendance", data={"mark": "absent", "registration": [str(absent.id)]})
    deliver_and_clear()

    archive = "https://archive.example.org/hiring"
    client.post(f"/host/events/{event.id}/edit", data={**editor_form, "archive_url": archive})
    subjects = {m["To"].addresses[0].addr_spec: m["Subject"] for m in mailbox}
    assert subjects == {
        attendee.email: f"Thank you for joining: {event.title}",
        absent.email: f"Sorry we missed you: {event.title}",
        asked.email: f"The recording is ready: {event.title}",
    }
    assert all(archive in m.get_body(("plain",)).get_content() for m in mailbox)

    mailbox.clear()
    client.post(f"/host/events/{event.id}/edit", data={**editor_form, "archive_url": archive, "summary": "edited"})
    assert mailbox == []  # once
    client.post(f"/host/events/{event.id}/edit", data={**editor_form, "archive_url": archive + "-fixed"})
    assert len(mailbox) == 3
    assert all(m["Subject"].startswith("Corrected recording link") for m in mailbox)


def test_recording_posted_before_the_end_goes_out_with_the_cron_run(
    app, client, hosted_event, register, db_session, clock, mailbox, deliver_and_clear, editor_form
):
    event = hosted_event(join_url=editor_form["join_url"])
    register(event, wants_recording=True)
    db_session.commit()
    client.post(f"/host/events/{event.id}/edit", data={**editor_form, "archive_url": "https://archive.example.org/x"})
    mailbox.clear()
    clock.set(event.ends_at + timedelta(minutes=5))
    result = app.test_cli_runner().invoke(args=["send-reminders"])
    assert "recording follow-ups: 1" in result.output
    assert [m["Subject"].split(":")[0] for m in mailbox] == ["The recording is ready"]
    app.test_cli_runner().invoke(args=["send-reminders"])
    assert len(mailbox) == 1


def test_host_message_reaches_every_confirmed_registrant_escaped(
    client, hosted_event, register, db_session, mailbox, deliver_and_clear, editor_form
):
    event = hosted_event(join_url=editor_form["join_url"], capacity=2)
    register(event)
    register(event)
    register(event)  # waiting: not a recipient
    deliver_and_clear()
    message = {
        "audience": "confirmed",
        "subject": "Slides",
        "body": "See <b>slides</b>\nthanks",
        "reply_to": "host@library.example.org",
        "when": "now",
        "send_zone": event.timezone,
    }
    preview = client.post(f"/host/events/{event.id}/messages/new", data={**message, "action": "preview"})
    previewed = preview.get_data(as_text=True).split('name="previewed" type="hidden" value="')[1].split('"')[0]
    response = client.post(
        f"/host/events/{event.id}/messages/new", data={**message, "action": "send", "previewed": previewed}
    )
    assert response.status_code == 303
    assert len(mailbox) == 2
    html = mailbox[0].get_body(("html",)).get_content()
    assert "&lt;b&gt;slides&lt;/b&gt;" in html
    assert "See <b>slides</b>" in mailbox[0].get_body(("plain",)).get_content()
