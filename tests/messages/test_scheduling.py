"""Scheduled messages: a time in the past is refused, a clock change asks which time is meant, a message can be
changed or cancelled until it goes, and the reminders' cron sends it exactly once, to the audience as it is then,
even when two runs overlap."""

import threading
from datetime import datetime, timedelta

import pytest
import pytz
import sqlalchemy as sa

from eventreg.core.extensions import db
from eventreg.events import operations as event_operations
from eventreg.hosts import operations as host_operations
from eventreg.mail import sending as mail_sending
from eventreg.messages import audiences, operations, sending
from eventreg.messages.models import HostMessage, MessageRecipient, MessageStatus
from eventreg.messages.rules import MessageError
from eventreg.registrations import operations as seats

from .conftest import previewed

NEW_YORK = pytz.timezone("America/New_York")


def at(*args, zone=NEW_YORK) -> datetime:
    return zone.localize(datetime(*args)).astimezone(pytz.utc)  # noqa: DTZ001 - wall-clock time in the zone


def schedule(event, host, send_at, now, **changes) -> HostMessage:
    fields = {
        "audience": "confirmed",
        "subject": "Tomorrow, {first_name}",
        "body": "See you at {event_time}.\n\n{manage_link}",
        "reply_to": host.email,
        "zone": "America/New_York",
        "form_key": None,
    }
    fields.update(changes)
    return operations.schedule(event, author=host, send_at=send_at, now=now, **fields)


def run_cron(app) -> str:
    return app.test_cli_runner().invoke(args=["send-reminders"]).output


def state(message_id: int) -> HostMessage:
    db.session.expire_all()
    return db.session.get(HostMessage, message_id)


def test_a_time_in_the_past_is_refused_with_the_time_now(hosted, host, clock, db_session):
    now = clock.now()  # 15 January 2025, 12:00 PM in New York
    with pytest.raises(MessageError) as refused:
        schedule(hosted, host, now - timedelta(minutes=1), now)
    assert refused.value.code == "in_the_past"
    assert refused.value.message == (
        "That time has passed: it is now 15 January 2025, 12:00 PM EST. Choose a later time, or send it now."
    )
    with pytest.raises(MessageError):
        schedule(hosted, host, now, now)  # "now" is not later: send it now instead
    assert db_session.scalar(sa.select(sa.func.count()).select_from(HostMessage)) == 0


def test_the_form_refuses_a_past_time_in_the_zone_the_host_chose(
    client, hosted, register, message_form, db_session, text_of
):
    register(hosted)
    db_session.commit()
    data = message_form(when="later", send_date="2025-01-15", send_time="17:59", send_zone="Europe/Berlin")
    response = client.post(f"/host/events/{hosted.id}/messages/new", data={**data, "action": "preview"})
    assert response.status_code == 400
    assert "Time: That time has passed: it is now 15 January 2025, 6:00 PM CET." in text_of(response)
    later = client.post(
        f"/host/events/{hosted.id}/messages/new", data={**data, "send_time": "18:01", "action": "preview"}
    )
    assert later.status_code == 200
    assert "Wednesday 15 January 2025, 6:01 PM Central European Standard Time, Europe [UTC +1]" in text_of(later)
    assert "The event’s time: Wednesday 15 January 2025, 12:01 PM Eastern Standard Time" in text_of(later)


def test_a_time_in_the_spring_forward_gap_is_refused_and_a_repeated_one_asks_which(
    client, hosted, register, message_form, db_session, text_of
):
    register(hosted)
    db_session.commit()
    url = f"/host/events/{hosted.id}/messages/new"
    gap = message_form(when="later", send_date="2025-03-09", send_time="02:30")
    response = client.post(url, data={**gap, "action": "preview"})
    assert response.status_code == 400
    assert "2:30 AM does not exist on 9 March 2025 in America/New_York" in text_of(response)

    fold = message_form(when="later", send_date="2025-11-02", send_time="01:30")
    response = client.post(url, data={**fold, "action": "preview"})
    assert response.status_code == 400
    assert "1:30 AM happens twice on 2 November 2025 in America/New_York" in text_of(response)
    assert "That time happens twice that night (the clocks go back). Which one?" in text_of(response)
    chosen = client.post(url, data={**fold, "send_occurrence": "second", "action": "preview"})
    assert chosen.status_code == 200
    sent = client.post(
        url, data={**fold, "send_occurrence": "second", "action": "send", "previewed": previewed(chosen)}
    )
    assert sent.status_code == 303
    message = db_session.scalars(sa.select(HostMessage)).one()
    assert message.send_at == datetime(2025, 11, 2, 6, 30, tzinfo=pytz.utc)  # 1:30 AM EST, the second
    edit = client.get(f"/host/events/{hosted.id}/messages/{message.id}/edit").get_data(as_text=True)
    assert '<input checked id="send_occurrence-1" name="send_occurrence" type="radio" value="second">' in edit


