"""Registration approval without HTTP: a pending registration holds no seat and no place in the queue; a host's
approval takes a seat while one is free, else the end of the waiting list, through the same lock as registering;
a decline stays on record; each decision is mailed once."""

from datetime import timedelta

import pytest
import sqlalchemy as sa

from eventreg.events.models import Status
from eventreg.hosts import operations as host_operations
from eventreg.mail.models import OutboxMessage
from eventreg.registrations import operations, queries, reminders
from eventreg.registrations.models import RegistrationStatus
from eventreg.registrations.operations import RegistrationError


def messages(db_session, registration) -> list[OutboxMessage]:
    return list(
        db_session.scalars(
            sa.select(OutboxMessage).where(OutboxMessage.registration_id == registration.id).order_by(OutboxMessage.id)
        )
    )


def kinds(db_session, registration) -> list[str]:
    return [message.kind for message in messages(db_session, registration)]


@pytest.fixture
def approval_event(make_event):
    """make_event's event, requiring approval."""
    return lambda **fields: make_event(requires_approval=True, **fields)


def test_a_registration_waits_as_pending_without_a_seat_a_place_in_the_queue_or_a_join_link(
    approval_event, register, db_session
):
    event = approval_event(capacity=1)
    ana = register(event, name="Ana")
    ben = register(event, name="Ben")
    assert (ana.status, ben.status) == (RegistrationStatus.PENDING, RegistrationStatus.PENDING)
    assert (ana.confirmed_at, ana.waiting_since) == (None, None)
    assert operations.seat_counts(event) == (1, 0)  # nobody holds the seat, nobody waits
    assert operations.waiting_position(ben) is None
    assert queries.counts_by_status([event.id])[event.id]["pending"] == 2
    [message] = messages(db_session, ana)
    assert (message.kind, message.subject) == ("pending", f"Awaiting approval: {event.title}")
    assert message.calendar is None
    assert message.calendar_method is None
    assert "awaiting approval" in message.body_text
    assert event.join_url not in message.body_text
    assert event.join_url not in message.body_html


def test_a_host_adding_someone_by_hand_needs_no_approval(approval_event, db_session, clock):
    event = approval_event(capacity=5)
    added = operations.add_registrant(
        event, name="Cleo", email="cleo@library.example.org", organization="Library", email_them=True, now=clock.now()
    )
    assert added.registration.is_confirmed
    assert kinds(db_session, added.registration) == ["confirmation"]


def test_approval_takes_a_free_seat_and_mails_the_confirmation_with_invitation_and_note(
    approval_event, register, db_session, clock
):
    event = approval_event(capacity=2)
    ana = register(event)
    clock.advance(hours=1)
    decisions = operations.approve(event, [ana], note="See you there!\nBring questions.", now=clock.now())
    assert decisions.confirmed == [ana]
    assert not decisions.waiting
    assert not decisions.skipped
    assert (ana.status, ana.confirmed_at) == (RegistrationStatus.CONFIRMED, clock.now())
    assert operations.seat_counts(event) == (1, 0)
    pending, confirmation = messages(db_session, ana)
    assert confirmation.kind == "confirmation"
    assert confirmation.subject == f"Approved — you’re registered: {event.title}"
    assert confirmation.calendar_method == "REQUEST"
    assert "METHOD:REQUEST" in confirmation.calendar
    assert event.join_url in confirmation.body_text
    assert "the host approved your registration" in confirmation.body_text
    assert "See you there!\nBring questions." in confirmation.body_text
    assert "See you there!<br>Bring questions." in confirmation.body_html


