"""What a read-write token holder can send that no field can hold: a lone surrogate, JSON nested 50,000 deep, a
5,000-digit integer, a NUL, NaN. Every write endpoint answers 400 with a problem document saying what was wrong,
never a 500, and nothing is logged as an error; the same values in a query string or a cursor are 4xx too."""

import base64
import logging
from datetime import timedelta

import pytest
import sqlalchemy as sa

from eventreg.events.models import Event
from eventreg.registrations.models import Registration

NEW_EVENT = (
    '{"title": %s, "timezone": "Europe/Berlin", "starts_at": "2025-03-04T14:00:00+01:00", '
    '"ends_at": "2025-03-04T15:00:00+01:00", "capacity": %s}'
)
MINUTES = '{"minutes": %s}'
MARK = '{"attended": true, "note": %s}'  # an unknown field: refused when read, before the schema would say so
PERSON = '{"name": %s, "email": "ana@library.example.org", "organization": "Library", "job_role": "x"}'
# (label, string value, integer value, what the detail says): each body is otherwise valid.
HOSTILE_VALUES = [
    ("lone surrogate", '"Zines \\ud800"', "10", "lone surrogate (\\ud800)"),
    ("low surrogate", '"\\udfff"', "10", "lone surrogate (\\udfff)"),
    ("NUL", '"Zines\\u0000"', "10", "NUL character"),
    ("5,000 digits", '"Zines"', "9" * 5000, "more than 30 digits"),
    ("negative 5,000 digits", '"Zines"', "-" + "9" * 5000, "more than 30 digits"),
    ("50,000 deep", '"Zines"', "[" * 50_000 + "]" * 50_000, "deeper than 32 levels"),
    ("40 deep", '"Zines"', "[" * 40 + "]" * 40, "deeper than 32 levels"),
    ("NaN", '"Zines"', "NaN", "NaN is not a JSON number"),
]
WHOLE_BODIES = [
    ("surrogate key", '{"\\ud800": 1}', "lone surrogate"),
    ("50,000 deep body", "[" * 50_000 + "]" * 50_000, "deeper than 32 levels"),
    ("50,000 deep objects", '{"a":' * 50_000 + "1" + "}" * 50_000, "deeper than 32 levels"),
    ("not UTF-8", b'{"title": "\xff\xfe"}', "not UTF-8"),
    ("not JSON", "{not json", "not JSON"),
]


@pytest.fixture
def started(make_event, make_host, make_token, bearer, register, clock, db_session):
    """A started event hosted by a host with a read-write token, with one confirmed registrant."""
    host = make_host()
    event = make_event()
    event.hosts = [host]
    person = register(event)
    headers = {**bearer(make_token(host)), "Content-Type": "application/json"}
    clock.advance(timedelta(days=15, hours=3))  # the event has started: attendance may be recorded
    db_session.commit()
    base = f"/api/v1/host/events/{event.id}"
    return event, person, headers, base


def write_requests(base: str, person_id: int, text: str, number: str) -> list[tuple[str, str, str]]:
    """(method, url, body) for every write endpoint that reads a body, carrying the value."""
    return [
        ("POST", "/api/v1/host/events", NEW_EVENT % (text, number)),
        ("PATCH", base, NEW_EVENT % (text, number)),
        ("POST", f"{base}/registrations", PERSON % text),
        ("PUT", f"{base}/registrations/{person_id}/attendance", MINUTES % number),
        ("PUT", f"{base}/registrations/{person_id}/attendance", MARK % text),
    ]


def assert_refused(response, as_problem, says: str) -> None:
    assert response.status_code == 400, response.get_data(as_text=True)[:300]
    problem = as_problem(response)
    assert problem["code"] == "invalid_json"
    assert says in problem["detail"], problem["detail"]


