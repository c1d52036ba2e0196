"""Nothing about a person's other registrations is reachable without control of their mailbox: anyone can
type a stranger's address into the form, so the answer to the form is the same whatever the address held
(tests/registrations/test_views.py), and the private feed of everything an address registered for is handed
out only in mail to it. On-screen links handed out before the form stopped showing one still show that one
registration only."""

import re
from datetime import timedelta

import icalendar
import pytest
import sqlalchemy as sa
from itsdangerous import URLSafeTimedSerializer

from eventreg.core.extensions import db
from eventreg.mail.models import OutboxMessage
from eventreg.registrations import operations, tokens
from eventreg.registrations.models import Registration

STRANGER = {"name": "Mallory", "email": "ana@library.example.org", "organization": "Nowhere"}


def register(client, event, **changes):
    return client.post(f"/events/{event.slug}/register", data={**STRANGER, **changes})


def manage_path(response) -> str:
    """An on-screen link to the registration the POST made, as the page after registering used to show one."""
    assert response.status_code == 200
    registration = db.session.scalars(sa.select(Registration).order_by(Registration.id.desc())).first()
    return f"/r/{tokens.manage_token(registration)}"


def mailed_link(message) -> str:
    return re.search(r"http://eventreg\.test(/r/\S+)", message.get_body(("plain",)).get_content())[1]


@pytest.fixture
def victims_event(make_event, register, db_session, deliver_and_clear):
    """Ana registered for a private-ish event earlier, from her own mailbox."""
    mine = make_event(title="Ana's event", join_url="https://meet.example.org/j/anas-room")
    register(mine, email="ana@library.example.org", name="Ana")
    deliver_and_clear()
    return mine


def test_page_after_registering_a_strangers_address_reveals_nothing_else(client, make_event, victims_event, mailbox):
    other = make_event(title="Open event")
    html = client.get(manage_path(register(client, other))).get_data(as_text=True)
    assert "/feeds/" not in html
    assert "anas-room" not in html
    assert "Ana's event" not in html
    assert "We’ve emailed the link to this page to ana@library.example.org" in html
    # The confirmation mailed to Ana's address is what opens her feed.
    (confirmation,) = mailbox
    mailed = client.get(mailed_link(confirmation)).get_data(as_text=True)
    feed = re.search(r'value="http://eventreg\.test(/feeds/[^"]+)"', mailed)[1]
    calendar = icalendar.Calendar.from_ical(client.get(feed).data)
    assert sorted(str(v["SUMMARY"]) for v in calendar.walk("VEVENT")) == ["Ana's event", "Open event"]


def test_invitation_downloaded_from_the_page_after_registering_carries_that_link_only(client, make_event):
    event = make_event()
    manage = manage_path(register(client, event))
    body = client.get(manage + "/invite.ics").data.decode()
    description = str(icalendar.Calendar.from_ical(body).walk("VEVENT")[0]["DESCRIPTION"])
    assert f"http://eventreg.test{manage}" in description


def test_feed_cannot_be_replaced_from_the_page_after_registering(client, make_event, victims_event):
    manage = manage_path(register(client, make_event()))
    assert client.post(manage + "/feed/replace").status_code == 404


def test_feed_can_be_revoked_from_a_mailed_link_after_cancelling(client, make_event, mailbox, db_session):
    event = make_event()
    register(client, event)
    link = mailed_link(mailbox[0])
    html = client.get(link).get_data(as_text=True)
    old_feed = re.search(r'value="http://eventreg\.test(/feeds/[^"]+)"', html)[1]
    client.post(link + "/cancel")
    cancelled = client.get(link).get_data(as_text=True)
    assert "Your registration is cancelled" in cancelled
    assert "/feeds/" not in cancelled  # its own cancelled state, and nothing else
    assert "Replace my calendar feed address" in cancelled
    assert client.post(link + "/feed/replace").status_code == 303
    assert client.get(old_feed).status_code == 404


def test_registering_again_after_cancelling_issues_a_new_link(client, make_event, mailbox, db_session, clock):
    event = make_event()
    first = manage_path(register(client, event))
    old_mailed = mailed_link(mailbox[0])
    client.post(first + "/cancel")
    old_token = db_session.scalar(sa.select(Registration.token))
    second = manage_path(register(client, event, form_key="again"))
    assert db_session.scalar(sa.select(Registration.token)) != old_token
    assert second != first
    assert "You’re registered" in client.get(second).get_data(as_text=True)
    for old in (first, old_mailed):
        response = client.get(old)
        assert response.status_code == 410
        page = response.get_data(as_text=True)
        assert "This link was replaced" in page
        assert second not in page
        # Neither can act on the new registration.
        assert client.post(old + "/cancel").status_code == 410
    assert db_session.scalar(sa.select(Registration.status)) == "confirmed"
    # A mailed link still lets its reader revoke the address's feed; the on-screen one does not.
    assert "Replace my calendar feed address" in client.get(old_mailed).get_data(as_text=True)
    assert client.post(old_mailed + "/feed/replace").status_code == 303
    assert client.post(first + "/feed/replace").status_code == 404


@pytest.mark.parametrize("payload", [7, {"token": "x"}, [1], ["1", "x"], [1, "x", "other"], None, [True, "x"]])
def test_manage_link_with_a_payload_we_never_sign_is_a_404(app, client, payload):
    with app.test_request_context():
        signed = URLSafeTimedSerializer(app.config["SECRET_KEY"], salt=tokens.SALT).dumps(payload)
    for response in (client.get(f"/r/{signed}"), client.post(f"/r/{signed}/cancel")):
        assert response.status_code == 404
        assert "This link isn’t valid" in response.get_data(as_text=True)


def test_repeat_registrations_resend_at_most_every_15_minutes(client, make_event, mailbox, db_session, clock):
    event = make_event()
    register(client, event)
    for n in range(20):
        response = register(client, event, form_key=f"k{n}")
        assert "Check your email" in response.get_data(as_text=True)
    assert len(mailbox) == 1  # the first confirmation only
    clock.advance(timedelta(minutes=16))
    register(client, event, form_key="later")
    register(client, event, form_key="later-2")
    assert len(mailbox) == 2
    assert "here is your confirmation once more" in mailbox[1].get_body(("plain",)).get_content()


def test_repeat_registrations_mail_an_address_a_few_times_a_day_at_most(client, make_event, mailbox, db_session, clock):
    events = [make_event(title=f"Event {n}") for n in range(5)]
    for event in events:
        register(client, event)
    mailbox.clear()
    for _ in range(6):
        clock.advance(timedelta(minutes=16))
        for event in events:
            register(client, event, form_key=str(clock.now()))
    assert len(mailbox) == operations.RESENDS_PER_ADDRESS_PER_DAY
    clock.advance(timedelta(days=1))
    register(client, events[0], form_key="tomorrow")
    assert len(mailbox) == operations.RESENDS_PER_ADDRESS_PER_DAY + 1
    kinds = db_session.scalars(sa.select(OutboxMessage.kind)).all()
    assert kinds.count("confirmation_again") == operations.RESENDS_PER_ADDRESS_PER_DAY + 1
