"""The framed event list and the hosts' "Embed on your site" page in Spanish and French."""

import html as markup
import re
from datetime import datetime, timedelta

import pytest

from eventreg.events.models import Status

LANGUAGES = ("es", "fr")
SITE = "eventreg"


def get(client, url: str, **headers):
    """A request as a browser makes it, with these headers (each request chooses its language afresh:
    core/languages.py)."""
    return client.get(url, headers=headers)


@pytest.fixture
def catalog(make_event, make_topic, register, db_session, clock):
    topic = make_topic("data", "Datos y tecnología")
    events = {
        "open": make_event(title="Datos abiertos", capacity=3, topics=[topic], language="es"),
        "one": make_event(title="Une place", capacity=2, local_start=datetime(2025, 2, 2, 11), language="fr"),  # noqa: DTZ001
        "full": make_event(title="Club de lecture", capacity=1, local_start=datetime(2025, 2, 3, 11), language="fr"),  # noqa: DTZ001
        "unlimited": make_event(
            title="Storytime skills",
            local_start=datetime(2025, 2, 4, 11),  # noqa: DTZ001
            location="Sala 2",
            format="in_person",
        ),
        "cancelled": make_event(title="Désherbage", status=Status.CANCELLED, language="fr"),
        "closed": make_event(
            title="Subvenciones",
            local_start=datetime(2025, 2, 5, 11),  # noqa: DTZ001
            registration_deadline_at=clock.now() - timedelta(hours=1),
            language="es",
        ),
    }
    register(events["one"])
    register(events["full"])
    db_session.commit()
    return events


def content_of(events) -> list[str]:
    return [SITE, "Datos y tecnología", "Sala 2", *(event.title for event in events.values())]


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_framed_list_leaves_no_english_of_ours(client, catalog, english_left, language):
    for url in ("/embed/events", "/embed/events?topic=data&limit=20", "/embed/events?language=xx"):
        response = get(client, url, **{"Accept-Language": language})
        assert response.status_code == 200
        html = response.get_data(as_text=True)
        assert re.search(rf'<html lang="{language}"', html)
        assert english_left(html, *content_of(catalog)) == [], url


def test_the_framed_list_in_spanish_reads_naturally(client, catalog, text_of):
    page = text_of(get(client, "/embed/events?lang=es"))
    assert "Próximos eventos" in page
    assert "3 plazas disponibles" in page
    assert "1 plaza disponible" in page
    assert "Completo : únase a la lista de espera" in page  # text_of leaves the tag's space
    assert "Lugar: Sala 2" in page
    assert "30 de enero de 2025, 15:00 – 16:00" in page
    html = get(client, "/embed/events?lang=es").get_data(as_text=True)
    assert 'data-your-time="Su hora: {time}"' in html  # what the frame's script writes the visitor's time with
    assert re.search(r'target="_top" lang="fr">Club de lecture</a>', html)
    assert re.search(r'target="_top">Datos abiertos</a>', html)


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_frames_refusals_are_translated(client, catalog, english_left, language):
    for url, status in (
        ("/embed/events?limit=99", 400),
        ("/embed/events?theme=pink", 400),
        ("/embed/events?topic=x", 404),
    ):
        response = get(client, url, **{"Accept-Language": language})
        assert response.status_code == status
        assert english_left(response.get_data(as_text=True), SITE) == [], url


def test_the_framed_list_shows_only_the_language_asked_for(client, catalog):
    html = get(client, "/embed/events?language=fr&limit=20").get_data(as_text=True)
    assert re.findall(r'target="_top"[^>]*>([^<]+)</a></h2>', html) == ["Désherbage", "Une place", "Club de lecture"]


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_builder_leaves_no_english_of_ours(client, catalog, make_host, login, english_left, language):
    login(make_host())
    for url in ("/host/embed", "/host/embed?topic=data&limit=3&theme=dark", "/host/embed?limit=0"):
        html = get(client, url, **{"Accept-Language": language}).get_data(as_text=True)
        html = re.sub(r'<nav class="host-nav".*?</nav>', "", html, flags=re.S)  # the hosts' own menu is theirs
        snippet = re.search(r'<textarea id="embed-snippet"[^>]*>(.*?)</textarea>', html, re.S)
        code = [markup.unescape(snippet.group(1))] if snippet else []  # the HTML to paste: tags, URLs
        left = english_left(html, *content_of(catalog), *code, "LibGuides", "HTML", "host@library.example.org")
        assert left == [], url


def test_the_builder_offers_the_language_filter_and_puts_it_in_the_snippet(client, catalog, make_host, login):
    login(make_host())
    html = get(client, "/host/embed?topic=&language=fr&limit=5&theme=").get_data(as_text=True)  # as the form sends
    assert '<option selected value="fr">Français</option>' in html
    assert 'src="http://eventreg.test/embed/events?language=fr"' in markup.unescape(html)
    assert get(client, "/host/embed?topic=&language=xx&limit=5&theme=").status_code == 400  # not a choice
    plain = get(client, "/host/embed").get_data(as_text=True)
    assert "language=" not in markup.unescape(re.search(r"<textarea[^>]*>(.*?)</textarea>", plain, re.S).group(1))