def test_approval_into_a_full_event_joins_the_end_of_the_waiting_list(approval_event, register, db_session, clock):
    event = approval_event(capacity=1)
    early = register(event, name="Early")  # registered first, decided last
    event.requires_approval = False
    clock.advance(minutes=10)
    seated = register(event, name="Seated")
    clock.advance(minutes=10)
    waiting = register(event, name="Waiting")
    assert (seated.status, waiting.status) == (RegistrationStatus.CONFIRMED, RegistrationStatus.WAITING)
    clock.advance(hours=1)
    decisions = operations.approve(event, [early], note="", now=clock.now())
    assert decisions.waiting == [early]
    assert early.status == RegistrationStatus.WAITING
    assert early.confirmed_at is None
    # Behind everyone already waiting, though they registered before them: nobody is pushed back from their place.
    assert (operations.waiting_position(waiting), operations.waiting_position(early)) == (1, 2)
    [_, note] = messages(db_session, early)
    assert (note.kind, note.calendar) == ("waiting", None)
    assert note.subject == f"Approved — you’re on the waiting list: {event.title}"
    assert "Your position: 2." in note.body_text
    assert event.join_url not in note.body_text
    # The next freed seat goes to the first in the queue, then to the approved person.
    operations.cancel_registration(seated, now=clock.now())
    assert waiting.is_confirmed
    assert early.is_waiting
    assert operations.waiting_position(early) == 1


def test_approval_with_no_seats_at_all_puts_everyone_on_the_waiting_list(approval_event, register, clock):
    event = approval_event(capacity=0)
    people = [register(event) for _ in range(3)]
    decisions = operations.approve(event, people, now=clock.now())
    assert decisions.waiting == people
    assert not decisions.confirmed
    assert [operations.waiting_position(r) for r in people] == [1, 2, 3]
    assert operations.seat_counts(event) == (0, 3)


def test_bulk_approval_seats_the_earliest_registered_first(approval_event, register, clock, db_session):
    event = approval_event(capacity=2)
    first, second, third = (register(event, now=clock.now() + timedelta(minutes=n)) for n in range(3))
    decisions = operations.approve(event, [third, first, second], note="Welcome", now=clock.now())
    assert (decisions.confirmed, decisions.waiting) == ([first, second], [third])
    assert operations.seat_counts(event) == (0, 1)
    assert [kinds(db_session, r)[-1] for r in (first, second, third)] == ["confirmation", "confirmation", "waiting"]


def test_an_event_without_a_limit_seats_everyone_approved(approval_event, register, clock):
    event = approval_event(capacity=None)
    people = [register(event) for _ in range(4)]
    assert operations.approve(event, people, now=clock.now()).confirmed == people


def test_each_decision_is_mailed_once_and_deciding_again_changes_and_sends_nothing(
    approval_event, register, db_session, clock
):
    event = approval_event(capacity=5)
    ana, ben = register(event), register(event)
    operations.approve(event, [ana], now=clock.now())
    operations.decline(event, [ben], now=clock.now())
    again = operations.approve(event, [ana], now=clock.now())
    declined_again = operations.decline(event, [ana, ben], now=clock.now())
    assert again.skipped == [ana]
    assert declined_again.skipped == [ana, ben]
    assert not again.approved
    assert not declined_again.declined
    assert kinds(db_session, ana) == ["pending", "confirmation"]
    assert kinds(db_session, ben) == ["pending", "declined"]
    with pytest.raises(RegistrationError, match="cannot_approve"):
        operations.approve_one(ana, now=clock.now())
    with pytest.raises(RegistrationError, match="cannot_decline"):
        operations.decline_one(ana, now=clock.now())


def test_a_decline_stays_on_record_with_its_note_and_can_be_approved_later(approval_event, register, db_session, clock):
    event = approval_event(capacity=3)
    ana = register(event, email="ana@library.example.org")
    operations.decline_one(ana, note="This session is for staff of member libraries.", now=clock.now())
    assert (ana.status, ana.declined_at) == (RegistrationStatus.DECLINED, clock.now())
    [_, declined] = messages(db_session, ana)
    assert declined.subject == f"Registration not approved: {event.title}"
    assert declined.calendar is None
    assert "This session is for staff of member libraries." in declined.body_text
    assert event.join_url not in declined.body_text
    # Neither the registrant nor the form gets past the decline: cancelling does nothing, registering again is
    # "already registered", and only the decline is mailed again.
    assert operations.cancel_registration(ana, now=clock.now()) == []
    assert ana.is_declined
    clock.advance(hours=1)
    submitted = operations.submit_registration(
        event, name="Ana", email="ana@library.example.org", organization="Library", form_key="k", now=clock.now()
    )
    assert (submitted.outcome, submitted.resent, ana.status) == ("repeated", True, RegistrationStatus.DECLINED)
    assert kinds(db_session, ana)[-1] == "declined_again"
    # The host may change their mind.
    operations.approve_one(ana, now=clock.now())
    assert (ana.status, ana.declined_at) == (RegistrationStatus.CONFIRMED, None)


