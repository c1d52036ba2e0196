"""The registrations a host's chart shows, day by day in the event's own zone: days are calendar days there, 23 or 25
hours long across a clock change, and an instant near midnight lands on the event's date, not UTC's or the host's."""

from datetime import date, datetime, timedelta

import pytest
import pytz

from eventreg.charts import counts, figures
from eventreg.charts.counts import Held
from eventreg.registrations import operations


def utc(*parts) -> datetime:
    return datetime(*parts, tzinfo=pytz.utc)


# New York leaves daylight time at 2:00 AM on Sunday 2 November 2025: that day is 25 hours long.
FALL_BACK = [
    utc(2025, 11, 2, 3, 30),  # Saturday 1 November, 11:30 PM EDT
    utc(2025, 11, 2, 4, 30),  # Sunday 2 November, 12:30 AM EDT
    utc(2025, 11, 3, 4, 30),  # Sunday 2 November, 11:30 PM EST: 24 hours after midnight EDT is already Monday's
    utc(2025, 11, 3, 5, 30),  # Monday 3 November, 12:30 AM EST
]


def test_instants_land_on_the_event_zones_calendar_days_across_the_fall_back():
    held = counts.held_by_day([(at, at, None) for at in FALL_BACK], zone="America/New_York", until=FALL_BACK[-1])
    assert held == [Held(date(2025, 11, 1), 1, 0), Held(date(2025, 11, 2), 3, 0), Held(date(2025, 11, 3), 4, 0)]


def test_instants_land_on_the_event_zones_calendar_days_across_the_spring_forward():
    # 9 March 2025: 2:00 AM EST becomes 3:00 AM EDT, a 23-hour day.
    spring = [utc(2025, 3, 9, 4, 59), utc(2025, 3, 9, 5, 0), utc(2025, 3, 10, 3, 59), utc(2025, 3, 10, 4, 0)]
    held = counts.held_by_day([(at, at, None) for at in spring], zone="America/New_York", until=spring[-1])
    assert [(h.day.day, h.confirmed) for h in held] == [(8, 1), (9, 3), (10, 4)]


def test_the_same_instants_fall_on_other_days_in_another_zone():
    held = counts.held_by_day([(at, at, None) for at in FALL_BACK], zone="Asia/Kolkata", until=FALL_BACK[-1])
    assert [(h.day, h.confirmed) for h in held] == [(date(2025, 11, 2), 2), (date(2025, 11, 3), 4)]


def test_waiting_then_confirmed_then_cancelled_and_quiet_days_carry_the_counts():
    a, b, c, d = utc(2025, 1, 10, 15), utc(2025, 1, 12, 15), utc(2025, 1, 13, 15), utc(2025, 1, 14, 15)
    spans = [
        (a, a, c),  # confirmed at once, cancelled on the 13th
        (a, b, None),  # waited from the 10th, confirmed on the 12th
        (b, None, None),  # still waiting
        (b, None, b),  # waited and cancelled within a day: held nothing at any day's end
    ]
    held = counts.held_by_day(spans, zone="UTC", until=d)
    assert [(h.day.day, h.confirmed, h.waiting) for h in held] == [
        (10, 1, 1),
        (11, 1, 1),  # nothing happened: the day is still there, with the same counts
        (12, 2, 1),
        (13, 1, 1),
        (14, 1, 1),
    ]
    assert counts.held_by_day([], zone="UTC", until=d) == []


