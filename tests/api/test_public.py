"""The public catalog: the lists the pages show, as JSON; times, seats and links; paging, caching, errors."""

from datetime import datetime, timedelta
from decimal import Decimal

import pytest
import pytz

from eventreg.api import cursors
from eventreg.events.models import Status


def test_upcoming_event_shows_times_in_utc_with_its_zone_and_the_pages_time_line(client, make_event, make_topic):
    topic = make_topic()
    event = make_event(topics=[topic], capacity=3, archive_url="https://archive.example.org/x")
    client.application.extensions  # noqa: B018 - the app is built
    from eventreg.core.extensions import db

    db.session.commit()
    response = client.get("/api/v1/events")
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    (shown,) = response.get_json()["events"]
    assert shown["id"] == event.id
    assert shown["starts_at"] == "2025-01-30T20:00:00Z"
    assert shown["ends_at"] == "2025-01-30T21:00:00Z"
    assert shown["timezone"] == "America/New_York"
    assert shown["time_line"] == "3:00 PM – 4:00 PM Eastern Standard Time, North America [UTC -5]"
    assert shown["date"] == "Thursday 30 January 2025"
    assert shown["topics"] == [{"slug": "data-technology", "name": "Data & technology"}]
    assert shown["state"] == "upcoming"
    assert (shown["registration_open"], shown["capacity"], shown["seats_left"], shown["is_full"]) == (True, 3, 3, False)
    assert shown["archive_url"] is None  # not passed yet
    assert shown["url"] == f"http://eventreg.test/events/{event.slug}"
    assert "join_url" not in shown


def test_full_event_says_so(client, make_event, register, db_session):
    event = make_event(capacity=1)
    register(event)
    db_session.commit()
    shown = client.get(f"/api/v1/events/{event.slug}").get_json()
    assert (shown["seats_left"], shown["is_full"]) == (0, True)


def test_passed_event_gives_its_archive_link(client, make_event, db_session, clock):
    event = make_event(archive_url="https://archive.example.org/recording")
    db_session.commit()
    clock.advance(timedelta(days=30))
    shown = client.get(f"/api/v1/events/{event.slug}").get_json()
    assert shown["state"] == "passed"
    assert shown["archive_url"] == "https://archive.example.org/recording"
    assert shown["registration_open"] is False
    (listed,) = client.get("/api/v1/events?when=on-demand").get_json()["events"]
    assert listed["archive_url"] == "https://archive.example.org/recording"


