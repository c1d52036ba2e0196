"""The SQL a request sends does not grow with the catalog or the attendee list: each page reads its entries'
seats, series, topics and hosts for the whole page at once, never one entry at a time (issue 29).

Each page is asked for at two sizes and must send the same number of statements at both; a per-entry query
(a lazy load in a template, a count per event) makes the larger one send more."""

from datetime import date, datetime, time, timedelta

import pytest
import pytz
import sqlalchemy as sa

from eventreg.core.extensions import db
from eventreg.series import operations as series_operations
from eventreg.series import rules as series_rules
from eventreg.series.models import SeriesKind

FEBRUARY = datetime(2025, 2, 3, 15, tzinfo=pytz.utc)  # after DEFAULT_NOW (15 January 2025)
DECEMBER = datetime(2024, 12, 2, 15, tzinfo=pytz.utc)


@pytest.fixture
def count_queries(app, client, db_session):
    """count_queries(method, path, **kwargs): the statements one request sends, after the same request once (so
    first-use work is not counted), with everything committed and expired as a request in production finds it
    (a row the request reads is a statement either way: an expired object is read again)."""

    def count(method: str, path: str, *, repeat: bool = True, **kwargs) -> int:
        if repeat:
            db_session.commit()
            response = client.open(path, method=method, **kwargs)
            assert response.status_code < 400, (path, response.status_code)
        db_session.commit()
        # Rendered list entries are kept per process (templating.list_entry): start without them, so a query
        # made while rendering an entry is counted for every entry.
        app.extensions.pop("list_entries", None)
        statements = []

        def note(conn, cursor, statement, *args):
            statements.append(statement)

        sa.event.listen(db.engine, "before_cursor_execute", note)
        try:
            response = client.open(path, method=method, **kwargs)
        finally:
            sa.event.remove(db.engine, "before_cursor_execute", note)
        assert response.status_code < 400, (path, response.status_code)
        return len(statements)

    return count


def _add_events(make_event, topic, first: int, last: int) -> None:
    """Events numbered first..last-1, each kind a list shows: with and without seats, a topic, contact hours,
    cancelled, and past ones with recordings."""
    for n in range(first, last):
        make_event(
            title=f"Upcoming webinar {n}",
            starts_at=FEBRUARY + timedelta(hours=n),
            timezone=("America/New_York", "Asia/Kolkata", "Europe/London")[n % 3],
            capacity=50 if n % 2 else None,
            contact_hours=1 if n % 4 == 0 else None,
            topics=[topic] if n % 3 else [],
            status="cancelled" if n % 7 == 6 else "published",
        )
        make_event(
            title=f"Past webinar {n}",
            starts_at=DECEMBER + timedelta(hours=n),
            archive_url=f"https://example.org/recordings/{n}.html",
            topics=[topic],
        )


def _catalog_pages(count_queries, slug: str, token: str) -> dict[str, int]:
    return {
        "upcoming list": count_queries("GET", "/events"),
        "on-demand list": count_queries("GET", "/events/on-demand"),
        "topic page": count_queries("GET", "/topics/data-technology"),
        "search": count_queries("GET", "/events?q=webinar"),
        "month view": count_queries("GET", "/month?month=2025-02"),
        "event page": count_queries("GET", f"/events/{slug}"),
        "registration page": count_queries("GET", f"/events/{slug}/register"),
        "API event list": count_queries("GET", "/api/v1/events"),
        "API on-demand list": count_queries("GET", "/api/v1/events?when=on-demand"),
        "API host event list": count_queries(
            "GET", "/api/v1/host/events", headers={"Authorization": f"Bearer {token}"}
        ),
    }


def test_catalog_pages_send_as_many_queries_for_60_events_as_for_10(
    count_queries, make_event, make_topic, make_host, register, db_session, clock
):
    from eventreg.api import operations as api_operations

    topic = make_topic()
    host = make_host(admin=True)
    _, token = api_operations.create_token(host, name="Library website", can_write=False, now=clock.now())
    _add_events(make_event, topic, 0, 10)
    shown = make_event(title="The one we look at", starts_at=FEBRUARY - timedelta(days=1), capacity=30)
    for _ in range(3):
        register(shown)
    # Sessions first in the list at both sizes: their parts are read for the page.
    _series(make_host, db_session, clock, count=4, first_day=date(2025, 1, 21))
    small = _catalog_pages(count_queries, shown.slug, token)

    _add_events(make_event, topic, 10, 60)
    large = _catalog_pages(count_queries, shown.slug, token)
    assert large == small


def _series(make_host, db_session, clock, *, count: int, first_day=date(2025, 2, 4)):
    host = make_host(f"series-host-{count}@library.example.org")
    series = series_operations.create_series(
        host, title=f"A course of {count}", kind=SeriesKind.COURSE, timezone="America/New_York", now=clock.now()
    )
    _add_sessions(series, host, clock, count=count, first_day=first_day)
    return series


def _add_sessions(series, host, clock, *, count: int, first_day: date) -> None:
    pattern = series_rules.Pattern(first_day, time(15), 60, "America/New_York", count, 1)
    series_operations.add_sessions(series, series_rules.plan(pattern), host, now=clock.now(), join_url=None)
    series_operations.publish(series, now=clock.now())
    db.session.flush()


def test_series_pages_send_as_many_queries_for_60_sessions_as_for_10(
    count_queries, make_host, db_session, clock, register
):
    series = _series(make_host, db_session, clock, count=10)
    first = series.sessions[0].slug

    def pages():
        return {
            "series page": count_queries("GET", f"/series/{series.slug}"),
            "session's event page": count_queries("GET", f"/events/{first}"),
            "API series": count_queries("GET", f"/api/v1/series/{series.slug}"),
        }

    small = pages()
    _add_sessions(series, series.sessions[0].hosts[0], clock, count=50, first_day=date(2025, 6, 3))
    db_session.expire(series)
    assert len(series.sessions) == 60
    assert pages() == small


def test_attendee_list_sends_as_many_queries_for_60_registrants_as_for_5(
    count_queries, hosted_event, register, db_session
):
    event = hosted_event(capacity=3, title="A full one")  # a waiting list at both sizes
    for _ in range(5):
        register(event)
    path = f"/host/events/{event.id}/attendees"
    small = count_queries("GET", path)
    for _ in range(55):
        register(event)
    assert count_queries("GET", path) == small


def test_registering_sends_as_many_queries_with_60_registrations_as_with_5(
    count_queries, make_event, register, registration_form, db_session, deliver_and_clear
):
    event = make_event(capacity=100)
    for _ in range(5):
        register(event)
    deliver_and_clear()
    slug = event.slug

    def post(n: int) -> int:
        form = {**registration_form, "email": f"new{n}@library.example.org", "form_key": f"key-{n}"}
        return count_queries("POST", f"/events/{slug}/register", data=form, repeat=False)

    post(0)  # the first registration warms what a process does once
    small = post(1)
    for _ in range(55):
        register(event)
    deliver_and_clear()
    assert post(2) == small
