"""Calendar files and feeds in the request's language: our sentences in DESCRIPTION and the feed's name, never the
event's own text; an entry built for one language is never served for another."""

from datetime import datetime

import icalendar
import pytest
from flask_babel import refresh

from eventreg.calendars import links

SPANISH = {
    "upcoming": "Detalles e inscripción: http://eventreg.test/events/",
    "passed": "Este evento ya pasó. Vea la grabación: https://video.example.org/r",
    "passed_unposted": "Este evento ya pasó. La grabación se publicará aquí: http://eventreg.test/events/",
    "cancelled": "Este evento se ha cancelado.",
}
FRENCH = {
    "upcoming": "Détails et inscription : http://eventreg.test/events/",
    "passed": "Cet événement est passé. Voir l’enregistrement : https://video.example.org/r",
    "passed_unposted": "Cet événement est passé. L’enregistrement sera publié ici : http://eventreg.test/events/",
    "cancelled": "Cet événement a été annulé.",
}
ENGLISH = {
    "upcoming": "Details and registration: http://eventreg.test/events/",
    "passed": "This event has passed. Watch the recording: https://video.example.org/r",
    "passed_unposted": "This event has passed. The recording will be posted here: http://eventreg.test/events/",
    "cancelled": "This event has been cancelled.",
}


def get(client, url: str, **headers):
    """A request with these headers (each request chooses its language afresh: core/languages.py)."""
    return client.get(url, headers=headers)


@pytest.fixture
def events(make_event, make_topic, db_session):
    topic = make_topic("data", "Datos")
    made = {
        "upcoming": make_event(title="Datos abiertos", summary="Un seminario.", topics=[topic]),
        "passed": make_event(
            title="Pasado",
            local_start=datetime(2025, 1, 8, 15),  # noqa: DTZ001
            archive_url="https://video.example.org/r",
        ),
        "passed_unposted": make_event(title="Sin grabación", local_start=datetime(2025, 1, 9, 15)),  # noqa: DTZ001
        "cancelled": make_event(title="Cancelado", status="cancelled"),
    }
    db_session.commit()
    return made


def descriptions(response) -> dict[str, str]:
    calendar = icalendar.Calendar.from_ical(response.data)
    return {str(vevent["SUMMARY"]): str(vevent["DESCRIPTION"]) for vevent in calendar.walk("VEVENT")}


@pytest.mark.parametrize(("language", "said"), [("es", SPANISH), ("fr", FRENCH), ("en", ENGLISH)])
def test_downloads_and_feeds_say_our_sentences_in_the_requests_language(client, events, language, said):
    # English first: the cached entries must not leak into the other languages (nor theirs into English).
    for asked in ("en", language):
        get(client, "/calendar.ics", **{"Accept-Language": asked})
    feed = get(client, "/calendar.ics", **{"Accept-Language": language})
    assert feed.headers["Content-Language"] == language
    texts = descriptions(feed)
    for kind, event in events.items():
        assert said[kind] in texts[event.title], (kind, texts[event.title])
        download = descriptions(get(client, f"/events/{event.slug}.ics", **{"Accept-Language": language}))
        assert said[kind] in download[event.title]
    assert texts["Datos abiertos"].startswith("Un seminario.")  # the event's own words stay as written


def test_the_feeds_name_and_description_are_translated(client, events):
    calendar = icalendar.Calendar.from_ical(get(client, "/calendar.ics", **{"Accept-Language": "es"}).data)
    assert str(calendar["X-WR-CALNAME"]) == "eventreg: seminarios web y eventos"
    assert str(calendar["X-WR-CALDESC"]) == "Próximos eventos y eventos recientes de eventreg."
    topic = icalendar.Calendar.from_ical(get(client, "/topics/data/calendar.ics", **{"Accept-Language": "fr"}).data)
    assert str(topic["X-WR-CALDESC"]) == "Événements « Datos » de eventreg."
    english = icalendar.Calendar.from_ical(get(client, "/calendar.ics").data)
    assert str(english["X-WR-CALNAME"]) == "eventreg: webinars and events"


def test_each_language_has_its_own_validator(client, events):
    spanish = get(client, "/calendar.ics", **{"Accept-Language": "es"})
    english = get(client, "/calendar.ics", **{"Accept-Language": "en"})
    assert spanish.get_etag()[0] != english.get_etag()[0]
    assert "Accept-Language" in spanish.headers["Vary"]


def test_a_registrants_calendar_links_say_join_in_their_language(app, events):
    event = events["upcoming"]
    with app.test_request_context("/", headers={"Accept-Language": "fr"}):
        refresh()  # a request context made by hand runs no before_request hook (core/languages.py refreshes there)
        url = links.google_url(event, "http://eventreg.test/events/x", join_url="https://meet.example.org/j/1")
    assert "Lien+de+connexion+%3A+https%3A%2F%2Fmeet.example.org%2Fj%2F1" in url
    with app.test_request_context("/", headers={"Accept-Language": "en"}):
        refresh()  # a request context made by hand runs no before_request hook (core/languages.py refreshes there)
        url = links.google_url(event, "http://eventreg.test/events/x", join_url="https://meet.example.org/j/1")
    assert "Join%3A+https%3A%2F%2Fmeet.example.org%2Fj%2F1" in url