def test_no_public_answer_ever_holds_the_join_link(client, make_event, make_topic, db_session, clock):
    topic = make_topic()
    make_event(topics=[topic], title="Upcoming", join_url="https://meet.example.org/j/secret-room")
    past_start = datetime(2024, 12, 2, 15)  # noqa: DTZ001 - wall-clock time in the event's zone
    passed = make_event(title="Passed", local_start=past_start, join_url="https://meet.example.org/j/secret-room")
    make_event(title="Cancelled", status=Status.CANCELLED, join_url="https://meet.example.org/j/secret-room")
    db_session.commit()
    urls = [
        "/api/v1/events",
        "/api/v1/events?when=on-demand",
        f"/api/v1/events?topic={topic.slug}",
        f"/api/v1/events/{passed.slug}",
        "/api/v1/topics",
        "/api/v1/openapi.json",
        "/api/v1/docs",
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        assert "secret-room" not in response.get_data(as_text=True), url


def test_drafts_are_not_public(client, make_event, db_session, as_problem):
    draft = make_event(status=Status.DRAFT)
    db_session.commit()
    assert client.get("/api/v1/events").get_json()["events"] == []
    response = client.get(f"/api/v1/events/{draft.slug}")
    assert response.status_code == 404
    assert as_problem(response)["code"] == "not_found"


def test_filters_by_topic_words_dates_and_last_change(client, make_event, make_topic, db_session, clock):
    books = make_topic("books", "Books")
    data = make_topic("data", "Data")
    early = make_event(title="Story time for toddlers", topics=[books], local_start=datetime(2025, 1, 20, 10))  # noqa: DTZ001
    late = make_event(title="Open data workshop", topics=[data], local_start=datetime(2025, 2, 20, 10))  # noqa: DTZ001
    db_session.commit()
    clock.advance(timedelta(hours=1))
    late.summary = "Changed later"
    late.updated_at = clock.now()
    db_session.commit()

    def slugs(query: str) -> list[str]:
        response = client.get(f"/api/v1/events?{query}")
        assert response.status_code == 200, response.get_data(as_text=True)
        return [event["slug"] for event in response.get_json()["events"]]

    assert slugs("") == [early.slug, late.slug]
    assert slugs("topic=books") == [early.slug]
    assert slugs("q=DATA%20workshop") == [late.slug]
    assert slugs("q=nothing-like-this") == []
    assert slugs("from=2025-02-01T00:00:00Z") == [late.slug]
    assert slugs("to=2025-02-01T00:00:00%2B01:00") == [early.slug]
    assert slugs("from=2025-01-01T00:00:00Z&to=2025-03-01T00:00:00Z&topic=data") == [late.slug]
    assert slugs(f"updated_since={(clock.now() - timedelta(minutes=1)).strftime('%Y-%m-%dT%H:%M:%SZ')}") == [late.slug]


def test_a_topic_nobody_made_lists_no_events(client, make_event, db_session):
    make_event(title="Open data")
    db_session.commit()
    response = client.get("/api/v1/events?topic=no-such-topic")
    assert response.status_code == 200
    assert response.get_json()["events"] == []


def test_bad_filters_are_400_problems_naming_the_field(client, db_session, as_problem):
    refused = [
        ("when=soon", "when"),
        ("from=yesterday", "from"),
        ("from=2025-01-01T00:00:00", "from"),
        ("limit=0", "limit"),
        ("from=9999-01-01T00:00:00Z", "from"),
    ]
    for query, field in refused:
        response = client.get(f"/api/v1/events?{query}")
        assert response.status_code == 400, query
        problem = as_problem(response)
        assert problem["code"] == "invalid_parameter"
        assert field in problem["errors"]["query"], (query, problem)


def test_cursor_pages_through_every_event_once_in_order(client, make_event, db_session, as_problem):
    starts = [datetime(2025, 1, 20, 17, tzinfo=pytz.utc) + timedelta(hours=h // 2) for h in range(23)]  # pairs tie
    made = [make_event(title=f"Event {n}", starts_at=start) for n, start in enumerate(starts)]
    db_session.commit()
    seen, url, pages = [], "/api/v1/events?limit=5&q=Event", 0
    while url:
        response = client.get(url)
        assert response.status_code == 200
        body = response.get_json()
        seen += [event["id"] for event in body["events"]]
        url = body["next"]
        if url:
            assert response.headers["Link"] == f'<{url}>; rel="next"'
            assert "q=Event" in url
            assert "limit=5" in url
            assert "_anchor" not in url
        else:
            assert "Link" not in response.headers
        pages += 1
    assert pages == 5
    assert seen == [event.id for event in sorted(made, key=lambda e: (e.starts_at, e.id))]
    response = client.get("/api/v1/events?cursor=not-a-cursor")
    assert response.status_code == 400
    assert as_problem(response)["code"] == "invalid_cursor"


@pytest.mark.parametrize(
    "instant", ["0001-01-01T00:00:00+01:00", "9999-12-31T23:59:59-01:00", "2025-01-30T15:00:00", "2025-02-30T15:00"]
)
@pytest.mark.parametrize("when", ["upcoming", "on-demand"])
def test_a_cursor_at_the_calendars_edge_is_a_400_not_a_500(client, db_session, as_problem, instant, when):
    cursor = cursors.encode(instant, 1)  # a string, not a datetime: written as it is, as a forger would
    response = client.get(f"/api/v1/events?when={when}&cursor={cursor}")
    assert response.status_code == 400
    assert as_problem(response)["code"] == "invalid_cursor"


def test_on_demand_pages_latest_first(client, make_event, db_session, clock):
    made = [make_event(title=f"Past {n}", local_start=datetime(2024, 12, 1 + n, 15)) for n in range(7)]  # noqa: DTZ001
    db_session.commit()
    seen, url = [], "/api/v1/events?when=on-demand&limit=3"
    while url:
        body = client.get(url).get_json()
        seen += [event["id"] for event in body["events"]]
        url = body["next"]
    assert seen == [event.id for event in reversed(made)]


def test_public_answers_are_cacheable_with_an_etag_and_304(client, make_event, db_session):
    event = make_event()
    db_session.commit()
    for url in ("/api/v1/events", f"/api/v1/events/{event.slug}", "/api/v1/topics", "/api/v1/openapi.json"):
        response = client.get(url)
        assert response.headers["Cache-Control"] == "public, max-age=0, s-maxage=5", url
        assert "Set-Cookie" not in response.headers
        assert "Cookie" not in response.headers.get("Vary", "")
        etag = response.headers["ETag"]
        again = client.get(url, headers={"If-None-Match": etag})
        assert again.status_code == 304, url
        assert again.get_data() == b""
    etag = client.get(f"/api/v1/events/{event.slug}").headers["ETag"]
    event.title = "A new title"
    db_session.commit()
    assert client.get(f"/api/v1/events/{event.slug}", headers={"If-None-Match": etag}).status_code == 200


def test_topics_are_listed_by_name(client, make_topic, db_session):
    make_topic("zines", "Zines")
    make_topic("art", "Art")
    db_session.commit()
    assert client.get("/api/v1/topics").get_json() == {
        "topics": [{"slug": "art", "name": "Art"}, {"slug": "zines", "name": "Zines"}]
    }


def test_errors_under_api_are_problem_documents_and_pages_keep_html(client, db_session, as_problem):
    missing = client.get("/api/v1/events/no-such-event")
    assert missing.status_code == 404
    assert as_problem(missing)["code"] == "not_found"
    nowhere = client.get("/api/v1/nowhere")
    assert nowhere.status_code == 404
    assert as_problem(nowhere)["code"] == "not_found"
    wrong_method = client.delete("/api/v1/events")
    assert wrong_method.status_code == 405
    assert as_problem(wrong_method)["code"] == "method_not_allowed"
    assert "GET" in wrong_method.headers["Allow"]
    problem = as_problem(missing)
    assert problem["type"] == "http://eventreg.test/api/v1/docs#problem-not_found"
    page = client.get("/events/no-such-event")
    assert page.status_code == 404
    assert page.mimetype == "text/html"


def test_events_carry_their_contact_hours_and_whether_a_certificate_is_offered(client, make_event, db_session):
    with_hours = make_event(title="With hours", contact_hours=Decimal("1.5"), credit_min_minutes=45)
    without = make_event(title="Without", local_start=datetime(2025, 2, 6, 15))  # noqa: DTZ001
    db_session.commit()
    listed = {e["slug"]: e for e in client.get("/api/v1/events").get_json()["events"]}
    # A decimal string with the column's two places, as the webhooks' certificate.issued writes it.
    assert (listed[with_hours.slug]["contact_hours"], listed[with_hours.slug]["certificate"]) == ("1.50", True)
    assert (listed[without.slug]["contact_hours"], listed[without.slug]["certificate"]) == (None, False)
    one = client.get(f"/api/v1/events/{with_hours.slug}").get_json()
    assert (one["contact_hours"], one["certificate"]) == ("1.50", True)
    assert "credit_min_minutes" not in one  # the rule's detail is for its hosts


def test_the_public_catalog_may_be_read_from_any_origin_and_the_host_api_may_not(client, make_event, db_session):
    event = make_event()
    db_session.commit()
    origin = {"Origin": "https://library.example.org"}
    for path in ("/api/v1/events", f"/api/v1/events/{event.slug}", "/api/v1/topics", "/api/v1/events?cursor=x"):
        response = client.get(path, headers=origin)
        assert response.headers["Access-Control-Allow-Origin"] == "*", path
        assert "Access-Control-Allow-Credentials" not in response.headers
        assert set(response.headers["Access-Control-Expose-Headers"].split(", ")) == {"Link", "ETag"}
    host = client.get("/api/v1/host/events", headers=origin)
    assert host.status_code == 401
    assert "Access-Control-Allow-Origin" not in host.headers
