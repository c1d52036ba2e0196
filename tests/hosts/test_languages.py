"""The host pages in Spanish and French: every page of the host area leaves no English outside what people typed
(event and series titles, names, addresses), a host's own language from their account page, and the event editor's
"Language of this event"."""

import re
from datetime import timedelta

import pytest
from babel.dates import get_timezone_location

from eventreg import timezones
from eventreg.events.models import Event, Format
from eventreg.hosts.models import Host
from eventreg.series.models import CreditRule, SeriesKind

TITLE = "Building community connections by hiring for cultural knowledge"
SERIES_TITLE = "Four Tuesdays of readers' advisory"
# Words other areas own, on these pages through their models (events, series, registrations): they are marked in
# those areas' branches; here they are taken out like content, so this test judges the host area's own words.
OTHER_AREAS = [
    *Format.LABELS.values(),
    *SeriesKind.LABELS.values(),
    *(label.lower() for label in SeriesKind.LABELS.values()),
    *CreditRule.LABELS.values(),
    *timezones.canonical_zones(),  # IANA ids ("America/New_York") stay as they are, beside each zone's name
    # CLDR's city names in each language: proper nouns, some of them English ones ("New York" in French).
    *(
        get_timezone_location(zone, locale=language, return_city=True)
        for zone in timezones.canonical_zones()
        for language in ("es", "fr")
    ),
]


def page_text(html: str) -> str:
    """The page's own part: its title and <main> (the header and footer around it are base.html's)."""
    title = re.search(r"<title>(.*?) · ", html, re.S).group(1)
    main = html[html.index("<main") : html.index("</main>")]
    return f"<p>{title}</p>{main}"


def in_language(client, url: str, language: str, **kwargs):
    """GET the page in that language: Spanish as the host's own (their account's locale), French chosen with
    ?lang= (which outranks it)."""
    if language == "fr":
        url += ("&" if "?" in url else "?") + "lang=fr"
    response = client.get(url, **kwargs)
    client.delete_cookie("lang")
    return response


@pytest.fixture
def spanish_host(make_host, login, db_session):
    """A host whose account speaks Spanish, signed in."""
    host = make_host()
    host.locale = "es"
    db_session.commit()
    return login(host)


@pytest.fixture
def busy_event(make_event, register, spanish_host, db_session, clock):
    """A published event that started an hour ago with approval: people confirmed, waiting, pending and cancelled."""
    event = make_event(
        title=TITLE,
        starts_at=clock.now() - timedelta(hours=1),
        capacity=1,
        contact_hours="1.5",
    )
    event.hosts = [spanish_host]
    before = clock.now() - timedelta(days=1)
    people = [
        register(event, name="Ana Torres", email="ana@library.example.org", now=before),
        register(event, name="Marc Dubois", email="marc@library.example.org", now=before),
    ]
    event.requires_approval = True
    people.append(register(event, name="Lee Park", email="lee@library.example.org", now=before))
    db_session.commit()
    return event, {r.name: r for r in people}


PEOPLE = [
    "Ana Torres",
    "ana@library.example.org",
    "Marc Dubois",
    "marc@library.example.org",
    "Lee Park",
    "lee@library.example.org",
    "Springfield Public Library",
    "host@library.example.org",
]


@pytest.mark.parametrize("language", ["es", "fr"])
def test_the_host_pages_of_an_event_leave_no_english(client, busy_event, english_left, db_session, language):
    busy_event, registrations = busy_event
    pending = registrations["Lee Park"]
    pages = [
        "/host/",
        "/host/events/new",
        f"/host/events/{busy_event.id}/edit",
        f"/host/events/{busy_event.id}/attendees",
        f"/host/events/{busy_event.id}/attendees?q=nobody",
        f"/host/events/{busy_event.id}/confirm-cancel",
        f"/host/events/{busy_event.id}/attendees/{registrations['Ana Torres'].id}/confirm-cancel",
        f"/host/events/{busy_event.id}/decisions?decision=approve&registration={pending.id}",
        f"/host/events/{busy_event.id}/decisions?decision=decline&registration={pending.id}",
        "/host/reports",
        "/host/integrations",
        "/host/password",
    ]
    for url in pages:
        response = in_language(client, url, language)
        assert response.status_code == 200, url
        html = response.get_data(as_text=True)
        assert f'<html lang="{language}">' in html, url
        content = [TITLE, busy_event.summary, busy_event.description, *PEOPLE, *OTHER_AREAS]
        assert english_left(page_text(html), *content) == [], url


