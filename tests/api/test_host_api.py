"""Hosts' events and registrations through the API: the same operations, and so the same e-mails, as the host
pages; the real SMTP test server receives them."""

import re
from datetime import timedelta
from decimal import Decimal

import pytest
import sqlalchemy as sa

from eventreg.events.models import Event, Status
from eventreg.registrations.models import Registration


@pytest.fixture
def setup(make_event, make_host, make_token, bearer):
    """An event hosted by a host with a read-write token; returns (event, headers)."""

    def make(**fields):
        host = make_host()
        event = make_event(**fields)
        event.hosts = [host]
        return event, bearer(make_token(host))

    return make


def test_lists_registrations_with_status_and_attendance_filters_and_pages(client, setup, register, db_session, clock):
    event, headers = setup(capacity=3)
    people = [register(event) for _ in range(5)]  # 3 confirmed, 2 waiting
    clock.advance(timedelta(days=15, hours=3))  # the event has started
    people[0].attended, people[1].attended = True, False
    db_session.commit()
    url = f"/api/v1/host/events/{event.id}/registrations"

    def ids(query: str) -> list[int]:
        response = client.get(f"{url}?{query}", headers=headers)
        assert response.status_code == 200, response.get_data(as_text=True)
        return [r["id"] for r in response.get_json()["registrations"]]

    assert ids("") == [p.id for p in people]
    assert ids("status=waiting") == [people[3].id, people[4].id]
    assert ids("attended=true") == [people[0].id]
    assert ids("attended=false") == [people[1].id]
    assert ids("status=confirmed&attended=unknown") == [people[2].id]
    first = client.get(f"{url}?limit=2", headers=headers)
    assert first.get_json()["next"]
    assert 'rel="next"' in first.headers["Link"]
    collected, next_url = [], f"{url}?limit=2"
    while next_url:
        body = client.get(next_url, headers=headers).get_json()
        collected += [r["id"] for r in body["registrations"]]
        next_url = body["next"]
    assert collected == [p.id for p in people]
    shown = client.get(f"{url}/{people[4].id}", headers=headers).get_json()
    assert (shown["status"], shown["waiting_position"], shown["email"]) == ("waiting", 2, people[4].email)
    assert "token" not in shown
    assert client.get(f"{url}?status=gone", headers=headers).status_code == 400


def test_host_adds_someone_who_is_emailed_a_confirmation(client, setup, db_session, mailbox, as_problem):
    event, headers = setup(capacity=1)
    db_session.commit()
    person = {"name": "Ana Lima", "email": "Ana@Library.example.org", "organization": "Springfield Library"}
    response = client.post(f"/api/v1/host/events/{event.id}/registrations", json=person, headers=headers)
    assert response.status_code == 201, response.get_data(as_text=True)
    added = response.get_json()
    assert (added["status"], added["email"]) == ("confirmed", "ana@library.example.org")
    assert response.headers["Location"].endswith(f"/api/v1/host/events/{event.id}/registrations/{added['id']}")
    (message,) = mailbox
    assert message["To"].addresses[0].addr_spec == "ana@library.example.org"
    assert "secret-room" in message.get_body(("plain",)).get_content()  # confirmed registrants get the link

    again = client.post(f"/api/v1/host/events/{event.id}/registrations", json=person, headers=headers)
    assert again.status_code == 409
    assert as_problem(again)["code"] == "already_registered"
    second = {**person, "email": "bo@library.example.org"}
    assert (
        client.post(f"/api/v1/host/events/{event.id}/registrations", json=second, headers=headers).get_json()["status"]
        == "waiting"
    )
    bad = client.post(f"/api/v1/host/events/{event.id}/registrations", json={"name": "X"}, headers=headers)
    assert bad.status_code == 422
    assert set(as_problem(bad)["errors"]["json"]) == {"email", "organization"}
    json_headers = {**headers, "Content-Type": "application/json"}
    not_json = client.post(f"/api/v1/host/events/{event.id}/registrations", data="{not json", headers=json_headers)
    assert not_json.status_code == 400
    assert as_problem(not_json)["code"] == "invalid_json"


