"""What a registrant sees on their own page: reassurance after registering, an event the host cancelled
leading the page, and cancelling only after a confirmation that says what happens."""

from datetime import timedelta
from decimal import Decimal

import pytest
import sqlalchemy as sa

from eventreg.events import operations as event_operations
from eventreg.registrations import operations, tokens
from eventreg.registrations.models import Registration


def manage_url(app, registration, *, mailed=False) -> str:
    with app.test_request_context():
        sign = tokens.mailed_manage_token if mailed else tokens.manage_token
        return f"/r/{sign(registration)}"


def test_an_on_screen_link_says_where_the_confirmation_went_and_shows_what_was_typed(
    app, client, make_event, register, db_session
):
    """Links the page after registering handed out before it stopped showing one still open that registration."""
    event = make_event(join_url="https://meet.example.org/j/room")
    registration = register(event, name="Ana", email="ana@library.example.org", job_role="Teen librarian")
    db_session.commit()
    html = client.get(manage_url(app, registration)).get_data(as_text=True)
    assert "was emailed to <strong>ana@library.example.org</strong>" in html
    assert "<dt>Job role</dt><dd>Teen librarian</dd>" in html
    assert "the same for everyone registered" in html
    assert "just for you" not in html


def test_register_form_posts_to_its_error_summary(client, make_event):
    event = make_event()
    html = client.get(f"/events/{event.slug}/register").get_data(as_text=True)
    assert f'action="/events/{event.slug}/register#form-errors"' in html
    errors = client.post(f"/events/{event.slug}/register", data={"email": "x"}).get_data(as_text=True)
    assert 'id="form-errors"' in errors


def test_an_event_the_host_cancelled_leads_the_registrants_page(app, client, make_event, register, db_session, clock):
    event = make_event(join_url="https://meet.example.org/j/room")
    registration = register(event)
    event_operations.cancel_event(event, now=clock.now())
    db_session.commit()
    html = client.get(manage_url(app, registration)).get_data(as_text=True)
    h1 = html[html.index("<h1>") : html.index("</h1>")]
    assert "This event has been cancelled" in h1
    assert "You’re registered" not in html
    assert "meet.example.org" not in html


def test_cancelling_asks_first_and_says_the_seat_goes_to_the_next_person(
    app, client, make_event, register, db_session, mailbox
):
    event = make_event(capacity=1)
    ana = register(event)
    register(event)  # waiting
    db_session.commit()
    manage = manage_url(app, ana)
    assert f'href="{manage}/cancel"' in client.get(manage).get_data(as_text=True)
    question = client.get(f"{manage}/cancel")
    assert question.status_code == 200
    text = question.get_data(as_text=True)
    assert "Cancel your registration?" in text
    assert "Your seat goes to the next person on the waiting list (1 waiting)." in text
    assert 'class="danger"' in text
    # Asking changed nothing; only the POST cancels.
    assert db_session.scalar(sa.select(Registration.status).where(Registration.id == ana.id)) == "confirmed"
    assert mailbox == []
    assert client.post(f"{manage}/cancel").status_code == 303
    db_session.expire_all()
    assert db_session.get(Registration, ana.id).is_cancelled
    # Once cancelled, the question page just leads back to the registration.
    assert client.get(f"{manage}/cancel").status_code == 303


def test_upcoming_list_shows_seats_and_a_register_button_on_each_event(client, make_event, register, db_session):
    roomy = make_event(title="Roomy", capacity=5)
    full = make_event(title="Full", capacity=1)
    make_event(title="Unlimited")
    register(roomy)
    register(full)
    db_session.commit()
    html = client.get("/").get_data(as_text=True)
    assert "4 seats left" in html
    assert "Full — join the waiting list" in html
    assert f'href="/events/{roomy.slug}/register">Register<span class="visually-hidden"> for Roomy</span>' in html
    assert f'href="/events/{full.slug}/register">Join the waiting list' in html
    assert html.count('class="button" href="/events/') == 3


def test_event_page_offers_its_link_to_copy(client, make_event):
    event = make_event()
    html = client.get(f"/events/{event.slug}").get_data(as_text=True)
    assert f'id="event-link" type="text" readonly value="http://eventreg.test/events/{event.slug}"' in html
    assert 'data-copy="event-link"' in html


# After the event: what happened, in the past tense, from the registrant's own link only.

ENDED_PROMISES = ("You’re registered", "was emailed to", "Cancel my registration", "How to join", "Add to calendar")


def page_of(client, url) -> str:
    response = client.get(url)
    assert response.status_code == 200
    return response.get_data(as_text=True)


def heading(html) -> str:
    return html[html.index("<h1>") + 4 : html.index("</h1>")]


