"""Who each audience is, read without HTTP, before, during and after an event and as attendance is recorded: the
event's credit rule (attendance/credit.py) decides who attended."""

from datetime import timedelta

import pytest
import sqlalchemy as sa

from eventreg.hosts import operations as host_operations
from eventreg.messages import audiences
from eventreg.messages.audiences import Audience
from eventreg.registrations import operations as seats
from eventreg.registrations.models import Registration


def names(audience: Audience, event, now) -> list[str]:
    return [registration.name for registration in audiences.recipients(audience, event, now)]


@pytest.fixture
def people(make_event, register, clock):
    """Four confirmed (one of whom cancels, freeing a seat for the first in line), three waiting."""
    event = make_event(capacity=4)
    registered = {name: register(event, name=name) for name in ("Ana Lima", "Ben Okafor", "Cy Wu", "Dee Roy")}
    registered |= {name: register(event, name=name) for name in ("Eve Ito", "Fay Berg", "Gus Hale")}
    seats.cancel_registration(registered["Dee Roy"], now=clock.now())  # Eve takes the seat
    return event, registered


def test_the_audiences_every_event_has_in_the_forms_order(people):
    event, _ = people
    assert [(a.key, a.label) for a in audiences.for_event(event)] == [
        ("confirmed", "Everyone confirmed"),
        ("attended", "Attended"),
        ("not_attended", "Did not attend"),
        ("waiting", "Waiting list"),
        ("pending", "Awaiting approval"),
    ]
    assert audiences.get(event, "waiting") is audiences.WAITING
    assert audiences.get(event, "nobody-of-that-name") is None


def test_before_the_event_only_confirmed_and_waiting_can_be_chosen(people, clock):
    event, _ = people
    now = clock.now()
    assert names(audiences.CONFIRMED, event, now) == ["Ana Lima", "Ben Okafor", "Cy Wu", "Eve Ito"]
    assert names(audiences.WAITING, event, now) == ["Fay Berg", "Gus Hale"]  # in their order on the list
    assert audiences.count(audiences.CONFIRMED, event, now) == 4
    assert audiences.first(audiences.WAITING, event, now).name == "Fay Berg"
    assert audiences.ATTENDED.unavailable(event, now) == audiences.NOT_RECORDED
    assert audiences.DID_NOT_ATTEND.unavailable(event, now) == (
        "Available once the event has ended (30 January 2025, 4:00 PM EST) and attendance is recorded."
    )
    for audience in (audiences.ATTENDED, audiences.DID_NOT_ATTEND):  # nobody while they cannot be chosen
        assert audiences.recipients(audience, event, now) == []
        assert audiences.count(audience, event, now) == 0
        assert audiences.first(audience, event, now) is None


def test_attendance_states_decide_attended_and_did_not_attend(people, db_session):
    event, people = people
    during = event.starts_at + timedelta(minutes=30)
    host_operations.record_attendance(event, [people["Ana Lima"]], True, now=during)  # ticked: no minutes
    assert names(audiences.ATTENDED, event, during) == ["Ana Lima"]
    # Recorded, but the event has not ended: whoever has not come yet may still come.
    assert audiences.DID_NOT_ATTEND.unavailable(event, during).startswith("Available once the event has ended")

    after = event.ends_at + timedelta(hours=1)
    assert audiences.ATTENDED.unavailable(event, after) is None
    assert audiences.DID_NOT_ATTEND.unavailable(event, after) is None
    host_operations.record_attendance(event, [people["Ben Okafor"]], False, now=after)
    # From a report: 10 minutes of the hour, short of the rule's 45 (75% of the length).
    people["Cy Wu"].attended, people["Cy Wu"].minutes_attended = True, 10
    # Eve's attendance is not recorded: she is in neither audience.
    db_session.flush()
    assert names(audiences.ATTENDED, event, after) == ["Ana Lima"]
    assert names(audiences.DID_NOT_ATTEND, event, after) == ["Ben Okafor", "Cy Wu"]
    assert audiences.count(audiences.DID_NOT_ATTEND, event, after) == 2
    assert names(audiences.CONFIRMED, event, after) == ["Ana Lima", "Ben Okafor", "Cy Wu", "Eve Ito"]

    # The rule is the event's: with a 5-minute minimum Cy's 10 minutes count as attended.
    event.credit_min_minutes = 5
    db_session.flush()
    assert names(audiences.ATTENDED, event, after) == ["Ana Lima", "Cy Wu"]
    assert names(audiences.DID_NOT_ATTEND, event, after) == ["Ben Okafor"]


def test_attendance_cleared_again_makes_both_unavailable(people, db_session):
    event, people = people
    after = event.ends_at + timedelta(hours=1)
    host_operations.record_attendance(event, [people["Ana Lima"]], False, now=after)
    assert names(audiences.DID_NOT_ATTEND, event, after) == ["Ana Lima"]
    host_operations.record_attendance(event, [people["Ana Lima"]], None, now=after)
    assert audiences.DID_NOT_ATTEND.unavailable(event, after) == audiences.NOT_RECORDED
    assert audiences.recipients(audiences.DID_NOT_ATTEND, event, after) == []


def test_another_area_adds_an_audience_and_a_provider_by_registering_them(people, clock):
    """What the approval and question helpers do: a fixed audience (add) and per-event ones (add_provider)."""
    event, _ = people
    now = clock.now()
    pending = Audience(
        "test_named_b",
        "Names with a B",
        lambda event, now: (
            sa.select(Registration)
            .where(Registration.event_id == event.id, Registration.name.like("B%"))
            .order_by(Registration.id)
        ),
    )

    def per_event(event):
        yield Audience(f"test_event_{event.id}", f"Only event {event.id}", pending.query, hint="From a provider.")

    audiences.add(pending)
    audiences.add_provider(per_event)
    try:
        keys = [audience.key for audience in audiences.for_event(event)]
        assert keys[-2:] == ["test_named_b", f"test_event_{event.id}"]
        assert names(audiences.get(event, f"test_event_{event.id}"), event, now) == ["Ben Okafor"]
        assert audiences.get(event, f"test_event_{event.id}").hint_for(event) == "From a provider."
    finally:
        del audiences.AUDIENCES["test_named_b"]
        audiences.PROVIDERS.remove(per_event)


def test_awaiting_approval_is_the_pending_registrations_of_an_event_that_asks_for_approval(
    people, make_event, register, clock
):
    event, _ = people
    now = clock.now()
    assert audiences.PENDING.unavailable(event, now) == "This event does not ask for approval."
    assert audiences.recipients(audiences.PENDING, event, now) == []
    approval = make_event(requires_approval=True, slug="approval-needed")
    ana, ben, cy = (register(approval, name=name) for name in ("Ana Lima", "Ben Okafor", "Cy Wu"))
    seats.approve(approval, [ben], now=now)
    assert audiences.PENDING.unavailable(approval, now) is None
    assert names(audiences.PENDING, approval, now) == ["Ana Lima", "Cy Wu"]
    assert names(audiences.CONFIRMED, approval, now) == ["Ben Okafor"]
