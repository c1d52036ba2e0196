"""Idempotency-Key on the host API's POSTs: the same key and body answer the first answer again, and nothing
runs twice (no second registration, no second e-mail), even when both requests arrive at once."""

import threading
from datetime import timedelta

import pytest
import sqlalchemy as sa

from eventreg.api.models import IdempotentRequest
from eventreg.events.models import Event
from eventreg.registrations.models import Registration

PERSON = {"name": "Ada Reader", "email": "ada@library.example.org", "organization": "Springfield Library"}
NEW_EVENT = {
    "title": "Idempotent webinar",
    "timezone": "America/New_York",
    "starts_at": "2025-03-01T17:00:00Z",
    "ends_at": "2025-03-01T18:00:00Z",
}


@pytest.fixture
def writer(make_event, make_host, make_token, bearer, db_session):
    host = make_host()
    event = make_event()
    event.hosts = [host]
    db_session.commit()
    return event, host, bearer(make_token(host))


def count(db_session, model, *where) -> int:
    db_session.rollback()  # a fresh snapshot: the requests committed on their own connections
    return db_session.scalar(sa.select(sa.func.count()).select_from(model).where(*where))


def test_a_replayed_registration_answers_the_first_answer_and_creates_and_mails_nothing_more(
    client, writer, db_session, mailbox
):
    event, _host, headers = writer
    url = f"/api/v1/host/events/{event.id}/registrations"
    keyed = {**headers, "Idempotency-Key": "3f2c9a1e-registration"}
    first = client.post(url, headers=keyed, json=PERSON)
    assert first.status_code == 201, first.get_data(as_text=True)
    assert "Idempotent-Replayed" not in first.headers
    again = client.post(url, headers=keyed, json=PERSON)
    assert again.status_code == 201
    assert again.headers["Idempotent-Replayed"] == "true"
    assert again.get_json() == first.get_json()
    assert again.headers["Location"] == first.headers["Location"]
    assert count(db_session, Registration, Registration.event_id == event.id) == 1
    assert len(mailbox) == 1
    # Without a key, the same body is a new request: the address already holds a place.
    assert client.post(url, headers=headers, json=PERSON).status_code == 409


def test_the_same_key_with_another_body_or_path_is_a_422(client, writer, db_session, as_problem):
    event, _host, headers = writer
    url = f"/api/v1/host/events/{event.id}/registrations"
    keyed = {**headers, "Idempotency-Key": "key-1"}
    assert client.post(url, headers=keyed, json=PERSON).status_code == 201
    other = client.post(url, headers=keyed, json={**PERSON, "email": "bob@library.example.org"})
    assert other.status_code == 422
    assert as_problem(other)["code"] == "idempotency_key_reused"
    elsewhere = client.post("/api/v1/host/events", headers=keyed, json=NEW_EVENT)
    assert elsewhere.status_code == 422
    assert count(db_session, Registration, Registration.event_id == event.id) == 1
    assert count(db_session, Event, Event.title == NEW_EVENT["title"]) == 0


def test_keys_belong_to_one_token(client, writer, make_token, bearer, db_session):
    _event, host, headers = writer
    other_token = bearer(make_token(host, name="Second website"))
    for token_headers in (headers, other_token):
        response = client.post("/api/v1/host/events", headers={**token_headers, "Idempotency-Key": "k"}, json=NEW_EVENT)
        assert response.status_code == 201
        assert "Idempotent-Replayed" not in response.headers
    assert count(db_session, Event, Event.title == NEW_EVENT["title"]) == 2


def test_a_refused_request_keeps_no_answer_so_the_key_can_be_sent_again(client, writer, db_session):
    event, _host, headers = writer
    url = f"/api/v1/host/events/{event.id}/registrations"
    keyed = {**headers, "Idempotency-Key": "retry-me"}
    assert client.post(url, headers=keyed, json={**PERSON, "email": "not an address"}).status_code == 422
    assert count(db_session, IdempotentRequest) == 0
    assert client.post(url, headers=keyed, json=PERSON).status_code == 201


def test_a_key_in_flight_is_a_409(client, writer, db_session, clock, as_problem):
    event, _host, headers = writer
    url = f"/api/v1/host/events/{event.id}/registrations"
    first = client.post(url, headers={**headers, "Idempotency-Key": "slow"}, json=PERSON)
    assert first.status_code == 201
    # As the row stands while its request runs: claimed, no answer yet.
    db_session.execute(sa.update(IdempotentRequest).values(status=None, body=None, location=None))
    db_session.commit()
    response = client.post(url, headers={**headers, "Idempotency-Key": "slow"}, json=PERSON)
    assert response.status_code == 409
    assert as_problem(response)["code"] == "idempotency_key_in_use"


def test_keys_expire_after_24_hours_and_are_purged(client, writer, db_session, clock):
    _event, _host, headers = writer
    keyed = {**headers, "Idempotency-Key": "daily"}
    assert client.post("/api/v1/host/events", headers=keyed, json=NEW_EVENT).status_code == 201
    clock.advance(timedelta(hours=23))
    assert client.post("/api/v1/host/events", headers=keyed, json=NEW_EVENT).headers["Idempotent-Replayed"] == "true"
    clock.advance(timedelta(hours=2))
    again = client.post("/api/v1/host/events", headers=keyed, json=NEW_EVENT)
    assert again.status_code == 201
    assert "Idempotent-Replayed" not in again.headers
    assert count(db_session, Event, Event.title == NEW_EVENT["title"]) == 2
    assert count(db_session, IdempotentRequest) == 1  # the expired row went when the key came again


@pytest.mark.parametrize("key", ["", "k" * 256])
def test_a_key_must_have_1_to_255_characters(client, writer, as_problem, key):
    _event, _host, headers = writer
    response = client.post("/api/v1/host/events", headers={**headers, "Idempotency-Key": key}, json=NEW_EVENT)
    assert response.status_code == 400
    assert as_problem(response)["code"] == "invalid_header"
    ok = client.post("/api/v1/host/events", headers={**headers, "Idempotency-Key": "k" * 255}, json=NEW_EVENT)
    assert ok.status_code == 201


def test_two_simultaneous_requests_with_one_key_run_once(app, writer, db_session, mailbox):
    event, _host, headers = writer
    url = f"/api/v1/host/events/{event.id}/registrations"
    keyed = {**headers, "Idempotency-Key": "at-once"}
    start = threading.Barrier(4)
    answers = []

    def send():
        client = app.test_client()
        start.wait()
        response = client.post(url, headers=keyed, json=PERSON)
        answers.append((response.status_code, response.headers.get("Idempotent-Replayed")))

    threads = [threading.Thread(target=send) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert [answer for answer in answers if answer == (201, None)] == [(201, None)]
    assert {status for status, _ in answers} <= {201, 409}
    assert count(db_session, Registration, Registration.event_id == event.id) == 1
    assert len(mailbox) == 1


def test_post_operations_document_the_header(app):
    spec = app.extensions["eventreg.api"].spec.to_dict()
    for path, operations in spec["paths"].items():
        for method, operation in operations.items():
            if method == "parameters":
                continue
            names = {p["name"] for p in operation.get("parameters", []) if p.get("in") == "header"}
            assert ("Idempotency-Key" in names) == (method == "post" and path.startswith("/api/v1/host/")), path
