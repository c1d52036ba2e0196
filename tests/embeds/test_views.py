"""The event list other sites frame (/embed/events) and the hosts' "Embed on your site" page."""

import html
import re
from datetime import datetime, timedelta
from decimal import Decimal

import pytest

from eventreg import create_app
from eventreg.core.config import ConfigurationError
from eventreg.events.models import Status

JOIN_URL = "https://meet.example.org/j/secret-room"


@pytest.fixture
def catalog(make_event, make_topic, register, db_session, clock):
    data = make_topic("data", "Data & technology")
    events = {
        "open": make_event(title="Open data for community needs", capacity=3, topics=[data]),
        "full": make_event(title="Teen services roundtable", capacity=1, local_start=datetime(2025, 2, 3, 11)),  # noqa: DTZ001
        "unlimited": make_event(title="Storytime skills", local_start=datetime(2025, 2, 4, 11)),  # noqa: DTZ001
        "cancelled": make_event(title="Weeding the collection", status=Status.CANCELLED),
        "closed": make_event(
            title="Grant writing basics",
            local_start=datetime(2025, 2, 5, 11),  # noqa: DTZ001
            registration_deadline_at=clock.now() - timedelta(hours=1),
        ),
        "passed": make_event(title="Data literacy for everyone", local_start=datetime(2025, 1, 8, 15), topics=[data]),  # noqa: DTZ001
        "draft": make_event(title="A draft nobody may see", status=Status.DRAFT),
    }
    register(events["open"])
    register(events["full"])
    register(events["full"])  # waiting
    db_session.commit()
    return events


def entries(response) -> list[str]:
    """The text of each listed event, in order."""
    items = re.findall(r"<li class=\"event\">(.*?)</li>", response.get_data(as_text=True), re.S)
    return [" ".join(re.sub(r"<[^>]+>", " ", html.unescape(item)).split()) for item in items]


def titles(response) -> list[str]:
    return [
        html.unescape(title) for title in re.findall(r"<h2><a [^>]+>(.*?)</a></h2>", response.get_data(as_text=True))
    ]


def test_the_list_shows_upcoming_events_with_their_times_seats_and_links_to_the_top_window(client, catalog, text_of):
    response = client.get("/embed/events")
    assert response.status_code == 200
    shown = entries(response)
    assert titles(response) == [
        "Open data for community needs",
        "Weeding the collection",
        "Teen services roundtable",
        "Storytime skills",
        "Grant writing basics",
    ]
    assert shown[0] == (
        "Open data for community needs Thursday 30 January 2025, 3:00 PM – 4:00 PM Eastern Standard Time, "
        "North America [UTC -5] 2 seats left"
    )
    assert shown[1].endswith("Cancelled")
    assert shown[2].endswith("Full — join the waiting list")
    assert shown[3].endswith("Registration open")
    assert shown[4].endswith("Registration closed")
    body = response.get_data(as_text=True)
    assert "Data literacy for everyone" not in body
    assert "A draft nobody may see" not in body
    assert JOIN_URL not in body
    assert "meet.example.org" not in body
    assert f'<a href="http://eventreg.test/events/{catalog["open"].slug}" target="_top">' in body
    # Machine-readable instants for the script that rewrites them into the visitor's zone.
    assert '<time datetime="2025-01-30T20:00:00Z" data-end="2025-01-30T21:00:00Z" data-zone="America/New_York">' in body
    assert "Times are in each event’s own time zone." in text_of(response)
    assert "<script>" not in body
    assert " style=" not in body


def test_a_topic_narrows_the_list_and_an_unknown_topic_is_a_404_inside_the_frame(client, catalog):
    response = client.get("/embed/events?topic=data")
    assert titles(response) == ["Open data for community needs"]
    assert "<h1>Upcoming events: Data &amp; technology</h1>" in response.get_data(as_text=True)
    assert 'href="http://eventreg.test/topics/data" target="_top"' in response.get_data(as_text=True)
    missing = client.get("/embed/events?topic=no-such-topic")
    assert missing.status_code == 404
    assert "There is no such topic." in missing.get_data(as_text=True)
    assert "X-Frame-Options" not in missing.headers  # the message shows inside the frame


@pytest.mark.parametrize(("limit", "count"), [("1", 1), ("3", 3), ("20", 5), ("", 5)])
def test_limit_caps_the_list(client, catalog, limit, count):
    response = client.get(f"/embed/events?limit={limit}")
    assert response.status_code == 200
    assert len(entries(response)) == count