def test_the_table_lists_the_days_that_changed_and_the_chart_every_day():
    days = [Held(date(2025, 1, n), confirmed, 0) for n, confirmed in ((10, 1), (11, 1), (12, 1), (13, 3), (14, 3))]
    chart = figures.registrations_over_time("c", days, capacity=3, zone="America/New_York")
    assert chart.labels == ["10 Jan", "11 Jan", "12 Jan", "13 Jan", "14 Jan"]
    assert chart.table_rows == [
        ("10 January 2025", [1, 0, 3]),
        ("13 January 2025", [3, 0, 3]),
        ("14 January 2025", [3, 0, 3]),
    ]
    assert chart.summary == "3 confirmed and 0 waiting on 14 January 2025, of 3 seats."
    assert "(America/New_York)" in chart.caption
    config = chart.config()
    assert config["type"] == "line"
    assert [d["label"] for d in config["data"]["datasets"]] == ["Confirmed", "Waiting", "Capacity (3)"]
    assert config["data"]["datasets"][2]["data"] == [3] * 5
    assert config["data"]["datasets"][2]["stack"] != config["data"]["datasets"][0]["stack"]  # not stacked on them
    unlimited = figures.registrations_over_time("c", days, capacity=None, zone="UTC")
    assert [d["label"] for d in unlimited.config()["data"]["datasets"]] == ["Confirmed", "Waiting"]
    assert unlimited.table_rows[0] == ("10 January 2025", [1, 0, "no limit"])


def test_answer_counts_become_a_bar_chart_with_its_table():
    """The hook for the answers to a host's choice questions (questions.queries.answer_counts)."""
    chart = figures.counts_chart("answers-7", "Library type", [("Public", 12), ("Academic", 5), ("School", 0)])
    assert chart.summary == "Public 12, Academic 5, School 0."
    assert chart.table_rows == [("Public", [12]), ("Academic", [5]), ("School", [0])]
    assert chart.config()["options"]["indexAxis"] == "y"
    many = figures.counts_chart("a", "Country", [(f"Country {n}", n) for n in range(10)])
    assert many.summary.endswith("Country 7 7, and 2 more (see the table).")


# The same counts read from real registrations, on each database.


@pytest.fixture
def fall_event(make_event):
    """An event on Wednesday 5 November 2025, 3 PM New York, with three seats."""
    return make_event(local_start=datetime(2025, 11, 5, 15), capacity=3)  # noqa: DTZ001 - wall-clock time in its zone


def test_registrations_over_time_reads_the_events_registrations_in_its_zone(fall_event, register, clock):
    *_, fourth = [register(fall_event, now=at) for at in FALL_BACK]  # three confirmed, the fourth waits
    assert fourth.is_waiting
    clock.set(FALL_BACK[-1] + timedelta(hours=1))
    operations.cancel_registration(fourth, now=clock.now())
    held = counts.registrations_over_time(fall_event, now=clock.now())
    assert [(h.day, h.confirmed, h.waiting) for h in held] == [
        (date(2025, 11, 1), 1, 0),
        (date(2025, 11, 2), 3, 0),
        (date(2025, 11, 3), 3, 0),  # the fourth waited, then cancelled, on the same day
    ]


def test_registrations_over_time_runs_to_today_and_stops_at_the_events_end(fall_event, register, clock):
    register(fall_event, now=utc(2025, 11, 1, 15))
    assert counts.registrations_over_time(fall_event, now=utc(2025, 11, 3, 15))[-1].day == date(2025, 11, 3)
    after = counts.registrations_over_time(fall_event, now=utc(2025, 12, 1, 15))
    assert (after[0].day, after[-1].day, len(after)) == (date(2025, 11, 1), date(2025, 11, 5), 5)


def test_the_database_counts_by_quarter_hour_and_each_lands_on_its_local_date(make_event, register, clock):
    """Kathmandu is UTC+5:45: its midnight is 18:15 UTC. Registrations a second either side of it fall on two local
    dates, and several in one quarter hour are counted together, on both databases."""
    event = make_event(timezone="Asia/Kathmandu", local_start=datetime(2025, 11, 20, 15), capacity=None)  # noqa: DTZ001
    before = [utc(2025, 11, 10, 18, 14) + timedelta(seconds=s) for s in (0, 30, 59)]  # 23:59 local, 10 November
    after = [utc(2025, 11, 10, 18, 15), utc(2025, 11, 10, 18, 29, 59)]  # 00:00 and 00:14 local, 11 November
    for at in before + after:
        register(event, now=at)
    held = counts.registrations_over_time(event, now=utc(2025, 11, 12, 6))
    assert [(h.day, h.confirmed, h.waiting) for h in held] == [
        (date(2025, 11, 10), 3, 0),
        (date(2025, 11, 11), 5, 0),
        (date(2025, 11, 12), 5, 0),
    ]
