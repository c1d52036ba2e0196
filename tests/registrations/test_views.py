import re
from datetime import timedelta

import icalendar
import pytest
import sqlalchemy as sa

from eventreg.mail.models import OutboxMessage
from eventreg.registrations import tokens
from eventreg.registrations.models import Registration


def registrations(db_session) -> list[Registration]:
    return list(db_session.scalars(sa.select(Registration).order_by(Registration.id)))


def test_registration_page_shows_the_event_the_form_and_seats_left(client, make_event, register, text_of):
    event = make_event(capacity=12)
    register(event)
    assert "11 seats left" in text_of(client.get(f"/events/{event.slug}"))
    response = client.get(f"/events/{event.slug}/register")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "private, no-store"
    assert f'action="/events/{event.slug}/register"' in html
    assert 'name="csrf_token"' in html or not client.application.config["WTF_CSRF_ENABLED"]
    page = text_of(response)
    assert f"Register: {event.title}" in page
    assert "Time: 3:00 PM – 4:00 PM Eastern Standard Time" in page
    assert "11 seats left" in page
    for label in (
        "Your name",
        "Email address",
        "Library or organization",
        "Accessibility request",
        "Email me when the recording is posted",
    ):
        assert label in html


def test_full_event_invites_to_the_waiting_list(client, make_event, register, text_of):
    event = make_event(capacity=1)
    register(event)
    for url in (f"/events/{event.slug}", f"/events/{event.slug}/register"):
        page = text_of(client.get(url))
        assert "Full — join the waiting list" in page
        assert "Join the waiting list" in page


def test_register_answers_check_your_email_and_mails_the_link_and_the_join_link(
    client, make_event, db_session, mailbox, text_of, post_registration, mailed_path
):
    event = make_event(join_url="https://meet.example.org/j/secret-room")
    response = post_registration(event)
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "private, no-store"
    page = text_of(response)
    assert "Check your email" in page
    assert f"We’ve sent the details for {event.title} to ana@library.example.org" in page
    assert "/r/" not in response.get_data(as_text=True)
    assert "secret-room" not in response.get_data(as_text=True)
    registration = registrations(db_session)[0]
    assert registration.name == "Ana Lima"
    assert registration.wants_recording
    assert registration.accessibility == "captions"
    assert len(mailbox) == 1
    assert mailbox[0]["To"].addresses[0].addr_spec == "ana@library.example.org"
    assert db_session.scalar(sa.select(OutboxMessage.sent_at)) is not None
    manage = text_of(client.get(mailed_path()))
    assert "You’re registered" in manage
    assert "https://meet.example.org/j/secret-room" in manage
    assert "Time: 3:00 PM – 4:00 PM Eastern Standard Time, North America [UTC -5]" in manage
    assert "Your time: 9:00 PM – 10:00 PM Central European Standard Time, Europe [UTC +1]" in manage
    assert "Add to calendar (.ics)" in manage


def test_waiting_list_page_shows_position_and_no_join_link(
    client, make_event, register, text_of, post_registration, mailed_path
):
    event = make_event(capacity=1, join_url="https://meet.example.org/j/secret-room")
    register(event)
    register(event)
    answer = post_registration(event)
    assert "position" not in text_of(answer)  # the same answer as for an address already waiting
    response = client.get(mailed_path(answer))
    page = text_of(response)
    assert "You’re on the waiting list, position 2" in page
    assert "secret-room" not in response.get_data(as_text=True)


def _answer(response) -> tuple:
    """What whoever sent the form can see of the answer: status, the headers that are not per-response
    bookkeeping, and the page (its CSRF token aside, which changes with the session and not the address)."""
    headers = sorted((k, v) for k, v in response.headers.items() if k not in ("Date", "Set-Cookie"))
    html = re.sub(r'name="csrf_token"[^>]*>', "", response.get_data(as_text=True))
    return response.status_code, headers, html


