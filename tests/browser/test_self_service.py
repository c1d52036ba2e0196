"""In a real browser: a registrant changes their details from the mailed link on a phone, the host sees what changed
on the attendee list, and after cancelling "Register again" opens the form filled in. axe on each new page state."""

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from eventreg.registrations import tokens
from eventreg.registrations.models import Registration

pytestmark = pytest.mark.browser

PHONE = {"width": 375, "height": 740}


def page_width(page) -> int:
    page.wait_for_load_state("load")  # measure the styled page, not its text before the stylesheet
    return page.evaluate("() => document.documentElement.scrollWidth")


@pytest.fixture
def ana(app, make_host, make_event, register, db_session):
    """Ana registered for a hosted webinar with captions; her mailed manage link."""
    host = make_host()
    event = make_event(capacity=20, hosts=[host])
    registration = register(event, name="Ana Lima", email="ana@library.example.org", accessibility="captions",
                            organization="Springfield Public Library", job_role="Teen librarian")  # fmt: skip
    db_session.commit()
    with app.test_request_context():
        link = f"/r/{tokens.mailed_manage_token(registration)}"
    return {"host": host, "event": event, "link": link}


def test_a_registrant_changes_their_details_on_a_phone_and_the_host_sees_it(
    browser, live_server, app, page, axe, sign_in, ana, db_session
):
    phone = browser.new_context(base_url=live_server, viewport=PHONE, timezone_id="America/Chicago")
    mine = phone.new_page()
    try:
        mine.goto(ana["link"])
        mine.get_by_role("link", name="Change my details").click()
        expect(mine.get_by_role("heading", level=1)).to_have_text("Change your details")
        expect(mine.get_by_label("Library or organization")).to_have_value("Springfield Public Library")
        assert page_width(mine) <= PHONE["width"], "the details form scrolls sideways on a phone"
        axe(mine)

        # A mistake first: the summary names it, on the phone, and nothing is saved.
        mine.get_by_label("Your name").fill("")
        mine.get_by_role("button", name="Save changes").click()
        summary = mine.locator("#form-errors")
        expect(summary).to_be_focused()
        expect(summary).to_contain_text("Please enter your name.")
        expect(mine.get_by_label("Your name")).to_have_attribute("aria-invalid", "true")
        assert page_width(mine) <= PHONE["width"]
        axe(mine)

        mine.get_by_label("Your name").fill("Ana Lima")
        mine.get_by_label("Library or organization").fill("Shelbyville Branch Library")
        mine.get_by_label("Accessibility request (optional)").select_option("interpreter")
        mine.get_by_role("button", name="Save changes").click()
        expect(mine.get_by_role("heading", level=1)).to_have_text("You’re registered")
        expect(mine.locator(".flash")).to_have_text(
            "Your changes are saved. Changed: Organization, Accessibility request."
        )
        expect(mine.locator(".facts")).to_contain_text("Shelbyville Branch Library")
        assert page_width(mine) <= PHONE["width"]
        axe(mine)
    finally:
        phone.close()

    sign_in(page, ana["host"])
    page.goto(f"/host/events/{ana['event'].id}/attendees")
    row = page.locator("table.attendees tbody tr", has_text="Ana Lima")
    expect(row).to_contain_text("Shelbyville Branch Library")
    expect(row.locator(".changed-note")).to_have_text(
        "Changed by registrant on 15 January 2025, 12:00 PM EST: Organization, Accessibility request"
    )
    row.get_by_text("What changed").click()
    expect(row.locator("details.changes")).to_contain_text(
        "Organization: “Springfield Public Library” → “Shelbyville Branch Library”"
    )
    expect(row.locator("details.changes")).to_contain_text(
        "Accessibility request: “Live captions” → “Sign language interpreter”"
    )
    axe(page)
    db_session.rollback()
    assert db_session.scalars(sa.select(Registration.organization)).one() == "Shelbyville Branch Library"


def test_the_details_page_says_why_it_is_closed_once_the_event_has_started(page, axe, ana, clock):
    clock.set(ana["event"].starts_at)
    page.goto(f"{ana['link']}/details")
    expect(page.get_by_role("heading", level=1)).to_have_text("Your details can no longer be changed")
    expect(page.locator("#details-closed")).to_contain_text("The event has started")
    expect(page.locator("form[method=post]")).to_have_count(0)
    axe(page)


def test_register_again_opens_the_form_filled_in(page, axe, ana):
    page.goto(ana["link"])
    page.get_by_role("link", name="Cancel my registration…").click()
    page.get_by_role("button", name="Yes, cancel my registration").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your registration is cancelled")
    page.get_by_role("link", name="Register again").click()
    expect(page.locator("#filled-in")).to_be_visible()
    expect(page.get_by_label("Your name")).to_have_value("Ana Lima")
    expect(page.get_by_label("Email address")).to_have_value("ana@library.example.org")
    expect(page.get_by_label("Job role (optional)")).to_have_value("Teen librarian")
    expect(page.get_by_label("Accessibility request (optional)")).to_have_value("captions")
    axe(page)
    page.locator("form[method=post][action*='/register'] button[type=submit]").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your email")


def test_a_registrant_changes_an_answer_on_a_phone_and_the_host_sees_it(
    browser, live_server, app, page, axe, sign_in, make_host, make_event, register, db_session
):
    from eventreg.questions import operations as question_operations
    from eventreg.questions.operations import Definition
    from eventreg.questions.rules import read_answer

    host = make_host()
    event = make_event(capacity=20, hosts=[host])
    kind = question_operations.create_question(
        Definition(type="choice", label="Library type", required=True, options=["Public", "Academic", "School"]),
        event=event,
        now=event.created_at,
    )
    public = next(str(option.id) for option in kind.options if option.label == "Public")
    ana = register(event, name="Ana Lima", answers=[read_answer(kind, public)])
    db_session.commit()
    with app.test_request_context():
        link = f"/r/{tokens.mailed_manage_token(ana)}"

    phone = browser.new_context(base_url=live_server, viewport=PHONE)
    mine = phone.new_page()
    try:
        mine.goto(f"{link}/details")
        expect(mine.get_by_role("radio", name="Public")).to_be_checked()
        mine.get_by_role("radio", name="School").check()
        mine.get_by_role("button", name="Save changes").click()
        expect(mine.locator(".flash")).to_have_text("Your changes are saved. Changed: Library type.")
        assert page_width(mine) <= PHONE["width"]
        axe(mine)
        mine.goto(f"{link}/details")
        expect(mine.get_by_role("radio", name="School")).to_be_checked()
        assert page_width(mine) <= PHONE["width"]
        axe(mine)
    finally:
        phone.close()

    sign_in(page, host)
    page.goto(f"/host/events/{event.id}/attendees")
    row = page.locator("table.attendees tbody tr", has_text="Ana Lima")
    expect(row.locator(".changed-note")).to_contain_text("Library type")
    row.get_by_text("What changed").click()
    expect(row.locator("details.changes")).to_contain_text("Library type: “Public” → “School”")
