"""What a developer expects of any API, checked on every operation: unknown query parameters are refused and
named, a body that is not JSON is a 415, malformed JSON says where, a PATCH needs a body; and the host lists'
filters (updated_since, status, email; events by status and start), carried by the next link."""

import re
from datetime import datetime, timedelta

import pytest
import pytz

EXAMPLE_ARGS = {"slug": "no-such-event", "event_id": "999999", "registration_id": "999999", "endpoint_id": "999999"}


def api_operations(app) -> list[tuple[str, str]]:
    """(method, path) of every operation of the API, with example path arguments."""
    found = []
    for rule in app.url_map.iter_rules():
        if not rule.endpoint.startswith(("api.", "api_host.")):
            continue
        path = re.sub(r"<(?:[a-z]+:)?([a-z_]+)>", lambda m: EXAMPLE_ARGS[m.group(1)], rule.rule)
        found += [(method, path) for method in sorted(rule.methods - {"HEAD", "OPTIONS"})]
    return found


def test_every_operation_refuses_unknown_query_parameters_by_name(
    app, client, make_host, make_token, bearer, as_problem
):
    headers = bearer(make_token(make_host(admin=True)))
    operations = api_operations(app)
    assert len(operations) >= 12
    for method, path in operations:
        response = client.open(f"{path}?limt=5&colour=red", method=method, headers=headers, json={})
        assert response.status_code == 400, (method, path, response.get_data(as_text=True))
        problem = as_problem(response)
        assert problem["code"] == "unknown_parameter"
        assert "colour, limt" in problem["detail"]
        assert set(problem["errors"]["query"]) == {"limt", "colour"}


def test_known_parameters_still_work_beside_the_refusal(client, make_event, db_session):
    make_event()
    db_session.commit()
    assert client.get("/api/v1/events?limit=5&when=upcoming").status_code == 200
    assert client.get("/api/v1/topics").status_code == 200


@pytest.fixture
def writer(make_event, make_host, make_token, bearer, db_session):
    host = make_host()
    event = make_event()
    event.hosts = [host]
    db_session.commit()
    return event, bearer(make_token(host))


@pytest.mark.parametrize(
    ("content_type", "data"),
    [("application/x-www-form-urlencoded", "name=A"), ("text/plain", '{"name": "A"}'), (None, '{"name": "A"}')],
)
def test_a_body_that_is_not_json_is_a_415(client, writer, as_problem, content_type, data):
    event, headers = writer
    sent = [
        ("POST", "/api/v1/host/events", "Accept-Post"),
        ("PATCH", f"/api/v1/host/events/{event.id}", "Accept-Patch"),
        ("POST", f"/api/v1/host/events/{event.id}/registrations", "Accept-Post"),
        ("PUT", f"/api/v1/host/events/{event.id}/registrations/1/attendance", None),
    ]
    for method, path, accept in sent:
        response = client.open(path, method=method, headers=headers, data=data, content_type=content_type)
        assert response.status_code == 415, (method, path, response.get_data(as_text=True))
        assert as_problem(response)["code"] == "unsupported_media_type"
        if accept:
            assert response.headers[accept] == "application/json"


def test_malformed_json_says_where(client, writer, as_problem):
    event, headers = writer
    response = client.post(
        f"/api/v1/host/events/{event.id}/registrations",
        headers=headers,
        data='{"name": "A",\n "email": }',
        content_type="application/json",
    )
    assert response.status_code == 400
    problem = as_problem(response)
    assert problem["code"] == "invalid_json"
    assert "line 2, column 11" in problem["detail"]


def test_a_patch_without_a_body_is_a_400_saying_one_is_required(client, writer, as_problem):
    event, headers = writer
    for content_type in ("application/json", None):
        response = client.patch(f"/api/v1/host/events/{event.id}", headers=headers, content_type=content_type)
        assert response.status_code == 400
        assert as_problem(response)["code"] == "body_required"


