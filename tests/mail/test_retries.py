"""Retries that cannot jam: backoff after temporary failures, giving up after a 5xx or three days, and
the host seeing what was given up. Mail goes to the real SMTP server on loopback, which refuses
"refused…" recipients with 550 and "deferred…" ones with 451."""

import logging
from datetime import timedelta

import sqlalchemy as sa

from eventreg.core import logs
from eventreg.mail import sending
from eventreg.mail.models import OutboxMessage


def outbox_row(db_session, email):
    db_session.expire_all()
    return db_session.scalars(sa.select(OutboxMessage).where(OutboxMessage.to_address == email)).one()


def attendee_row(html, name):
    (row,) = [row for row in html.split("<tr")[1:] if f">{name}</td>" in row]
    return row


def mail_logs(caplog):
    return [record for record in caplog.records if record.name == "eventreg.mail.sending"]


def test_backoff_doubles_from_five_minutes_up_to_a_day():
    delays = [sending.retry_delay(attempts) for attempts in range(1, 12)]
    minutes = [5, 10, 20, 40, 80, 160, 320, 640, 1280]
    assert delays == [timedelta(minutes=m) for m in minutes] + [timedelta(days=1)] * 2
    assert sending.retry_delay(1000) == timedelta(days=1)


def test_hundreds_of_refused_recipients_do_not_hold_back_a_good_message(
    make_event, register, db_session, clock, mailbox
):
    event = make_event(capacity=1000)
    for n in range(150):
        register(event, email=f"refused{n}@library.example.org")
        register(event, email=f"deferred{n}@library.example.org")
    register(event, email="ana@library.example.org")  # queued last, behind 300 that will not go
    db_session.commit()
    assert sending.send_pending(clock.now()) == (1, 300)
    assert [message["X-Envelope-To"] for message in mailbox] == ["ana@library.example.org"]
    counts = dict(
        db_session.execute(
            sa.select(OutboxMessage.failed_at.is_not(None), sa.func.count()).group_by(
                OutboxMessage.failed_at.is_not(None)
            )
        ).all()
    )
    assert counts == {True: 150, False: 151}  # the refused are done for good; the deferred wait

    # The next cron run, five minutes on: the refused are never tried again, only the deferred come back,
    # and a message queued meanwhile goes out in that same run.
    mailbox.clear()
    clock.advance(minutes=5)
    register(event, email="ben@library.example.org")
    db_session.commit()
    assert sending.send_pending(clock.now()) == (1, 150)
    assert [message["X-Envelope-To"] for message in mailbox] == ["ben@library.example.org"]
    assert outbox_row(db_session, "refused0@library.example.org").attempts == 1
    assert outbox_row(db_session, "deferred0@library.example.org").attempts == 2


def test_a_message_whose_next_attempt_is_later_is_not_picked(make_event, register, db_session, clock, mailbox):
    event = make_event()
    register(event, email="ana@library.example.org")
    db_session.commit()
    later = clock.now() + timedelta(minutes=30)
    db_session.execute(sa.update(OutboxMessage).values(next_attempt_at=later))
    db_session.commit()
    assert sending.send_pending(clock.now()) == (0, 0)
    clock.advance(minutes=29)
    assert sending.send_pending(clock.now()) == (0, 0)
    assert mailbox == []
    clock.advance(minutes=1)
    assert sending.send_pending(clock.now()) == (1, 0)
    assert [message["X-Envelope-To"] for message in mailbox] == ["ana@library.example.org"]


def test_temporary_failures_back_off_and_give_up_after_three_days(
    make_event, register, db_session, clock, mailbox, caplog
):
    event = make_event()
    register(event, email="deferred@library.example.org")
    db_session.commit()
    queued_at = clock.now()
    waits = []
    with caplog.at_level(logging.INFO, logger="eventreg.mail"):
        while True:
            assert sending.send_pending(clock.now()) == (0, 1)
            message = outbox_row(db_session, "deferred@library.example.org")
            if message.failed_at is not None:
                break
            waits.append(message.next_attempt_at - clock.now())
            clock.advance(message.next_attempt_at - clock.now() - timedelta(seconds=1))
            assert sending.send_pending(clock.now()) == (0, 0)  # a second early: not due
            clock.advance(seconds=1)
    assert waits[:5] == [timedelta(minutes=m) for m in (5, 10, 20, 40, 80)]
    assert waits[-2] == timedelta(days=1)
    # The last try is at the three-day mark, not up to a day beyond it.
    assert message.failed_at == queued_at + sending.GIVE_UP_AFTER
    assert message.next_attempt_at is None
    assert message.sent_at is None
    assert message.attempts == len(waits) + 1 == 12
    assert "451" in message.last_error
    clock.advance(days=7)
    assert sending.send_pending(clock.now()) == (0, 0)
    assert mailbox == []

    records = mail_logs(caplog)
    assert [record.getMessage() for record in records] == ["mail failed"] * 11 + ["mail given up"]
    given_up = records[-1]
    assert (given_up.reason, given_up.smtp_code, given_up.attempts) == ("expired", 451, 12)
    assert given_up.outbox_id == message.id
    for record in records:
        assert "library.example.org" not in logs.TextFormatter().format(record)


def test_a_permanent_refusal_gives_up_at_once(make_event, register, db_session, clock, mailbox, caplog):
    event = make_event()
    registration = register(event, email="refused@library.example.org")
    db_session.commit()
    with caplog.at_level(logging.INFO, logger="eventreg.mail"):
        assert sending.send_pending(clock.now()) == (0, 1)
    message = outbox_row(db_session, "refused@library.example.org")
    assert (message.attempts, message.failed_at, message.next_attempt_at) == (1, clock.now(), None)
    assert message.last_error == "SMTPRecipientsRefused: 550 5.1.1 No such mailbox"
    (record,) = mail_logs(caplog)
    assert record.getMessage() == "mail given up"
    assert (record.reason, record.smtp_code, record.registration_id) == ("refused", 550, registration.id)
    assert "library.example.org" not in logs.TextFormatter().format(record)
    clock.advance(days=1)
    assert sending.send_pending(clock.now()) == (0, 0)


def test_the_host_sees_undelivered_mail_beside_the_registrant(
    client, make_event, make_host, login, register, db_session, clock, mailbox
):
    host = make_host()
    event = make_event(capacity=1)
    event.hosts = [host]
    register(event, name="Refused Reader", email="refused@library.example.org")
    register(event, name="Waiting Reader", email="deferred@library.example.org")
    register(event, name="Good Reader", email="good@library.example.org")
    db_session.commit()
    assert sending.send_pending(clock.now()) == (1, 2)
    login(host)
    html = client.get(f"/host/events/{event.id}/attendees").get_data(as_text=True)
    assert "Confirmation could not be delivered" in attendee_row(html, "Refused Reader")
    for name in ("Waiting Reader", "Good Reader"):  # one still being retried, one delivered
        assert "could not be delivered" not in attendee_row(html, name)

    clock.advance(days=4)  # past the give-up time of the one being retried
    assert sending.send_pending(clock.now()) == (0, 1)
    html = client.get(f"/host/events/{event.id}/attendees").get_data(as_text=True)
    assert "Waiting-list notice could not be delivered" in attendee_row(html, "Waiting Reader")
    assert "could not be delivered" not in attendee_row(html, "Good Reader")
