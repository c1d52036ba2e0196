"""The message pages in Spanish and French leave no English outside what people typed, and each registrant gets a
host's message with our frame around it (and the event's time) in their own language, whatever the host's."""

import re
from datetime import timedelta

import pytest

from eventreg.messages import operations
from eventreg.messages.models import HostMessage

from .conftest import previewed

TITLE = "Open data for needs assessments"
BODY = "Hello {first_name},\n\nThe slides are attached.\n\nSøren"


def ours(html: str) -> str:
    """The page's own part: <main> without the host navigation (the header, footer and host menu are other
    templates' text), the time zone list (hosts.forms.zone_choices: place names and IANA ids), and what is code,
    not words: IANA zone ids, addresses (URLs) and the merge fields' names ({event_title})."""
    main = re.search(r"<main\b.*?</main>", html, flags=re.S)[0]
    main = re.sub(r'<nav class="host-nav".*?</nav>', " ", main, flags=re.S)
    main = re.sub(r'<select[^>]*\bid="send_zone".*?</select>', " ", main, flags=re.S)
    return re.sub(r"\{[a-z_]+\}|\b[A-Z][A-Za-z_]+/[A-Za-z_/+-]+|https?://[^\s<\"]+", " ", main)


@pytest.fixture
def log(hosted, register, db_session, host, clock):
    """A message sent to two registrants and one scheduled, for the log and the message's own page."""
    ana, ben = register(hosted, name="Ana Lima"), register(hosted, name="Ben Okafor")
    sent = HostMessage(
        event_id=hosted.id, author_id=host.id, audience="confirmed", audience_label="Everyone confirmed",
        subject="Slides", body=BODY, status="sent", send_at=clock.now(), zone=hosted.timezone,
        created_at=clock.now(), updated_at=clock.now(), sent_at=clock.now(), recipient_count=2,
    )  # fmt: skip
    later = HostMessage(
        event_id=hosted.id, author_id=host.id, audience="waiting", audience_label="Waiting list",
        subject="Soon", body=BODY, status="scheduled", send_at=clock.now().replace(day=20), zone=hosted.timezone,
        created_at=clock.now(), updated_at=clock.now(),
    )  # fmt: skip
    nobody = HostMessage(
        event_id=hosted.id, author_id=host.id, audience="confirmed", audience_label="Everyone confirmed",
        subject="Late", body=BODY, status="not_sent", send_at=clock.now(), zone=hosted.timezone,
        created_at=clock.now(), updated_at=clock.now(), recipient_count=0,
        note="Nobody was in “Everyone confirmed” when it was due.",
    )  # fmt: skip
    db_session.add_all([sent, later, nobody])
    db_session.commit()
    return {"sent": sent, "later": later, "nobody": nobody, "people": (ana, ben)}


@pytest.mark.parametrize("language", ["es", "fr"])
def test_message_pages_leave_no_english(client, hosted, log, english_left, language):
    content = (TITLE, "Ana Lima", "Ben Okafor", "Slides", "Soon", "Late", "Hello", "The slides are attached.", "Søren")
    content += ("soren@library.example.org",)
    content += tuple(p.email for p in log["people"])
    pages = [
        f"/host/events/{hosted.id}/messages",
        f"/host/events/{hosted.id}/messages/new",
        f"/host/events/{hosted.id}/messages/{log['sent'].id}",
        f"/host/events/{hosted.id}/messages/{log['later'].id}",
        f"/host/events/{hosted.id}/messages/{log['later'].id}/edit",
        f"/host/events/{hosted.id}/messages/{log['later'].id}/cancel",
        f"/host/events/{hosted.id}/messages/{log['nobody'].id}",
    ]
    for url in pages:
        page = client.get(url, headers={"Accept-Language": language})
        assert page.status_code == 200, url
        html = page.get_data(as_text=True)
        assert f'<html lang="{language}"' in html
        assert english_left(ours(html), *content) == [], url
    index = client.get(pages[0], headers={"Accept-Language": language}).get_data(as_text=True)
    assert {"es": "Todas las personas confirmadas", "fr": "Toutes les personnes confirmées"}[language] in index
    assert {"es": "No había nadie en", "fr": "Personne n’était dans"}[language] in index  # the stored note, shown


