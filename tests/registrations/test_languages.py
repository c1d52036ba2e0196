"""Registrations in Spanish and French: the pages a registrant reads, and every mail of the area (events and
courses), in the language they registered in, whatever the language of the request that sends it later."""

import re
from datetime import timedelta

import pytest
import sqlalchemy as sa

from eventreg.mail import sending
from eventreg.mail.models import OutboxMessage
from eventreg.registrations import notifications, operations, reminders
from eventreg.registrations.models import Registration

LANGUAGES = ["es", "fr"]
URL = re.compile(r"https?://[^\s\"'<>]+")


def typed(event, *people) -> list[str]:
    """What the host and the registrants typed, which a page or a mail shows as it is."""
    content = [event.title, event.summary or "", event.join_url or "", event.archive_url or "", event.location or ""]
    for person in people:
        content += [person.name, person.email, person.organization, getattr(person, "job_role", "") or ""]
    return content


# Text of other areas' templates inside our pages (the shared times macro, the e-mail field's label, the calendar
# links' label and the product name "Google Calendar"): their branches translate it. Once they are merged, only
# "Google Calendar" stays here, and each page must be clean as a whole.
OTHER_AREAS = ("Time:", "Your time:", "Email address", "Google Calendar", "Add ", " to your calendar")


def english_in(english_left, text: str, *content: str) -> list[str]:
    """english_left, with every link in the text taken out too (a token can hold letters that make a word)."""
    return english_left(text, *content, *URL.findall(text))


def english_on_page(english_left, html: str, *content: str) -> list[str]:
    """The English left in a page's main part (the header and footer are the public area's)."""
    main = html.split('<main id="main"', 1)[-1].split("</main>", 1)[0]
    return english_in(english_left, main, *content, *OTHER_AREAS)


def mail_parts(message) -> list[str]:
    return [message.subject, message.body_text, message.body_html]


@pytest.fixture
def deliver(db_session, clock):
    def run():
        db_session.commit()
        sending.send_pending(clock.now())

    return run


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_registration_pages_leave_no_english(
    language, make_event, client, db_session, mailbox, mailed_path, english_left
):
    event = make_event(capacity=10)
    headers = {"Accept-Language": language}
    page = client.get(f"/events/{event.slug}/register", headers=headers).get_data(as_text=True)
    assert f'lang="{language}"' in page
    assert english_on_page(english_left, page, *typed(event)) == []

    response = client.post(
        f"/events/{event.slug}/register",
        data={
            "name": "Ana Lima",
            "email": "ana@library.example.org",
            "organization": "Biblioteca Springfield",
            "job_role": "Bibliotecaria",
            "accessibility": "captions",
            "wants_recording": "y",
            "timezone": "Europe/Berlin",
            "form_key": "key-1",
            "website": "",
        },
        headers=headers,
    )
    check = response.get_data(as_text=True)
    registration = db_session.scalars(sa.select(Registration)).one()
    assert registration.locale == language
    assert f'lang="{language}"' in check
    assert english_on_page(english_left, check, *typed(event, registration)) == []

    manage = mailed_path(response)
    for path in (manage, manage + "/details", manage + "/cancel"):
        html = client.get(path, headers=headers).get_data(as_text=True)
        assert f'lang="{language}"' in html, path
        assert english_on_page(english_left, html, *typed(event, registration)) == [], path
    bad = client.get("/r/not-a-real-link", headers=headers).get_data(as_text=True)
    assert english_on_page(english_left, bad) == []


def test_a_spanish_registrations_confirmation_arrives_in_spanish_with_spanish_times(
    make_event, client, db_session, mailbox, english_left
):
    event = make_event()  # 3:00-4:00 PM New York, 30 January 2025
    response = client.post(
        f"/events/{event.slug}/register",
        data={
            "name": "Lucía Pérez",
            "email": "lucia@biblioteca.example.org",
            "organization": "Biblioteca Central",
            "timezone": "America/New_York",
            "form_key": "key-es",
            "website": "",
        },
        headers={"Accept-Language": "es"},
    )
    assert response.status_code == 200
    (message,) = mailbox
    subject = str(message["Subject"])
    assert subject.startswith("Su inscripción está confirmada: ")
    body = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    assert "15:00" in body
    assert "de enero de" in body
    assert "Hola, Lucía Pérez:" in body
    registration = db_session.scalars(sa.select(Registration)).one()
    assert registration.locale == "es"
    for text in (subject, body, html):
        assert english_in(english_left, text, *typed(event, registration)) == [], text
    calendar = next(part for part in message.walk() if part.get_content_type() == "text/calendar")
    assert "Gestione o cancele su inscripción" in calendar.get_content().replace("\r\n ", "")


def test_a_reminder_sent_later_from_an_english_request_is_still_spanish(
    app, make_event, register, db_session, clock, mailbox, deliver, english_left
):
    event = make_event()
    registration = register(event, name="Lucía Pérez", email="lucia@biblioteca.example.org", locale="es")
    english = register(event, name="Ann Reader", email="ann@library.example.org", locale="en")
    deliver()
    mailbox.clear()
    clock.set(event.starts_at - timedelta(hours=23, minutes=55))
    with app.test_request_context("/", method="POST", headers={"Accept-Language": "en"}):
        assert reminders.send_reminders(clock.now()) == 2
    deliver()
    by_address = {str(m["To"]).split("<")[-1].rstrip(">"): m for m in mailbox}
    spanish = by_address[registration.email]
    assert str(spanish["Subject"]).startswith("Recordatorio: ")
    body = spanish.get_body(("plain",)).get_content()
    assert "15:00" in body
    assert "de enero de" in body
    assert english_in(english_left, body, *typed(event, registration)) == []
    assert str(by_address[english.email]["Subject"]).startswith("Reminder: ")  # English unchanged


