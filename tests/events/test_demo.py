from datetime import date, datetime, timedelta

import pytz
import sqlalchemy as sa

from eventreg import timezones
from eventreg.events import demo
from eventreg.events.models import Event, Format, Status, Topic
from eventreg.series import queries as series_queries
from eventreg.series.models import Series, SeriesKind


def test_seed_demo_loads_the_reference_catalog_and_is_idempotent(db_session, clock):
    clock.set(datetime(2026, 11, 22, 12, tzinfo=pytz.utc))  # after the reference site's last webinar
    now = clock.now()
    added = demo.seed_demo(now)
    db_session.commit()
    assert added == db_session.scalar(sa.select(sa.func.count()).select_from(Event))
    assert demo.seed_demo(now) == 0
    assert db_session.scalar(sa.select(sa.func.count()).select_from(Event)) == added
    assert db_session.scalar(sa.select(sa.func.count()).select_from(Topic)) == len(demo.TOPICS)

    events = list(db_session.scalars(sa.select(Event)))
    passed = [e for e in events if e.ends_at <= now]
    upcoming = [e for e in events if e.starts_at > now]
    assert len(upcoming) >= 12
    hiring = next(e for e in passed if e.title == "Building community connections by hiring for cultural knowledge")
    assert timezones.to_zone(hiring.starts_at, "America/New_York").date() == date(2025, 1, 30)
    assert timezones.time_range(hiring.starts_at, hiring.ends_at, hiring.timezone).startswith("3:00 PM – 4:00 PM")
    assert all(e.archive_url for e in passed)
    assert {e.timezone for e in upcoming} >= {"Asia/Kolkata", "America/Los_Angeles", "America/New_York"}
    assert any(e.format == Format.IN_PERSON and e.location for e in upcoming)
    assert any(e.capacity for e in upcoming)
    late = [e for e in upcoming if e.timezone == "America/Los_Angeles"]
    assert any(timezones.to_zone(e.starts_at, e.timezone).hour >= 20 for e in late)


def test_seed_demo_puts_an_event_on_the_next_dst_change_day(db_session, clock):
    demo.seed_demo(clock.now())
    change = timezones.next_transition("America/New_York", clock.now() + timedelta(days=2))
    change_day = timezones.to_zone(change, "America/New_York").date()
    days = {timezones.to_zone(e.starts_at, e.timezone).date() for e in db_session.scalars(sa.select(Event))}
    assert change_day in days


def test_seed_demo_is_relative_to_today(db_session, clock):
    clock.advance(days=400)
    demo.seed_demo(clock.now())
    upcoming = db_session.scalars(sa.select(Event).where(Event.starts_at > clock.now())).all()
    assert len(upcoming) >= 12


def test_demo_blurbs_are_each_their_own(db_session, clock):
    demo.seed_demo(clock.now())
    upcoming = db_session.scalars(sa.select(Event).where(Event.starts_at > clock.now())).all()
    summaries = [e.summary for e in upcoming]
    assert len(set(summaries)) == len(summaries)
    assert not any(s.startswith("A practical session") for s in summaries)
    assert len({e.description for e in upcoming}) == len(upcoming)


def test_seed_demo_has_a_course_across_a_clock_change_and_a_monthly_program(db_session, clock):
    for now in (clock.now(), clock.now() + timedelta(days=200)):  # winter and summer: the next change either way
        clock.set(now)
        demo.seed_demo(now)
        course = db_session.scalar(sa.select(Series).where(Series.slug == demo.COURSE["slug"]))
        sessions = series_queries.sessions(course)
        local = [timezones.to_zone(e.starts_at, "America/New_York") for e in sessions]
        assert [t.strftime("%A %H:%M") for t in local] == ["Tuesday 15:00"] * 4
        assert len({t.utcoffset() for t in local}) == 2  # two sessions before the change, two after
        assert local[0].utcoffset() == local[1].utcoffset() != local[2].utcoffset() == local[3].utcoffset()
        assert sessions[0].starts_at > now
        assert {e.status for e in sessions} == {Status.PUBLISHED}
        assert (course.kind, course.credit_rule, course.credit_sessions) == (SeriesKind.COURSE, "some", 3)
        program = db_session.scalar(sa.select(Series).where(Series.slug == demo.PROGRAM["slug"]))
        starts = [timezones.to_zone(e.starts_at, program.timezone) for e in series_queries.sessions(program)]
        assert {t.strftime("%H:%M") for t in starts} == {"12:00"}
        assert program.kind == SeriesKind.PROGRAM
        assert [(b.date() - a.date()).days for a, b in zip(starts, starts[1:], strict=False)] == [28, 28, 28]
        assert demo.seed_demo(now) == 0
        db_session.rollback()
