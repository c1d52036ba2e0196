from datetime import datetime

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def test_home_page_details_and_time_zone_switch(page, make_event, db_session):
    make_event(
        title="Building community connections by hiring for cultural knowledge",
        local_start=datetime(2025, 1, 30, 23),  # noqa: DTZ001
        description="Hiring for **cultural knowledge** changes who walks in.",
    )
    db_session.commit()

    page.goto("/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Upcoming events")
    entry = page.locator("article.event-entry").first
    expect(entry).to_contain_text("30 January 2025")
    expect(entry).to_contain_text(
        "Time: 11:00 PM – 12:00 AM the next day Eastern Standard Time, North America [UTC -5]"
    )

    # "Show details" reveals the description in place.
    description = entry.locator(".description")
    expect(description).to_be_hidden()
    entry.get_by_text("Show details").click()
    expect(description).to_be_visible()
    expect(description).to_contain_text("cultural knowledge")
    expect(entry.get_by_text("Hide details")).to_be_visible()
    expect(entry.get_by_text("Show details")).to_be_hidden()

    # The control says what the page shows; the script offers the browser's zone (Europe/Berlin here).
    select = page.get_by_label("Show times in")
    expect(select).to_have_value("")
    page.get_by_role("link", name="Show times in your device’s zone (Berlin (Europe/Berlin))").click()
    expect(select).to_have_value("Europe/Berlin")
    expect(entry).to_contain_text("Your time: 5:00 AM – 6:00 AM Central European Standard Time, Europe [UTC +1]")
    expect(entry).to_contain_text("Friday 31 January 2025 (the next day)")

    # Another zone re-renders every time; the choice is remembered on the next page.
    select.select_option("Asia/Kolkata")
    page.get_by_role("button", name="Show times").click()
    expect(entry).to_contain_text("Your time: 9:30 AM – 10:30 AM India Standard Time, Asia [UTC +5:30]")
    page.goto("/")
    expect(page.locator("article.event-entry").first).to_contain_text("India Standard Time")


def test_on_demand_event_leads_to_its_archive(page, make_event, db_session, live_server):
    archive = f"{live_server}/healthz"  # a real page on our own server stands in for the recording
    make_event(title="Don't manage change—embrace it", local_start=datetime(2025, 1, 2, 15), archive_url=archive)  # noqa: DTZ001
    db_session.commit()

    page.goto("/")
    page.get_by_role("link", name="On-demand events").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("On-demand events")
    page.get_by_role("link", name="Don't manage change—embrace it").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Don't manage change—embrace it")
    expect(page.locator(".state-passed")).to_contain_text("This event has passed. Watch the recording.")
    page.get_by_role("link", name="Watch the recording.").click()
    expect(page).to_have_url(archive)
    expect(page.locator("body")).to_contain_text('"status":"ok"')