def test_after_the_event_an_attendee_sees_minutes_recording_and_certificate_and_nothing_to_join_or_cancel(
    app, client, make_event, make_host, register, db_session, clock, text_of
):
    from eventreg.certificates import operations as certificates

    event = make_event(contact_hours=Decimal("1.5"))
    ana = register(event, name="Ana López")
    db_session.commit()
    url = manage_url(app, ana, mailed=True)  # the certificate opens only from the mailed link
    assert "You’re registered" in heading(page_of(client, url))  # before the event, as ever

    clock.set(event.ends_at + timedelta(hours=2))
    ana.attended, ana.minutes_attended = True, 57
    event.archive_url = "https://archive.example.org/hiring"
    db_session.commit()
    html = page_of(client, url)
    assert heading(html) == "You attended"
    assert f"You attended {event.title}: 57 minutes, as the meeting platform’s report shows." in html
    assert 'href="https://archive.example.org/hiring"' in html
    assert "Not issued yet: this event earns a certificate for 1.5 contact hours" in html
    for promise in ENDED_PROMISES:
        assert promise not in html
    assert event.join_url not in html

    certificates.finalise(event, host=make_host(), now=clock.now())
    db_session.commit()
    html = page_of(client, url)
    assert "Your certificate of completion" in html
    assert f'href="{url}/certificate.pdf">Download your certificate (PDF)' in html
    assert "Not issued yet: this event earns a certificate for 1.5 contact hours" not in html


@pytest.mark.parametrize(("attended", "minutes"), [(True, 57), (True, None), (False, 25), (None, None)])
def test_after_the_event_the_on_screen_link_says_nothing_of_attendance(
    app, client, make_event, register, db_session, clock, attended, minutes
):
    """Whoever typed someone's address keeps the on-screen link: it must not tell them whether, or how long,
    that person attended. The page reads the same whatever the host recorded."""
    event = make_event()
    registration = register(event, email="ana@library.example.org")
    registration.attended, registration.minutes_attended = attended, minutes
    db_session.commit()
    clock.set(event.ends_at + timedelta(hours=2))
    html = page_of(client, manage_url(app, registration, mailed=False))
    assert heading(html) == "This event has ended"
    assert "Whether you attended, and for how long, is on this page when you open it from the link" in html
    for telling in ("You attended", "not attended", "minute", "Attendance has not been recorded"):
        assert telling not in html


@pytest.mark.parametrize(
    ("attended", "minutes", "says"),
    [
        (None, None, "You were registered. Attendance has not been recorded yet"),
        (False, 25, "the host’s record shows you as not attended (25 minutes in the meeting platform’s report)"),
        (False, None, "the host’s record shows you as not attended. If this is wrong"),
        (True, None, "You attended Building community connections by hiring for cultural knowledge, as the host"),
    ],
)
def test_after_the_event_the_page_says_what_was_recorded(
    app, client, make_event, register, db_session, clock, attended, minutes, says
):
    event = make_event(contact_hours=Decimal("1"))
    registration = register(event)
    registration.attended, registration.minutes_attended = attended, minutes
    db_session.commit()
    clock.set(event.ends_at)  # the instant it ends
    html = page_of(client, manage_url(app, registration, mailed=True))
    assert says in html
    assert "No recording has been posted; this page will link to it if the host posts one." in html
    assert "If you attend, this event earns" not in html  # the certificate note is in the past tense too
    for promise in ENDED_PROMISES:
        assert promise not in html


@pytest.mark.parametrize(
    ("status", "says"),
    [
        ("waiting", "You were on the waiting list, and no seat opened up for you before the event."),
        ("cancelled", "Your registration was cancelled, so you were not registered when the event took place."),
    ],
)
def test_after_the_event_someone_waiting_or_cancelled_reads_a_plain_past_tense_statement(
    app, client, make_event, register, db_session, clock, status, says
):
    event = make_event(capacity=1, archive_url="https://archive.example.org/hiring")
    register(event)
    person = register(event)  # waiting
    if status == "cancelled":
        operations.cancel_registration(person, now=clock.now())
    db_session.commit()
    clock.set(event.ends_at + timedelta(days=3))
    html = page_of(client, manage_url(app, person))
    assert heading(html) == "This event has ended"
    assert says in html
    assert "position" not in html
    assert "Register again" not in html
    assert "Certificate" not in html
    for promise in ENDED_PROMISES:
        assert promise not in html


def test_someone_back_filled_without_mail_is_not_told_a_confirmation_was_emailed(
    app, client, make_event, db_session, clock
):
    event = make_event()
    clock.set(event.ends_at + timedelta(days=1))
    added = operations.add_registrant(
        event,
        name="Late Record",
        email="late@library.example.org",
        organization="Branch",
        email_them=False,
        now=clock.now(),
    )
    db_session.commit()
    for mailed in (False, True):
        html = page_of(client, manage_url(app, added.registration, mailed=mailed))
        assert "You were registered." in html
        assert "emailed" not in html


def test_before_the_event_someone_added_without_email_is_not_told_a_confirmation_was_emailed(
    app, client, make_event, register, db_session, clock
):
    event = make_event()
    quiet = operations.add_registrant(
        event,
        name="Quiet",
        email="quiet@library.example.org",
        organization="Branch",
        email_them=False,
        now=clock.now(),
    ).registration
    told = operations.add_registrant(
        event, name="Told", email="told@library.example.org", organization="Branch", email_them=True, now=clock.now()
    ).registration
    db_session.commit()
    quiet_page = page_of(client, manage_url(app, quiet))
    assert "You’re registered" in heading(quiet_page)
    assert "emailed" not in quiet_page
    assert "was emailed to <strong>told@library.example.org</strong>" in page_of(client, manage_url(app, told))
