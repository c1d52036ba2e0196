"""The embeddable event list in a real Chromium, framed by a page from another origin (a plain HTTP server on
127.0.0.2, another site as far as the browser is concerned): it renders, fits its height with the loader, follows
dark mode, opens events in the top window, and nothing but /embed/ may be framed there. Plus axe on the list in
both themes and on the hosts' "Embed on your site" page."""

import re
import threading
from datetime import datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

OUTER_HOST = "127.0.0.2"
LIGHT_PAGE = "rgb(255, 255, 255)"
DARK_PAGE = "rgb(20, 26, 35)"


class LibrarySite:
    """Another site on loopback: serves whatever page a test puts at a path, as a library's website would."""

    def __init__(self):
        self.pages: dict[str, str] = {}
        site = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802 - http.server's name
                body = site.pages.get(self.path)
                self.send_response(200 if body is not None else 404)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.end_headers()
                self.wfile.write((body or "not found").encode())

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer((OUTER_HOST, 0), Handler)
        self.origin = f"http://{OUTER_HOST}:{self.server.server_port}"

    def put(self, path: str, body_html: str, *, dark_capable: bool = False) -> str:
        meta = '<meta name="color-scheme" content="light dark">' if dark_capable else ""
        self.pages[path] = (
            f'<!doctype html><html lang="en"><head><meta charset="utf-8">{meta}<title>Springfield Library</title>'
            f"</head><body><h1>Springfield Library</h1><p>Our training calendar:</p>{body_html}</body></html>"
        )
        return self.origin + path


@pytest.fixture(scope="session")
def library_site():
    site = LibrarySite()
    thread = threading.Thread(target=site.server.serve_forever, daemon=True)
    thread.start()
    yield site
    site.server.shutdown()
    site.server.server_close()
    thread.join(timeout=5)


@pytest.fixture
def open_page(browser, live_server, app, db_session):
    """open_page(**context_options): a page in a fresh context (Berlin time, as the `page` fixture), e.g. with
    color_scheme="dark" or java_script_enabled=False."""
    server_name = app.config["SERVER_NAME"]
    app.config["SERVER_NAME"] = None
    contexts = []

    def make(**options):
        options = {"timezone_id": "Europe/Berlin", "locale": "en-GB", "base_url": live_server, **options}
        context = browser.new_context(**options)
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(10_000)
        return page

    yield make
    for context in contexts:
        context.close()
    app.config["SERVER_NAME"] = server_name


@pytest.fixture
def events(make_event, make_topic, register, db_session):
    data = make_topic("data", "Data & technology")
    made = [
        make_event(title="Open data for community needs", capacity=30, topics=[data]),
        make_event(title="Teen services roundtable", capacity=1, local_start=datetime(2025, 2, 3, 11)),  # noqa: DTZ001
    ]
    register(made[1])
    made += [
        make_event(title=f"Storytime skills, part {n}", local_start=datetime(2025, 2, 10 + n, 11))  # noqa: DTZ001
        for n in range(1, 7)
    ]
    db_session.commit()
    return made


def snippet(live_server: str, query: str = "", *, loader: bool = True) -> str:
    frame = (
        f'<iframe src="{live_server}/embed/events{query}" title="Upcoming events from eventreg" width="100%" '
        'height="600" style="border:0"></iframe>'
    )
    return frame + (f'\n<script src="{live_server}/static/embed.js" async></script>' if loader else "")


def frame_height(page) -> float:
    return page.locator("iframe").evaluate("(frame) => frame.getBoundingClientRect().height")


def test_a_library_page_frames_the_list_which_fits_its_height_and_opens_events_in_the_top_window(
    open_page, live_server, library_site, events
):
    page = open_page()
    page.goto(library_site.put("/training.html", snippet(live_server)))
    frame = page.frame_locator("iframe")
    expect(frame.get_by_role("heading", level=1)).to_have_text("Upcoming events")
    expect(frame.locator("li.event")).to_have_count(5)
    entry = frame.locator("li.event").first
    expect(entry.get_by_role("link")).to_have_text("Open data for community needs")
    # The event's own time stays; the script added the visitor's (Berlin) under it, and says so.
    expect(entry.locator("time")).to_have_text(
        "Thursday 30 January 2025, 3:00 PM – 4:00 PM Eastern Standard Time, North America [UTC -5]"
    )
    expect(entry.locator(".when-visitor")).to_have_text(
        "Your time: Thursday 30 January 2025, 9:00 PM – 10:00 PM Central European Standard Time [UTC +1]"
    )
    expect(frame.locator("#zone-note")).to_have_text(
        "Times are in each event’s own time zone, and in yours (Europe/Berlin)."
    )
    expect(entry).to_contain_text("30 seats left")
    expect(frame.locator("li.event").nth(1)).to_contain_text("Full")

    # The loader fitted the frame to the list: no inner scrolling, no gap.
    page.wait_for_function("() => document.querySelector('iframe').style.height !== ''")
    inner = page.frames[1].evaluate("() => document.documentElement.getBoundingClientRect().height")
    assert abs(frame_height(page) - inner) <= 1
    assert frame_height(page) != 600
    page.set_viewport_size({"width": 360, "height": 700})  # narrower: titles wrap, the list grows, so does the frame
    page.wait_for_function(
        "() => Math.abs(document.querySelector('iframe').getBoundingClientRect().height"
        " - parseFloat(document.querySelector('iframe').style.height)) < 1 && parseFloat("
        f"document.querySelector('iframe').style.height) > {inner}"
    )

    entry.get_by_role("link", name="Open data for community needs").click()
    expect(page).to_have_url(f"{live_server}/events/{events[0].slug}")
    expect(page.get_by_role("heading", level=1)).to_have_text("Open data for community needs")