def test_cancelling_a_registration_emails_them_and_promotes_the_next(
    client, setup, register, db_session, mailbox, deliver_and_clear
):
    event, headers = setup(capacity=1)
    confirmed, waiting = register(event), register(event)
    deliver_and_clear()
    response = client.post(f"/api/v1/host/events/{event.id}/registrations/{confirmed.id}/cancel", headers=headers)
    assert response.status_code == 200
    assert response.get_json()["status"] == "cancelled"
    assert sorted(m["To"].addresses[0].addr_spec for m in mailbox) == sorted([confirmed.email, waiting.email])
    db_session.expire_all()
    assert db_session.get(Registration, waiting.id).status == "confirmed"
    mailbox.clear()
    assert (
        client.post(f"/api/v1/host/events/{event.id}/registrations/{confirmed.id}/cancel", headers=headers).status_code
        == 200
    )  # noqa: E501
    assert mailbox == []  # cancelling twice emails nobody


def test_attendance_with_minutes_once_the_event_has_started(client, setup, register, db_session, clock, as_problem):
    event, headers = setup(capacity=1)  # 60 minutes: 45 count as attended
    confirmed, waiting = register(event), register(event)
    db_session.commit()
    url = f"/api/v1/host/events/{event.id}/registrations/{confirmed.id}/attendance"
    early = client.put(url, json={"attended": True}, headers=headers)
    assert early.status_code == 409
    assert as_problem(early)["code"] == "not_started"
    clock.advance(timedelta(days=15, hours=4))
    assert client.put(url, json={"minutes": 50}, headers=headers).get_json()["attended"] is True
    shown = client.put(url, json={"minutes": 30}, headers=headers).get_json()
    assert (shown["attended"], shown["minutes_attended"]) == (False, 30)
    shown = client.put(url, json={"attended": True, "minutes": 20}, headers=headers).get_json()
    assert (shown["attended"], shown["minutes_attended"]) == (True, 20)
    shown = client.put(url, json={"attended": None}, headers=headers).get_json()
    assert (shown["attended"], shown["minutes_attended"]) == (None, None)
    assert client.put(url, json={}, headers=headers).status_code == 422
    assert client.put(url, json={"minutes": -1}, headers=headers).status_code == 422
    other = client.put(
        f"/api/v1/host/events/{event.id}/registrations/{waiting.id}/attendance",
        json={"attended": True},
        headers=headers,
    )  # noqa: E501
    assert other.status_code == 409
    assert as_problem(other)["code"] == "not_confirmed"


def test_create_publish_and_cancel_an_event(
    client, setup, register, make_topic, db_session, mailbox, deliver_and_clear, as_problem
):
    _event, headers = setup()
    make_topic("books", "Books")
    db_session.commit()
    new = {
        "title": "Zines at the library",
        "timezone": "Europe/Berlin",
        "starts_at": "2025-03-04T14:00:00+01:00",
        "ends_at": "2025-03-04T13:30:00Z",
        "capacity": 20,
        "topics": ["books"],
        "join_url": "https://meet.example.org/z",
    }
    response = client.post("/api/v1/host/events", json=new, headers=headers)
    assert response.status_code == 201, response.get_data(as_text=True)
    made = response.get_json()
    assert (made["status"], made["slug"], made["starts_at"]) == (
        "draft",
        "zines-at-the-library",
        "2025-03-04T13:00:00Z",
    )
    assert made["time_line"] == "2:00 PM – 2:30 PM Central European Standard Time, Europe [UTC +1]"
    assert made["join_url"] == "https://meet.example.org/z"
    assert made["topics"] == [{"slug": "books", "name": "Books"}]
    assert response.headers["Location"].endswith(f"/api/v1/host/events/{made['id']}")
    assert client.get(f"/api/v1/events/{made['slug']}").status_code == 404  # a draft

    published = client.post(f"/api/v1/host/events/{made['id']}/publish", headers=headers)
    assert published.get_json()["status"] == "published"
    assert client.get(f"/api/v1/events/{made['slug']}").status_code == 200

    event = db_session.get(Event, made["id"])
    register(event)
    deliver_and_clear()
    cancelled = client.post(f"/api/v1/host/events/{made['id']}/cancel", headers=headers)
    assert cancelled.get_json()["emailed"] == 1
    assert cancelled.get_json()["event"]["status"] == "cancelled"
    assert len(mailbox) == 1
    assert "cancelled" in str(mailbox[0]["Subject"]).lower()
    again = client.post(f"/api/v1/host/events/{made['id']}/cancel", headers=headers)
    assert again.get_json()["emailed"] == 0
    assert len(mailbox) == 1
    refused = client.post(f"/api/v1/host/events/{made['id']}/publish", headers=headers)
    assert refused.status_code == 409
    assert as_problem(refused)["code"] == "event_cancelled"


