"""A course's mail, read from the loopback SMTP server: one course message listing every session with both times,
then one invitation per session (its own UID and SEQUENCE, parsed back with icalendar and vobject), and moving or
cancelling one session updates or removes exactly that entry."""

import re
from datetime import timedelta
from zoneinfo import ZoneInfo

import icalendar
import pytest
import vobject

from eventreg.events import operations as event_operations
from eventreg.hosts import operations as host_operations
from eventreg.registrations import operations as registration_operations
from eventreg.series import enrolments

NEW_YORK = ZoneInfo("America/New_York")
TITLE = "Four Tuesdays of readers' advisory"


@pytest.fixture
def deliver(db_session, clock, mailbox):
    """Commit, send what was queued, and give the messages received since the last call."""
    from eventreg.mail import outbox, sending

    def run():
        db_session.commit()
        outbox.take_queued_ids()
        sending.send_pending(clock.now())
        received = list(mailbox)
        mailbox.clear()
        return received

    return run


def parsed(message, calendar_part):
    """(icalendar VEVENT, vobject vevent, METHOD) of a message's one calendar part."""
    body = calendar_part(message).get_content()
    body = body.decode() if isinstance(body, bytes) else body
    by_icalendar = icalendar.Calendar.from_ical(body)
    by_vobject = vobject.readOne(body)
    (event,) = by_icalendar.walk("VEVENT")
    return event, by_vobject.vevent, str(by_icalendar["METHOD"])


def enrol_ana(series, clock, **fields):
    return enrolments.enrol(
        series,
        name="Ana Lima",
        email="ana@library.example.org",
        organization="Springfield Public Library",
        timezone="Europe/Berlin",
        now=clock.now(),
        **fields,
    )


def test_a_course_mails_one_confirmation_then_one_invitation_per_session(make_series, clock, deliver, calendar_part):
    series = make_series(capacity=10)
    enrol_ana(series, clock)
    confirmation, *invitations = deliver()

    assert confirmation["Subject"] == f"You’re registered for the course: {TITLE}"
    assert not [p for p in confirmation.walk() if p.get_content_type() == "text/calendar"]
    text = confirmation.get_body(("plain",)).get_content()
    assert re.search(r"http://eventreg\.test/series/manage/\S+", text)
    # Every session, in its own zone and in Ana's: 3 PM New York is 9 PM in Berlin, then 8 PM during the three
    # weeks (9 to 30 March) when New York has changed its clocks and Berlin has not.
    assert text.count("Time: 3:00 PM – 4:00 PM") == 4
    assert text.count("Your time: 9:00 PM – 10:00 PM") == 1
    assert text.count("Your time: 8:00 PM – 9:00 PM") == 3
    assert "(part 2 of 4)" in text

    assert [m["Subject"] for m in invitations] == [
        f"Calendar invitation: {TITLE} — part {n} of 4, {day} March" for n, day in ((1, 4), (2, 11), (3, 18), (4, 25))
    ]
    uids = []
    for session, message in zip(series.sessions, invitations, strict=True):
        event, vevent, method = parsed(message, calendar_part)
        assert method == "REQUEST"
        starts = event.decoded("DTSTART").astimezone(NEW_YORK)
        assert (starts.hour, starts.minute, starts.date()) == (15, 0, session.starts_at.astimezone(NEW_YORK).date())
        assert vevent.dtstart.value.astimezone(NEW_YORK).hour == 15
        assert vevent.dtstart.value == session.starts_at
        assert str(event["UID"]) == vevent.uid.value
        assert int(event["SEQUENCE"]) == int(vevent.sequence.value)
        uids.append(str(event["UID"]))
        assert message["To"].addresses[0].addr_spec == "ana@library.example.org"
    assert len(set(uids)) == 4
    # Stable: the download from each session registration's own page is the same entry.
    from eventreg.registrations import notifications as registration_notifications

    for session, uid in zip(series.sessions, uids, strict=True):
        registration = registration_operations.get_registration(session, "ana@library.example.org")
        again = icalendar.Calendar.from_ical(registration_notifications.download(registration, manage_link="x"))
        assert str(next(iter(again.walk("VEVENT")))["UID"]) == uid


