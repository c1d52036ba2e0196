from datetime import timedelta

import pytest
import sqlalchemy as sa

from eventreg.events.models import Status
from eventreg.mail.models import OutboxMessage
from eventreg.registrations import operations
from eventreg.registrations.models import Registration, RegistrationStatus
from eventreg.registrations.operations import RegistrationError


def outbox_kinds(db_session, registration) -> list[str]:
    return list(
        db_session.scalars(
            sa.select(OutboxMessage.kind)
            .where(OutboxMessage.registration_id == registration.id)
            .order_by(OutboxMessage.id)
        )
    )


def test_register_confirms_and_queues_a_confirmation_with_invitation(make_event, register, db_session):
    event = make_event(capacity=10)
    registration = register(event, name="Ana", email="  Ana@Library.example.org ", timezone="Europe/Berlin")
    assert registration.status == RegistrationStatus.CONFIRMED
    assert registration.email == "ana@library.example.org"
    assert registration.timezone == "Europe/Berlin"
    message = db_session.scalars(sa.select(OutboxMessage)).one()
    assert message.kind == "confirmation"
    assert message.calendar_method == "REQUEST"
    assert "METHOD:REQUEST" in message.calendar
    assert operations.seat_counts(event) == (9, 0)


def test_register_puts_late_arrivals_on_the_waiting_list_in_order(make_event, register, db_session):
    event = make_event(capacity=2)
    confirmed = [register(event), register(event)]
    waiting = [register(event), register(event), register(event)]
    assert all(r.is_confirmed for r in confirmed)
    assert all(r.is_waiting for r in waiting)
    assert [operations.waiting_position(r) for r in waiting] == [1, 2, 3]
    assert operations.waiting_position(confirmed[0]) is None
    assert outbox_kinds(db_session, waiting[0]) == ["waiting"]
    assert operations.seat_counts(event) == (0, 3)


def test_event_without_capacity_never_fills(make_event, register):
    event = make_event(capacity=None)
    assert all(register(event).is_confirmed for _ in range(30))
    assert operations.seat_counts(event)[0] is None


def test_registering_twice_is_refused_with_the_existing_registration(make_event, register):
    event = make_event()
    first = register(event, email="ana@library.example.org")
    with pytest.raises(RegistrationError) as raised:
        register(event, email="ANA@library.example.org")
    assert raised.value.code == "already_registered"
    assert raised.value.registration.id == first.id


def test_registration_closes_at_the_start_or_an_earlier_deadline(make_event, register, clock):
    event = make_event()
    with pytest.raises(RegistrationError, match="closed"):
        register(event, now=event.starts_at)
    register(event, now=event.starts_at - timedelta(seconds=1))
    early = make_event(title="Early deadline")
    early.registration_deadline_at = early.starts_at - timedelta(days=1)
    with pytest.raises(RegistrationError, match="closed"):
        register(early, now=early.starts_at - timedelta(hours=2))


def test_cancelled_and_draft_events_take_no_registrations(make_event, register):
    with pytest.raises(RegistrationError, match="event_cancelled"):
        register(make_event(status=Status.CANCELLED))
    with pytest.raises(RegistrationError, match="closed"):
        register(make_event(status=Status.DRAFT, title="Draft"))


def test_cancelling_a_confirmed_seat_promotes_the_first_waiting(make_event, register, db_session, clock):
    event = make_event(capacity=1)
    seated = register(event)
    first, second = register(event), register(event)
    promoted = operations.cancel_registration(seated, now=clock.now())
    assert promoted == [first]
    assert seated.status == RegistrationStatus.CANCELLED
    assert seated.sequence == 1
    assert first.is_confirmed
    assert second.is_waiting
    assert operations.waiting_position(second) == 1
    assert outbox_kinds(db_session, seated) == ["confirmation", "cancellation"]
    assert outbox_kinds(db_session, first) == ["waiting", "confirmation"]
    cancellation = db_session.scalars(
        sa.select(OutboxMessage).where(OutboxMessage.registration_id == seated.id, OutboxMessage.kind == "cancellation")
    ).one()
    assert cancellation.calendar_method == "CANCEL"


def test_cancelling_twice_sends_nothing_more(make_event, register, db_session, clock):
    event = make_event()
    registration = register(event)
    operations.cancel_registration(registration, now=clock.now())
    operations.cancel_registration(registration, now=clock.now())
    assert outbox_kinds(db_session, registration) == ["confirmation", "cancellation"]
    assert registration.sequence == 1


