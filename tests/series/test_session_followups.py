"""Reminders and follow-ups go per session: a course's registrant is reminded before each session it holds, and
hears of each session's recording, as for any event (each session registration is an ordinary registration)."""

from datetime import timedelta

import sqlalchemy as sa

from eventreg.mail.models import OutboxMessage
from eventreg.registrations import operations as registration_operations
from eventreg.registrations import reminders
from eventreg.series import enrolments


def mails(db_session, email, like):
    query = sa.select(OutboxMessage).where(OutboxMessage.to_address == email, OutboxMessage.kind.like(like))
    return list(db_session.scalars(query.order_by(OutboxMessage.id)))


def test_each_session_is_reminded_in_its_own_time_and_only_for_the_sessions_held(make_series, db_session, clock):
    series = make_series(session_fields={"join_url": "https://meet.example.org/j/course", "reminder_hours": "1"})
    sessions = sorted(series.sessions, key=lambda e: e.starts_at)
    late_clock = sessions[1].starts_at + timedelta(minutes=5)
    early = enrolments.enrol(series, name="Ana", email="ana@library.example.org", organization="L", now=clock.now())
    clock.set(late_clock)
    late = enrolments.enrol(series, name="Ben", email="ben@library.example.org", organization="L", now=clock.now())
    for session in sessions:
        clock.set(session.starts_at - timedelta(minutes=59))
        reminders.send_reminders(clock.now())
    ana = mails(db_session, early.email, "reminder%")
    ben = mails(db_session, late.email, "reminder%")
    assert len(ana) == 4  # one before each session
    assert len(ben) == 2  # only the sessions after he joined
    # Each reminder names its own session's time: 3:00 PM New York, before and after the clock change.
    assert all("3:00 PM" in message.body_text for message in ana + ben)
    assert "Eastern Standard Time" in ana[0].body_text
    assert "Eastern Daylight Time" in ana[3].body_text


def test_each_sessions_recording_goes_to_that_sessions_registrants(make_series, db_session, clock):
    series = make_series()
    sessions = sorted(series.sessions, key=lambda e: e.starts_at)
    enrolment = enrolments.enrol(series, name="Ana", email="ana@library.example.org", organization="L", now=clock.now())
    first = next(r for r in enrolment.registrations if r.event_id == sessions[0].id)
    first.attended = True
    clock.set(sessions[0].ends_at + timedelta(hours=1))
    sessions[0].archive_url = "https://video.example.org/part-1"
    sent = registration_operations.send_recording_followup(sessions[0], now=clock.now())
    assert sent == {"thanks": 1}
    (thanks,) = mails(db_session, enrolment.email, "thanks%")
    assert "https://video.example.org/part-1" in thanks.body_text
    # The other sessions' recordings are theirs to send: nothing else went out.
    assert registration_operations.send_recording_followup(sessions[1], now=clock.now()) == {}