def queued(db_session, since: int) -> list[OutboxMessage]:
    return list(db_session.scalars(sa.select(OutboxMessage).where(OutboxMessage.id > since).order_by(OutboxMessage.id)))


def last_id(db_session) -> int:
    return db_session.scalar(sa.select(sa.func.coalesce(sa.func.max(OutboxMessage.id), 0)))


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_registration_mail_leaves_no_english(language, make_event, register, db_session, clock, english_left):
    event = make_event(capacity=1, location=None, archive_url=None)
    start = last_id(db_session)
    first = register(event, name="Lucía Pérez", email="lucia@biblioteca.example.org", locale=language)
    waiting = register(
        event, name="Marc Roy", email="marc@biblio.example.org", locale=language, timezone="Europe/Paris"
    )
    approval = make_event(title="Club de lecture", requires_approval=True)
    pending = register(approval, name="Zoé Martin", email="zoe@biblio.example.org", locale=language)
    now = clock.now()
    notifications.queue_confirmation(first, now=now, again=True)
    notifications.queue_confirmation(first, now=now, approved=True, note="Bienvenue")
    notifications.queue_confirmation(first, now=now, promoted=True)
    notifications.queue_waiting(waiting, position=1, now=now, approved=True)
    notifications.queue_pending(pending, now=now, again=True)
    operations.decline_one(pending, note="Complet", now=now)
    notifications.queue_declined(pending, note="Complet", now=now, again=True)
    previous = notifications.EventBefore.of(
        event, {"starts_at": event.starts_at - timedelta(days=1), "location": "Salle 2"}
    )
    notifications.queue_update(first, changes=["join link", "place", "time"], previous=previous, now=now)
    for kind in notifications.RECORDING_SUBJECTS:
        event.archive_url = "https://video.example.org/recording"
        notifications.queue_recording(first, kind=kind, now=now)
    notifications.queue_reminder(first, hours_before=24, now=now)
    notifications.queue_reminder(first, hours_before=1, now=now)
    notifications.queue_event_cancelled(first, had_invitation=True, now=now)
    operations.cancel_registration(waiting, now=now)
    messages = queued(db_session, start)
    kinds = {m.kind for m in messages}
    assert {
        "confirmation",
        "confirmation_again",
        "waiting",
        "pending",
        "pending_again",
        "declined_again",
        "update",
        "recording",
        "thanks",
        "missed",
        "recording_correction",
        "reminder_24h",
        "reminder_1h",
        "event_cancelled",
        "cancellation",
    } <= kinds
    people = typed(event, first, waiting, pending) + typed(approval) + ["Bienvenue", "Complet", "Salle 2"]
    for message in messages:
        for text in mail_parts(message):
            assert english_in(english_left, text, *people) == [], (message.kind, text)
        if message.calendar:
            description = message.calendar.replace("\r\n ", "")
            assert english_in(english_left, description.split("DESCRIPTION:", 1)[-1].split("\r\n")[0], *people) == []


def test_a_host_adding_someone_by_hand_gives_them_the_sites_language(make_event, db_session, clock):
    event = make_event()
    added = operations.add_registrant(
        event,
        name="Ann Reader",
        email="ann@library.example.org",
        organization="Library",
        email_them=False,
        now=clock.now(),
    )
    assert added.registration.locale == "en"


def test_a_saved_change_is_announced_in_the_registrants_language(make_event, client, mailbox, mailed_path):
    event = make_event()
    headers = {"Accept-Language": "fr"}
    response = client.post(
        f"/events/{event.slug}/register",
        data={
            "name": "Zoé Martin",
            "email": "zoe@biblio.example.org",
            "organization": "Bibliothèque",
            "form_key": "k",
            "website": "",
        },
        headers=headers,
    )
    details = mailed_path(response) + "/details"
    saved = client.post(
        details, data={"name": "Zoé Martin-Roy", "organization": "Bibliothèque"}, headers=headers, follow_redirects=True
    )
    assert "Vos modifications sont enregistrées. Modifié : Nom." in saved.get_data(as_text=True)


def test_the_personal_feed_speaks_the_registrants_language(make_event, register, client, db_session):
    event = make_event()
    registration = register(event, name="Lucía Pérez", email="lucia@biblioteca.example.org", locale="es")
    db_session.commit()
    token = operations.get_personal_feed(registration.email).token
    body = client.get(f"/feeds/{token}.ics", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "X-WR-CALNAME:Mis eventos de eventreg" in body


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_manage_page_after_the_event_leaves_no_english(
    language, make_event, client, db_session, clock, mailbox, mailed_path, english_left
):
    event = make_event(archive_url="https://video.example.org/recording")
    headers = {"Accept-Language": language}
    response = client.post(
        f"/events/{event.slug}/register",
        data={"name": "Zoé Martin", "email": "zoe@biblio.example.org", "organization": "Bibliothèque", "website": ""},
        headers=headers,
    )
    manage = mailed_path(response)
    registration = db_session.scalars(sa.select(Registration)).one()
    registration.attended, registration.minutes_attended = True, 55
    db_session.commit()
    clock.set(event.ends_at + timedelta(days=1))
    html = client.get(manage, headers=headers).get_data(as_text=True)
    assert english_on_page(english_left, html, *typed(event, registration)) == []
    assert "55" in html
