"""A series' sessions are real events: each has its own page, and knows which part of the series it is."""

from eventreg.events import operations as event_operations
from eventreg.series import queries
from eventreg.series.models import SeriesKind


def test_a_course_made_from_a_pattern_has_four_published_sessions_of_its_own(make_series, db_session):
    series = make_series()
    sessions = queries.sessions(series)
    assert [s.status for s in sessions] == ["published"] * 4
    assert len({s.slug for s in sessions}) == 4
    assert all(s.series_id == series.id and s.capacity is None for s in sessions)
    assert all(s.timezone == "America/New_York" for s in sessions)
    assert series.slug == "four-tuesdays-of-readers-advisory"


def test_parts_count_the_published_sessions_in_start_order(make_series, clock):
    course = make_series()
    program = make_series(SeriesKind.PROGRAM, title="Office hours", count=2)
    sessions = queries.sessions(course) + queries.sessions(program)
    parts = queries.parts_of(sessions)
    assert [parts[s.id] for s in sessions] == [(1, 4), (2, 4), (3, 4), (4, 4), (1, 2), (2, 2)]
    event_operations.cancel_event(queries.sessions(course)[1], now=clock.now())
    parts = queries.parts_of(queries.sessions(course))
    assert sorted(parts.values()) == [(1, 3), (2, 3), (3, 3)]


def test_a_second_series_of_the_same_title_gets_its_own_address(make_series):
    assert make_series().slug != make_series().slug