@pytest.mark.parametrize("limit", ["0", "21", "-1", "1.5", "abc", "9223372036854775807", " 3"])
def test_a_limit_out_of_bounds_is_refused_with_a_message(client, catalog, limit, text_of):
    response = client.get("/embed/events", query_string={"limit": limit})
    assert response.status_code == 400
    assert "limit must be a whole number from 1 to 20." in text_of(response)


def test_theme_forces_light_or_dark_and_nothing_else(client, catalog, text_of):
    assert '<html lang="en">' in client.get("/embed/events").get_data(as_text=True)
    assert '<meta name="color-scheme" content="light dark">' in client.get("/embed/events").get_data(as_text=True)
    dark = client.get("/embed/events?theme=dark").get_data(as_text=True)
    assert '<html lang="en" data-theme="dark">' in dark
    assert '<meta name="color-scheme" content="dark">' in dark
    assert '<html lang="en" data-theme="light">' in client.get("/embed/events?theme=light").get_data(as_text=True)
    refused = client.get("/embed/events?theme=%3Cb%3E")
    assert refused.status_code == 400
    assert "theme must be light or dark" in text_of(refused)
    assert "<b>" not in refused.get_data(as_text=True)


def test_only_embed_pages_may_be_framed(client, catalog, make_host, login):
    embed = client.get("/embed/events")
    policy = embed.headers["Content-Security-Policy"]
    assert "frame-ancestors 'self' *;" in policy
    assert "frame-ancestors 'none'" not in policy
    assert "'unsafe-inline'" not in policy
    assert "script-src 'self'" in policy
    assert "X-Frame-Options" not in embed.headers
    for url in ("/", "/events", f"/events/{catalog['open'].slug}", "/host/login", "/calendar.ics", "/healthz"):
        response = client.get(url)
        assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"], url
        assert response.headers["X-Frame-Options"] == "DENY", url
    login(make_host())
    builder = client.get("/host/embed")
    assert "frame-ancestors 'none'" in builder.headers["Content-Security-Policy"]
    assert builder.headers["X-Frame-Options"] == "DENY"


def test_the_list_is_public_cacheable_and_sets_no_cookie(app, client, catalog):
    for url in ("/embed/events", "/embed/events?topic=data&limit=2&theme=dark", "/embed/events?tz=Europe/Berlin"):
        response = client.get(url)
        cache_control = response.headers["Cache-Control"]
        assert cache_control == f"public, max-age=0, s-maxage={app.config['PUBLIC_MAX_AGE']}", url
        assert response.headers.get("ETag"), url
        assert "Set-Cookie" not in response.headers, url
        assert "Cookie" not in response.headers.get("Vary", ""), url
        assert "csrf_token" not in response.get_data(as_text=True), url
        again = client.get(url, headers={"If-None-Match": response.headers["ETag"]})
        assert again.status_code == 304, url
    assert client.get_cookie("tz") is None
    assert client.get_cookie("session") is None


def test_errors_are_never_cached(client, catalog):
    assert client.get("/embed/events?limit=0").headers["Cache-Control"] == "private, no-store"


@pytest.fixture
def embed_app(tmp_path, monkeypatch):
    """create_app(origins): an app of its own with EVENTREG_EMBED_ORIGINS set as a deployment sets it."""

    def make(origins: str):
        monkeypatch.setenv("EVENTREG_EMBED_ORIGINS", origins)
        return create_app(
            {"TESTING": True, "SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/e.sqlite"}
        )

    return make


def test_configured_origins_replace_any_site(embed_app):
    app = embed_app("https://library.example.org  https://*.example.edu http://127.0.0.2:8080")
    client = app.test_client()
    response = client.get("/embed/nowhere")  # headers follow the path; no database needed
    policy = response.headers["Content-Security-Policy"]
    assert "frame-ancestors 'self' https://library.example.org https://*.example.edu http://127.0.0.2:8080;" in policy
    assert "X-Frame-Options" not in response.headers
    assert client.get("/healthz").headers["X-Frame-Options"] == "DENY"


@pytest.mark.parametrize(
    "origins",
    ["", "library.example.org", "https://a.example.org; script-src *", "https://a.example.org/path", "'none'",
     "javascript:alert(1)", "https://a.example.org,https://b.example.org"],
)  # fmt: skip
def test_a_malformed_origin_list_stops_the_app_with_a_message(embed_app, origins):
    with pytest.raises(ConfigurationError, match="EVENTREG_EMBED_ORIGINS must be"):
        embed_app(origins)


