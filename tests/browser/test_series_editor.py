"""A host creates a course from a weekly pattern in a real browser, sees the dates before anything is published,
and the series page fits a 375 px phone and passes axe."""

from pathlib import Path

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from eventreg.series import queries
from eventreg.series.models import Series

pytestmark = pytest.mark.browser

DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 375, "height": 740}
SHOTS = Path("/tmp/shots-editor")


def fits(page, size) -> None:
    assert page.evaluate("() => document.documentElement.scrollWidth") <= size["width"], "the page scrolls sideways"


def test_host_creates_a_course_from_a_pattern_and_reads_its_series_page_on_a_phone(
    page, axe, make_host, db_session, sign_in, database_kind
):
    host = make_host("trainer@library.example.org", timezone="America/New_York")
    db_session.commit()
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.set_viewport_size(DESKTOP)
    sign_in(page, host)

    page.get_by_role("link", name="New series").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("New series")
    page.get_by_role("group", name="Kind of series").get_by_label("A course", exact=False).check()
    page.get_by_label("Title", exact=True).fill("Four Tuesdays of readers’ advisory")
    page.get_by_label("Time zone of the series").select_option("America/New_York")
    page.get_by_label("Date of the first session").fill("2025-03-04")
    page.get_by_label("Starts at").fill("15:00")
    page.get_by_label("Length in minutes").fill("60")
    page.get_by_label("How many sessions").fill("4")
    page.get_by_label("Join link (sent only to confirmed registrants)").fill("https://meet.example.org/j/ra")
    page.get_by_label("Seats in the course (leave empty for no limit)").fill("30")
    page.get_by_role("group", name="What earns the course's credit").get_by_label(
        "Attend a number of the sessions"
    ).check()
    page.get_by_label("Sessions to attend for credit").fill("5")
    page.get_by_label("Contact hours for the whole course").fill("4")

    # A credit rule that cannot be met is refused on the form, naming the number of sessions.
    page.get_by_role("button", name="Preview the dates").click()
    expect(page.locator(".error-summary")).to_contain_text("Choose between 1 and 4 sessions (the course has 4).")
    page.get_by_label("Sessions to attend for credit").fill("3")

    page.get_by_role("button", name="Preview the dates").click()
    planned = page.locator("#planned")
    expect(planned).to_contain_text("4 March 2025, 3:00 PM EST")
    expect(planned).to_contain_text("25 March 2025, 3:00 PM EDT")
    expect(planned).to_contain_text("25 March 2025, 7:00 PM UTC")
    axe(page)
    page.screenshot(path=SHOTS / f"new-series-preview-desktop-{database_kind}.png", full_page=True)

    page.get_by_role("button", name="Create the series with draft sessions").click()
    expect(page.locator(".flash")).to_contain_text("Saved with 4 draft sessions")
    expect(page.get_by_role("heading", level=1)).to_have_text("Four Tuesdays of readers’ advisory")
    rows = page.locator("table.sessions tbody tr")
    expect(rows).to_have_count(4)
    expect(rows.nth(0)).to_contain_text("3:00 PM – 4:00 PM EST")
    expect(rows.nth(3)).to_contain_text("3:00 PM – 4:00 PM EDT")
    page.screenshot(path=SHOTS / f"series-desktop-{database_kind}.png", full_page=True)

    page.set_viewport_size(PHONE)
    page.reload()
    fits(page, PHONE)
    axe(page)
    page.screenshot(path=SHOTS / f"series-phone-{database_kind}.png", full_page=True)

    # Publishing asks first, at phone size too.
    page.get_by_role("link", name="Publish all drafts (4)").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Publish the drafts?")
    fits(page, PHONE)
    axe(page)
    page.get_by_role("button", name="Publish 4 sessions").click()
    expect(page.locator(".flash")).to_contain_text("Published 4 sessions")
    fits(page, PHONE)
    page.screenshot(path=SHOTS / f"series-published-phone-{database_kind}.png", full_page=True)

    db_session.rollback()  # a new transaction sees what the server committed
    series = db_session.scalars(sa.select(Series)).one()
    assert (series.capacity, series.credit_sessions) == (30, 3)
    assert {s.status for s in queries.sessions(series)} == {"published"}