def test_registrations_filter_by_updated_since_status_and_email_and_carry_them_in_next(
    client, writer, register, db_session, clock, as_problem
):
    event, headers = writer
    people = [register(event, email=f"Reader{n}@Library.example.org".lower()) for n in range(5)]
    db_session.commit()
    first_change = clock.now()
    clock.advance(timedelta(hours=2))
    later = clock.now()
    from eventreg.registrations import operations as seats

    seats.cancel_registration(people[1], now=later)
    people[3].name = "Reader Three, renamed"
    db_session.commit()
    url = f"/api/v1/host/events/{event.id}/registrations"

    def listed(query: str) -> list[dict]:
        response = client.get(f"{url}?{query}", headers=headers)
        assert response.status_code == 200, response.get_data(as_text=True)
        return response.get_json()["registrations"]

    shown = {r["id"]: r["updated_at"] for r in listed("")}
    assert shown[people[0].id] == first_change.strftime("%Y-%m-%dT%H:%M:%SZ")
    assert shown[people[1].id] == shown[people[3].id] == later.strftime("%Y-%m-%dT%H:%M:%SZ")
    since = (later - timedelta(minutes=1)).astimezone(pytz.timezone("Asia/Kolkata")).isoformat()
    assert [r["id"] for r in listed(f"updated_since={since.replace('+', '%2B')}")] == [people[1].id, people[3].id]
    assert [r["id"] for r in listed(f"updated_since={since.replace('+', '%2B')}&status=cancelled")] == [people[1].id]
    assert [r["id"] for r in listed("email=READER2@library.EXAMPLE.org")] == [people[2].id]
    assert listed("email=reader2@library") == []

    # The next link keeps the filters: pages of one, still only the changed rows.
    next_url, collected = f"{url}?limit=1&updated_since=2025-01-15T18:00:00Z", []
    while next_url:
        body = client.get(next_url, headers=headers).get_json()
        collected += [r["id"] for r in body["registrations"]]
        next_url = body["next"]
        assert next_url is None or "updated_since=2025-01-15T18" in next_url
    assert collected == [people[1].id, people[3].id]

    for bad in ("updated_since=yesterday", "updated_since=2025-01-15T18:00:00", "status=gone", "email="):
        response = client.get(f"{url}?{bad}", headers=headers)
        assert response.status_code == 400, bad
        assert as_problem(response)["code"] == "invalid_parameter"


def test_registration_updated_at_moves_with_attendance(client, writer, register, db_session, clock):
    event, headers = writer
    person = register(event)
    db_session.commit()
    clock.advance(timedelta(days=15, hours=3))  # the event has started
    url = f"/api/v1/host/events/{event.id}/registrations/{person.id}"
    response = client.put(f"{url}/attendance", headers=headers, json={"minutes": 55})
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.get_json()["updated_at"] == clock.now().strftime("%Y-%m-%dT%H:%M:%SZ")


def test_host_events_filter_by_status_and_start_and_carry_them_in_next(
    client, make_event, make_host, make_token, bearer, db_session, as_problem
):
    host = make_host()
    starts = [datetime(2025, 2, day, 17, tzinfo=pytz.utc) for day in (1, 2, 3, 4, 5)]
    events = [make_event(title=f"E{n}", starts_at=start) for n, start in enumerate(starts)]
    events[4].status = "draft"
    for event in events:
        event.hosts = [host]
    db_session.commit()
    headers = bearer(make_token(host))

    def listed(query: str) -> list[int]:
        response = client.get(f"/api/v1/host/events?{query}", headers=headers)
        assert response.status_code == 200, response.get_data(as_text=True)
        return [e["id"] for e in response.get_json()["events"]]

    assert listed("status=draft") == [events[4].id]
    assert listed("starts_after=2025-02-02T17:00:00Z&starts_before=2025-02-04T17:00:00Z") == [
        events[1].id,
        events[2].id,
    ]
    next_url, collected = "/api/v1/host/events?limit=1&status=published&starts_after=2025-02-02T00:00:00Z", []
    while next_url:
        body = client.get(next_url, headers=headers).get_json()
        collected += [e["id"] for e in body["events"]]
        next_url = body["next"]
    assert collected == [events[1].id, events[2].id, events[3].id]
    for bad in ("status=gone", "starts_after=tomorrow", "starts_before=2025-02-02"):
        response = client.get(f"/api/v1/host/events?{bad}", headers=headers)
        assert response.status_code == 400, bad
        assert as_problem(response)["code"] == "invalid_parameter"


@pytest.mark.parametrize("event_id", ["2147483648", "99999999999999999999999"])
def test_a_change_to_an_id_past_the_range_is_a_404_not_a_405(client, make_host, login, make_token, bearer, event_id):
    """werkzeug checks a converter's bound after the method: a PATCH beside a GET route answered 405 before."""
    host = make_host(admin=True)
    headers = bearer(make_token(host))
    assert client.patch(f"/api/v1/host/events/{event_id}", json={"title": "x"}, headers=headers).status_code == 404
    assert client.delete(f"/api/v1/host/webhooks/{event_id}", headers=headers).status_code == 404
    login(host)
    assert client.post(f"/host/events/{event_id}/edit", data={}).status_code == 404