def test_without_the_loader_the_frame_keeps_its_height_and_scrolls_until_a_late_loader_fits_it(
    open_page, live_server, library_site, events
):
    page = open_page()
    page.goto(library_site.put("/fixed.html", snippet(live_server, "?limit=8", loader=False)))
    frame = page.frame_locator("iframe")
    expect(frame.locator("li.event")).to_have_count(8)
    assert frame_height(page) == 600
    inner = page.frames[1].evaluate("() => [document.documentElement.scrollHeight, window.innerHeight]")
    assert inner[0] > inner[1] == 600  # the list is longer than the frame: it scrolls inside
    # A loader that arrives after the list has reported (a slow script, or one added later) asks again.
    page.evaluate(
        "(src) => { const script = document.createElement('script'); script.src = src; document.body.append(script); }",
        f"{live_server}/static/embed.js",
    )
    page.wait_for_function(f"() => document.querySelector('iframe').getBoundingClientRect().height >= {inner[0] - 1}")


def test_the_list_follows_dark_mode_unless_the_snippet_forces_a_theme(open_page, live_server, library_site, events):
    page = open_page(color_scheme="dark")
    # Chromium gives a frame the browser's preference even when the framing page declares no color-scheme.
    page.goto(library_site.put("/plain.html", snippet(live_server)))
    expect(page.frame_locator("iframe").locator("body")).to_have_css("background-color", DARK_PAGE)
    page.goto(library_site.put("/dark.html", snippet(live_server), dark_capable=True))
    body = page.frame_locator("iframe").locator("body")
    expect(body).to_have_css("background-color", DARK_PAGE)
    expect(body).to_have_css("color", "rgb(232, 237, 244)")
    page.goto(library_site.put("/forced-light.html", snippet(live_server, "?theme=light")))
    expect(page.frame_locator("iframe").locator("body")).to_have_css("background-color", LIGHT_PAGE)
    light = open_page(color_scheme="light")
    light.goto(library_site.put("/forced-dark.html", snippet(live_server, "?theme=dark")))
    expect(light.frame_locator("iframe").locator("body")).to_have_css("background-color", DARK_PAGE)
    light.goto(library_site.put("/light.html", snippet(live_server), dark_capable=True))
    expect(light.frame_locator("iframe").locator("body")).to_have_css("background-color", LIGHT_PAGE)


def test_other_pages_refuse_to_be_framed_by_another_site(open_page, live_server, library_site, events):
    page = open_page()
    refusals = []
    page.on("console", lambda message: refusals.append(message.text) if "frame-ancestors" in message.text else None)
    page.goto(
        library_site.put("/scrape.html", f'<iframe src="{live_server}/events/{events[0].slug}" title="x"></iframe>')
    )
    page.wait_for_function("() => document.querySelector('iframe') !== null")
    page.wait_for_timeout(500)  # the refusal is reported once the frame's answer arrives
    assert any("frame-ancestors 'none'" in text for text in refusals), refusals
    framed = page.frames[1]
    assert not framed.url.startswith(live_server)
    assert "Open data for community needs" not in framed.content()


def test_without_javascript_the_list_shows_each_events_own_zone(open_page, live_server, events):
    page = open_page(java_script_enabled=False)
    page.goto("/embed/events?topic=data")
    entry = page.locator("li.event").first
    expect(entry.locator("time")).to_have_text(
        "Thursday 30 January 2025, 3:00 PM – 4:00 PM Eastern Standard Time, North America [UTC -5]"
    )
    expect(entry.locator(".when-visitor")).to_be_hidden()
    expect(page.locator("#zone-note")).to_have_text("Times are in each event’s own time zone.")