@pytest.mark.parametrize("state", ["confirmed", "waiting", "cancelled_then_registered_again"])
def test_a_stranger_cannot_tell_a_new_address_from_one_holding_a_place(
    client, make_event, register, db_session, mailbox, deliver_and_clear, clock, post_registration, state
):
    """Two visitors type two addresses into the same form: one new, one holding a place (confirmed, waiting, or
    registered again after cancelling). The answers are byte for byte the same but for the address typed."""
    event = make_event(capacity=1 if state == "waiting" else None, join_url="https://meet.example.org/j/secret-room")
    if state == "waiting":
        register(event, email="seat@library.example.org")
    held = register(event, email="held@library.example.org", name="Ana")
    if state == "cancelled_then_registered_again":
        from eventreg.registrations import operations

        operations.cancel_registration(held, now=clock.now())
        register(event, email="held@library.example.org", name="Ana")
    deliver_and_clear()
    clock.advance(timedelta(minutes=16))  # past the resend interval: the holder is mailed again
    new = post_registration(event, email="anna@library.example.org", form_key="form-of-new")
    again = post_registration(event, email="held@library.example.org", form_key="form-of-held", name="Mallory")
    new_answer, again_answer = _answer(new), _answer(again)
    assert new_answer[0] == again_answer[0] == 200
    assert new_answer[1] == again_answer[1]
    assert new_answer[2].replace("anna@library.example.org", "ADDRESS") == again_answer[2].replace(
        "held@library.example.org", "ADDRESS"
    )
    # Each address got its mail; the holder's registration kept what its owner typed.
    assert sorted(m["To"].addresses[0].addr_spec for m in mailbox) == [
        "anna@library.example.org",
        "held@library.example.org",
    ]
    held_mail = next(m for m in mailbox if "held@" in m["To"])
    assert "You asked to register again" in held_mail.get_body(("plain",)).get_content()
    held_now = db_session.scalar(sa.select(Registration).where(Registration.email == "held@library.example.org"))
    assert held_now.name == "Ana"


def test_same_email_again_resends_the_confirmation_and_reveals_nothing(
    client, make_event, db_session, mailbox, clock, post_registration
):
    event = make_event(join_url="https://meet.example.org/j/secret-room")
    post_registration(event)
    mailbox.clear()
    clock.advance(timedelta(minutes=16))
    response = post_registration(event, email="ANA@library.example.org", form_key="another-form", name="Mallory")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "Check your email" in html
    assert "already" not in html
    assert "secret-room" not in html
    assert "/r/" not in html
    assert len(registrations(db_session)) == 1
    assert registrations(db_session)[0].name == "Ana Lima"
    assert len(mailbox) == 1
    assert "here is your confirmation once more" in mailbox[0].get_body(("plain",)).get_content()


def test_double_click_gets_the_same_answer_without_a_second_registration_or_mail(
    client, make_event, db_session, mailbox, post_registration
):
    event = make_event()
    first = post_registration(event)
    second = post_registration(event)
    assert _answer(first) == _answer(second)
    assert len(registrations(db_session)) == 1
    assert len(mailbox) == 1


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"name": ""}, "Please enter your name."),
        ({"email": "not-an-email"}, "Please enter a valid email address"),
        ({"email": ""}, "Please enter your email address."),
        ({"organization": ""}, "Please enter your library or organization."),
        ({"name": "x" * 121}, "Field cannot be longer than 120 characters."),
        ({"name": "Ana\r\nBcc: victim@example.org"}, "Please use a single line"),
        ({"email": "ana@library.example.org\nBcc: victim@example.org"}, "Please use a single line"),
        ({"organization": "Library\x07"}, "Please use a single line"),  # NUL: tests/test_inputs.py
        ({"accessibility": "other", "accessibility_details": ""}, "Please tell us what you need"),
        ({"accessibility": "teleport"}, "Not a valid choice."),
    ],
)
def test_bad_input_gets_a_specific_message_and_stores_nothing(
    client, make_event, db_session, changes, message, post_registration
):
    event = make_event()
    response = post_registration(event, **changes)
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert registrations(db_session) == []
    assert db_session.scalar(sa.select(sa.func.count()).select_from(OutboxMessage)) == 0