def test_the_registrant_can_withdraw_while_pending_and_nobody_moves(approval_event, register, db_session, clock):
    event = approval_event(capacity=1)
    seated = register(event)
    operations.approve(event, [seated], now=clock.now())
    waiting, pending = register(event), register(event)
    operations.approve(event, [waiting], now=clock.now())
    assert operations.cancel_registration(pending, now=clock.now()) == []
    assert pending.is_cancelled
    assert waiting.is_waiting
    [_, cancellation] = messages(db_session, pending)
    assert (cancellation.kind, cancellation.calendar) == ("cancellation", None)  # no invitation to withdraw


def test_registering_again_after_cancelling_waits_for_approval_again(approval_event, register, clock):
    event = approval_event(capacity=5)
    ana = register(event, email="ana@library.example.org")
    operations.approve_one(ana, now=clock.now())
    operations.cancel_registration(ana, now=clock.now())
    again = register(event, email="ana@library.example.org")
    assert again.id == ana.id
    assert again.is_pending
    assert again.confirmed_at is None


def test_no_approval_for_a_cancelled_or_ended_event(approval_event, register, clock):
    event = approval_event()
    ana = register(event)
    clock.set(event.ends_at)
    with pytest.raises(RegistrationError, match="approval_ended"):
        operations.approve_one(ana, now=clock.now())
    other = approval_event(title="Cancelled later")
    ben = register(other, now=other.starts_at - timedelta(days=1))
    other.status = Status.CANCELLED
    with pytest.raises(RegistrationError, match="event_cancelled"):
        operations.approve_one(ben, now=other.starts_at - timedelta(days=1))


def test_turning_approval_off_is_refused_while_registrations_are_pending(
    approval_event, register, make_host, clock, db_session
):
    event = approval_event(capacity=5)
    host = make_host()
    event.hosts = [host]
    ana, ben = register(event), register(event)

    def save(requires_approval: bool):
        return host_operations.save_event(
            event,
            host,
            cohost_emails=[],
            topics=[],
            capacity=5,
            now=clock.now(),
            timezone=event.timezone,
            requires_approval=requires_approval,
        )

    with pytest.raises(RegistrationError, match="pending_left") as refused:
        save(False)
    assert refused.value.message.startswith("2 registrations still await your approval.")
    operations.approve_one(ana, now=clock.now())
    with pytest.raises(RegistrationError) as refused:
        save(False)
    assert refused.value.message.startswith("1 registration still awaits your approval. Approve or decline it")
    operations.decline_one(ben, now=clock.now())
    update, _ = save(False)
    assert update.changed == ["requires_approval"]
    assert not event.requires_approval
    save(True)  # turning it on needs nothing: those already in keep their place
    assert event.requires_approval
    assert ana.is_confirmed


def test_an_event_cancellation_tells_those_pending_but_not_those_declined(approval_event, register, db_session, clock):
    event = approval_event()
    pending, declined = register(event), register(event)
    operations.decline_one(declined, now=clock.now())
    assert operations.tell_of_event_cancelled(event, now=clock.now()) == 1
    assert kinds(db_session, pending)[-1] == "event_cancelled"
    assert messages(db_session, pending)[-1].calendar is None  # never invited
    assert kinds(db_session, declined) == ["pending", "declined"]


def test_reminders_never_go_to_pending_or_declined_registrations(approval_event, register, db_session, clock):
    event = approval_event(capacity=5)
    approved, pending, declined = register(event), register(event), register(event)
    operations.approve_one(approved, now=clock.now())
    operations.decline_one(declined, now=clock.now())
    assert reminders.send_reminders(event.starts_at - timedelta(hours=23)) == 1
    assert kinds(db_session, approved)[-1] == "reminder_24h"
    assert [k for k in kinds(db_session, pending) + kinds(db_session, declined) if k.startswith("reminder")] == []


def test_a_copy_of_the_event_requires_approval_too(approval_event, clock):
    from eventreg.events import operations as event_operations

    assert event_operations.duplicate_event(approval_event(), now=clock.now()).requires_approval
