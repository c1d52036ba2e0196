from pathlib import Path

import icalendar
import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from eventreg.registrations.models import Registration

pytestmark = pytest.mark.browser


def test_a_new_visitor_registers_downloads_the_invitation_and_cancels(
    page, make_event, db_session, mailbox, mailed_path
):
    event = make_event(capacity=20, join_url="https://meet.example.org/j/secret-room")
    db_session.commit()

    page.goto(f"/events/{event.slug}")
    expect(page.get_by_text("20 seats left")).to_be_visible()
    page.get_by_role("link", name="Register").first.click()
    page.wait_for_url("**/register")  # and its load: the script that keeps the browser's zone has run
    page.get_by_label("Your name").fill("Ana Lima")
    page.get_by_label("Email address").fill("ana@library.example.org")
    page.get_by_label("Library or organization").fill("Springfield Public Library")
    page.get_by_label("Accessibility request (optional)").select_option("captions")
    page.get_by_label("Email me when the recording is posted").check()
    page.locator("form[method=post][action*='/register'] button[type=submit]").click()

    # The answer names the address and shows no link: the same answer an address holding a place gets.
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your email")
    expect(page.locator("main")).to_contain_text("We’ve sent the details for")
    expect(page.locator("main strong.address")).to_have_text("ana@library.example.org")
    assert page.locator("main a[href*='/r/']").count() == 0
    page.goto(mailed_path())  # the confirmation's manage link
    expect(page.get_by_role("heading", level=1)).to_have_text("You’re registered")
    expect(page.locator(".join-link")).to_have_text("https://meet.example.org/j/secret-room")
    # The browser's zone (Europe/Berlin) was kept with the registration.
    expect(page.locator("main")).to_contain_text("Your time: 9:00 PM – 10:00 PM Central European Standard Time")

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Add to calendar (.ics)").click()
    calendar = icalendar.Calendar.from_ical(Path(download_info.value.path()).read_bytes())
    assert calendar.walk("VEVENT")[0]["SUMMARY"] == event.title

    manage_url = page.url
    page.get_by_role("link", name="Cancel my registration…").click()
    # Nothing is cancelled until the person confirms; "Keep" goes back unchanged.
    expect(page.get_by_role("heading", level=1)).to_have_text("Cancel your registration?")
    page.get_by_role("link", name="Keep my registration").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("You’re registered")
    page.get_by_role("link", name="Cancel my registration…").click()
    page.get_by_role("button", name="Yes, cancel my registration").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your registration is cancelled")
    page.goto(manage_url)
    expect(page.get_by_role("heading", level=1)).to_have_text("Your registration is cancelled")

    db_session.rollback()  # a fresh snapshot: the server wrote in another connection
    registration = db_session.scalars(sa.select(Registration)).one()
    assert registration.is_cancelled
    assert registration.timezone == "Europe/Berlin"
    assert [m["Subject"].split(":")[0] for m in mailbox] == ["You’re registered", "Registration cancelled"]


def test_form_errors_are_shown_next_to_the_fields(page, make_event, db_session):
    event = make_event()
    db_session.commit()
    page.goto(f"/events/{event.slug}/register")
    page.get_by_label("Email address").fill("not-an-email")
    page.locator("form[method=post][action*='/register'] button[type=submit]").click()
    expect(page.locator(".error-summary")).to_contain_text("Please enter your name.")
    expect(page.get_by_label("Email address")).to_have_attribute("aria-invalid", "true")
    expect(page.get_by_label("Email address")).to_have_value("not-an-email")


def test_a_form_with_errors_opens_at_its_summary_on_a_phone(browser, live_server, app, make_event, db_session):
    event = make_event()
    db_session.commit()
    app.config["SERVER_NAME"], server_name = None, app.config["SERVER_NAME"]
    context = browser.new_context(base_url=live_server, viewport={"width": 390, "height": 844})
    page = context.new_page()
    try:
        page.goto(f"/events/{event.slug}/register")
        page.get_by_label("Email address").fill("not-an-email")
        page.locator("form[method=post][action*='/register'] button[type=submit]").click()
        summary = page.locator("#form-errors")
        expect(summary).to_be_focused()
        expect(summary).to_be_in_viewport()
        expect(summary).to_contain_text("Please enter your name.")
    finally:
        context.close()
        app.config["SERVER_NAME"] = server_name


def test_show_times_in_says_what_the_page_shows_and_offers_the_device_zone(page, make_event, db_session):
    make_event()
    db_session.commit()
    page.goto("/")
    # The page's times are in each event's own zone, and the control says so (the browser is in Berlin).
    expect(page.locator("#tz")).to_have_value("")
    expect(page.locator("main")).not_to_contain_text("Your time:")
    page.locator("#tz-suggest a").click()
    expect(page.locator("#tz")).to_have_value("Europe/Berlin")
    expect(page.locator("main")).to_contain_text("Your time: 9:00 PM – 10:00 PM Central European Standard Time")