def test_an_origin_list_from_json_configuration_is_read_too(embed_app):
    app = embed_app('["https://library.example.org", "https://lms.example.edu"]')  # from_prefixed_env parses JSON
    policy = app.test_client().get("/embed/nowhere").headers["Content-Security-Policy"]
    assert "frame-ancestors 'self' https://library.example.org https://lms.example.edu;" in policy


def test_the_builder_needs_a_host(client, catalog):
    response = client.get("/host/embed")
    assert response.status_code == 302
    assert "/host/login" in response.headers["Location"]


def test_the_builder_makes_a_snippet_and_preview_the_list_accepts(client, catalog, make_host, login, text_of):
    login(make_host())
    integrations = client.get("/host/integrations")
    assert 'href="/host/embed">Embed on your site</a>' in integrations.get_data(as_text=True)
    page = client.get("/host/embed")
    assert page.status_code == 200
    assert page.headers["Cache-Control"] == "private, no-store"
    body = page.get_data(as_text=True)
    snippet = html.unescape(re.search(r'<textarea id="embed-snippet"[^>]*>(.*?)</textarea>', body, re.S).group(1))
    assert snippet == (
        '<iframe src="http://eventreg.test/embed/events" title="Upcoming events from eventreg" width="100%" '
        'height="600" style="border:0" loading="lazy"></iframe>\n'
        '<script src="http://eventreg.test/static/embed.js" async></script>'
    )
    assert '<iframe class="embed-preview" src="http://eventreg.test/embed/events"' in body
    assert 'name="csrf_token"' not in body.split('id="embed-form"')[1].split("</form>")[0]  # a GET form
    assert client.get("/host/embed?tz=Europe/Berlin").status_code == 200  # other parameters: the defaults

    chosen = client.get("/host/embed?topic=data&limit=3&theme=dark")
    body = chosen.get_data(as_text=True)
    snippet = html.unescape(re.search(r'<textarea id="embed-snippet"[^>]*>(.*?)</textarea>', body, re.S).group(1))
    assert snippet.startswith(
        '<iframe src="http://eventreg.test/embed/events?topic=data&amp;limit=3&amp;theme=dark" '
        'title="Upcoming events: Data &amp; technology from eventreg"'
    )
    preview = re.search(r'<iframe class="embed-preview" src="([^"]+)"', body).group(1)
    framed = client.get(html.unescape(preview).replace("http://eventreg.test", ""))
    assert framed.status_code == 200
    assert titles(framed) == ["Open data for community needs"]


@pytest.mark.parametrize(
    ("query", "message"),
    [("limit=99", "How many events: Enter a whole number from 1 to 20."),
     ("limit=", "How many events: Enter a whole number from 1 to 20."),
     ("topic=no-such-topic", "Events to show: Not a valid choice."),
     ("theme=blue", "Colours: Not a valid choice.")],
)  # fmt: skip
def test_the_builder_says_what_is_wrong_with_a_choice(client, catalog, make_host, login, text_of, query, message):
    login(make_host())
    response = client.get(f"/host/embed?{query}")
    assert response.status_code == 400
    assert message in text_of(response)
    assert "embed-snippet" not in response.get_data(as_text=True)


def test_the_list_states_a_certificate_and_its_contact_hours(client, make_event, db_session):
    make_event(title="Readers' advisory", contact_hours=Decimal("1.5"))
    make_event(title="Storytime skills", local_start=datetime(2025, 2, 4, 11))  # noqa: DTZ001
    db_session.commit()
    first, second = entries(client.get("/embed/events"))
    assert "Certificate of completion · 1.5 contact hours" in first
    assert "contact hour" not in second


def test_an_in_person_events_place_is_shown_escaped_and_a_webinar_has_none(client, make_event, db_session, text_of):
    make_event(title="Book sale", format="in_person", location="Room <b>2</b> & hall")
    make_event(title="Webinar", location="ignored for a webinar")
    response = client.get("/embed/events")
    html = response.get_data(as_text=True)
    assert "Place: Room &lt;b&gt;2&lt;/b&gt; &amp; hall" in html
    assert "ignored for a webinar" not in html
    assert html.count('class="place"') == 1
