"""The public pages in Spanish and French: every word of ours translated (what hosts wrote stays as written, marked
with its own lang= when it is in another language), dates and times in the page's language, the zone picker's
places named in it, and the lists' ?language= filter."""

import re
from datetime import datetime, timedelta
from decimal import Decimal

import pytest

from eventreg import templating, timezones
from eventreg.events.models import Status

LANGUAGES = ("es", "fr")
SITE = "eventreg"
# Product names, written as their makers write them in Spanish (French has "Google Agenda").
PRODUCTS = ("Google Calendar", "Outlook.com", "Microsoft 365", "LibGuides")
ZONE_IDS = timezones.canonical_zones()  # IANA ids are never translated; the picker shows them beside each place


@pytest.fixture
def catalog(make_event, make_topic, db_session, clock):
    """Events of every kind the lists and pages show, with what their hosts wrote."""
    topic = make_topic("data", "Datos y tecnología")
    events = {
        "open": make_event(
            title="Datos abiertos para la comunidad",
            summary="Un seminario sobre datos abiertos.",
            description="Traiga **una idea** para compartir.",
            language="es",
            topics=[topic],
        ),
        "english": make_event(
            title="Storytime skills",
            summary="Songs and rhymes that work.",
            description="Bring a favourite picture book.",
            local_start=datetime(2025, 2, 4, 11),  # noqa: DTZ001
            contact_hours=Decimal("1.5"),
        ),
        "cancelled": make_event(
            title="Désherbage des collections", summary="Un atelier.", language="fr", status=Status.CANCELLED
        ),
        "closed": make_event(
            title="Rédaction de demandes de subvention",
            summary="Les bases.",
            language="fr",
            local_start=datetime(2025, 2, 5, 11),  # noqa: DTZ001
            registration_deadline_at=clock.now() - timedelta(hours=1),
        ),
        "passed": make_event(
            title="Alfabetización de datos",
            summary="Para todos.",
            language="es",
            local_start=datetime(2025, 1, 8, 15),  # noqa: DTZ001
            archive_url="https://video.example.org/alfabetizacion",
            topics=[topic],
        ),
        "passed_unposted": make_event(
            title="Catalogage 101",
            summary="Les notices.",
            language="fr",
            local_start=datetime(2025, 1, 9, 15),  # noqa: DTZ001
            topics=[topic],
        ),
    }
    db_session.commit()
    return events


def places(language: str) -> list[str]:
    """The zone picker's places: CLDR's names in that language, some of them English ones ("New Salem")."""
    return [label for _area, zones in templating.zone_groups(language) for _zone, label in zones]


def content_of(events, language: str = "es") -> list[str]:
    words = [SITE, *PRODUCTS, *ZONE_IDS, *places(language), "Datos y tecnología"]
    words += ["http://eventreg.test/calendar.ics", "http://eventreg.test/topics/data/calendar.ics"]
    for event in events.values():
        words += [event.title, event.summary, event.description]
    return words


def get(client, url: str, **headers):
    """A request as a browser makes it, with these headers (each request chooses its language afresh:
    core/languages.py)."""
    return client.get(url, headers=headers)


def page_of(client, url: str, language: str, **headers) -> str:
    response = get(client, url, **{"Accept-Language": language, **headers})
    assert response.status_code == 200, (url, response.status_code)
    html = response.get_data(as_text=True)
    assert f'<html lang="{language}">' in html
    return html


PUBLIC_PAGES = (
    "/",
    "/events/on-demand",
    "/topics/data",
    "/topics/data/on-demand",
    "/?q=datos",
    "/?q=datos&topic=data",
    "/?topic=data",
    "/?q=nada",
    "/events/on-demand?q=nada&topic=data",
    "/?q=alfabetizaci%C3%B3n",  # no upcoming match, but a past one: "Looking for a recording?"
    "/?q=Catalogage&topic=data",
    "/month",
    "/month?month=2025-02",
    "/events/datos-abiertos-para-la-comunidad",
    "/events/storytime-skills",
    "/events/desherbage-des-collections",
    "/events/redaction-de-demandes-de-subvention",
    "/events/alfabetizacion-de-datos",
    "/events/catalogage-101",
)


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_public_page_leaves_no_english_of_ours(client, catalog, english_left, language):
    for url in PUBLIC_PAGES:
        html = page_of(client, url, language)
        assert english_left(html, *content_of(catalog, language)) == [], url


@pytest.mark.parametrize("language", LANGUAGES)
def test_pages_in_a_visitors_zone_leave_no_english_either(client, catalog, english_left, language):
    client.set_cookie("tz", "Europe/Berlin", domain="eventreg.test")
    for url in ("/", "/month", "/events/storytime-skills"):
        html = page_of(client, url, language)
        assert "Europe/Berlin" in html
        assert english_left(html, *content_of(catalog, language)) == [], url


def test_unknown_zone_notice_and_pagination_in_french(app, client, catalog, english_left):
    per_page = app.config["EVENTS_PER_PAGE"]
    app.config["EVENTS_PER_PAGE"] = 1
    try:
        html = page_of(client, "/?tz=Mars/Olympus&page=2", "fr")
    finally:
        app.config["EVENTS_PER_PAGE"] = per_page
    assert "Nous ne reconnaissons pas le fuseau horaire « Mars/Olympus »" in html
    assert "Page précédente" in html
    assert "Page suivante" in html
    assert english_left(html, *content_of(catalog, "fr"), "Mars/Olympus") == []


