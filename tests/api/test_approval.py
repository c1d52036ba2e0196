"""Approval through the API: the event's requires_approval field (with the editor's rule for turning it off), the
pending and declined statuses in lists, counts and filters, and the approve and decline operations, which send the
same mail as the host pages."""

import pytest

from eventreg.registrations import operations


@pytest.fixture
def setup(make_event, make_host, make_token, bearer):
    """An event requiring approval, hosted by a host with a token (read-write unless write=False): (event,
    headers)."""

    def make(write: bool = True, host_email: str = "host@library.example.org", **fields):
        host = make_host(host_email)
        event = make_event(requires_approval=True, **fields)
        event.hosts = [host]
        return event, bearer(make_token(host, write=write))

    return make


def registrations_url(event) -> str:
    return f"/api/v1/host/events/{event.id}/registrations"


def test_the_event_says_it_requires_approval_and_counts_those_pending(client, setup, register, db_session):
    event, headers = setup(capacity=3)
    ana, ben = register(event), register(event)
    operations.decline_one(ben, now=ben.created_at)
    db_session.commit()
    shown = client.get(f"/api/v1/host/events/{event.id}", headers=headers).get_json()
    assert shown["requires_approval"] is True
    assert shown["seats_left"] == 3  # pending takes no seat
    assert shown["registrations"] == {"confirmed": 0, "waiting": 0, "pending": 1, "declined": 1, "cancelled": 0}
    assert client.get(f"/api/v1/events/{event.slug}").get_json()["requires_approval"] is True
    listed = client.get(f"{registrations_url(event)}?status=pending", headers=headers).get_json()["registrations"]
    assert [(r["id"], r["status"], r["waiting_position"]) for r in listed] == [(ana.id, "pending", None)]
    declined = client.get(f"{registrations_url(event)}/{ben.id}", headers=headers).get_json()
    assert (declined["status"], declined["declined_at"]) == ("declined", "2025-01-15T17:00:00Z")


def test_approve_gives_a_seat_or_the_waiting_list_and_mails_once(client, setup, register, deliver_and_clear, mailbox):
    event, headers = setup(capacity=1)
    ana, ben = register(event), register(event)
    deliver_and_clear()
    first = client.post(f"{registrations_url(event)}/{ana.id}/approve", headers=headers, json={"note": "Welcome!"})
    assert first.status_code == 200, first.get_data(as_text=True)
    assert (first.get_json()["status"], first.get_json()["waiting_position"]) == ("confirmed", None)
    second = client.post(f"{registrations_url(event)}/{ben.id}/approve", headers=headers)  # no body: no note
    assert (second.get_json()["status"], second.get_json()["waiting_position"]) == ("waiting", 1)
    subjects = sorted(message["Subject"].split(":")[0] for message in mailbox)
    assert subjects == ["Approved — you’re on the waiting list", "Approved — you’re registered"]
    mailbox.clear()
    again = client.post(f"{registrations_url(event)}/{ana.id}/approve", headers=headers)
    assert again.status_code == 409
    assert again.get_json()["code"] == "cannot_approve"
    assert mailbox == []


def test_decline_mails_the_note_and_refuses_what_is_not_pending(
    client, setup, register, deliver_and_clear, mailbox, as_problem
):
    event, headers = setup(capacity=5)
    ana, ben = register(event), register(event)
    operations.approve_one(ben, now=ben.created_at)
    deliver_and_clear()
    declined = client.post(
        f"{registrations_url(event)}/{ana.id}/decline", headers=headers, json={"note": "Members only.\r\nSorry."}
    )
    assert declined.status_code == 200
    assert declined.get_json()["status"] == "declined"
    [message] = mailbox
    assert "Members only.\r\nSorry." in message.get_body(("plain",)).get_content()  # LF stored, CRLF on the wire
    refused = client.post(f"{registrations_url(event)}/{ben.id}/decline", headers=headers)
    assert (refused.status_code, as_problem(refused)["code"]) == (409, "cannot_decline")


@pytest.mark.parametrize(
    ("body", "status"),
    [({"note": "x" * 1001}, 422), ({"note": None}, 422), ({"note": "ok", "extra": 1}, 422), ({"note": 5}, 422)],
)
def test_a_bad_note_is_refused_and_nothing_is_decided(client, setup, register, db_session, body, status):
    event, headers = setup()
    ana = register(event)
    db_session.commit()
    response = client.post(f"{registrations_url(event)}/{ana.id}/approve", headers=headers, json=body)
    assert response.status_code == status
    db_session.expire_all()
    assert client.get(f"{registrations_url(event)}/{ana.id}", headers=headers).get_json()["status"] == "pending"


def test_only_a_read_write_token_of_the_events_host_decides(client, setup, register, db_session):
    event, read_only = setup(write=False)
    ana = register(event)
    _, other_headers = setup(title="Someone else's", host_email="other@library.example.org")
    db_session.commit()
    assert client.post(f"{registrations_url(event)}/{ana.id}/approve", headers=read_only).status_code == 403
    assert client.post(f"{registrations_url(event)}/{ana.id}/decline", headers=other_headers).status_code == 404


def test_turning_approval_off_with_pending_registrations_is_a_409_and_changes_nothing(
    client, setup, register, db_session, as_problem
):
    event, headers = setup()
    ana = register(event)
    db_session.commit()
    refused = client.patch(
        f"/api/v1/host/events/{event.id}", headers=headers, json={"requires_approval": False, "title": "Renamed"}
    )
    assert refused.status_code == 409
    problem = as_problem(refused)
    assert problem["code"] == "pending_left"
    assert problem["detail"].startswith("1 registration still awaits your approval.")
    shown = client.get(f"/api/v1/host/events/{event.id}", headers=headers).get_json()
    assert (shown["requires_approval"], shown["title"]) == (True, event.title)
    assert client.post(f"{registrations_url(event)}/{ana.id}/decline", headers=headers).status_code == 200
    turned_off = client.patch(f"/api/v1/host/events/{event.id}", headers=headers, json={"requires_approval": False})
    assert turned_off.status_code == 200
    assert turned_off.get_json()["changed"] == ["requires_approval"]


def test_a_host_adding_someone_through_the_api_needs_no_approval(client, setup, db_session):
    event, headers = setup(capacity=5)
    db_session.commit()
    person = {"name": "Ada", "email": "ada@example.org", "organization": "Lib"}
    added = client.post(registrations_url(event), headers=headers, json=person)
    assert added.get_json()["status"] == "confirmed"


def test_a_new_event_through_the_api_can_require_approval(client, make_host, make_token, bearer, clock):
    headers = bearer(make_token(make_host()))
    body = {
        "title": "Approved readers only",
        "timezone": "UTC",
        "starts_at": "2025-02-01T15:00:00Z",
        "ends_at": "2025-02-01T16:00:00Z",
        "requires_approval": True,
    }
    created = client.post("/api/v1/host/events", headers=headers, json=body)
    assert created.status_code == 201
    assert created.get_json()["requires_approval"] is True
    plain = client.post("/api/v1/host/events", headers=headers, json={**body, "requires_approval": None})
    assert plain.status_code == 422  # a boolean, not null
