"""A visitor registers for a four-part course on a phone: one form, "check your email", the course mail and one
invitation per session; the mailed link shows the course, and cancelling asks first."""

import re
from pathlib import Path

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from eventreg.series.models import Enrolment
from tests.series.conftest import make_series  # noqa: F401 - the series fixture, shared with tests/series

pytestmark = pytest.mark.browser

PHONE = {"width": 375, "height": 740}
SHOTS = Path("/tmp/shots-enrol")


def fits(page) -> None:
    assert page.evaluate("() => document.documentElement.scrollWidth") <= PHONE["width"], page.url


def test_a_visitor_registers_for_a_course_on_a_phone(page, make_series, db_session, mailbox, axe):  # noqa: F811
    SHOTS.mkdir(parents=True, exist_ok=True)
    series = make_series(capacity=12, summary="Four practical sessions on readers’ advisory.")
    db_session.commit()
    page.set_viewport_size(PHONE)

    page.goto(f"/series/{series.slug}?tz=Europe/Berlin")  # the zone the page suggests, chosen
    expect(page.get_by_role("heading", level=1)).to_have_text(series.title)
    expect(page.locator(".series-session")).to_have_count(4)
    expect(page.get_by_text("12 seats left")).to_be_visible()
    # Each session also in Berlin time, 9 PM before New York changes its clocks, 8 PM after.
    expect(page.locator(".series-session").nth(0)).to_contain_text("Your time: 9:00 PM – 10:00 PM")
    expect(page.locator(".series-session").nth(1)).to_contain_text("Your time: 8:00 PM – 9:00 PM")
    fits(page)
    axe(page)
    page.screenshot(path=str(SHOTS / "series-page.png"), full_page=True)

    page.get_by_label("Your name").fill("Ana Lima")
    page.get_by_label("Email address").fill("ana@library.example.org")
    page.get_by_label("Library or organization").fill("Springfield Public Library")
    page.get_by_role("button", name="Register").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your email")
    assert page.locator("main a[href*='/series/manage/']").count() == 0
    fits(page)
    axe(page)
    page.screenshot(path=str(SHOTS / "check-email.png"), full_page=True)

    subjects = [m["Subject"] for m in mailbox]
    assert subjects[0] == f"You’re registered for the course: {series.title}"
    assert [s.split(" — ")[1] for s in subjects[1:]] == [
        "part 1 of 4, 4 March",
        "part 2 of 4, 11 March",
        "part 3 of 4, 18 March",
        "part 4 of 4, 25 March",
    ]
    body = mailbox[0].get_body(("plain",)).get_content()
    manage = re.search(r"http://eventreg\.test(/series/manage/\S+)", body)[1]

    page.goto(manage)
    expect(page.get_by_role("heading", level=1)).to_have_text("You’re registered for the course")
    expect(page.locator(".series-session")).to_have_count(4)
    fits(page)
    axe(page)
    page.screenshot(path=str(SHOTS / "manage.png"), full_page=True)

    page.get_by_role("link", name="Cancel my course registration").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Cancel your course registration?")
    fits(page)
    axe(page)
    page.screenshot(path=str(SHOTS / "cancel.png"), full_page=True)
    page.get_by_role("button", name="Yes, cancel my course registration").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your course registration is cancelled")

    db_session.rollback()  # a fresh snapshot: the server wrote in another connection
    enrolment = db_session.scalars(sa.select(Enrolment)).one()
    assert enrolment.status == "cancelled"
    assert enrolment.timezone == "Europe/Berlin"  # kept from the browser's zone
