from datetime import timedelta

import pytest
import sqlalchemy as sa

from eventreg.events.models import Status
from eventreg.mail.models import OutboxMessage
from eventreg.registrations import operations, reminders


def reminder_kinds(db_session) -> list[tuple[str, str]]:
    return list(
        db_session.execute(
            sa.select(OutboxMessage.to_address, OutboxMessage.kind)
            .where(OutboxMessage.kind.like("reminder%"))
            .order_by(OutboxMessage.id)
        )
    )


@pytest.fixture
def event(make_event):
    return make_event(timezone="Asia/Kolkata")


def test_reminders_at_24_hours_and_1_hour_never_twice(event, register, db_session, clock):
    registration = register(event, email="ana@library.example.org", timezone="Europe/Berlin")
    clock.set(event.starts_at - timedelta(hours=25))
    assert reminders.send_reminders(clock.now()) == 0
    clock.set(event.starts_at - timedelta(hours=23, minutes=55))
    assert reminders.send_reminders(clock.now()) == 1
    assert reminders.send_reminders(clock.now()) == 0
    clock.set(event.starts_at - timedelta(minutes=59))
    assert reminders.send_reminders(clock.now()) == 1
    assert reminders.send_reminders(clock.now()) == 0
    assert reminder_kinds(db_session) == [(registration.email, "reminder_24h"), (registration.email, "reminder_1h")]
    message = db_session.scalars(sa.select(OutboxMessage).where(OutboxMessage.kind == "reminder_1h")).one()
    assert "starts in 1 hour" in message.subject
    assert "https://meet.example.org/j/secret-room" in message.body_text
    assert "Your time:" in message.body_text  # their own zone beside the event's


def test_a_late_run_skips_the_stale_24_hour_reminder(event, register, db_session, clock):
    register(event)
    clock.set(event.starts_at - timedelta(hours=2))  # the 24-hour reminder is long stale
    assert reminders.send_reminders(clock.now()) == 0
    clock.set(event.starts_at - timedelta(minutes=40))
    assert reminders.send_reminders(clock.now()) == 1
    assert [kind for _, kind in reminder_kinds(db_session)] == ["reminder_1h"]


def test_no_reminder_for_cancelled_registrations_events_or_late_registrants(make_event, register, db_session, clock):
    cancelled_event = make_event(title="Called off")
    register(cancelled_event)
    cancelled_event.status = Status.CANCELLED
    event = make_event(title="On")
    gone = register(event, email="gone@library.example.org")
    operations.cancel_registration(gone, now=clock.now())
    waiting_event = make_event(title="Full", capacity=0)
    register(waiting_event)
    clock.set(event.starts_at - timedelta(hours=23))
    late = register(event, email="late@library.example.org", now=clock.now())  # after the 24h reminder time
    assert reminders.send_reminders(clock.now()) == 0
    clock.set(event.starts_at - timedelta(minutes=45))
    assert reminders.send_reminders(clock.now()) == 1
    assert reminder_kinds(db_session) == [(late.email, "reminder_1h")]


def test_a_reminder_is_not_sent_once_less_than_half_its_offset_remains(event, register, db_session, clock):
    register(event)
    clock.set(event.starts_at - timedelta(minutes=29))
    assert reminders.send_reminders(clock.now()) == 0


def test_offsets_are_configurable_per_event(make_event, register, db_session, clock):
    event = make_event(reminder_hours="72, 2")
    register(event)
    clock.set(event.starts_at - timedelta(hours=71))
    assert reminders.send_reminders(clock.now()) == 1
    clock.set(event.starts_at - timedelta(hours=23))
    assert reminders.send_reminders(clock.now()) == 0
    clock.set(event.starts_at - timedelta(hours=2))
    assert reminders.send_reminders(clock.now()) == 1
    assert [kind for _, kind in reminder_kinds(db_session)] == ["reminder_72h", "reminder_2h"]


def test_the_cron_command_sends_through_smtp(app, event, register, db_session, clock, mailbox):
    register(event)
    db_session.commit()
    clock.set(event.starts_at - timedelta(hours=1))
    result = app.test_cli_runner().invoke(args=["send-reminders"])
    assert "Reminders: 1 queued" in result.output
    assert [m["Subject"].split(":")[0] for m in mailbox if "Reminder" in m["Subject"]] == ["Reminder"]
    result = app.test_cli_runner().invoke(args=["send-reminders"])
    assert "Reminders: 0 queued" in result.output
