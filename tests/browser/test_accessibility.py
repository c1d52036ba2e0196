"""axe-core on every main page, in the states people meet: lists with events, forms with errors, signed-in pages.

A test fails on any serious or critical WCAG 2.1 A/AA or best-practice violation (see the `axe` fixture)."""

from datetime import datetime, timedelta

import pytest
from playwright.sync_api import expect

from eventreg.registrations import tokens

pytestmark = pytest.mark.browser

PHONE = {"width": 320, "height": 640}
DESCRIPTION = "Hiring for **cultural knowledge** changes who walks in.\n\n- Who applies\n- Who stays"


@pytest.fixture
def catalog(make_event, make_topic, db_session, live_server):
    """Two upcoming events with topics, one with a seat limit; two passed ones, one with its recording."""
    data = make_topic("data-technology", "Data & technology")
    people = make_topic("people-leadership", "People & leadership")
    events = {
        "upcoming": make_event(
            title="Building community connections by hiring for cultural knowledge",
            description=DESCRIPTION,
            host_name="Springfield Public Library",
            capacity=40,
            topics=[people],
        ),
        "hybrid": make_event(
            title="Open data for community needs",
            local_start=datetime(2025, 2, 10, 19, 30),  # noqa: DTZ001
            timezone="Asia/Kolkata",
            format="hybrid",
            location="Main Library, Room 2",
            topics=[data, people],
        ),
        "recorded": make_event(
            title="Don't manage change—embrace it",
            local_start=datetime(2025, 1, 2, 15),  # noqa: DTZ001
            archive_url=f"{live_server}/healthz",
            topics=[people],
        ),
        "passed": make_event(title="Data literacy for everyone", local_start=datetime(2025, 1, 8, 15), topics=[data]),  # noqa: DTZ001
    }
    db_session.commit()
    return events


def at_phone_width(page) -> None:
    """WCAG 1.4.10 (reflow): at 320 CSS pixels nothing scrolls sideways but a wide table, inside its own region."""
    page.set_viewport_size(PHONE)
    assert page.evaluate("() => document.documentElement.scrollWidth") <= PHONE["width"]


def submit_registration(page) -> None:
    page.locator("#register button[type=submit]").click()


# The catalog's pages share one browser context: a fresh one costs more than the scan (the report names the page).
def test_event_lists_pass_axe(page, axe, catalog):
    page.goto("/")
    expect(page.locator("article.event-entry")).to_have_count(2)
    page.get_by_text("Show details").click()  # the scan covers the opened description too
    axe(page)
    page.goto("/events/on-demand")
    expect(page.locator("article.event-entry")).to_have_count(2)
    axe(page)
    page.goto("/?q=community&topic=data-technology")
    expect(page.locator(".result-count")).to_contain_text("Showing events")
    axe(page)
    page.goto("/?q=nothing+like+this")
    expect(page.locator(".result-count")).to_have_text("No events matching “nothing like this”. Show all")
    axe(page)
    page.goto("/month?month=2025-01")
    expect(page.get_by_role("heading", level=1)).to_have_text("Events in January 2025")
    axe(page)
    page.goto("/topics/data-technology")
    expect(page.get_by_role("heading", level=1)).to_have_text("Upcoming events: Data & technology")
    axe(page)