def test_the_sign_in_page_speaks_the_browsers_language(client, english_left):
    for language in ("es", "fr"):
        html = client.get("/host/login", headers={"Accept-Language": language}).get_data(as_text=True)
        assert f'<html lang="{language}">' in html
        assert english_left(page_text(html)) == []
    refused = client.post(
        "/host/login",
        data={"email": "nobody@library.example.org", "password": "wrong"},
        headers={"Accept-Language": "es"},
    )
    assert "no corresponden a ninguna cuenta" in refused.get_data(as_text=True)


def test_the_editor_shows_dates_and_errors_in_the_hosts_language(client, busy_event, editor_form, english_left):
    busy_event, _people = busy_event
    html = client.get(f"/host/events/{busy_event.id}/edit").get_data(as_text=True)
    assert "Guardar cambios" in html
    assert "de enero de 2025" in html  # the saved times, in Spanish
    refused = client.post("/host/events/new", data={**editor_form, "start_time": "", "title": ""})
    assert refused.status_code == 400
    page = refused.get_data(as_text=True)
    assert "Dé un título al evento." in page
    assert "Escriba la hora de inicio, por ejemplo, 15:00." in page
    french = client.get(f"/host/events/{busy_event.id}/edit?lang=fr").get_data(as_text=True)
    assert "janvier 2025" in french
    assert "Enregistrer les modifications" in french


@pytest.mark.parametrize("language", ["es", "fr"])
def test_the_series_pages_leave_no_english(client, spanish_host, english_left, language):
    form = {
        "kind": "course",
        "title": SERIES_TITLE,
        "summary": "",
        "timezone": "America/New_York",
        "first_day": "2025-03-04",
        "start_time": "15:00",
        "minutes": "60",
        "sessions_count": "4",
        "every_weeks": "1",
        "format": "webinar",
        "capacity": "30",
        "credit_rule": "some",
        "credit_sessions": "3",
        "contact_hours": "4",
    }
    suffix = "?lang=fr" if language == "fr" else ""
    preview = client.post(f"/host/series/new{suffix}", data={**form, "preview": "1"})
    assert preview.status_code == 200
    preview_html = preview.get_data(as_text=True)
    assert english_left(page_text(preview_html), *OTHER_AREAS) == []
    assert ("de marzo de 2025" if language == "es" else "mars 2025") in preview_html
    created = client.post(f"/host/series/new{suffix}", data={**form, "create": "1"})
    assert created.status_code == 303
    series_url = created.headers["Location"]
    flashed = in_language(client, series_url, language).get_data(as_text=True)
    assert english_left(page_text(flashed), SERIES_TITLE, *OTHER_AREAS) == []
    for url in (
        "/host/series/new",
        series_url,
        f"{series_url}/edit",
        f"{series_url}/sessions/new",
        f"{series_url}/publish",
    ):
        response = in_language(client, url, language)
        assert response.status_code == 200, url
        html = response.get_data(as_text=True)
        assert f'<html lang="{language}">' in html, url
        assert english_left(page_text(html), SERIES_TITLE, "host@library.example.org", *OTHER_AREAS) == [], url


