"""The editor and the API refuse the same event input by the same rule (events.rules), each on its own field,
with the same words."""

import html
import re

import pytest
import sqlalchemy as sa

from eventreg.api import problems
from eventreg.events.models import Event
from eventreg.events.rules import EventError

# The editor's 3-4 PM New York webinar of 30 January 2025 (conftest's editor_form), as the API is sent it.
API_EVENT = {
    "title": "Building community connections by hiring for cultural knowledge",
    "timezone": "America/New_York",
    "starts_at": "2025-01-30T20:00:00Z",
    "ends_at": "2025-01-30T21:00:00Z",
}

CASES = {
    "ends_before_start": ({"end_time": "14:00"}, "end_time", {"ends_at": "2025-01-30T19:00:00Z"}, "ends_at"),
    "too_long": (
        {"end_date": "2025-02-13", "end_time": "15:01"},
        "end_time",
        {"ends_at": "2025-02-13T20:01:00Z"},
        "ends_at",
    ),
    "deadline_after_start": (
        {"deadline_date": "2025-01-30", "deadline_time": "15:01"},
        "deadline_time",
        {"registration_deadline_at": "2025-01-30T20:01:00Z"},
        "registration_deadline_at",
    ),
    "bad_capacity": ({"capacity": "100001"}, "capacity", {"capacity": 100_001}, "capacity"),
    "bad_reminder_hours": ({"reminder_hours": "1000"}, "reminder_hours", {"reminder_hours": "1000"}, "reminder_hours"),
    "too_many_reminders": (
        {"reminder_hours": ",".join(["10"] * 14)},
        "reminder_hours",
        {"reminder_hours": ",".join(["10"] * 14)},
        "reminder_hours",
    ),
    "bad_contact_hours": ({"contact_hours": "1.255"}, "contact_hours", {"contact_hours": "1.255"}, "contact_hours"),
    "bad_minutes": (
        {"credit_min_minutes": "61"},
        "credit_min_minutes",
        {"credit_min_minutes": 61},
        "credit_min_minutes",
    ),
}


@pytest.fixture
def host_with_token(make_host, login, make_token, bearer, db_session):
    """A host signed in to the editor, and the headers of their read-write token."""
    host = login(make_host())
    return bearer(make_token(host))


def _field_errors(response, field: str) -> list[str]:
    page = html.unescape(response.get_data(as_text=True))
    return [message for _n, message in re.findall(rf'id="{field}-error-(\d+)">([^<]*)</p>', page)]


@pytest.mark.parametrize("code", list(CASES))
def test_the_editor_and_the_api_refuse_the_same_input_on_the_field_it_concerns(
    client, host_with_token, editor_form, as_problem, db_session, code
):
    form_changes, form_field, api_changes, api_field = CASES[code]
    edited = client.post("/host/events/new", data={**editor_form, **form_changes})
    assert edited.status_code == 400
    by_api = client.post("/api/v1/host/events", json={**API_EVENT, **api_changes}, headers=host_with_token)
    assert by_api.status_code == 422, by_api.get_data(as_text=True)
    problem = as_problem(by_api)
    # A rule across fields names itself (and the document lists it under the operation's x-refusals).
    assert problem["code"] == (code if code in problems.BEYOND_SCHEMA else "invalid_input")
    (api_message,) = problem["errors"]["json"][api_field]
    (form_message,) = _field_errors(edited, form_field)
    assert api_message.startswith(rules_message(code))
    assert form_message.startswith(api_message)  # the editor may add what to do in its own fields
    assert db_session.scalar(sa.select(sa.func.count()).select_from(Event)) == 0


def rules_message(code: str) -> str:
    return EventError(code, limit=60).message


@pytest.mark.parametrize(
    ("form_changes", "api_changes"),
    [
        ({"end_date": "2025-02-13", "end_time": "15:00"}, {"ends_at": "2025-02-13T20:00:00Z"}),  # exactly 14 days
        (
            {"deadline_date": "2025-01-30", "deadline_time": "15:00"},  # registration closes at the start
            {"registration_deadline_at": "2025-01-30T20:00:00Z"},
        ),
        ({"capacity": "100000"}, {"capacity": 100_000}),
        ({"capacity": "0"}, {"capacity": 0}),
        ({"reminder_hours": "999, 0"}, {"reminder_hours": "999, 0"}),
        ({"reminder_hours": ""}, {"reminder_hours": ""}),  # no reminders
        ({"credit_min_minutes": "60"}, {"credit_min_minutes": 60}),
    ],
)
def test_the_editor_and_the_api_accept_the_same_edges(
    client, host_with_token, editor_form, db_session, form_changes, api_changes
):
    assert client.post("/host/events/new", data={**editor_form, **form_changes}).status_code == 303
    by_api = client.post("/api/v1/host/events", json={**API_EVENT, **api_changes}, headers=host_with_token)
    assert by_api.status_code == 201, by_api.get_data(as_text=True)


def test_an_event_may_span_both_occurrences_of_a_repeated_hour_through_the_api(client, host_with_token, db_session):
    # 1:30 AM EDT to 1:30 AM EST on New York's fall-back night: the same wall-clock time, an hour apart.
    made = client.post(
        "/api/v1/host/events",
        json={**API_EVENT, "starts_at": "2025-11-02T01:30:00-04:00", "ends_at": "2025-11-02T01:30:00-05:00"},
        headers=host_with_token,
    )
    assert made.status_code == 201, made.get_data(as_text=True)
    assert (made.get_json()["starts_at"], made.get_json()["ends_at"]) == (
        "2025-11-02T05:30:00Z",
        "2025-11-02T06:30:00Z",
    )
