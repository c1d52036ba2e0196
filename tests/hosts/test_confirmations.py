"""Irreversible host actions ask first, on a page that works without JavaScript and says who will be told."""

import pytest
import sqlalchemy as sa

from eventreg.events.models import Event, Status
from eventreg.registrations.models import Registration


@pytest.fixture
def hosted(hosted_event):
    return hosted_event(capacity=2, title="Open data for needs assessments")


def test_the_editor_leads_to_a_confirmation_that_counts_who_will_be_emailed(
    client, hosted, register, db_session, text_of
):
    register(hosted), register(hosted), register(hosted)  # two confirmed, one waiting
    db_session.commit()
    editor = client.get(f"/host/events/{hosted.id}/edit").get_data(as_text=True)
    # No one-click cancel: the editor links to the confirmation, styled apart from "Run it again".
    assert f'action="/host/events/{hosted.id}/cancel"' not in editor
    assert f'class="button danger-outline" href="/host/events/{hosted.id}/confirm-cancel"' in editor

    response = client.get(f"/host/events/{hosted.id}/confirm-cancel")
    assert response.status_code == 200
    page = text_of(response)
    assert "Cancel this event?" in page
    assert "3 registrants will be emailed that the event is cancelled: 2 confirmed" in page
    assert "and 1 on the waiting list" in page
    assert "This cannot be undone." in page
    html = response.get_data(as_text=True)
    assert f'<form method="post" action="/host/events/{hosted.id}/cancel"' in html
    assert '<button type="submit" class="danger">Cancel the event and email 3</button>' in html
    assert f'<a href="/host/events/{hosted.id}/edit">Keep the event</a>' in html
    db_session.expire_all()
    assert db_session.get(Event, hosted.id).status == Status.PUBLISHED  # looking asks, never cancels

    done = client.post(f"/host/events/{hosted.id}/cancel", follow_redirects=True)
    assert "Cancelled. 3 registrants were emailed." in text_of(done)
    db_session.expire_all()
    assert db_session.get(Event, hosted.id).status == Status.CANCELLED
    # Once cancelled the confirmation is not offered again.
    again = client.get(f"/host/events/{hosted.id}/confirm-cancel", follow_redirects=True)
    assert "This event is already cancelled." in text_of(again)


def test_an_event_nobody_registered_for_says_so(client, hosted, db_session, text_of):
    db_session.commit()
    page = text_of(client.get(f"/host/events/{hosted.id}/confirm-cancel"))
    assert "Nobody is registered, so no one will be emailed." in page


def test_cancelling_a_registrant_asks_first_and_names_who_takes_the_seat(client, hosted, register, db_session, text_of):
    ana = register(hosted, name="Ana Ortiz")
    register(hosted, name="Ben")
    cy = register(hosted, name="Cy Waits")
    db_session.commit()
    listing = client.get(f"/host/events/{hosted.id}/attendees?sort=name").get_data(as_text=True)
    assert f'href="/host/events/{hosted.id}/attendees/{ana.id}/confirm-cancel?sort=name"' in listing
    assert f'formaction="/host/events/{hosted.id}/attendees/{ana.id}/cancel"' not in listing

    response = client.get(f"/host/events/{hosted.id}/attendees/{ana.id}/confirm-cancel?sort=name")
    page = text_of(response)
    assert "Cancel this registration?" in page
    assert "Ana Ortiz will be emailed that their registration is cancelled" in page
    assert "Their seat goes to the first person on the waiting list, Cy Waits" in page
    html = response.get_data(as_text=True)
    assert f'action="/host/events/{hosted.id}/attendees/{ana.id}/cancel?sort=name"' in html
    assert 'class="danger">Cancel Ana Ortiz’s registration</button>' in html
    assert "Keep the registration</a>" in html

    done = client.post(f"/host/events/{hosted.id}/attendees/{ana.id}/cancel?sort=name")
    assert done.headers["Location"].endswith(f"/host/events/{hosted.id}/attendees?sort=name")
    page = text_of(client.get(done.headers["Location"]))
    assert "Ana Ortiz’s registration was cancelled and they were emailed." in page
    assert "Cy Waits took the freed seat from the waiting list and was emailed." in page
    db_session.expire_all()
    assert db_session.get(Registration, cy.id).is_confirmed
    statuses = db_session.scalars(sa.select(Registration.status).where(Registration.event_id == hosted.id))
    assert sorted(statuses) == ["cancelled", "confirmed", "confirmed"]


def test_a_cancelled_registration_is_not_offered_for_cancelling_again(client, hosted, register, db_session, text_of):
    ana = register(hosted, name="Ana Ortiz")
    db_session.commit()
    client.post(f"/host/events/{hosted.id}/attendees/{ana.id}/cancel")
    again = client.get(f"/host/events/{hosted.id}/attendees/{ana.id}/confirm-cancel", follow_redirects=True)
    assert "Ana Ortiz: already cancelled." in text_of(again)
