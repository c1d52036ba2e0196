"""Courses in Spanish and French: the course pages a registrant reads and every course mail, in the language they
registered in."""

import re

import pytest
import sqlalchemy as sa

from eventreg.registrations.models import Registration
from eventreg.series import enrolments
from eventreg.series import notifications as series_notifications
from eventreg.series.models import SeriesKind
from tests.registrations.test_languages import LANGUAGES, english_in, english_on_page, last_id, mail_parts, queued


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_course_mail_leaves_no_english(language, make_series, db_session, clock, english_left):
    series = make_series(SeriesKind.COURSE, title="Cuatro martes", capacity=1)
    start = last_id(db_session)
    now = clock.now()
    first = enrolments.enrol(
        series,
        name="Lucía Pérez",
        email="lucia@biblioteca.example.org",
        organization="Biblioteca Central",
        now=now,
        locale=language,
    )
    second = enrolments.enrol(
        series, name="Marc Roy", email="marc@biblio.example.org", organization="Bibliothèque", now=now, locale=language
    )
    registrations = enrolments.active_registrations(first)
    series_notifications.queue_enrolment(first, registrations, now=now, again=True, invitations=False)
    series_notifications.queue_enrolment(first, registrations, now=now, promoted=True, invitations=False)
    series_notifications.queue_declined(second, now=now, note="Complet")
    enrolments.cancel_enrolment(first, now=now)
    messages = queued(db_session, start)
    kinds = {m.kind for m in messages}
    assert {
        "course_confirmation",
        "course_waiting",
        "course_invitation",
        "course_invitation_cancel",
        "course_cancellation",
        "course_declined",
    } <= kinds, kinds
    people = [
        series.title,
        "Complet",
        "Lucía Pérez",
        "lucia@biblioteca.example.org",
        "Biblioteca Central",
        "Marc Roy",
        "marc@biblio.example.org",
        "Bibliothèque",
    ]
    for message in messages:
        for text in mail_parts(message):
            assert english_in(english_left, text, *people) == [], (message.kind, text)


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_course_pages_leave_no_english(language, make_series, client, mailbox, english_left):
    series = make_series(SeriesKind.COURSE, title="Cuatro martes", capacity=5)
    headers = {"Accept-Language": language}
    page = client.get(f"/series/{series.slug}", headers=headers).get_data(as_text=True)
    assert f'lang="{language}"' in page
    assert english_on_page(english_left, page, series.title, series.summary or "", series.description or "") == []
    response = client.post(
        f"/series/{series.slug}/register",
        data={
            "name": "Lucía Pérez",
            "email": "lucia@biblioteca.example.org",
            "organization": "Biblioteca Central",
            "timezone": "Europe/Madrid",
            "form_key": "k",
            "website": "",
        },
        headers=headers,
    )
    assert response.status_code == 200
    people = [series.title, "Lucía Pérez", "lucia@biblioteca.example.org", "Biblioteca Central"]
    assert english_on_page(english_left, response.get_data(as_text=True), *people) == []
    body = mailbox[0].get_body(("plain",)).get_content()
    manage = re.search(r"http://eventreg\.test(/series/manage/\S+)", body)[1]
    for path in (manage, manage + "/cancel"):
        html = client.get(path, headers=headers).get_data(as_text=True)
        assert f'lang="{language}"' in html, path
        assert english_on_page(english_left, html, *people) == [], path


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_hosts_course_registrations_page_leaves_no_english(
    language, make_series, make_host, login, client, db_session, clock, english_left
):
    host = make_host()
    series = make_series(SeriesKind.COURSE, title="Cuatro martes", capacity=5, requires_approval=True, host=host)
    enrolments.enrol(
        series,
        name="Lucía Pérez",
        email="lucia@biblioteca.example.org",
        organization="Biblioteca Central",
        now=clock.now(),
        locale=language,
    )
    db_session.commit()
    login(host)
    response = client.get(f"/host/series/{series.id}/enrolments?lang={language}")
    html = response.get_data(as_text=True)
    assert response.headers["Content-Language"] == language
    people = [series.title, "Lucía Pérez", "lucia@biblioteca.example.org", "Biblioteca Central"]
    assert english_on_page(english_left, html, *people) == []


def test_registering_for_a_programs_sessions_remembers_the_language(
    make_series, client, db_session, mailbox, english_left
):
    series = make_series(SeriesKind.PROGRAM, title="Martes de lectura")
    response = client.post(
        f"/series/{series.slug}/register",
        data={"name": "Zoé Martin", "email": "zoe@biblio.example.org", "organization": "Bibliothèque", "website": ""},
        headers={"Accept-Language": "fr"},
    )
    assert response.status_code == 200
    registrations = db_session.scalars(sa.select(Registration)).all()
    assert registrations
    assert {r.locale for r in registrations} == {"fr"}
    people = [series.title, "Zoé Martin", "zoe@biblio.example.org", "Bibliothèque"]
    assert english_on_page(english_left, response.get_data(as_text=True), *people) == []
    assert mailbox
    assert all(str(m["Subject"]).startswith("Votre inscription est confirmée") for m in mailbox)


def test_a_sessions_place_in_its_course_is_said_in_the_pages_language(make_series, client):
    series = make_series(SeriesKind.COURSE, title="Cuatro martes")
    session = sorted(series.sessions, key=lambda e: e.starts_at)[1]
    html = client.get(f"/events/{session.slug}", headers={"Accept-Language": "es"}).get_data(as_text=True)
    assert "Parte 2 de 4" in html