@pytest.mark.parametrize("language", ["es", "fr"])
def test_the_preview_and_a_test_copy_leave_no_english(
    client, hosted, register, db_session, message_form, english_left, text_of, language
):
    register(hosted, name="Ana Lima")
    db_session.commit()
    url = f"/host/events/{hosted.id}/messages/new?lang={language}"
    preview = client.post(url, data={**message_form(body=BODY), "action": "preview"})
    assert preview.status_code == 200
    html = preview.get_data(as_text=True)
    content = (TITLE, "Ana Lima", "Ana", "Slides", BODY, "Hello", "The slides are attached.", "Søren")
    content += ("soren@library.example.org", "eventreg", "events@eventreg.invalid")
    assert english_left(ours(html), *content) == []
    tested = client.post(url, data={**message_form(body=BODY), "action": "test", "previewed": previewed(preview)})
    assert english_left(ours(tested.get_data(as_text=True)), *content) == []


def test_each_registrant_gets_the_frame_and_the_time_in_their_own_language(
    client, hosted, register, db_session, message_form, deliver_and_clear, mailbox, english_left
):
    hosted.capacity = 10
    people = {}
    for name, locale in (("Ana Lima", "es"), ("Béa Roy", "fr"), ("Ben Okafor", "en")):
        registration = register(hosted, name=name, timezone="Europe/Madrid")
        registration.locale = locale
        people[name] = registration
    deliver_and_clear()
    body = "Hello {first_name}, the event is {event_time}.\n\nSlides: {manage_link}"
    url = f"/host/events/{hosted.id}/messages/new"  # the host's page in English
    preview = client.post(url, data={**message_form(body=body), "action": "preview"})
    sent = client.post(url, data={**message_form(body=body), "action": "send", "previewed": previewed(preview)})
    assert sent.status_code == 303
    by_name = {m["To"].addresses[0].display_name: m for m in mailbox}
    assert set(by_name) == set(people)
    for name, words, date in (
        ("Ana Lima", "Gestionar su inscripción", "30 de enero de 2025"),
        ("Béa Roy", "Gérer votre inscription", "30 janvier 2025"),
        ("Ben Okafor", "Manage your registration", "30 January 2025"),
    ):
        mail = by_name[name]
        assert mail["Subject"] == f"Slides — {TITLE}"  # the host's subject, as written
        text = mail.get_body(("plain",)).get_content()
        html = mail.get_body(("html",)).get_content()
        assert words in text
        assert words in html
        assert date in text
        link = people[name].email
        if people[name].locale != "en":
            assert "21:00" in text  # 3 PM in New York, in Madrid, as the person's language writes times
            content = (TITLE, name.split()[0], "Hello", "the event is", "Slides", link, "http", "eventreg.test")
            found = english_left(re.sub(r"https?://\S+", " ", text), *content)
            assert found == [], (name, found)
            assert english_left(re.sub(r"https?://[^\"<\s]+", " ", html), *content) == []


def test_a_scheduled_message_sent_by_the_cron_reaches_each_person_in_their_language(
    app, hosted, host, register, db_session, clock, deliver_and_clear, mailbox
):
    ana = register(hosted, name="Ana Lima", timezone="Europe/Madrid")
    ana.locale = "es"
    deliver_and_clear()
    operations.schedule(
        hosted, author=host, audience="confirmed", subject="Tomorrow", body="See you at {event_time}.",
        reply_to=host.email, send_at=clock.now() + timedelta(hours=1), zone="America/New_York", form_key=None,
        now=clock.now(),
    )  # fmt: skip
    db_session.commit()
    clock.advance(timedelta(hours=2))
    app.test_cli_runner().invoke(args=["send-reminders"])  # the cron: no request, no visitor's language
    (mail,) = mailbox
    text = mail.get_body(("plain",)).get_content()
    assert "See you at jueves, 30 de enero de 2025" in text  # the event's time, in Madrid, in Spanish
    assert "21:00" in text
    assert "Gestionar su inscripción" in text
