"""Answers in the host API's registration objects: in the order asked, as given, with the question's id until it is
deleted. (tests/api/test_openapi.py checks every answer against the document, webhooks included.)"""

import pytest

from eventreg.api import operations as api_operations
from eventreg.questions import operations, rules


@pytest.fixture
def api(make_event, make_host, db_session, clock):
    """An event hosted by a host with a read token: (event, headers)."""
    host = make_host()
    event = make_event()
    event.hosts = [host]
    _token, secret = api_operations.create_token(host, name="Site", can_write=False, now=clock.now())
    return event, {"Authorization": f"Bearer {secret}"}


def test_registrations_carry_their_answers(client, api, make_question, register, db_session, option_id):
    event, headers = api
    kind = make_question(event, type="multiple_choice", label="Library type")
    count = make_question(event, type="number", label="Colleagues")
    ana = register(event, answers=[rules.read_answer(kind, [option_id(kind, "Public"), option_id(kind, "School")]),
                                   rules.read_answer(count, "2")])  # fmt: skip
    ben = register(event, answers=[])
    db_session.commit()
    expected = [
        {"question_id": kind.id, "label": "Library type", "type": "multiple_choice", "value": "Public; School",
         "choices": ["Public", "School"]},
        {"question_id": count.id, "label": "Colleagues", "type": "number", "value": "2", "choices": []},
    ]  # fmt: skip
    one = client.get(f"/api/v1/host/events/{event.id}/registrations/{ana.id}", headers=headers)
    assert one.status_code == 200
    assert one.get_json()["answers"] == expected
    listed = client.get(f"/api/v1/host/events/{event.id}/registrations", headers=headers).get_json()["registrations"]
    assert {r["id"]: r["answers"] for r in listed} == {ana.id: expected, ben.id: []}


def test_an_answer_to_a_deleted_question_stays_with_no_question_id(client, api, make_question, register, db_session):
    event, headers = api
    state = make_question(event, label="State")
    ana = register(event, answers=[rules.read_answer(state, "Ohio")])
    operations.remove_from_event(event, state)
    db_session.commit()
    [kept] = client.get(f"/api/v1/host/events/{event.id}/registrations/{ana.id}", headers=headers).get_json()["answers"]
    assert kept == {"question_id": None, "label": "State", "type": "short_text", "value": "Ohio", "choices": []}


def test_the_document_describes_answers(client):
    schemas = client.get("/api/v1/openapi.json").get_json()["components"]["schemas"]
    answers = schemas["Registration"]["properties"]["answers"]
    assert "answers" in schemas["Registration"]["required"]
    assert answers["items"] == {"$ref": "#/components/schemas/Answer"}
    assert set(schemas["Answer"]["required"]) == {"question_id", "label", "type", "value", "choices"}
    assert "answers" in schemas["WebhookRegistration"]["required"]