def test_the_form_keeps_what_was_typed_after_an_error(client, make_event, post_registration):
    event = make_event()
    client.get(f"/events/{event.slug}")  # the blank fields are now rendered and kept for later pages
    html = post_registration(event, email="nope", name="<b>Ana</b>").get_data(as_text=True)
    assert 'value="&lt;b&gt;Ana&lt;/b&gt;"' in html
    assert "<b>Ana</b>" not in html
    assert "&lt;b&gt;Ana" not in client.get(f"/events/{event.slug}").get_data(as_text=True)  # and stay blank


def test_honeypot_turns_bots_away(client, make_event, db_session, post_registration):
    event = make_event()
    response = post_registration(event, website="http://spam.example")
    assert response.status_code == 400
    assert registrations(db_session) == []


def test_unknown_time_zone_in_the_form_is_ignored_not_fatal(client, make_event, db_session, post_registration):
    event = make_event()
    assert post_registration(event, timezone="Mars/Base").status_code == 200
    assert registrations(db_session)[0].timezone is None


def test_closed_registration_hides_the_form_and_refuses_a_direct_post(
    client, make_event, clock, db_session, post_registration
):
    event = make_event()
    clock.set(event.starts_at + timedelta(minutes=5))
    for url in (f"/events/{event.slug}", f"/events/{event.slug}/register"):
        page = client.get(url).get_data(as_text=True)
        assert f'method="post" action="/events/{event.slug}/register"' not in page
        assert f'href="/events/{event.slug}/register"' not in page
    response = post_registration(event)
    assert response.status_code == 409
    assert "Registration for this event has closed." in response.get_data(as_text=True)
    assert registrations(db_session) == []


def test_unknown_event_is_404(client, registration_form):
    assert client.post("/events/no-such-event/register", data=registration_form).status_code == 404


def test_registration_page_of_an_unknown_or_draft_event_is_404(client, make_event):
    draft = make_event(status="draft")
    assert client.get("/events/no-such-event/register").status_code == 404
    assert client.get(f"/events/{draft.slug}/register").status_code == 404


def test_registration_page_preselects_the_visitor_zone(client, make_event):
    event = make_event()
    html = client.get(f"/events/{event.slug}/register?tz=Asia/Kolkata").get_data(as_text=True)
    assert 'id="registration-timezone" name="timezone" type="hidden" value="Asia/Kolkata"' in html


def test_manage_link_cancels_by_post_only_and_keeps_working(
    mailed_path, client, make_event, db_session, mailbox, text_of, post_registration
):
    event = make_event(capacity=1)
    manage = mailed_path(post_registration(event))
    other = post_registration(event, email="ben@library.example.org", form_key="key-2")
    assert "waiting list, position 1" in text_of(client.get(mailed_path(other)))
    mailbox.clear()
    # Following the link (as a mail scanner would) changes nothing.
    assert client.get(manage).status_code == 200
    assert registrations(db_session)[0].is_confirmed
    response = client.post(manage + "/cancel")
    assert response.status_code == 303
    page = text_of(client.get(manage))
    assert "Your registration is cancelled" in page
    assert "Cancel my registration" not in page
    assert registrations(db_session)[1].is_confirmed  # Ben got the seat
    kinds = sorted(message["Subject"].split(":")[0] for message in mailbox)
    assert kinds == ["A seat opened up — you’re registered", "Registration cancelled"]


def test_cancel_needs_a_csrf_token_when_csrf_is_on(mailed_path, app, client, make_event, db_session, post_registration):
    event = make_event()
    manage = mailed_path(post_registration(event))
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        assert client.post(manage + "/cancel").status_code == 400
        assert post_registration(event, email="other@library.example.org").status_code == 400
    finally:
        app.config["WTF_CSRF_ENABLED"] = False
    assert registrations(db_session)[0].is_confirmed


def test_tampered_and_expired_links_get_clear_pages(
    mailed_path, app, client, make_event, db_session, post_registration
):
    event = make_event()
    manage = mailed_path(post_registration(event))
    tampered = manage[:-3] + ("aaa" if not manage.endswith("aaa") else "bbb")
    response = client.get(tampered)
    assert response.status_code == 404
    assert "This link isn’t valid" in response.get_data(as_text=True)
    assert client.post(tampered + "/cancel").status_code == 404
    max_age = app.config["MANAGE_LINK_MAX_AGE"]
    app.config["MANAGE_LINK_MAX_AGE"] = -1
    try:
        response = client.get(manage)
    finally:
        app.config["MANAGE_LINK_MAX_AGE"] = max_age
    assert response.status_code == 410
    assert "This link has expired" in response.get_data(as_text=True)
    assert registrations(db_session)[0].is_confirmed


