"""The API's series resource (/api/v1/series), the event resource's `series` field, and the same field in
webhook messages."""

import json

import jsonschema

from eventreg.api import operations as api_operations
from eventreg.events import operations as event_operations
from eventreg.series.models import CreditRule, SeriesKind
from eventreg.webhooks import network
from eventreg.webhooks import operations as webhook_operations


def test_series_list_shows_published_series_with_their_sessions_and_pages(client, make_series, db_session):
    course = make_series(capacity=12, credit_rule=CreditRule.SOME_SESSIONS, credit_sessions=3, contact_hours=4)
    program = make_series(SeriesKind.PROGRAM, title="Monthly office hours", count=2)
    make_series(title="Still a draft", publish=False)
    db_session.commit()
    response = client.get("/api/v1/series")
    assert response.status_code == 200
    body = response.get_json()
    assert [s["slug"] for s in body["series"]] == [course.slug, program.slug]  # never a draft
    assert body["next"] is None
    shown = body["series"][0]
    assert shown["kind"] == "course"
    assert shown["kind_label"] == "Course"
    assert shown["url"] == f"http://eventreg.test/series/{course.slug}"
    assert (shown["capacity"], shown["seats_left"], shown["is_full"]) == (12, 12, False)
    assert (shown["credit_rule"], shown["credit_sessions"], shown["contact_hours"]) == ("some", 3, "4.00")
    assert shown["certificate"] is True
    assert [s["part"] for s in shown["sessions"]] == [1, 2, 3, 4]
    # The wall-clock time holds across the change to daylight time: 20:00 UTC, then 19:00 UTC.
    assert [s["starts_at"] for s in shown["sessions"]] == [
        "2025-03-04T20:00:00Z", "2025-03-11T19:00:00Z", "2025-03-18T19:00:00Z", "2025-03-25T19:00:00Z",
    ]  # fmt: skip
    first = shown["sessions"][0]
    assert first["url"] == f"http://eventreg.test/events/{course.sessions[0].slug}"
    assert first["links"]["api"] == f"http://eventreg.test/api/v1/events/{course.sessions[0].slug}"
    assert client.get(first["links"]["api"]).status_code == 200
    # A program has no seats of its own.
    assert body["series"][1]["capacity"] is None
    assert body["series"][1]["seats_left"] is None
    # Filtered by kind, and paged with a cursor like the events.
    assert [s["slug"] for s in client.get("/api/v1/series?kind=program").get_json()["series"]] == [program.slug]
    page = client.get("/api/v1/series?limit=1")
    assert page.headers["Link"] == f'<{page.get_json()["next"]}>; rel="next"'
    assert [s["slug"] for s in client.get(page.get_json()["next"]).get_json()["series"]] == [program.slug]


def test_series_detail_by_slug_and_404_for_a_draft_or_unknown(client, make_series, db_session, clock):
    course = make_series()
    draft = make_series(title="Draft course", publish=False)
    event_operations.cancel_event(course.sessions[0], now=clock.now())
    db_session.commit()
    shown = client.get(f"/api/v1/series/{course.slug}").get_json()
    assert shown["title"] == course.title
    # A cancelled session stays listed, without a part; the others are numbered 1 to 3.
    assert [(s["status"], s["part"]) for s in shown["sessions"]] == [
        ("cancelled", None), ("published", 1), ("published", 2), ("published", 3),
    ]  # fmt: skip
    for slug in (draft.slug, "no-such-series"):
        missing = client.get(f"/api/v1/series/{slug}")
        assert missing.status_code == 404
        assert missing.mimetype == "application/problem+json"


def test_event_resource_carries_its_series_or_null(client, make_series, make_event, db_session):
    course = make_series()
    alone = make_event(title="A one-off")
    db_session.commit()
    second = course.sessions[1]
    shown = client.get(f"/api/v1/events/{second.slug}").get_json()
    assert shown["series"] == {
        "slug": course.slug,
        "title": course.title,
        "kind": "course",
        "part": 2,
        "of": 4,
        "links": {
            "page": f"http://eventreg.test/series/{course.slug}",
            "api": f"http://eventreg.test/api/v1/series/{course.slug}",
        },
    }
    assert client.get(f"/api/v1/events/{alone.slug}").get_json()["series"] is None
    listed = {e["slug"]: e["series"] for e in client.get("/api/v1/events").get_json()["events"]}
    assert [listed[s.slug]["part"] for s in course.sessions] == [1, 2, 3, 4]
    assert listed[alone.slug] is None


def test_host_api_event_carries_its_series(client, make_series, make_host, db_session, clock):
    host = make_host("series-admin@library.example.org", admin=True)
    course = make_series(host=host)
    _token, secret = api_operations.create_token(host, name="Site", can_write=False, now=clock.now())
    db_session.commit()
    headers = {"Authorization": f"Bearer {secret}"}
    session = course.sessions[2]
    shown = client.get(f"/api/v1/host/events/{session.id}", headers=headers).get_json()
    assert (shown["series"]["part"], shown["series"]["of"]) == (3, 4)
    listed = client.get("/api/v1/host/events", headers=headers).get_json()["events"]
    assert [e["series"]["part"] for e in listed] == [1, 2, 3, 4]


def test_webhook_message_about_a_session_carries_its_series_as_documented(client, make_series, make_host, clock):
    host = make_host("hooks@library.example.org", admin=True)
    course = make_series(host=host)
    webhook_operations.create_endpoint(
        host, url="http://127.0.0.1:9/hook", event_types=["event.updated"], description="", now=clock.now(),
        allowed=network.allowed_hosts("127.0.0.1"),
    )  # fmt: skip
    [delivery] = webhook_operations.emit("event.updated", course.sessions[3], {}, clock.now())
    event = json.loads(delivery.payload)["data"]["event"]
    assert event["series"]["slug"] == course.slug
    assert (event["series"]["part"], event["series"]["of"], event["series"]["kind"]) == (4, 4, "course")
    assert event["series"]["links"]["page"].endswith(f"/series/{course.slug}")
    spec = client.get("/api/v1/openapi.json").get_json()
    schema = {**spec["components"]["schemas"]["WebhookEvent"], "components": spec["components"]}
    jsonschema.validate(event, schema)
    # An event of no series says null, and that too is what the document allows.
    alone = event_operations.create_event(
        title="Alone", starts_at=course.sessions[0].starts_at, ends_at=course.sessions[0].ends_at,
        timezone="UTC", now=clock.now(), status="published",
    )  # fmt: skip
    [delivery] = webhook_operations.emit("event.updated", alone, {}, clock.now())
    event = json.loads(delivery.payload)["data"]["event"]
    assert event["series"] is None
    jsonschema.validate(event, schema)