@pytest.mark.parametrize(
    ("change", "field", "code"),
    [
        ({"starts_at": "2025-03-04T14:00:00"}, "starts_at", "invalid_input"),  # no offset
        ({"ends_at": "2025-03-04T12:00:00Z"}, "ends_at", "ends_before_start"),
        ({"ends_at": "2025-03-20T12:00:00Z"}, "ends_at", "too_long"),
        ({"timezone": "Mars/Olympus"}, "timezone", "invalid_input"),
        ({"timezone": "US/Eastern"}, "timezone", "invalid_input"),  # valid, but not one the editor offers
        ({"starts_at": "2025-01-01T13:00:00Z", "ends_at": "2025-01-01T14:00:00Z"}, "starts_at", "start_in_past"),
        ({"topics": ["nope"]}, "topics", "unknown_topic"),
        ({"cohosts": ["nobody@library.example.org"]}, "cohosts", "unknown_host"),
        ({"capacity": -1}, "capacity", "invalid_input"),
        ({"join_url": "javascript:alert(1)"}, "join_url", "invalid_input"),
        ({"title": "Two\nlines"}, "title", "invalid_input"),
        ({"registration_deadline_at": "2025-03-05T00:00:00Z"}, "registration_deadline_at", "deadline_after_start"),
        ({"contact_hours": "0"}, "contact_hours", "invalid_input"),  # the editor's rule: above 0 or null
        ({"contact_hours": 1000}, "contact_hours", "invalid_input"),
        ({"contact_hours": "1.255"}, "contact_hours", "invalid_input"),
        ({"contact_hours": "NaN"}, "contact_hours", "invalid_input"),
        ({"credit_min_minutes": 61}, "credit_min_minutes", "bad_minutes"),  # longer than the event
        ({"credit_min_minutes": -1}, "credit_min_minutes", "invalid_input"),
    ],
)
def test_event_input_is_refused_as_the_editor_refuses_it(client, setup, db_session, as_problem, change, field, code):
    _event, headers = setup()
    db_session.commit()
    new = {
        "title": "Zines",
        "timezone": "Europe/Berlin",
        "starts_at": "2025-03-04T13:00:00Z",
        "ends_at": "2025-03-04T14:00:00Z",
        **change,
    }
    response = client.post("/api/v1/host/events", json=new, headers=headers)
    assert response.status_code == 422, response.get_data(as_text=True)
    problem = as_problem(response)
    assert problem["code"] == code
    assert field in problem["errors"]["json"]
    assert db_session.scalar(sa.select(sa.func.count()).select_from(Event)) == 1


def test_past_start_is_saved_when_confirmed(client, setup, db_session):
    _event, headers = setup()
    db_session.commit()
    new = {
        "title": "Looking back",
        "timezone": "UTC",
        "starts_at": "2025-01-01T13:00:00Z",
        "ends_at": "2025-01-01T14:00:00Z",
        "confirm_past_start": True,
    }
    assert client.post("/api/v1/host/events", json=new, headers=headers).status_code == 201