def test_the_cron_sends_a_scheduled_message_once_to_the_audience_as_it_is_then(
    app, hosted, host, register, clock, db_session, mailbox, deliver_and_clear
):
    ana = register(hosted, name="Ana Lima", timezone="Europe/Berlin")
    ben = register(hosted, name="Ben Okafor")
    message = schedule(hosted, host, at(2025, 1, 29, 9), clock.now())
    seats.cancel_registration(ben, now=clock.now())  # after it was written: Ben does not get it
    cy = register(hosted, name="Cy Wu")  # nor written for Cy, who does
    deliver_and_clear()

    clock.set(at(2025, 1, 29, 8, 59))
    assert "scheduled messages: 0 sent to 0 people" in run_cron(app)
    assert mailbox == []
    clock.set(at(2025, 1, 29, 9, 3))
    assert "scheduled messages: 1 sent to 2 people; mail: 2 sent, 0 failed." in run_cron(app)
    assert sorted(m["Subject"] for m in mailbox) == [
        "Tomorrow, Ana — Open data for needs assessments",
        "Tomorrow, Cy — Open data for needs assessments",
    ]
    ana_mail = next(m for m in mailbox if m["To"].addresses[0].addr_spec == ana.email)
    text = ana_mail.get_body(("plain",)).get_content()
    assert "See you at Thursday 30 January 2025, 9:00 PM – 10:00 PM Central European Standard Time" in text
    assert "http://eventreg.test/r/" in text  # her own link
    sent = state(message.id)
    assert (sent.status, sent.recipient_count, sent.sent_at) == ("sent", 2, clock.now())
    recipients = db_session.scalars(sa.select(MessageRecipient.registration_id)).all()
    assert sorted(recipients) == sorted([ana.id, cy.id])

    mailbox.clear()
    clock.advance(timedelta(minutes=5))
    assert "scheduled messages: 0 sent" in run_cron(app)
    assert mailbox == []


def test_a_run_overlapping_another_sends_nothing_of_the_message_the_other_claimed(
    app, hosted, host, register, clock, db_session, mailbox, deliver_and_clear
):
    register(hosted), register(hosted)
    message = schedule(hosted, host, at(2025, 1, 29, 9), clock.now())
    deliver_and_clear()
    clock.set(at(2025, 1, 29, 9, 1))
    now = clock.now()
    token = sending.claim(message.id, now)  # the first run has taken it and is about to queue its copies
    assert token is not None
    assert state(message.id).status == MessageStatus.SENDING
    assert "scheduled messages: 0 sent" in run_cron(app)  # the second run, meanwhile
    assert mailbox == []
    assert sending.claim(message.id, now) is None  # nor can anyone else take it

    # The host, meanwhile, can no longer change or cancel it.
    with pytest.raises(MessageError) as refused:
        operations.cancel_scheduled(state(message.id), now=now)
    assert refused.value.message == "This message is being sent and can no longer be changed or cancelled."
    db_session.rollback()

    outcome = sending.send_claimed(message.id, token, now)  # the first run goes on
    assert outcome == sending.Outcome(message.id, MessageStatus.SENT, 2)
    assert "mail: 2 sent" in run_cron(app)  # the outbox sends the copies (here: the next run)
    assert len(mailbox) == 2
    assert sending.send_claimed(message.id, token, now) is None  # a token used once is spent
    assert len(mailbox) == 2


def test_two_runs_at_the_same_moment_send_it_once(app, hosted, host, register, clock, db_session, mailbox):
    hosted.capacity = None
    for n in range(6):
        register(hosted, name=f"Reader {n}")
    schedule(hosted, host, at(2025, 1, 29, 9), clock.now())
    db_session.commit()
    clock.set(at(2025, 1, 29, 9, 1))
    mailbox.clear()
    start = threading.Barrier(2)
    outcomes = []

    def run():  # what the cron command does, in a worker of its own (click's output capture is not thread-safe)
        with app.app_context():
            start.wait()
            outcomes.extend(sending.send_due(clock.now()))
            mail_sending.send_queued(clock.now())
            db.session.remove()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert outcomes == [sending.Outcome(outcomes[0].message_id, MessageStatus.SENT, 6)]
    assert len([m for m in mailbox if m["Subject"].startswith("Tomorrow")]) == 6
    assert db_session.scalar(sa.select(sa.func.count()).select_from(MessageRecipient)) == 6


def test_a_run_that_died_after_claiming_is_taken_over_after_the_claim_timeout(
    app, hosted, host, register, clock, db_session, mailbox, deliver_and_clear
):
    register(hosted)
    message = schedule(hosted, host, at(2025, 1, 29, 9), clock.now())
    deliver_and_clear()
    clock.set(at(2025, 1, 29, 9, 1))
    assert sending.claim(message.id, clock.now()) is not None  # ... and the run dies here
    clock.advance(sending.CLAIM_TIMEOUT - timedelta(seconds=1))
    assert "scheduled messages: 0 sent" in run_cron(app)
    clock.advance(timedelta(seconds=1))
    assert "scheduled messages: 1 sent to 1 person" in run_cron(app)
    assert len(mailbox) == 1


