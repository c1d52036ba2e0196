"""What a registrant's calendar receives, read back from the mail the real SMTP test server got."""

from datetime import timedelta

import icalendar
import pytest

from eventreg.calendars import ics
from eventreg.events import operations as event_operations
from eventreg.registrations import operations


@pytest.fixture
def deliver(db_session, clock):
    """Commit and send everything queued, keeping the mailbox."""
    from eventreg.mail import outbox, sending

    def run():
        db_session.commit()
        outbox.take_queued_ids()
        sending.send_pending(clock.now())

    return run


def calendar_messages(mailbox, address: str) -> list[tuple[str, str, int]]:
    """(METHOD, UID, SEQUENCE) of each calendar message the address received, in order."""
    found = []
    for message in mailbox:
        if message["To"].addresses[0].addr_spec != address:
            continue
        for part in message.walk():
            if part.get_content_type() == "text/calendar":
                calendar = icalendar.Calendar.from_ical(part.get_payload(decode=True))
                (vevent,) = calendar.walk("VEVENT")
                found.append((str(calendar["METHOD"]), str(vevent["UID"]), int(vevent["SEQUENCE"])))
                break
    return found


def public_entry(event, clock) -> icalendar.Event:
    body = ics.download(event, now=clock.now(), domain="eventreg.invalid", page_url="http://eventreg.test/e")
    return icalendar.Calendar.from_ical(body).walk("VEVENT")[0]


def test_every_message_for_the_entry_carries_a_higher_sequence_than_the_last(
    make_event, register, db_session, clock, mailbox, deliver
):
    event = make_event()
    ana = "ana@library.example.org"
    public = []  # the public download's SEQUENCE when each message went out

    def step(action):
        clock.advance(minutes=5)
        action()
        deliver()
        public.append(int(public_entry(event, clock)["SEQUENCE"]))

    registration = None

    def confirm():
        nonlocal registration
        registration = register(event, email=ana, now=clock.now())

    step(confirm)
    step(lambda: operations.cancel_registration(registration, now=clock.now()))
    step(confirm)  # registering again after cancelling
    step(
        lambda: operations.tell_of_event_update(
            event,
            event_operations.update_event(
                event,
                now=clock.now(),
                starts_at=event.starts_at + timedelta(hours=1),
                ends_at=event.ends_at + timedelta(hours=1),
            ),
            now=clock.now(),
        )
    )
    step(lambda: operations.cancel_registration(registration, now=clock.now()))
    received = calendar_messages(mailbox, ana)
    assert [method for method, _, _ in received] == ["REQUEST", "CANCEL", "REQUEST", "REQUEST", "CANCEL"]
    sequences = [sequence for _, _, sequence in received]
    assert all(later > earlier for earlier, later in zip(sequences, sequences[1:], strict=False)), sequences
    # Never at or below the public entry's, so a download made before an invitation never hides it.
    assert all(sent > shown for sent, shown in zip(sequences, public, strict=True)), (sequences, public)
    # One entry: the invitation's UID is the public download's and the feeds'.
    assert {uid for _, uid, _ in received} == {str(public_entry(event, clock)["UID"])}


def test_cancelling_the_event_after_registering_again_still_moves_the_sequence_on(
    make_event, register, db_session, clock, mailbox, deliver
):
    event = make_event()
    registration = register(event, email="ana@library.example.org")
    operations.cancel_registration(registration, now=clock.now())
    register(event, email="ana@library.example.org")
    deliver()
    event_operations.cancel_event(event, now=clock.now())
    operations.tell_of_event_cancelled(event, now=clock.now())
    deliver()
    received = calendar_messages(mailbox, "ana@library.example.org")
    assert [method for method, _, _ in received] == ["REQUEST", "CANCEL", "REQUEST", "CANCEL"]
    sequences = [sequence for _, _, sequence in received]
    assert sequences == sorted(set(sequences)), sequences


def test_a_registrants_cancel_goes_to_them_alone_and_names_only_them(
    make_event, register, db_session, clock, mailbox, deliver
):
    event = make_event()
    ana = register(event, email="ana@library.example.org")
    register(event, email="ben@library.example.org")
    deliver()
    mailbox.clear()
    operations.cancel_registration(ana, now=clock.now())
    deliver()
    (message,) = mailbox  # iTIP messages are applied to the recipient's own calendar only
    assert message["X-Envelope-To"] == "ana@library.example.org"
    (part,) = [part for part in message.walk() if part.get_content_type() == "text/calendar"]
    (vevent,) = icalendar.Calendar.from_ical(part.get_payload(decode=True)).walk("VEVENT")
    assert str(vevent["ATTENDEE"]) == "mailto:ana@library.example.org"


def test_registrations_invited_under_the_old_uid_keep_it(make_event, register, db_session, clock, mailbox, deliver):
    event = make_event()
    registration = register(event, email="ana@library.example.org")
    registration.legacy_calendar_uid = True  # as the migration marks everyone invited before the change
    deliver()
    mailbox.clear()
    update = event_operations.update_event(event, now=clock.now(), join_url="https://meet.example.org/j/new")
    operations.tell_of_event_update(event, update, now=clock.now())
    deliver()
    ((method, uid, _),) = calendar_messages(mailbox, "ana@library.example.org")
    assert (method, uid) == ("REQUEST", f"registration-{registration.id}-event-{event.id}@eventreg.invalid")


def test_the_mails_call_the_join_link_shared_and_the_manage_link_personal(
    make_event, register, db_session, clock, mailbox, deliver
):
    """The join link is the event's, the same for every registrant; the manage link is one person's own."""
    event = make_event(join_url="https://meet.example.org/j/room")
    register(event)
    deliver()
    (message,) = mailbox
    for body in (message.get_body(("plain",)).get_content(), message.get_body(("html",)).get_content()):
        assert "just for you" not in body
        assert "Join link (the same for everyone registered; please don" in body
        assert "yours alone" in body