def _text(message) -> str:
    """The message's plain text, with links to one registration or event made comparable."""
    body = message.get_body(("plain",)).get_content()
    return re.sub(r"https?://\S+", "<link>", body)


def test_an_update_through_the_api_sends_the_same_mail_as_the_editor(
    client,
    make_event,
    make_host,
    login,
    register,
    make_token,
    bearer,
    db_session,
    mailbox,
    deliver_and_clear,
    calendar_part,
    editor_form,
):
    host = make_host()
    by_editor, by_api = make_event(), make_event()
    by_editor.hosts, by_api.hosts = [host], [host]
    register(by_editor, email="ana@library.example.org", name="Ana Lima")
    register(by_api, email="ana@library.example.org", name="Ana Lima")
    headers = bearer(make_token(host))
    login(host)
    deliver_and_clear()

    editor = client.post(
        f"/host/events/{by_editor.id}/edit", data={**editor_form, "start_time": "16:00", "end_time": "17:00"}
    )  # noqa: E501
    assert editor.status_code == 303
    (from_editor,) = mailbox
    mailbox.clear()
    response = client.patch(
        f"/api/v1/host/events/{by_api.id}",
        json={"starts_at": "2025-01-30T21:00:00Z", "ends_at": "2025-01-30T22:00:00Z"},
        headers=headers,
    )
    assert response.status_code == 200, response.get_data(as_text=True)
    body = response.get_json()
    assert (body["changed"], body["invited"], body["promoted"]) == (["starts_at", "ends_at"], 1, [])
    assert body["event"]["time_line"] == "4:00 PM – 5:00 PM Eastern Standard Time, North America [UTC -5]"
    (from_api,) = mailbox

    assert str(from_api["Subject"]) == str(from_editor["Subject"])
    assert str(from_api["Subject"]).startswith("Updated:")
    assert _text(from_api) == _text(from_editor)
    assert from_api["To"] == from_editor["To"]
    api_ics = calendar_part(from_api).get_payload(decode=True).decode()
    editor_ics = calendar_part(from_editor).get_payload(decode=True).decode()
    strip = lambda ics: re.sub(r"(UID|DTSTAMP|URL|DESCRIPTION|X-ALT-DESC|ORGANIZER)[^\r\n]*(\r\n [^\r\n]*)*", "", ics)  # noqa: E731,E501
    assert strip(api_ics) == strip(editor_ics)
    assert "METHOD:REQUEST" in api_ics


def test_patch_keeps_what_it_does_not_name_and_raising_capacity_promotes(
    client, setup, register, db_session, mailbox, deliver_and_clear, make_topic
):
    topic = make_topic()
    event, headers = setup(capacity=1, topics=[topic], host_name="Ana")
    register(event)
    waiting = register(event)
    deliver_and_clear()
    response = client.patch(f"/api/v1/host/events/{event.id}", json={"capacity": 2, "summary": "New"}, headers=headers)
    assert response.status_code == 200, response.get_data(as_text=True)
    body = response.get_json()
    assert body["promoted"] == [waiting.id]
    assert body["event"]["topics"] == [{"slug": topic.slug, "name": topic.name}]
    assert (body["event"]["host_name"], body["event"]["summary"], body["event"]["capacity"]) == ("Ana", "New", 2)
    assert [m["To"].addresses[0].addr_spec for m in mailbox] == [waiting.email]
    lower = client.patch(f"/api/v1/host/events/{event.id}", json={"capacity": 0}, headers=headers)
    assert lower.status_code == 409
    assert lower.get_json()["code"] == "capacity_below_confirmed"
    cleared = client.patch(f"/api/v1/host/events/{event.id}", json={"host_name": None}, headers=headers)
    assert cleared.get_json()["event"]["host_name"] is None
    taken = client.patch(f"/api/v1/host/events/{event.id}", json={"slug": "on-demand"}, headers=headers)
    assert taken.status_code == 422
    assert taken.get_json()["code"] == "slug_reserved"
    assert db_session.get(Event, event.id).status == Status.PUBLISHED


