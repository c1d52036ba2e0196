"""Feed polls answered before Flask (eventreg/calendars/polls.py): the same answers as the view, from the
database on every poll, and everything they do not cover left to Flask."""

import contextlib

import pytest
from flask import request, request_started

from eventreg.events import operations

# A query string Flask's feed view ignores: it sends the same request through Flask for comparison.
VIA_FLASK = "/calendar.ics?via=flask"


@contextlib.contextmanager
def flask_requests(app):
    """The requests Flask dispatched while the block ran."""
    seen: list[str] = []

    def record(sender, **extra):
        seen.append(request.full_path)

    with request_started.connected_to(record, app):
        yield seen


@pytest.fixture
def feed(client, make_event, db_session, app):
    make_event(title="Storytime online")
    make_event(title="Grant writing", timezone="Asia/Kolkata")
    db_session.commit()  # the poll layer reads on a connection of its own
    first = client.get("/calendar.ics")  # builds the body through Flask, which keeps it
    assert first.status_code == 200
    return first


def test_a_poll_for_a_kept_body_or_a_304_never_reaches_flask(client, app, feed):
    with flask_requests(app) as seen:
        again = client.get("/calendar.ics")
        not_modified = client.get("/calendar.ics", headers={"If-None-Match": feed.headers["ETag"]})
        since = client.get("/calendar.ics", headers={"If-Modified-Since": feed.headers["Last-Modified"]})
    assert (again.status_code, not_modified.status_code, since.status_code) == (200, 304, 304)
    assert again.data == feed.data
    assert seen == []


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"Accept-Encoding": "gzip"},
        {"Accept-Encoding": "gzip;q=0, identity"},
        {"If-None-Match": "FEED"},
        {"If-None-Match": "FEED", "Accept-Encoding": "gzip"},
        {"If-None-Match": '"someone-elses"'},
        {"If-Modified-Since": "MODIFIED"},
        {"If-Modified-Since": "Thu, 01 Jan 1970 00:00:00 GMT"},
    ],
    ids=["plain", "gzip", "gzip-refused", "etag", "etag-gzip", "other-etag", "since", "since-long-ago"],
)
def test_a_poll_gets_exactly_what_flask_answers(client, app, feed, headers):
    headers = {
        name: value.replace("FEED", feed.headers["ETag"]).replace("MODIFIED", feed.headers["Last-Modified"])
        for name, value in headers.items()
    }
    client.get("/calendar.ics", headers={"Accept-Encoding": "gzip"})  # both bodies kept
    with flask_requests(app) as seen:
        direct = client.get("/calendar.ics", headers=headers)
        through_flask = client.get(VIA_FLASK, headers=headers)
    assert seen == [VIA_FLASK]
    assert direct.status_code == through_flask.status_code
    assert direct.data == through_flask.data
    assert sorted(direct.headers.items()) == sorted(through_flask.headers.items())


def test_a_change_made_anywhere_shows_at_the_next_poll(client, app, feed, make_event, db_session, clock):
    event = make_event(title="Added later")
    db_session.commit()
    changed = client.get("/calendar.ics", headers={"If-None-Match": feed.headers["ETag"]})
    assert changed.status_code == 200
    assert b"Added later" in changed.data
    clock.advance(minutes=1)
    operations.update_event(event, now=clock.now(), title="Renamed")
    db_session.commit()
    renamed = client.get("/calendar.ics", headers={"If-None-Match": changed.headers["ETag"]})
    assert renamed.status_code == 200
    assert b"Renamed" in renamed.data
    assert b"Added later" not in renamed.data
    with flask_requests(app) as seen:
        assert client.get("/calendar.ics", headers={"If-None-Match": renamed.headers["ETag"]}).status_code == 304
    assert seen == []


def test_the_archive_flip_shows_at_the_next_poll(client, app, feed, db_session, clock):
    clock.advance(days=30)  # both events have ended
    flipped = client.get("/calendar.ics", headers={"If-None-Match": feed.headers["ETag"]})
    assert flipped.status_code == 200
    assert b"This event has passed." in flipped.data


@pytest.mark.parametrize(
    ("method", "path", "cookie"),
    [("GET", "/calendar.ics?tz=Europe/Paris", False), ("GET", "/calendar.ics", True), ("HEAD", "/calendar.ics", False)],
    ids=["query-string", "cookie", "head"],
)
def test_browsers_and_everything_else_go_through_flask(client, app, feed, method, path, cookie):
    if cookie:
        client.set_cookie("tz", "Europe/Paris", domain=app.config["SERVER_NAME"])
    with flask_requests(app) as seen:
        response = client.open(path, method=method)
    assert len(seen) == 1
    assert response.status_code == 200
    assert response.headers["ETag"] == feed.headers["ETag"]


def test_topic_feeds_go_through_flask(client, app, make_event, make_topic, db_session):
    topic = make_topic("youth-services", "Youth services")
    make_event(title="Teen tech week", topics=[topic])
    db_session.commit()
    client.get(f"/topics/{topic.slug}/calendar.ics")
    with flask_requests(app) as seen:
        response = client.get(f"/topics/{topic.slug}/calendar.ics")
    assert response.status_code == 200
    assert seen == [f"/topics/{topic.slug}/calendar.ics?"]
