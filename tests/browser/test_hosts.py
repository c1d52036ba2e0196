import csv
import io
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.conftest import HOST_PASSWORD

pytestmark = pytest.mark.browser


def test_host_creates_an_event_in_another_zone_sees_a_registrant_and_exports(
    page, make_host, make_topic, db_session, live_server
):
    make_host("host@library.example.org", timezone="America/New_York")
    make_topic("data-technology", "Data & technology")
    db_session.commit()

    page.goto("/host/login")
    page.get_by_label("Email").fill("host@library.example.org")
    page.get_by_label("Password").fill(HOST_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Host dashboard")

    page.get_by_role("link", name="New event").click()
    page.get_by_label("Title").fill("Open data for community needs")
    page.get_by_label("Time zone of the event").select_option("Asia/Kolkata")
    page.get_by_label("Date", exact=True).fill("2025-02-10")
    page.get_by_label("Starts at").fill("19:30")
    page.get_by_label("Ends at").fill("20:30")
    page.get_by_label("Seats (leave empty for no limit)").fill("25")
    page.get_by_label("Join link (sent only to confirmed registrants)").fill("https://meet.example.org/j/open-data")
    page.get_by_label("Topics").select_option(label="Data & technology")
    page.get_by_role("button", name="Save draft").click()
    expect(page.locator(".flash")).to_contain_text("Draft saved")
    page.get_by_role("button", name="Publish").click()
    expect(page.locator(".flash")).to_contain_text("Published")

    # Public list, with the time in the event's own zone (the browser is in Berlin).
    page.goto("/")
    entry = page.locator("article.event-entry", has_text="Open data for community needs")
    expect(entry).to_contain_text("Time: 7:30 PM – 8:30 PM India Standard Time, Asia [UTC +5:30]")

    # A librarian registers in another browser context.
    visitor = page.context.browser.new_context(base_url=live_server, timezone_id="America/Chicago")
    other = visitor.new_page()
    other.goto("/events/open-data-for-community-needs")
    other.get_by_role("link", name="Register", exact=True).click()
    other.get_by_label("Your name").fill("Zoë Ångström")
    other.get_by_label("Email address").fill("zoe@library.example.org")
    other.get_by_label("Library or organization").fill("=cmd|' /C calc'!A0")
    other.locator("form[method=post][action*='/register'] button[type=submit]").click()
    expect(other.get_by_role("heading", level=1)).to_have_text("You’re registered")
    visitor.close()

    page.goto("/host/")
    page.get_by_role("link", name="Registrants").first.click()
    expect(page.locator("table.attendees")).to_contain_text("Zoë Ångström")
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Export CSV").click()
    content = Path(download_info.value.path()).read_bytes()
    assert content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(content.decode("utf-8-sig"))))
    assert rows[0]["Name"] == "Zoë Ångström"
    assert rows[0]["Organization"] == "'=cmd|' /C calc'!A0"
    assert rows[0]["Registrant time zone"] == "America/Chicago"

    # Row actions post the shared form to their own address.
    page.locator("table.attendees tr", has_text="Zoë Ångström").get_by_role("button", name="Cancel").click()
    expect(page.locator(".flash")).to_contain_text("Zoë Ångström: cancelled and told.")
    expect(page.locator("table.attendees tr", has_text="Zoë Ångström")).to_contain_text("cancelled")
