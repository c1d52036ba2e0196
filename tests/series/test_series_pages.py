"""The public series page and its one form (a course's registration, a program's "register for all upcoming
sessions"), the page after it, the course's manage page from the mailed link, and the hosts' decisions."""

import re
from datetime import timedelta

import pytest
import sqlalchemy as sa

from eventreg.api import operations as api_operations
from eventreg.registrations.models import Registration
from eventreg.series import enrolments
from eventreg.series.models import Enrolment, SeriesKind

FORM = {
    "name": "Ana Lima",
    "email": "ana@library.example.org",
    "organization": "Springfield Public Library",
    "job_role": "Teen librarian",
    "timezone": "Europe/Berlin",
    "form_key": "key-1",
    "website": "",
}


@pytest.fixture
def committed(make_series, db_session):
    def make(*args, **kwargs):
        series = make_series(*args, **kwargs)
        db_session.commit()
        return series

    return make


def test_the_series_page_lists_sessions_with_both_times_and_seats(client, committed, text_of):
    series = committed(capacity=12, summary="Readers’ advisory in four parts.")
    response = client.get(f"/series/{series.slug}?tz=Europe/Berlin")
    assert response.status_code == 200
    text = text_of(response)
    assert "Readers’ advisory in four parts." in text
    assert text.count("Time: 3:00 PM – 4:00 PM") == 4
    assert "Your time: 9:00 PM – 10:00 PM Central European Standard Time, Europe [UTC +1], Tuesday 4 March" in text
    assert "Your time: 8:00 PM – 9:00 PM Central European Standard Time, Europe [UTC +1], Tuesday 11 March" in text
    assert "Part 2 of 4" in text
    assert "12 seats left" in text
    assert text.count('name="email"') == 0
    assert response.get_data(as_text=True).count('name="email"') == 1
    assert "private" in response.headers["Cache-Control"]  # it carries a CSRF token


def test_an_unknown_or_unpublished_series_is_not_found(client, committed):
    draft = committed(publish=False, title="A draft course")
    assert client.get(f"/series/{draft.slug}").status_code == 404
    assert client.get("/series/no-such-series").status_code == 404
    assert client.post(f"/series/{draft.slug}/register", data=FORM).status_code == 404


def test_registering_for_a_course_answers_check_your_email_and_mails(client, committed, mailbox, text_of, db_session):
    series = committed(capacity=2)
    response = client.post(f"/series/{series.slug}/register", data=FORM)
    assert response.status_code == 200
    assert "Check your email" in text_of(response)
    assert "/series/manage/" not in response.get_data(as_text=True)
    assert len(mailbox) == 5
    enrolment = db_session.scalar(sa.select(Enrolment))
    assert (enrolment.name, enrolment.job_role, enrolment.timezone) == ("Ana Lima", "Teen librarian", "Europe/Berlin")
    assert client.get(f"/series/{series.slug}").get_data(as_text=True).count("1 seat left") == 1


def test_someone_typing_a_strangers_address_learns_nothing(client, committed, mailbox, text_of):
    series = committed(capacity=1)
    first = client.post(f"/series/{series.slug}/register", data=FORM)
    mailbox.clear()
    stranger = client.post(
        f"/series/{series.slug}/register", data={**FORM, "name": "Mallory", "form_key": "key-2", "timezone": ""}
    )
    assert stranger.status_code == first.status_code == 200
    assert text_of(stranger) == text_of(first)
    assert mailbox == []  # within 15 minutes of Ana's confirmation, nothing is sent again, and never to Mallory
    new = client.post(f"/series/{series.slug}/register", data={**FORM, "email": "new@library.example.org"})
    assert text_of(new) == text_of(first).replace("ana@library.example.org", "new@library.example.org")


def test_a_bad_form_is_answered_on_the_page(client, committed, text_of, db_session, mailbox):
    series = committed()
    response = client.post(f"/series/{series.slug}/register", data={**FORM, "email": "not an address"})
    assert response.status_code == 400
    assert 'aria-invalid="true"' in response.get_data(as_text=True)
    assert "Check your email" not in text_of(response)
    assert db_session.scalar(sa.select(sa.func.count()).select_from(Enrolment)) == 0
    assert mailbox == []


def test_a_closed_course_says_so(client, committed, clock, text_of):
    series = committed()
    clock.set(series.sessions[-1].starts_at)
    page = text_of(client.get(f"/series/{series.slug}"))
    assert "Registration has closed" in page
    response = client.post(f"/series/{series.slug}/register", data=FORM)
    assert response.status_code == 409
    assert "Registration for this course has closed" in text_of(response)


def _mailed_link(mailbox, path):
    body = mailbox[0].get_body(("plain",)).get_content()
    return re.search(rf"http://eventreg\.test({path}\S+)", body)[1]


