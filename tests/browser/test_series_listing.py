"""On a phone: the upcoming list shows a course's sessions as Part N of M, and a course session's page sends the
visitor to the course; no sideways scrolling, and axe passes. Screenshots go to /tmp/shots-listing/."""

from datetime import date, time
from pathlib import Path

import pytest
from playwright.sync_api import expect

from eventreg.series import operations, rules

pytestmark = pytest.mark.browser

PHONE = {"width": 375, "height": 812}
SHOTS = Path("/tmp/shots-listing")


def test_course_sessions_on_a_phone(page, make_host, db_session, clock, axe):
    host = make_host("course-host@library.example.org")
    series = operations.create_series(
        host, title="Four Tuesdays of readers' advisory", kind="course", timezone="America/New_York",
        now=clock.now(), capacity=20, summary="Match readers with books they will love.",
    )  # fmt: skip
    pattern = rules.Pattern(date(2025, 3, 4), time(15), 60, "America/New_York", 4, 1)
    operations.add_sessions(
        series, rules.plan(pattern), host, now=clock.now(), join_url=None,
        summary="Match readers with books they will love.",
    )  # fmt: skip
    operations.publish(series, now=clock.now())
    db_session.commit()
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.set_viewport_size(PHONE)

    page.goto("/")
    entries = page.locator(".event-entry")
    expect(entries).to_have_count(4)
    expect(entries.nth(1).locator(".series-part")).to_have_text(
        "Part 2 of 4 · Course: Four Tuesdays of readers' advisory"
    )
    expect(entries.nth(1).locator(".series-part a")).to_have_attribute("href", f"/series/{series.slug}")
    assert page.evaluate("() => document.documentElement.scrollWidth") <= PHONE["width"]
    page.screenshot(path=str(SHOTS / "upcoming-375.png"), full_page=True)
    axe(page)

    entries.nth(1).locator("h2 a").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Four Tuesdays of readers' advisory")
    expect(page.locator(".series-part")).to_have_text("Part 2 of 4 of Four Tuesdays of readers' advisory")
    expect(page.get_by_text("This session is part of a course: one registration covers every session.")).to_be_visible()
    expect(page.get_by_role("link", name="Register for the course")).to_have_attribute("href", f"/series/{series.slug}")
    expect(page.locator(".series-sessions li")).to_have_count(4)
    expect(page.locator("a[href$='/register']")).to_have_count(0)
    assert page.evaluate("() => document.documentElement.scrollWidth") <= PHONE["width"]
    page.screenshot(path=str(SHOTS / "session-375.png"), full_page=True)
    axe(page)