def test_manage_link_is_signed_around_a_random_token(app, client, make_event, db_session, post_registration):
    event = make_event()
    post_registration(event)
    registration = registrations(db_session)[0]
    with app.test_request_context():
        signed = tokens.manage_token(registration)
        assert tokens.read_manage_token(signed).token == registration.token
    assert str(registration.id) != registration.token
    assert len(registration.token) >= 32


def test_invitation_download_for_confirmed_registrants_only(
    mailed_path, client, make_event, register, mailbox, post_registration
):
    event = make_event(capacity=1)
    location = mailed_path(post_registration(event))
    response = client.get(location + "/invite.ics")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/calendar; charset=utf-8"
    assert "attachment" in response.headers["Content-Disposition"]
    # A download, not an iTIP request: no METHOD, but the mailed invitation's entry, join link included.
    downloaded = icalendar.Calendar.from_ical(response.data)
    assert "METHOD" not in downloaded
    (entry,) = downloaded.walk("VEVENT")
    assert "https://meet.example.org/j/secret-room" in str(entry["DESCRIPTION"])
    (message,) = mailbox
    (part,) = [part for part in message.walk() if part.get_content_type() == "text/calendar"]
    (invited,) = icalendar.Calendar.from_ical(part.get_payload(decode=True)).walk("VEVENT")
    assert (entry["UID"], entry["SEQUENCE"]) == (invited["UID"], invited["SEQUENCE"])
    waiting = mailed_path(post_registration(event, email="ben@library.example.org", form_key="k2"))
    assert client.get(waiting + "/invite.ics").status_code == 404


def test_names_with_html_are_escaped_on_every_page_and_in_mail(
    client, make_event, mailbox, post_registration, mailed_path, db_session
):
    event = make_event()
    db_session.commit()  # the refused registration (400) rolls back what the request's session holds
    answer = post_registration(event, name="<script>alert(1)</script>", email="<b>x</b>@library.example.org")
    assert "<b>x</b>" not in answer.get_data(as_text=True)  # refused as no address, and not echoed raw
    location = mailed_path(post_registration(event, name="<script>alert(1)</script>"))
    html = client.get(location).get_data(as_text=True)
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    mail_html = mailbox[0].get_body(("html",)).get_content()
    assert "<script>alert(1)</script>" not in mail_html
    assert "&lt;script&gt;" in mail_html
    assert re.search(r"Hello <script>alert\(1\)</script>,", mailbox[0].get_body(("plain",)).get_content())


def test_only_the_registrants_own_calendar_links_carry_the_join_link(
    mailed_path, client, make_event, post_registration
):
    event = make_event()
    manage = client.get(mailed_path(post_registration(event))).get_data(as_text=True)
    public = client.get(f"/events/{event.slug}").get_data(as_text=True)
    secret = "secret-room"
    own = re.findall(r'href="(https://(?:calendar\.google|outlook\.live|outlook\.office)\.com/[^"]+)"', manage)
    shown = re.findall(r'href="(https://(?:calendar\.google|outlook\.live|outlook\.office)\.com/[^"]+)"', public)
    assert len(own) == 3
    assert all(secret in link for link in own)
    assert len(shown) == 3
    assert not any(secret in link for link in shown)


def test_every_email_input_is_an_email_field_a_phone_does_not_capitalise(client, make_event):
    event = make_event()
    for url in (f"/events/{event.slug}/register", "/transcript"):
        html = client.get(url).get_data(as_text=True)
        (tag,) = re.findall(r'<input[^>]*name="email"[^>]*>', html)
        for attribute in ('type="email"', 'autocomplete="email"', 'autocapitalize="off"', 'spellcheck="false"'):
            assert attribute in tag, (url, tag)