def test_waiting_and_pending_course_messages_carry_no_invitation(make_series, clock, deliver):
    full = make_series(capacity=0, title="A full course")
    enrol_ana(full, clock)
    (waiting,) = deliver()
    assert waiting["Subject"] == "You’re on the waiting list for the course: A full course"
    assert "Your position: 1." in waiting.get_body(("plain",)).get_content()
    approval = make_series(requires_approval=True, title="An approved course")
    enrol_ana(approval, clock)
    (pending,) = deliver()
    assert pending["Subject"] == "Awaiting approval: An approved course"


def _uid_and_sequence(message, calendar_part):
    event, vevent, method = parsed(message, calendar_part)
    assert str(event["UID"]) == vevent.uid.value
    return str(event["UID"]), int(event["SEQUENCE"]), method


def test_moving_one_session_updates_exactly_that_entry(make_series, clock, deliver, calendar_part):
    series = make_series(capacity=10)
    enrol_ana(series, clock)
    original = {m["Subject"]: _uid_and_sequence(m, calendar_part) for m in deliver()[1:]}
    session = series.sessions[1]
    uid, sequence, _ = original[f"Calendar invitation: {TITLE} — part 2 of 4, 11 March"]

    host_operations.save_event(
        session,
        session.hosts[0],
        cohost_emails=[],
        topics=[],
        capacity=None,
        now=clock.now(),
        timezone=session.timezone,
        starts_at=session.starts_at + timedelta(days=1),
        ends_at=session.ends_at + timedelta(days=1),
    )
    (update,) = deliver()  # that session's registrants only, and only about it
    assert update["Subject"] == f"Updated: {TITLE}"
    new_uid, new_sequence, method = _uid_and_sequence(update, calendar_part)
    assert (new_uid, method) == (uid, "REQUEST")
    assert new_sequence > sequence
    event, vevent, _ = parsed(update, calendar_part)
    assert event.decoded("DTSTART").astimezone(NEW_YORK).day == 12
    assert vevent.dtstart.value.astimezone(NEW_YORK).hour == 15


def test_cancelling_one_session_removes_exactly_that_entry(make_series, clock, deliver, calendar_part, db_session):
    series = make_series(capacity=10)
    enrol_ana(series, clock)
    original = [_uid_and_sequence(m, calendar_part) for m in deliver()[1:]]
    session = series.sessions[2]
    event_operations.cancel_event(session, now=clock.now())
    assert registration_operations.tell_of_event_cancelled(session, now=clock.now()) == 1
    (cancelled,) = deliver()
    uid, sequence, method = _uid_and_sequence(cancelled, calendar_part)
    assert (uid, method) == (original[2][0], "CANCEL")
    assert sequence > original[2][1]
    others = [s for s in series.sessions if s.id != session.id]
    for other in others:
        registration = registration_operations.get_registration(other, "ana@library.example.org")
        assert registration.is_confirmed
        assert other.status == "published"


def test_cancelling_the_course_withdraws_each_invitation(make_series, clock, deliver, calendar_part, db_session):
    series = make_series(capacity=10)
    enrolment = enrol_ana(series, clock)
    original = [_uid_and_sequence(m, calendar_part) for m in deliver()[1:]]
    enrolments.cancel_enrolment(enrolment, now=clock.now())
    notice, *cancels = deliver()
    assert notice["Subject"] == f"Course registration cancelled: {TITLE}"
    withdrawn = [_uid_and_sequence(m, calendar_part) for m in cancels]
    assert [(uid, method) for uid, _, method in withdrawn] == [(uid, "CANCEL") for uid, _, _ in original]
    assert all(new[1] > old[1] for new, old in zip(withdrawn, original, strict=True))
