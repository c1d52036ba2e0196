"""events.rules, without HTTP: each rule's edges, and times compared as instants."""

from datetime import datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import pytz

from eventreg.events import rules
from eventreg.events.models import Event
from eventreg.events.rules import EventError

START = datetime(2025, 1, 30, 20, tzinfo=pytz.utc)
MINUTE = timedelta(minutes=1)


def refused(check, *args, **kwargs) -> str | None:
    """The code the check refuses with, or None when it accepts."""
    try:
        check(*args, **kwargs)
    except EventError as error:
        return error.code
    return None


@pytest.mark.parametrize(
    ("ends_at", "code"),
    [
        (START + MINUTE, None),
        (START + timedelta(days=14), None),  # exactly 14 days
        (START + timedelta(days=14) + MINUTE, "too_long"),
        (START, "ends_before_start"),
        (START - MINUTE, "ends_before_start"),
    ],
)
def test_an_event_ends_after_it_starts_and_lasts_at_most_14_days(ends_at, code):
    assert refused(rules.check_times, START, ends_at) == code


def test_times_are_compared_as_instants_not_wall_clock_times():
    # 1:30 AM first occurrence (EDT) to 1:30 AM second occurrence (EST) of New York's fall-back night: an hour,
    # though both have the same wall-clock time and, in zoneinfo, the same tzinfo object.
    zone = ZoneInfo("America/New_York")
    first, second = datetime(2025, 11, 2, 1, 30, tzinfo=zone), datetime(2025, 11, 2, 1, 30, fold=1, tzinfo=zone)
    assert second - first == timedelta(0)  # what Python's same-zone arithmetic would have the rule compare
    assert refused(rules.check_times, first, second) is None
    assert refused(rules.check_times, second, first) == "ends_before_start"
    eastern = pytz.timezone("America/New_York")
    naive = datetime(2025, 11, 2, 1, 30)  # noqa: DTZ001 - localized next, both ways
    assert (
        refused(rules.check_times, eastern.localize(naive, is_dst=True), eastern.localize(naive, is_dst=False)) is None
    )
    # Fourteen days measured in instants: across the spring-forward change the wall clock shows 14 days and an hour.
    spring = eastern.localize(datetime(2025, 3, 1, 12))  # noqa: DTZ001 - localized at once
    assert refused(rules.check_times, spring, spring + timedelta(days=14)) is None
    assert refused(rules.check_times, spring, eastern.normalize(spring + timedelta(days=14) + MINUTE)) == "too_long"
    assert rules.check_min_minutes(60, starts_at=first, ends_at=second) is None  # an hour long, by instants


def test_a_naive_time_is_a_programming_error_not_an_input_error():
    with pytest.raises(ValueError, match="naive"):
        rules.check_times(datetime(2025, 1, 30, 20), START)  # noqa: DTZ001 - the point of the test


@pytest.mark.parametrize(
    ("deadline_at", "code"),
    [
        (None, None),  # closes at the start
        (START - MINUTE, None),
        (START, None),  # equal to the start: the same as none
        (START.astimezone(pytz.timezone("Asia/Kolkata")), None),  # the same instant, written in another zone
        (START + MINUTE, "deadline_after_start"),
    ],
)
def test_registration_closes_at_the_start_at_the_latest(deadline_at, code):
    assert refused(rules.check_deadline, deadline_at, starts_at=START) == code


@pytest.mark.parametrize(
    ("capacity", "code"),
    [(None, None), (0, None), (1, None), (100_000, None), (100_001, "bad_capacity"), (-1, "bad_capacity")],
)
def test_seats_are_none_or_from_0_to_100000(capacity, code):
    assert refused(rules.check_capacity, capacity) == code


@pytest.mark.parametrize(
    ("hours", "code"),
    [
        (None, None),
        ("", None),  # no reminders
        ("24,1", None),
        ("24, 1", None),
        ("0", None),
        ("999", None),
        ("1000", "bad_reminder_hours"),
        ("-1", "bad_reminder_hours"),
        ("soon", "bad_reminder_hours"),
        ("24,", "bad_reminder_hours"),
        ("1.5", "bad_reminder_hours"),
        ("24\n", "bad_reminder_hours"),
        (",".join(["1"] * 20), None),  # 39 characters
        (",".join(["10"] * 14), "too_many_reminders"),  # 41: wider than the column
    ],
)
def test_reminder_hours_are_whole_hours_up_to_999_in_at_most_40_characters(hours, code):
    assert refused(rules.check_reminder_hours, hours) == code


@pytest.mark.parametrize(
    ("hours", "code"),
    [
        (None, None),
        (Decimal("0.01"), None),
        (Decimal("999"), None),
        (Decimal("0"), "bad_contact_hours"),
        (Decimal("999.01"), "bad_contact_hours"),
        (Decimal("1.255"), "bad_contact_hours"),
        (Decimal("NaN"), "bad_contact_hours"),
    ],
)
def test_contact_hours_are_above_0_at_most_999_in_hundredths(hours, code):
    assert refused(rules.check_contact_hours, hours) == code


@pytest.mark.parametrize(
    ("minutes", "code"), [(None, None), (0, None), (60, None), (61, "bad_minutes"), (-1, "bad_minutes")]
)
def test_the_minimum_minutes_fit_the_events_length(minutes, code):
    assert refused(rules.check_min_minutes, minutes, starts_at=START, ends_at=START + timedelta(hours=1)) == code


def test_the_minimum_minutes_message_names_the_length():
    with pytest.raises(EventError) as error:
        rules.check_min_minutes(100, starts_at=START, ends_at=START + timedelta(minutes=90))
    assert error.value.message == "The minimum must be between 0 and 90 minutes (the event's length)."


def test_attendance_opens_at_the_start():
    event = Event(starts_at=START, ends_at=START + timedelta(hours=1))
    assert refused(rules.check_attendance_open, event, START - MINUTE) == "not_started"
    assert refused(rules.check_attendance_open, event, START) is None
    assert refused(rules.check_attendance_open, event, START + timedelta(days=30)) is None


def test_every_code_has_its_words():
    for code in EventError.MESSAGES:
        assert EventError(code, limit=60).message