def test_event_pages_upcoming_with_the_registration_page_and_passed_pass_axe(page, axe, catalog):
    page.goto(f"/events/{catalog['upcoming'].slug}")
    expect(page.get_by_text("40 seats left")).to_be_visible()
    axe(page)
    page.get_by_role("link", name="Register", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Register: {catalog['upcoming'].title}")
    expect(page.get_by_text("40 seats left")).to_be_visible()
    axe(page)
    page.goto(f"/events/{catalog['recorded'].slug}")
    expect(page.locator(".state-passed")).to_contain_text("Watch the recording.")
    axe(page)


def test_registration_form_for_a_full_event_passes_axe(page, axe, make_event, register, db_session):
    event = make_event(capacity=1)
    register(event)
    db_session.commit()
    page.goto(f"/events/{event.slug}/register")
    expect(page.get_by_role("button", name="Join the waiting list")).to_be_visible()
    axe(page)


def test_registration_form_with_errors_passes_axe(page, axe, make_event, db_session):
    event = make_event()
    db_session.commit()
    page.goto(f"/events/{event.slug}/register")
    submit_registration(page)
    expect(page.locator(".error-summary")).to_contain_text("Please enter your name.")
    axe(page)
    page.get_by_label("Email address").fill("not-an-email")
    page.get_by_label("Accessibility request (optional)").select_option("other")
    submit_registration(page)
    expect(page.locator(".error-summary")).to_contain_text("Please enter a valid email address")
    axe(page)


def test_registration_success_page_passes_axe(page, axe, make_event, db_session):
    event = make_event(capacity=20)
    db_session.commit()
    page.goto(f"/events/{event.slug}/register")
    page.get_by_label("Your name").fill("Ana Lima")
    page.get_by_label("Email address").fill("ana@library.example.org")
    page.get_by_label("Library or organization").fill("Springfield Public Library")
    page.get_by_label("Accessibility request (optional)").select_option("captions")
    submit_registration(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your email")
    axe(page)
    at_phone_width(page)


def test_manage_page_on_the_waiting_list_and_cancelled_passes_axe(page, axe, make_event, register, db_session):
    event = make_event(capacity=1)
    register(event)
    waiting = register(event, name="Ana Lima")
    db_session.commit()
    page.goto(f"/r/{tokens.manage_token(waiting)}")
    expect(page.get_by_role("heading", level=1)).to_have_text("You’re on the waiting list, position 1")
    axe(page)
    page.get_by_role("link", name="Cancel my registration…").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Cancel your registration?")
    axe(page)
    page.get_by_role("button", name="Yes, cancel my registration").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your registration is cancelled")
    axe(page)


def test_not_found_page_passes_axe(page, axe, db_session):
    response = page.goto("/events/no-such-event")
    assert response.status == 404
    axe(page)


def test_host_sign_in_page_and_its_errors_passes_axe(page, axe, make_host, db_session):
    make_host()
    db_session.commit()
    page.goto("/host/login")
    axe(page)
    page.get_by_label("Email").fill("host@library.example.org")
    page.get_by_label("Password").fill("not the password")
    page.get_by_role("button", name="Sign in").click()
    expect(page.locator(".error-summary")).to_be_visible()
    axe(page)


def test_host_dashboard_passes_axe_and_reflows(page, axe, make_host, make_event, register, db_session, sign_in):
    host = make_host()
    upcoming = make_event(title="Open data for community needs", capacity=10, hosts=[host])
    register(upcoming)
    make_event(title="Data literacy for everyone", local_start=datetime(2025, 1, 8, 15), hosts=[host])  # noqa: DTZ001
    db_session.commit()
    sign_in(page, host)
    expect(page.get_by_role("link", name="Registrants")).to_have_count(2)
    axe(page)
    at_phone_width(page)
    axe(page)


def test_host_reports_and_integrations_pages_pass_axe_and_reflow(page, axe, make_host, db_session, sign_in):
    host = make_host()
    db_session.commit()
    sign_in(page, host)
    for hub, tool in (("Reports", "Continuing-education report"), ("Integrations", "Embed on your site")):
        page.get_by_role("link", name=hub).click()
        expect(page.get_by_role("heading", level=1)).to_have_text(hub)
        expect(page.get_by_role("link", name=tool)).to_be_visible()
        axe(page)
        at_phone_width(page)
        axe(page)
        page.set_viewport_size({"width": 1366, "height": 900})


def test_host_event_editor_new_and_with_errors_passes_axe_and_reflows(
    page, axe, make_host, make_topic, db_session, sign_in
):
    host = make_host()
    make_topic()
    db_session.commit()
    sign_in(page, host)
    page.goto("/host/events/new")
    axe(page)
    page.get_by_label("Join link (sent only to confirmed registrants)").fill("not a link")
    page.get_by_role("button", name="Save draft").click()
    expect(page.locator(".error-summary")).to_contain_text("Please give the event a title.")
    axe(page)
    at_phone_width(page)
    axe(page)


def test_host_event_editor_for_a_published_event_passes_axe(page, axe, make_host, make_event, db_session, sign_in):
    host = make_host()
    event = make_event(description=DESCRIPTION, hosts=[host])
    db_session.commit()
    sign_in(page, host)
    page.goto(f"/host/events/{event.id}/edit")
    expect(page.get_by_role("button", name="Unpublish")).to_be_visible()
    axe(page)


def test_host_attendee_list_passes_axe_and_reflows(page, axe, make_host, make_event, register, db_session, sign_in):
    host = make_host()
    event = make_event(capacity=2, hosts=[host])
    register(event, name="Ana Lima", job_role="Children’s librarian")
    register(event, accessibility="captions")
    register(event, name="Zoë Ångström")  # waiting
    db_session.commit()
    sign_in(page, host)
    page.goto(f"/host/events/{event.id}/attendees")
    expect(page.locator("table.attendees tbody tr")).to_have_count(3)
    axe(page)
    at_phone_width(page)
    axe(page)
    page.goto(f"/host/events/{event.id}/attendees?q=nobody")  # no checkboxes or buttons left in the table
    expect(page.locator("table.attendees")).to_contain_text("No registrants match “nobody”.")
    axe(page)


def test_transcript_pages_pass_axe_and_reflow(page, axe, make_event, register, make_host, db_session, sign_in, app):
    from eventreg.transcripts import tokens as transcript_tokens

    event = make_event(title="Data literacy for everyone", local_start=datetime(2024, 12, 31, 23, 30))  # noqa: DTZ001
    event.hosts = [host := make_host()]
    registration = register(event, now=event.starts_at - timedelta(days=1), email="ana@library.example.org")
    registration.attended, registration.minutes_attended = True, 55
    db_session.commit()
    page.goto("/transcript")
    axe(page)
    page.get_by_role("button", name="Email me my transcript link").click()
    expect(page.locator(".error-summary")).to_be_visible()
    axe(page)
    with app.test_request_context():
        link = transcript_tokens.transcript_token("ana@library.example.org")
    page.goto(f"/transcript/{link}")
    expect(page.get_by_role("heading", level=1)).to_have_text("Attendance transcript")
    axe(page)
    at_phone_width(page)
    axe(page)
    sign_in(page, host)
    page.goto("/host/ce-report")
    axe(page)
    page.get_by_role("button", name="Download CSV").click()
    expect(page.locator(".error-summary")).to_be_visible()
    axe(page)