def test_an_in_person_event_shows_its_place_and_local_time_beside_the_visitors(
    open_page, live_server, make_event, db_session
):
    make_event(
        title="Makerspace open house",
        format="in_person",
        location="Central Library, 1 Main St, Wellington",
        timezone="Pacific/Auckland",
        local_start=datetime(2025, 1, 31, 10),  # noqa: DTZ001 - wall-clock time in Wellington
    )
    make_event(title="Online only", local_start=datetime(2025, 2, 3, 11))  # noqa: DTZ001
    db_session.commit()
    page = open_page(timezone_id="America/Los_Angeles")
    page.goto("/embed/events")
    place, online = page.locator("li.event").nth(0), page.locator("li.event").nth(1)
    expect(place.locator(".place")).to_have_text("Place: Central Library, 1 Main St, Wellington")
    # On the door in Wellington (summer time, across the date line), and in the visitor's Los Angeles.
    expect(place.locator("time")).to_have_text(
        "Friday 31 January 2025, 10:00 AM – 11:00 AM New Zealand Daylight Time, Oceania [UTC +13]"
    )
    expect(place.locator(".when-visitor")).to_have_text(
        "Your time: Thursday 30 January 2025, 1:00 PM – 2:00 PM Pacific Standard Time [UTC -8]"
    )
    expect(online.locator(".place")).to_have_count(0)


@pytest.mark.parametrize("color_scheme", ["light", "dark"])
def test_the_list_passes_axe_in_both_themes(open_page, axe, live_server, events, color_scheme):
    page = open_page(color_scheme=color_scheme)
    page.goto("/embed/events?limit=3")
    expect(page.locator("li.event")).to_have_count(3)
    expect(page.locator("body")).to_have_css("background-color", DARK_PAGE if color_scheme == "dark" else LIGHT_PAGE)
    axe(page)
    page.goto("/embed/events?topic=nothing")  # the message shown inside a frame
    axe(page)


def test_the_embed_page_for_hosts_builds_the_snippet_live_and_passes_axe(
    page, axe, make_host, events, sign_in, db_session
):
    host = make_host()
    db_session.commit()
    sign_in(page, host)
    page.get_by_role("link", name="Integrations").click()
    page.get_by_role("link", name="Embed on your site").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Embed on your site")
    snippet_box = page.get_by_label("Copy this into your page’s HTML")
    expect(snippet_box).to_contain_text('/embed/events" title="Upcoming events from eventreg"')
    preview = page.frame_locator("iframe.embed-preview")
    expect(preview.locator("li.event")).to_have_count(5)
    axe(page)

    # Choices rebuild the snippet and the preview without a button press.
    page.get_by_label("Events to show").select_option("data")
    expect(snippet_box).to_have_value(
        re.compile(r'/embed/events\?topic=data" title="Upcoming events: Data &amp; technology')
    )
    expect(preview.locator("li.event")).to_have_count(1)
    page.get_by_label("Always dark").check()
    expect(snippet_box).to_have_value(re.compile(r"topic=data&amp;theme=dark"))
    expect(preview.locator("body")).to_have_css("background-color", DARK_PAGE)
    expect(page.get_by_role("status").filter(has_text="updated")).to_have_count(1)
    assert "theme=dark" in page.url  # a reload keeps the choices
    axe(page)
    page.set_viewport_size({"width": 320, "height": 640})
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 320
    axe(page)


def test_visitor_times_say_the_next_day_and_label_each_end_across_a_clock_change(
    open_page, make_event, make_topic, db_session
):
    late = make_topic("late", "Late")
    evening = datetime(2025, 1, 30, 17, 30)  # noqa: DTZ001 - wall-clock time in New York
    make_event(title="Evening in New York", local_start=evening, duration=timedelta(minutes=90), topics=[late])
    make_event(
        title="Across the change",
        timezone="UTC",
        local_start=datetime(2025, 3, 30, 0, 30),  # noqa: DTZ001
        duration=timedelta(hours=2),
        topics=[late],
    )
    db_session.commit()
    page = open_page()
    page.goto("/embed/events?topic=late")
    times = page.locator("li.event .when-visitor")
    expect(times.nth(0)).to_have_text(
        "Your time: Thursday 30 January 2025, 11:30 PM – 1:00 AM the next day Central European Standard Time [UTC +1]"
    )
    expect(times.nth(1)).to_have_text(
        "Your time: Sunday 30 March 2025, 1:30 AM Central European Standard Time [UTC +1] – "
        "4:30 AM Central European Summer Time [UTC +2]"
    )


def test_a_spanish_frame_writes_the_visitors_time_in_spanish(open_page, live_server, events):
    page = open_page(locale="es-ES")
    page.goto("/embed/events?lang=es")
    entry = page.locator("li.event").first
    expect(entry.locator("time")).to_have_text(
        "jueves, 30 de enero de 2025, 15:00 – 16:00 hora estándar oriental, América del Norte [UTC -5]"
    )
    # The script's words come from the page (its data- attributes), the date and zone names from the browser.
    expect(entry.locator(".when-visitor")).to_contain_text("Su hora: jueves, 30 de enero de 2025, 21:00 – 22:00")
    expect(entry.locator(".when-visitor")).to_contain_text("[UTC +1]")
    expect(page.locator("#zone-note")).to_have_text(
        "Las horas se muestran en la zona horaria de cada evento y en la suya (Europe/Berlin)."
    )
    expect(entry).to_contain_text("30 plazas disponibles")