def test_the_flash_messages_of_the_host_pages_speak_the_hosts_language(client, busy_event, english_left):
    busy_event, registrations = busy_event
    base = f"/host/events/{busy_event.id}"
    client.post(f"{base}/attendees/{registrations['Marc Dubois'].id}/promote")
    client.post(f"{base}/attendance", data={"mark": "attended", "registration": registrations["Ana Torres"].id})
    client.post(f"{base}/attendees/add", data={"name": "Zoé Martin", "email": "zoe@library.example.org",
                                                "organization": "Bibliothèque", "dont_email": "y"})  # fmt: skip
    client.post(f"{base}/decisions", data={"decision": "decline", "registration": registrations["Lee Park"].id})
    page = client.get(f"{base}/attendees").get_data(as_text=True)
    flashes = "".join(re.findall(r'<p class="flash[^"]*" role="status">.*?</p>', page, re.S))
    assert flashes.count('class="flash') >= 3
    assert "marcada como asistente" in flashes or "marcadas como asistentes" in flashes
    content = [*PEOPLE, "Zoé Martin", "zoe@library.example.org", "Bibliothèque"]
    assert english_left(flashes, *content) == []


def test_a_host_chooses_their_own_language_on_the_account_page(client, make_host, login, db_session):
    host = login(make_host())
    db_session.commit()
    account = client.get("/host/password", headers={"Accept-Language": "es"}).get_data(as_text=True)
    assert '<html lang="es">' in account  # until a host chooses, their pages follow their browser
    assert 'name="locale"' in account
    assert db_session.get(Host, host.id).locale is None
    saved = client.post("/host/language", data={"locale": "fr"})
    assert saved.status_code == 303
    assert db_session.get(Host, host.id).locale == "fr"
    dashboard = client.get("/host/").get_data(as_text=True)
    assert '<html lang="fr">' in dashboard
    assert "Tableau de bord" in dashboard
    # An explicit choice in the language menu outranks the account's, for this browser.
    assert '<html lang="es">' in client.get("/host/?lang=es").get_data(as_text=True)
    client.delete_cookie("lang")
    assert client.post("/host/language", data={"locale": "de"}).status_code == 400
    assert db_session.get(Host, host.id).locale == "fr"
    # Choosing "My browser's language" gives the pages back to Accept-Language.
    assert client.post("/host/language", data={"locale": ""}).status_code == 303
    assert db_session.get(Host, host.id).locale is None
    assert '<html lang="es">' in client.get("/host/", headers={"Accept-Language": "es"}).get_data(as_text=True)


def test_saving_the_language_says_so_in_the_new_language(client, make_host, login, db_session):
    login(make_host())
    db_session.commit()
    response = client.post("/host/language", data={"locale": "es"}, follow_redirects=True)
    html = response.get_data(as_text=True)
    assert '<html lang="es">' in html
    assert "Su idioma se ha guardado." in html


def test_the_editor_saves_the_language_of_the_event(client, make_host, login, editor_form, db_session):
    host = make_host()
    host.locale = "fr"
    db_session.commit()
    login(host)
    new = client.get("/host/events/new").get_data(as_text=True)
    assert re.search(r'<option lang="fr" selected value="fr">', new)  # the host's language
    created = client.post("/host/events/new", data={**editor_form, "language": "es"})
    assert created.status_code == 303
    event = db_session.scalars(db_session.query(Event).statement).one()
    assert event.language == "es"
    edit = client.get(f"/host/events/{event.id}/edit").get_data(as_text=True)
    assert re.search(r'<option lang="es" selected value="es">', edit)
    form = {**editor_form, "language": "en"}
    assert client.post(f"/host/events/{event.id}/edit", data=form).status_code == 303
    db_session.refresh(event)
    assert event.language == "en"
    assert client.post(f"/host/events/{event.id}/edit", data={**editor_form, "language": "de"}).status_code == 400
    db_session.refresh(event)
    assert event.language == "en"


def test_a_new_event_without_a_language_field_takes_the_hosts(client, make_host, login, editor_form, db_session):
    host = make_host()
    host.locale = "es"
    db_session.commit()
    login(host)
    assert client.post("/host/events/new", data=editor_form).status_code == 303
    assert db_session.scalars(db_session.query(Event).statement).one().language == "es"


def test_the_dashboard_marks_a_title_in_another_language(client, make_event, make_host, login, db_session):
    host = login(make_host())
    event = make_event(title="Lectura fácil en la biblioteca")
    event.language = "es"
    event.hosts = [host]
    db_session.commit()
    html = client.get("/host/").get_data(as_text=True)
    assert 'lang="es">Lectura fácil en la biblioteca</a>' in html