def test_changing_a_scheduled_message_before_it_goes(
    app, client, hosted, host, register, clock, db_session, message_form, mailbox, deliver_and_clear, text_of
):
    register(hosted), register(hosted, name="Fay Berg")  # the second waits (two seats... one taken by the first)
    register(hosted, name="Gus Hale")
    message = schedule(hosted, host, at(2025, 1, 29, 9), clock.now())
    deliver_and_clear()
    url = f"/host/events/{hosted.id}/messages/{message.id}/edit"
    page = client.get(url)
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert 'value="2025-01-29"' in html
    assert 'value="09:00"' in html
    assert "Tomorrow, {first_name}" in html
    data = message_form(
        audience="waiting", subject="Still waiting, {first_name}?", when="later", send_date="2025-01-29",
        send_time="18:00", send_zone="Europe/Berlin",
    )  # fmt: skip
    preview = client.post(url, data={**data, "action": "preview"})
    assert "Save the changes" in text_of(preview)
    saved = client.post(url, data={**data, "action": "send", "previewed": previewed(preview)})
    assert saved.status_code == 303
    assert "Message scheduled for 29 January 2025, 6:00 PM CET, to “Waiting list”" in text_of(
        client.get(saved.headers["Location"])
    )
    changed = state(message.id)
    assert (changed.audience, changed.send_at, changed.zone) == ("waiting", at(2025, 1, 29, 12), "Europe/Berlin")

    clock.set(at(2025, 1, 29, 9, 5))  # the old time: nothing
    assert "scheduled messages: 0 sent" in run_cron(app)
    clock.set(at(2025, 1, 29, 12, 5))
    assert "scheduled messages: 1 sent to 1 person" in run_cron(app)
    assert [m["Subject"] for m in mailbox] == ["Still waiting, Gus? — Open data for needs assessments"]
    # Sent: no more changes.
    assert client.get(url).status_code == 409
    refused = client.post(url, data={**data, "action": "send", "previewed": previewed(preview)})
    assert refused.status_code == 409
    assert "This message is sent and can no longer be changed or cancelled." in text_of(refused)


def test_a_scheduled_message_can_be_sent_now_instead(
    client, hosted, host, register, clock, db_session, message_form, mailbox, deliver_and_clear
):
    register(hosted)
    message = schedule(hosted, host, at(2025, 1, 29, 9), clock.now())
    deliver_and_clear()
    url = f"/host/events/{hosted.id}/messages/{message.id}/edit"
    preview = client.post(url, data={**message_form(), "action": "preview"})
    assert (
        client.post(url, data={**message_form(), "action": "send", "previewed": previewed(preview)}).status_code == 303
    )
    assert len(mailbox) == 1
    assert (state(message.id).status, state(message.id).send_at) == ("sent", clock.now())


def test_cancelling_a_scheduled_message_before_it_goes(
    app, client, hosted, host, register, clock, db_session, mailbox, deliver_and_clear, text_of
):
    register(hosted)
    message = schedule(hosted, host, at(2025, 1, 29, 9), clock.now())
    deliver_and_clear()
    confirm = client.get(f"/host/events/{hosted.id}/messages/{message.id}/cancel")
    assert "Cancel this message?" in text_of(confirm)
    assert "was to go on Wednesday 29 January 2025, 9:00 AM Eastern Standard Time" in text_of(confirm)
    response = client.post(f"/host/events/{hosted.id}/messages/{message.id}/cancel")
    assert response.status_code == 303
    assert "The message was cancelled: it will not be sent." in text_of(client.get(response.headers["Location"]))
    assert state(message.id).status == MessageStatus.CANCELLED
    clock.set(at(2025, 1, 29, 9, 5))
    assert "scheduled messages: 0 sent" in run_cron(app)
    assert mailbox == []
    again = client.post(f"/host/events/{hosted.id}/messages/{message.id}/cancel")
    assert again.status_code == 409
    assert "This message is cancelled and can no longer be changed or cancelled." in text_of(again)
    assert client.get(f"/host/events/{hosted.id}/messages/{message.id}/edit").status_code == 409


def test_cancelling_the_event_cancels_its_scheduled_messages(hosted, host, register, clock, db_session):
    register(hosted)
    message = schedule(hosted, host, at(2025, 1, 29, 9), clock.now())
    event_operations.cancel_event(hosted, now=clock.now())
    assert (message.status, message.note) == ("cancelled", "Cancelled with the event.")


def test_an_audience_that_cannot_be_chosen_when_due_is_not_sent_and_says_why(
    app, hosted, host, register, clock, db_session, mailbox, deliver_and_clear
):
    ana = register(hosted)
    clock.set(hosted.ends_at + timedelta(hours=1))
    host_operations.record_attendance(hosted, [ana], False, now=clock.now())
    message = schedule(hosted, host, hosted.ends_at + timedelta(days=1), clock.now(), audience="not_attended")
    host_operations.record_attendance(hosted, [ana], None, now=clock.now())  # the host clears it again
    deliver_and_clear()
    clock.set(hosted.ends_at + timedelta(days=1, minutes=1))
    assert "scheduled messages: 0 sent to 0 people (1 not sent, see the message log)" in run_cron(app)
    assert mailbox == []
    assert state(message.id).status == MessageStatus.NOT_SENT
    assert state(message.id).note == audiences.NOT_RECORDED
