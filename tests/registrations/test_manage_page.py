"""What a registrant sees on their own page: reassurance after registering, an event the host cancelled
leading the page, and cancelling only after a confirmation that says what happens."""

import sqlalchemy as sa

from eventreg.events import operations as event_operations
from eventreg.registrations import tokens
from eventreg.registrations.models import Registration


def manage_url(app, registration) -> str:
    with app.test_request_context():
        return f"/r/{tokens.manage_token(registration)}"


def test_success_page_says_where_the_confirmation_went_and_shows_what_was_typed(client, make_event, db_session):
    event = make_event(join_url="https://meet.example.org/j/room")
    data = {"name": "Ana", "email": "ana@library.example.org", "organization": "Library", "job_role": "Teen librarian"}
    response = client.post(f"/events/{event.slug}/register", data=data)
    assert response.headers["Location"].endswith("#main")  # not the form's #form-errors, which a redirect would keep
    html = client.get(response.headers["Location"].split("#")[0]).get_data(as_text=True)
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