def test_a_body_over_the_limit_is_a_413_problem(client, setup, db_session, as_problem):
    _event, headers = setup()
    db_session.commit()
    too_big = b'{"title": "' + b"x" * client.application.config["MAX_CONTENT_LENGTH"] + b'"}'
    response = client.post("/api/v1/host/events", data=too_big, headers={**headers, "Content-Type": "application/json"})
    assert response.status_code == 413
    assert as_problem(response)["code"] == "too_large"


def test_the_credit_rule_is_set_and_changed_as_the_editor_does_it(
    client, setup, register, db_session, mailbox, deliver_and_clear, as_problem
):
    _event, headers = setup()
    db_session.commit()
    new = {
        "title": "Readers' advisory",
        "timezone": "America/New_York",
        "starts_at": "2025-03-04T15:00:00Z",
        "ends_at": "2025-03-04T16:30:00Z",
        "contact_hours": "1.5",
        "credit_min_minutes": 60,
    }
    response = client.post("/api/v1/host/events", json=new, headers=headers)
    assert response.status_code == 201, response.get_data(as_text=True)
    made = response.get_json()
    assert (made["contact_hours"], made["certificate"], made["credit_min_minutes"]) == ("1.50", True, 60)
    event = db_session.get(Event, made["id"])
    assert (event.contact_hours, event.credit_min_minutes) == (Decimal("1.5"), 60)
    client.post(f"/api/v1/host/events/{event.id}/publish", headers=headers)
    register(event)
    deliver_and_clear()
    url = f"/api/v1/host/events/{event.id}"
    same = client.patch(url, json={"contact_hours": 1.5}, headers=headers)  # a number reads as well as a string
    assert same.get_json()["changed"] == []
    changed = client.patch(url, json={"contact_hours": "2", "credit_min_minutes": None}, headers=headers)
    body = changed.get_json()
    assert (body["changed"], body["invited"]) == (["contact_hours", "credit_min_minutes"], 0)
    assert (body["event"]["contact_hours"], body["event"]["credit_min_minutes"]) == ("2.00", None)
    assert mailbox == []  # mail queued by a request goes at its end (MAIL_DELIVERY "request"): none was
    # The minimum stays within the length when only the times change.
    client.patch(url, json={"credit_min_minutes": 60}, headers=headers)
    shorter = client.patch(url, json={"ends_at": "2025-03-04T15:45:00Z"}, headers=headers)
    assert shorter.status_code == 422
    assert "between 0 and 45 minutes" in as_problem(shorter)["errors"]["json"]["credit_min_minutes"][0]
    cleared = client.patch(url, json={"contact_hours": None}, headers=headers).get_json()["event"]
    assert (cleared["contact_hours"], cleared["certificate"]) == (None, False)


def test_a_patch_with_crlf_line_breaks_stores_lf_and_an_equal_text_changes_nothing(client, setup, db_session, clock):
    event, headers = setup(summary="Two lines\nof summary.", description="# A\n\n- b")
    db_session.commit()
    before = event.updated_at
    clock.advance(timedelta(minutes=5))
    same = {"summary": "Two lines\r\nof summary.", "description": "# A\r\n\r\n- b\r\n"}
    response = client.patch(f"/api/v1/host/events/{event.id}", json=same, headers=headers)
    assert response.status_code == 200, response.get_data(as_text=True)
    db_session.expire_all()
    assert (event.updated_at, event.summary, event.description) == (before, "Two lines\nof summary.", "# A\n\n- b")
    changed = client.patch(f"/api/v1/host/events/{event.id}", json={"description": "# A\r- c"}, headers=headers)
    assert changed.get_json()["event"]["description"] == "# A\n- c"