def test_spanish_and_french_pages_write_dates_and_times_their_way(client, catalog, text_of):
    spanish = text_of(get(client, "/events/datos-abiertos-para-la-comunidad", **{"Accept-Language": "es"}))
    assert "30 de enero de 2025" in spanish
    assert "Hora: 15:00 – 16:00" in spanish
    french = text_of(get(client, "/events/storytime-skills?lang=fr"))
    assert "4 février 2025" in french
    assert "Heure : 11:00 – 12:00" in french
    assert "Attestation de participation · 1,5 heure de formation" in french
    month = text_of(get(client, "/month?month=2025-02&lang=es"))  # the cookie ?lang=fr set would win
    assert "Eventos de febrero de 2025" in month


@pytest.mark.parametrize("language", LANGUAGES)
def test_error_pages_are_translated(client, db_session, english_left, language):
    response = client.get("/events/no-such-event", headers={"Accept-Language": language})
    assert response.status_code == 404
    html = response.get_data(as_text=True)
    assert f'<html lang="{language}">' in html
    assert english_left(html, SITE) == []
    response = client.post("/events", headers={"Accept-Language": language})
    assert response.status_code == 405
    assert english_left(response.get_data(as_text=True), SITE) == []


def test_english_error_page_is_unchanged(client, db_session, text_of):
    page = text_of(client.get("/events/no-such-event"))
    assert "Page not found" in page
    assert "See upcoming events or browse on-demand events ." in page  # the links' tags leave spaces
    assert "Error 404" in page


def test_content_in_another_language_is_marked_with_its_own(client, catalog):
    html = get(client, "/", **{"Accept-Language": "en"}).get_data(as_text=True)
    assert re.search(r'<h2 id="event-\d+-title" lang="es"><a [^>]+>Datos abiertos para la comunidad</a>', html)
    assert '<p class="summary" lang="es">Un seminario sobre datos abiertos.</p>' in html
    assert '<div class="description" lang="es"><p>Traiga' in html
    assert re.search(r'<h2 id="event-\d+-title"><a [^>]+>Storytime skills</a>', html)  # English on an English page
    spanish = get(client, "/", **{"Accept-Language": "es"}).get_data(as_text=True)
    assert re.search(r'<h2 id="event-\d+-title"><a [^>]+>Datos abiertos para la comunidad</a>', spanish)
    assert re.search(r'<h2 id="event-\d+-title" lang="en"><a [^>]+>Storytime skills</a>', spanish)
    page = get(client, "/events/desherbage-des-collections?lang=es").get_data(as_text=True)
    assert '<h1 lang="fr">Désherbage des collections</h1>' in page
    assert '<p class="summary lead" lang="fr">Un atelier.</p>' in page


def titles(html: str) -> list[str]:
    return re.findall(r'<h2 id="event-\d+-title"[^>]*><a href="[^"]+">([^<]+)</a></h2>', html)


def test_lists_show_only_events_in_the_language_asked_for(client, catalog, make_event, db_session):
    assert titles(client.get("/?language=fr").get_data(as_text=True)) == [
        "Désherbage des collections",
        "Rédaction de demandes de subvention",
    ]
    assert titles(client.get("/?language=es").get_data(as_text=True)) == ["Datos abiertos para la comunidad"]
    assert titles(client.get("/events/on-demand?language=fr").get_data(as_text=True)) == ["Catalogage 101"]
    assert titles(client.get("/topics/data/on-demand?language=es").get_data(as_text=True)) == [
        "Alfabetización de datos"
    ]
    assert titles(client.get("/topics/data?language=fr").get_data(as_text=True)) == []
    assert len(titles(client.get("/?language=xx").get_data(as_text=True))) == 4  # not ours: no filter
    # The search's hint about past events counts only that language, and its link keeps it.
    html = client.get("/?q=datos&language=es").get_data(as_text=True)
    assert 'href="/events/on-demand?q=datos&amp;language=es"' in html
    assert client.get("/?q=datos&language=fr").get_data(as_text=True).count("see-on-demand") == 0


def test_the_language_filter_is_a_select_kept_by_paging_and_the_other_forms(app, client, catalog):
    html = client.get("/?language=fr").get_data(as_text=True)
    assert '<select id="language-filter" name="language">' in html
    assert '<option value="fr" lang="fr" selected>Français</option>' in html
    assert html.count('<input type="hidden" name="language" value="fr">') == 2  # the language and zone forms
    per_page = app.config["EVENTS_PER_PAGE"]
    app.config["EVENTS_PER_PAGE"] = 1
    try:
        html = client.get("/?language=fr").get_data(as_text=True)
    finally:
        app.config["EVENTS_PER_PAGE"] = per_page
    assert 'href="/events?language=fr&amp;page=2"' in html or 'href="/?language=fr&amp;page=2"' in html


def test_zone_picker_names_places_in_the_pages_language(client, db_session):
    spanish = get(client, "/", **{"Accept-Language": "es"}).get_data(as_text=True)
    assert '<option value="America/New_York">Nueva York (America/New_York)</option>' in spanish
    assert '<option value="Pacific/Honolulu">Honolulú (Pacific/Honolulu)</option>' in spanish
    assert '<optgroup label="Habituales">' in spanish
    assert '<optgroup label="Europa">' in spanish
    french = get(client, "/?lang=fr").get_data(as_text=True)
    assert '<optgroup label="Amérique">' in french
    english = get(client, "/?lang=en").get_data(as_text=True)
    assert '<option value="America/New_York">New York (America/New_York)</option>' in english
    assert '<optgroup label="Common">' in english
    assert '<optgroup label="America">' in english
