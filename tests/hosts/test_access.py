"""Attendee data is personal: every host route, for anonymous visitors, other hosts, the owner and an admin."""

from hashlib import sha256

import pytest

GET_ROUTES = [
    "/host/events/{id}/edit",
    "/host/events/{id}/preview",
    "/host/events/{id}/attendees",
    "/host/events/{id}/attendees.csv",
    "/host/events/{id}/messages",
    "/host/events/{id}/messages/new",
    "/host/events/{id}/confirm-cancel",
    "/host/events/{id}/attendees/{rid}/confirm-cancel",
]
POST_ROUTES = [
    ("/host/events/{id}/publish", {}),
    ("/host/events/{id}/unpublish", {}),
    ("/host/events/{id}/duplicate", {}),
    ("/host/events/{id}/cancel", {}),
    ("/host/events/{id}/attendees/{rid}/promote", {}),
    ("/host/events/{id}/attendees/{rid}/cancel", {}),
    ("/host/events/{id}/attendance", {"mark": "attended", "registration": "{rid}"}),
    ("/host/events/{id}/attendees/add", {"name": "X", "email": "x@library.example.org", "organization": "Y"}),
    # "Send" as it comes from a preview of this very message (the form's fingerprint of audience, subject, body,
    # reply-to and time).
    (
        "/host/events/{id}/messages/new",
        {
            "audience": "confirmed",
            "subject": "Hi",
            "body": "Hello",
            "reply_to": "owner@library.example.org",
            "when": "now",
            "send_zone": "America/New_York",
            "action": "send",
            "previewed": sha256(b"confirmed\0Hi\0Hello\0owner@library.example.org\0now").hexdigest(),
        },
    ),
]
ROLES = ["anonymous", "other_host", "owner", "admin"]


@pytest.fixture
def setup(make_event, make_host, register, db_session):
    owner = make_host("owner@library.example.org")
    other = make_host("other@library.example.org")
    admin = make_host("admin@library.example.org", admin=True)
    event = make_event(capacity=1)
    event.hosts = [owner]
    register(event)
    waiting = register(event)
    db_session.commit()
    return {"owner": owner, "other_host": other, "admin": admin, "event": event, "registration": waiting}


def sign_in_as(role, setup, login):
    if role != "anonymous":
        login(setup[role])


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("route", GET_ROUTES)
def test_get_routes(client, login, setup, role, route):
    sign_in_as(role, setup, login)
    response = client.get(route.format(id=setup["event"].id, rid=setup["registration"].id))
    expected = {"anonymous": 302, "other_host": 404, "owner": 200, "admin": 200}[role]
    assert response.status_code == expected
    if role == "anonymous":
        assert "/host/login" in response.headers["Location"]
    if role == "other_host":
        assert setup["registration"].email not in response.get_data(as_text=True)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("route", "data"), POST_ROUTES)
def test_post_routes(client, login, setup, role, route, data):
    sign_in_as(role, setup, login)
    ids = {"id": setup["event"].id, "rid": setup["registration"].id}
    form = {key: value.format(**ids) for key, value in data.items()}
    response = client.post(route.format(**ids), data=form)
    # The event is full, so a promotion the access check lets through is refused: 409, the list with the reason.
    allowed = 409 if route.endswith("/promote") else 303
    expected = {"anonymous": 302, "other_host": 404, "owner": allowed, "admin": allowed}[role]
    assert response.status_code == expected, response.get_data(as_text=True)[:500]


@pytest.mark.parametrize("role", ROLES)
def test_dashboard_shows_only_managed_events(client, login, setup, make_event, role):
    make_event(title="Someone else's event")
    sign_in_as(role, setup, login)
    response = client.get("/host/")
    if role == "anonymous":
        assert response.status_code == 302
        return
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert (setup["event"].title in html) == (role in ("owner", "admin"))
    assert ("Someone else&#39;s event" in html) == (role == "admin")


def test_registration_of_another_event_is_404_even_for_its_owner(client, login, setup, make_event, register):
    other_event = make_event(title="Other")
    stranger = register(other_event)
    login(setup["owner"])
    url = f"/host/events/{setup['event'].id}/attendees/{stranger.id}/cancel"
    assert client.post(url).status_code == 404
    assert stranger.is_waiting or stranger.is_confirmed


def test_attendance_report_lists_only_managed_events(client, login, setup, make_event, clock):
    make_event(title="Not yours")
    clock.advance(days=60)
    login(setup["owner"])
    body = client.get("/host/attendance.csv").get_data().decode("utf-8-sig")
    assert setup["event"].title in body
    assert "Not yours" not in body