@pytest.mark.parametrize(("label", "text", "number", "says"), HOSTILE_VALUES, ids=[v[0] for v in HOSTILE_VALUES])
def test_every_write_endpoint_refuses_a_value_no_field_can_hold_with_400(
    client, started, as_problem, db_session, caplog, label, text, number, says
):
    event, person, headers, base = started
    changed = [(method, url) for method, url, body in write_requests(base, person.id, text, number) if body]
    refusable = [
        (method, url, body)
        for method, url, body in write_requests(base, person.id, text, number)
        if (text != '"Zines"' and text in body) or (number != "10" and number in body)
    ]
    assert len(refusable) >= 2, changed  # each case reaches more than one endpoint
    with caplog.at_level(logging.WARNING):
        for method, url, body in refusable:
            assert_refused(client.open(url, method=method, data=body, headers=headers), as_problem, says)
    assert [r for r in caplog.records if r.levelno >= logging.ERROR] == []
    db_session.rollback()
    assert db_session.scalar(sa.select(sa.func.count()).select_from(Event)) == 1  # nothing was made
    assert db_session.scalar(sa.select(sa.func.count()).select_from(Registration)) == 1
    assert db_session.get(Event, event.id).title != "Zines"  # nor changed
    assert db_session.get(Registration, person.id).minutes_attended is None


@pytest.mark.parametrize(("label", "body", "says"), WHOLE_BODIES, ids=[b[0] for b in WHOLE_BODIES])
def test_every_write_endpoint_refuses_an_unreadable_body_with_400(
    client, started, as_problem, caplog, label, body, says
):
    _event, person, headers, base = started
    with caplog.at_level(logging.WARNING):
        for method, url, _ in write_requests(base, person.id, '""', "1"):
            assert_refused(client.open(url, method=method, data=body, headers=headers), as_problem, says)
    assert [r for r in caplog.records if r.levelno >= logging.ERROR] == []


def test_whole_surrogate_pairs_and_long_but_bounded_numbers_are_still_read(client, started, as_problem, db_session):
    _event, _person, headers, _base = started
    made = client.post("/api/v1/host/events", data=NEW_EVENT % ('"Zines \\ud83d\\udcda"', "10"), headers=headers)
    assert made.status_code == 201, made.get_data(as_text=True)
    assert made.get_json()["title"] == "Zines \N{BOOKS}"
    # 30 digits is read, and then the schema's range refuses it as any too-large capacity: 422 on the field.
    big = client.post("/api/v1/host/events", data=NEW_EVENT % ('"Zines"', "9" * 30), headers=headers)
    assert big.status_code == 422
    assert "capacity" in as_problem(big)["errors"]["json"]


def deep_cursor(depth: int) -> str:
    return base64.urlsafe_b64encode(("[" * depth + "]" * depth).encode()).decode().rstrip("=")


@pytest.mark.parametrize(
    "query",
    [
        "limit=" + "9" * 5000,
        "limit=%ED%A0%80",  # a surrogate's UTF-8 form: not UTF-8, read as replacement characters
        "cursor=" + deep_cursor(70),  # cursors are at most 200 characters
        "cursor=" + base64.urlsafe_b64encode(b"[" + b"9" * 140 + b"]").decode(),
        "cursor=" + base64.urlsafe_b64encode(b'["\\ud800", 1]').decode(),
        "status=%ED%A0%80",
    ],
    ids=[
        "5,000-digit limit",
        "surrogate limit",
        "70-deep cursor",
        "140-digit cursor",
        "surrogate cursor",
        "surrogate status",
    ],
)
def test_hostile_query_parameters_are_4xx_problems(client, started, as_problem, caplog, query):
    _event, _person, headers, base = started
    refused = 0
    with caplog.at_level(logging.WARNING):
        for url in ("/api/v1/events", "/api/v1/host/events", f"{base}/registrations"):
            response = client.get(f"{url}?{query}", headers=headers)
            assert response.status_code in (200, 400, 422), (url, response.get_data(as_text=True)[:300])
            if response.status_code != 200:  # a parameter the list does not take is ignored
                as_problem(response)
            refused += response.status_code != 200
    assert refused >= 1  # some list reads the parameter, and refuses it
    assert [r for r in caplog.records if r.levelno >= logging.ERROR] == []