def test_the_mailed_link_shows_the_course_and_cancels_after_confirmation(
    client, committed, mailbox, text_of, db_session
):
    series = committed(capacity=1)
    client.post(f"/series/{series.slug}/register", data=FORM)
    waiting = {**FORM, "email": "ben@library.example.org", "form_key": "key-2"}
    client.post(f"/series/{series.slug}/register", data=waiting)
    link = _mailed_link(mailbox, "/series/manage/")
    page = text_of(client.get(link))
    assert "You’re registered for the course" in page
    assert page.count("Your place: confirmed") == 4
    assert "Your time: 8:00 PM – 9:00 PM" in page
    confirm = client.get(f"{link}/cancel")
    assert confirm.status_code == 200
    assert "Cancel your course registration?" in text_of(confirm)
    assert client.get("/series/manage/forged-link").status_code == 404
    mailbox.clear()
    response = client.post(f"{link}/cancel")
    assert response.status_code == 303
    assert "Your course registration is cancelled" in text_of(client.get(link))
    subjects = [m["Subject"] for m in mailbox]
    assert (
        subjects.count(
            "You’re registered for the course: Four Tuesdays of readers' advisory".replace(
                "You’re", "A seat opened up — you’re"
            )
        )
        == 1
    )
    assert sum(1 for m in mailbox if m["To"].addresses[0].addr_spec == "ben@library.example.org") == 5
    ben = db_session.scalar(sa.select(Enrolment).where(Enrolment.email == "ben@library.example.org"))
    assert ben.status == "confirmed"


def test_a_program_registers_for_all_upcoming_sessions_from_one_form(
    client, committed, clock, mailbox, text_of, db_session
):
    series = committed(SeriesKind.PROGRAM, title="Monthly office hours")
    clock.set(series.sessions[0].starts_at + timedelta(minutes=1))  # the first is under way
    page = text_of(client.get(f"/series/{series.slug}"))
    assert "Register for all upcoming sessions" in page
    response = client.post(f"/series/{series.slug}/register", data=FORM)
    assert response.status_code == 200
    text = text_of(response)
    assert text.count("details emailed") == 3
    rows = list(db_session.scalars(sa.select(Registration).where(Registration.email == FORM["email"])))
    assert sorted(r.event_id for r in rows) == sorted(s.id for s in series.sessions[1:])
    assert {(r.status, r.enrolment_id) for r in rows} == {("confirmed", None)}
    assert len(mailbox) == 3  # each session's own confirmation, with its invitation
    # The same answer for an address that already holds those places: nothing tells them apart.
    again = client.post(f"/series/{series.slug}/register", data={**FORM, "form_key": "key-9"})
    assert text_of(again) == text


def test_a_course_session_refuses_the_event_form_and_the_api(client, committed, text_of, db_session, clock):
    series = committed()
    session = series.sessions[0]
    response = client.post(f"/events/{session.slug}/register", data=FORM)
    assert response.status_code == 409
    assert "register for the course" in text_of(response)
    _, secret = api_operations.create_token(session.hosts[0], name="Site", can_write=True, now=clock.now())
    db_session.commit()
    person = {"name": "Ana Lima", "email": "ana@library.example.org", "organization": "Library"}
    api = client.post(
        f"/api/v1/host/events/{session.id}/registrations", json=person, headers={"Authorization": f"Bearer {secret}"}
    )
    assert api.status_code == 409
    assert api.mimetype == "application/problem+json"
    assert api.get_json()["code"] == "course_session"


def test_hosts_approve_and_decline_from_the_course_list(client, committed, login, db_session, clock, text_of):
    series = committed(requires_approval=True, capacity=5)
    ana = enrolments.enrol(series, name="Ana", email="ana@x.example.org", organization="L", now=clock.now())
    ben = enrolments.enrol(series, name="Ben", email="ben@x.example.org", organization="L", now=clock.now())
    db_session.commit()
    assert client.get(f"/host/series/{series.id}/enrolments").status_code in (302, 303)  # signed out
    login(series.sessions[0].hosts[0])
    page = client.get(f"/host/series/{series.id}/enrolments")
    assert page.status_code == 200
    assert "Approve Ana" in text_of(page)
    url = f"/host/series/{series.id}/enrolments"
    assert client.post(f"{url}/{ana.id}/approve", data={"note": "Welcome"}).status_code == 303
    assert client.post(f"{url}/{ben.id}/decline", data={"note": ""}).status_code == 303
    db_session.expire_all()
    assert (ana.status, ben.status) == ("confirmed", "declined")
    assert client.post(f"{url}/999999/approve", data={}).status_code == 404
