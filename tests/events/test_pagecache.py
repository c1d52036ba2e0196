"""List pages are rendered once and served again only while they are still right: across processes,
across the clock passing a start or an end, and never to a visitor whose page differs."""

import re
from datetime import timedelta

import pytest
import sqlalchemy as sa

from eventreg import create_app
from eventreg.events import operations
from eventreg.extensions import db
from tests.events.test_views import text_of, titles


@pytest.fixture
def statements(app):
    """SQL statements the app runs while the `with` block is open."""
    seen: list[str] = []

    def record(conn, cursor, statement, *args):
        seen.append(statement)

    class Recorder:
        def __enter__(self):
            seen.clear()
            sa.event.listen(db.engine, "before_cursor_execute", record)
            return seen

        def __exit__(self, *exc):
            sa.event.remove(db.engine, "before_cursor_execute", record)

    return Recorder()


def test_a_repeated_list_page_is_served_without_querying_events(client, make_event, db_session, statements):
    make_event(title="Cached")
    db_session.commit()
    first = client.get("/")
    with statements as seen:
        second = client.get("/")
    assert second.get_data() == first.get_data()
    assert titles(second) == ["Cached"]
    assert not [s for s in seen if "FROM events" in s], seen


def test_any_change_to_an_event_shows_at_once(client, make_event, db_session, clock):
    event = make_event(title="Before")
    db_session.commit()
    assert titles(client.get("/")) == ["Before"]
    operations.update_event(event, now=clock.now(), title="After")
    db_session.commit()
    assert titles(client.get("/")) == ["After"]
    operations.cancel_event(event, now=clock.now())
    db_session.commit()
    assert "Cancelled" in text_of(client.get("/"))


def test_a_topic_added_to_an_event_shows_at_once(client, make_event, make_topic, db_session, clock):
    event = make_event(title="Tagged")
    db_session.commit()
    assert "Data &amp; technology" not in client.get("/").get_data(as_text=True)
    event.topics = [make_topic()]
    db_session.commit()
    assert "Data &amp; technology" in client.get("/").get_data(as_text=True)


def test_a_change_made_by_another_server_shows_at_once(app, client, make_event, db_session, clock):
    event = make_event(title="Before")
    db_session.commit()
    assert titles(client.get("/")) == ["Before"]
    event_id = event.id  # read here: inside the other app's context, a reload would use that app's engine
    other = create_app({key: app.config[key] for key in ("TESTING", "SQLALCHEMY_DATABASE_URI", "CLOCK", "SECRET_KEY")})
    with other.app_context():
        operations.update_event(db.session.get(type(event), event_id), now=clock.now(), title="Edited elsewhere")
        db.session.commit()
        db.engine.dispose()
    db_session.rollback()  # as a new request would: the test's session still held the last page's snapshot
    assert titles(client.get("/")) == ["Edited elsewhere"]


def test_the_clock_alone_moves_an_event_to_live_and_then_on_demand(client, make_event, db_session, clock):
    event = make_event(title="Soon")
    db_session.commit()
    assert "Happening now" not in text_of(client.get("/"))
    clock.set(event.starts_at + timedelta(minutes=1))
    assert "Happening now" in text_of(client.get("/"))
    assert titles(client.get("/events/on-demand")) == []
    clock.set(event.ends_at + timedelta(minutes=1))
    assert titles(client.get("/")) == []
    assert titles(client.get("/events/on-demand")) == ["Soon"]


def test_each_zone_and_query_gets_its_own_page(client, make_event, db_session):
    make_event(title="Zoned")
    db_session.commit()
    assert "Your time" not in text_of(client.get("/"))
    assert "Central European Standard Time" in text_of(client.get("/?tz=Europe/Berlin"))
    assert titles(client.get("/events?q=nothing-matches")) == []


