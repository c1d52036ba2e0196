"""A pattern's sessions keep their wall-clock time across daylight-saving changes, half-hour zones and the date
line; a session that would fall in a gap or a fold is refused with the day named."""

from datetime import date, datetime, time

import pytest
import pytz

from eventreg import timezones
from eventreg.series.rules import Pattern, SeriesError, check_credit, plan

UTC = pytz.utc


def local_times(sessions, zone):
    return [timezones.to_zone(s.starts_at, zone).strftime("%Y-%m-%d %H:%M %Z") for s in sessions]


def test_four_tuesdays_at_3_pm_new_york_keep_3_pm_across_the_change_to_daylight_time():
    sessions = plan(Pattern(date(2025, 3, 4), time(15), 60, "America/New_York", 4))
    assert local_times(sessions, "America/New_York") == [
        "2025-03-04 15:00 EST",
        "2025-03-11 15:00 EDT",
        "2025-03-18 15:00 EDT",
        "2025-03-25 15:00 EDT",
    ]
    # ... so in UTC the course moves an hour earlier after 9 March.
    assert [s.starts_at.hour for s in sessions] == [20, 19, 19, 19]
    assert all((s.ends_at - s.starts_at).total_seconds() == 3600 for s in sessions)


def test_fortnightly_in_a_half_hour_zone_and_across_the_date_line():
    adelaide = plan(Pattern(date(2025, 3, 25), time(9, 30), 90, "Australia/Adelaide", 3, every_weeks=2))
    # Adelaide leaves daylight time (+10:30) for standard (+09:30) on 6 April 2025.
    assert local_times(adelaide, "Australia/Adelaide") == [
        "2025-03-25 09:30 ACDT",
        "2025-04-08 09:30 ACST",
        "2025-04-22 09:30 ACST",
    ]
    assert adelaide[0].starts_at == datetime(2025, 3, 24, 23, 0, tzinfo=UTC)  # the day before, in UTC
    apia = plan(Pattern(date(2025, 1, 6), time(8), 60, "Pacific/Kiritimati", 2))  # UTC+14
    assert [s.starts_at for s in apia] == [
        datetime(2025, 1, 5, 18, tzinfo=UTC),
        datetime(2025, 1, 12, 18, tzinfo=UTC),
    ]


def test_a_session_inside_the_spring_forward_gap_is_refused_naming_the_day():
    with pytest.raises(SeriesError) as refused:
        plan(Pattern(date(2025, 3, 2), time(2, 30), 60, "America/New_York", 2))
    assert refused.value.code == "pattern_gap"
    assert "2:30 AM does not exist on 9 March 2025" in refused.value.message


def test_a_session_in_the_fall_back_fold_is_refused_naming_the_day():
    with pytest.raises(SeriesError) as refused:
        plan(Pattern(date(2025, 10, 26), time(1, 30), 30, "America/New_York", 2))
    assert refused.value.code == "pattern_fold"
    assert "happens twice on 2 November 2025" in refused.value.message


@pytest.mark.parametrize(("count", "every", "minutes", "code"), [(0, 1, 60, "bad_count"), (53, 1, 60, "bad_count"),
    (4, 0, 60, "bad_every"), (4, 9, 60, "bad_every"), (4, 1, 0, "bad_length"), (4, 1, 1441, "bad_length")])  # fmt: skip
def test_out_of_bounds_patterns_are_refused(count, every, minutes, code):
    with pytest.raises(SeriesError) as refused:
        plan(Pattern(date(2025, 3, 4), time(15), minutes, "America/New_York", count, every))
    assert refused.value.code == code


def test_a_pattern_starting_in_the_past_is_refused():
    with pytest.raises(SeriesError) as refused:
        plan(Pattern(date(2025, 1, 1), time(15), 60, "UTC", 2), now=datetime(2025, 1, 15, tzinfo=UTC))
    assert refused.value.code == "starts_in_past"


def test_credit_rules_are_checked_against_the_course():
    check_credit("some", sessions=3, minutes=None, total_sessions=4)
    check_credit("minutes", sessions=None, minutes=180, total_sessions=4)
    check_credit("all", sessions=None, minutes=None, total_sessions=4)
    for rule, sessions, minutes in [("some", 5, None), ("some", 0, None), ("minutes", None, 0)]:
        with pytest.raises(SeriesError):
            check_credit(rule, sessions=sessions, minutes=minutes, total_sessions=4)
