from datetime import datetime, timedelta

import pytz
import sqlalchemy as sa

from eventreg.core import database
from eventreg.core.extensions import db
from eventreg.events import operations
from eventreg.events.models import Event, Status
from tests.events import races


def test_slugify():
    assert operations.slugify("Don't manage change—embrace it") == "dont-manage-change-embrace-it"
    assert operations.slugify("Café & bibliothèque: 2025!") == "cafe-bibliotheque-2025"
    assert operations.slugify("   ") == "event"
    assert len(operations.slugify("word " * 100)) <= operations.SLUG_MAX


def test_unique_slug_counts_up_and_avoids_reserved_paths(make_event, db_session):
    make_event(title="Teen tech week")
    assert operations.unique_slug("Teen tech week") == "teen-tech-week-2"
    make_event(title="Teen tech week")
    assert operations.unique_slug("Teen tech week") == "teen-tech-week-3"
    assert operations.unique_slug("On demand") == "on-demand-2"


SAME_TITLE = "Teen tech week"


def _create_alone(app, *, title: str = SAME_TITLE, slug: str | None = None) -> str:
    """create_event in a session and transaction of its own, as one request makes it; the slug it got."""
    with app.app_context(), database.write_transaction():
        start = datetime(2025, 2, 10, 14, tzinfo=pytz.utc)
        try:
            event = operations.create_event(
                title=title,
                slug=slug,
                starts_at=start,
                ends_at=start + timedelta(hours=1),
                timezone="UTC",
                now=app.config["CLOCK"].now(),
                status=Status.DRAFT,
            )
            db.session.commit()
            return event.slug
        finally:
            db.session.rollback()


def test_same_titled_events_created_at_once_each_get_their_own_slug(app, db_session):
    """Every writer checks "teen-tech-week" is free before any inserts it (on PostgreSQL, made to meet there):
    the unique index turns the late ones back and they take the next suffix, in their own transaction."""
    count = 6
    with races.writes_meet(db.engine, "INSERT INTO events", count):
        results = races.run_together(lambda _n: _create_alone(app), count)
    assert sorted(results) == sorted(["teen-tech-week"] + [f"teen-tech-week-{n}" for n in range(2, count + 1)])
    db_session.rollback()
    assert len(list(db_session.scalars(sa.select(Event.slug)))) == count


def test_a_chosen_slug_taken_meanwhile_is_slug_taken_not_a_crash(app, db_session):
    with races.writes_meet(db.engine, "INSERT INTO events", 3):
        results = races.run_together(lambda _n: _create_alone(app, slug="zines"), 3)
    assert sorted(map(repr, results)) == sorted(["'zines'", *[repr(operations.EventError("slug_taken"))] * 2])
    assert [r.code for r in results if isinstance(r, operations.EventError)] == ["slug_taken"] * 2
    db_session.rollback()
    assert list(db_session.scalars(sa.select(Event.slug))) == ["zines"]


def test_two_events_renamed_to_one_slug_at_once_give_one_of_them_slug_taken(app, make_event, db_session, clock):
    ids = [make_event(title=f"Event {n}").id for n in range(2)]
    db_session.commit()

    def rename(n: int) -> str:
        with app.app_context(), database.write_transaction():
            try:
                event = db.session.get(Event, ids[n])
                operations.update_event(event, now=clock.now(), slug="zines")
                db.session.commit()
                return event.slug
            finally:
                db.session.rollback()

    with races.writes_meet(db.engine, "UPDATE events SET", 2):
        results = races.run_together(rename, 2)
    assert sorted(r if isinstance(r, str) else r.code for r in results) == ["slug_taken", "zines"]
    db_session.rollback()
    loser = 1 if results[0] == "zines" else 0
    assert sorted(db_session.scalars(sa.select(Event.slug))) == [f"event-{loser}", "zines"]