def test_a_signed_in_host_never_gets_the_anonymous_copy(client, make_event, make_host, login, db_session):
    make_event()
    host = make_host()
    db_session.commit()
    assert "Host dashboard" not in client.get("/").get_data(as_text=True)
    login(host)
    assert "Host dashboard" in client.get("/").get_data(as_text=True)


def test_a_page_seen_inside_a_rolled_back_change_is_never_served(client, make_event, db_session, clock):
    event = make_event(title="Committed")
    db_session.commit()
    operations.update_event(event, now=clock.now(), title="Never committed")
    db_session.flush()
    assert titles(client.get("/")) == ["Never committed"]  # the same transaction sees its own change
    db_session.rollback()
    # The next change that commits gets the version number the rolled-back one had.
    operations.update_event(event, now=clock.now(), title="Committed later")
    db_session.commit()
    assert titles(client.get("/")) == ["Committed later"]


def test_a_repeated_event_page_reads_no_event_but_counts_seats_each_time(
    client, make_event, register, db_session, statements
):
    event = make_event(title="Small room", capacity=2)
    url = f"/events/{event.slug}"
    db_session.commit()
    assert "2 seats left" in text_of(client.get(url))
    register(event)
    db_session.commit()
    with statements as seen:
        page = text_of(client.get(url))
    assert "Small room" in page
    assert "1 seat left" in page
    assert not [s for s in seen if "FROM events" in s], seen
    register(event)
    register(event)
    db_session.commit()
    page = text_of(client.get(url))
    assert "Full — join the waiting list (1 waiting)" in page
    assert "Join the waiting list" in page


def test_each_visitor_gets_their_own_csrf_token_in_a_kept_event_page(app, make_event, db_session):
    url = f"/events/{make_event().slug}"
    db_session.commit()
    app.config["WTF_CSRF_ENABLED"] = True
    first, second = app.test_client(), app.test_client()

    def visit(visitor, method="get", **kwargs):
        with app.app_context():  # each request its own context (and g), as in production
            return getattr(visitor, method)(url if method == "get" else f"{url}/register", **kwargs)

    try:
        tokens = []
        for visitor in (first, second, first):
            html = visit(visitor).get_data(as_text=True)
            tokens.append(re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html)[1])
        assert tokens[0] != tokens[1]
        data = {"name": "Ana", "email": "ana@library.example.org", "organization": "Metro", "csrf_token": tokens[1]}
        assert visit(second, "post", data=data).status_code == 303
        # One visitor's token is no good to another.
        assert visit(first, "post", data=data | {"email": "ben@library.example.org"}).status_code == 400
        data = {"name": "Ben", "email": "ben@library.example.org", "organization": "Metro", "csrf_token": tokens[2]}
        assert visit(first, "post", data=data).status_code == 303
    finally:
        app.config["WTF_CSRF_ENABLED"] = False


def test_registration_closes_at_its_deadline_on_a_kept_page(client, make_event, db_session, clock):
    event = make_event(title="Deadline")
    event.registration_deadline_at = deadline = event.starts_at - timedelta(days=1)
    url = f"/events/{event.slug}"
    db_session.commit()
    assert "Registration for this event has closed" not in text_of(client.get(url))
    clock.set(deadline + timedelta(seconds=1))
    response = client.get(url)
    assert "Registration for this event has closed" in text_of(response)
    assert 'id="register"' not in response.get_data(as_text=True)


def test_a_visitor_whose_session_holds_only_a_csrf_token_still_gets_the_kept_list(
    app, make_event, db_session, statements
):
    url = f"/events/{make_event(title='Shared').slug}"
    db_session.commit()
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        visitor = app.test_client()
        visitor.get(url)  # the form put a CSRF token in the session
        visitor.get("/")
        with statements as seen:
            assert titles(visitor.get("/")) == ["Shared"]
        assert not [s for s in seen if "FROM events" in s], seen
    finally:
        app.config["WTF_CSRF_ENABLED"] = False