def test_cancelling_from_the_waiting_list_promotes_nobody_and_sends_no_invitation(
    make_event, register, db_session, clock
):
    event = make_event(capacity=1)
    register(event)
    waiting, behind = register(event), register(event)
    assert operations.cancel_registration(waiting, now=clock.now()) == []
    assert operations.waiting_position(behind) == 1
    message = db_session.scalars(
        sa.select(OutboxMessage).where(
            OutboxMessage.registration_id == waiting.id, OutboxMessage.kind == "cancellation"
        )
    ).one()
    assert message.calendar is None


def test_raising_capacity_promotes_in_order_and_lowering_below_confirmed_is_refused(make_event, register, clock):
    event = make_event(capacity=1)
    register(event)
    waiting = [register(event) for _ in range(3)]
    assert operations.change_capacity(event, 3, now=clock.now()) == waiting[:2]
    assert waiting[2].is_waiting
    with pytest.raises(RegistrationError, match="capacity_below_confirmed"):
        operations.change_capacity(event, 2, now=clock.now())
    assert operations.change_capacity(event, None, now=clock.now()) == [waiting[2]]


def test_someone_who_cancelled_can_register_again_at_the_back_of_the_queue(make_event, register, db_session, clock):
    event = make_event(capacity=1)
    first = register(event, email="first@library.example.org")
    waiting = register(event)
    operations.cancel_registration(first, now=clock.now())  # waiting is promoted
    clock.advance(minutes=5)
    again = register(event, email="first@library.example.org")
    assert again.id == first.id
    assert again.is_waiting
    assert waiting.is_confirmed
    assert db_session.scalar(sa.select(sa.func.count()).select_from(Registration)) == 2


def test_unique_constraint_is_the_backstop(make_event, register, db_session):
    event = make_event()
    registration = register(event)
    db_session.add(
        Registration(
            event=event,
            email=registration.email,
            name="x",
            organization="y",
            status="confirmed",
            created_at=registration.created_at,
        )
    )
    with pytest.raises(sa.exc.IntegrityError):
        db_session.flush()


def test_seat_counts_count_confirmed_and_waiting_but_not_cancelled(make_event, register, clock, db_session):
    event = make_event(capacity=2)
    assert operations.seat_counts(event) == (2, 0)
    first = register(event)
    register(event)
    register(event)
    register(event)
    assert operations.seat_counts(event) == (0, 2)
    operations.cancel_registration(first, now=clock.now())  # the first waiting takes the seat
    assert operations.seat_counts(event) == (0, 1)
    operations.change_capacity(event, None, now=clock.now())  # no limit: everyone waiting is confirmed
    assert operations.seat_counts(event) == (None, 0)
    waiting = db_session.scalar(
        sa.select(sa.func.count()).where(Registration.event_id == event.id, Registration.status == "waiting")
    )
    assert waiting == 0  # what seat_counts assumes for an event without a limit


@pytest.mark.parametrize(
    ("moment", "email_them", "mailed"),
    [
        ("before", True, True),
        ("before", False, False),
        ("live", True, True),  # someone let in during the event may still want the join link
        ("live", False, False),
        ("ended", True, False),  # back-filling a past event: nobody is mailed, whatever the host ticked
        ("ended", False, False),
        ("long after", True, False),
    ],
)
def test_mails_added_person_only_when_asked_and_never_after_the_event(make_event, moment, email_them, mailed):
    event = make_event()
    now = {
        "before": event.starts_at - timedelta(days=1),
        "live": event.starts_at + timedelta(minutes=5),
        "ended": event.ends_at,
        "long after": event.ends_at + timedelta(days=30),
    }[moment]
    assert operations.mails_added_person(event, email_them=email_them, now=now) is mailed


def test_adding_someone_to_an_ended_full_event_confirms_them_and_queues_nothing(make_event, register, db_session):
    event = make_event(capacity=1)
    register(event)
    added = operations.add_registrant(
        event,
        name="Late Record",
        email="late@library.example.org",
        organization="Branch",
        email_them=True,
        now=event.ends_at + timedelta(hours=3),
    )
    assert added.emailed is False
    assert added.registration.status == RegistrationStatus.CONFIRMED  # the seats no longer matter
    assert outbox_kinds(db_session, added.registration) == []
