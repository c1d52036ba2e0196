"""Approval in a real browser: a host ticks two pending registrations on the registrant list, checks the
confirmation page (who gets the seat, who joins the waiting list), adds a note and approves them, on a wide
screen and on a phone; axe scans the list with pending rows and the confirmation page."""

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

PHONE = {"width": 375, "height": 740}
WIDE = {"width": 1366, "height": 900}


@pytest.fixture
def pending_event(make_host, make_event, register, db_session):
    """An event with one seat requiring approval, its host, and three pending registrations."""
    host = make_host()
    event = make_event(hosts=[host], capacity=1, requires_approval=True)
    for name in ("Ana Lopez", "Ben Okafor", "Chen Wei-Montgomery-Fairweather"):
        register(event, name=name, email=f"{name.split()[0].lower()}@library.example.org")
    db_session.commit()
    return event, host


def fits(page, size: dict) -> None:
    page.wait_for_load_state("load")
    assert page.evaluate("() => document.documentElement.scrollWidth") <= size["width"]


def approve_ana_and_ben(page, event, axe, size: dict) -> None:
    page.goto(f"/host/events/{event.id}/attendees")
    fits(page, size)
    expect(page.locator("strong.pending")).to_have_count(3)
    axe(page)
    page.get_by_label("Select Ana Lopez").check()
    page.get_by_label("Select Ben Okafor").check()
    page.get_by_role("button", name="Approve ticked…").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Approve 2 registrations?")
    fits(page, size)
    expect(page.locator(".decision-list li", has_text="Ana Lopez")).to_contain_text("gets a seat")
    expect(page.locator(".decision-list li", has_text="Ben Okafor")).to_contain_text("joins the waiting list")
    expect(page.locator(".decision-list li")).to_have_count(2)
    axe(page)
    page.get_by_label("Note to include in the email (optional)").fill("Welcome! Cameras optional.")
    page.get_by_role("button", name="Approve 2 registrations").click()

    expect(page.locator(".flash").first).to_contain_text("Approved with a seat: Ana Lopez.")
    expect(
        page.get_by_text("Approved onto the waiting list, as no seat was free: Ben Okafor (position 1)")
    ).to_be_visible()
    fits(page, size)
    rows = page.locator("table.attendees tbody tr")
    expect(rows.filter(has_text="Ana Lopez").locator("td[data-label=Status]")).to_have_text("confirmed")
    expect(rows.filter(has_text="Ben Okafor").locator("td[data-label=Status]")).to_have_text("waiting (position 1)")
    expect(rows.filter(has_text="Chen Wei").locator("td[data-label=Status]")).to_have_text("awaiting approval")
    axe(page)


def test_a_host_approves_two_pending_registrations_in_bulk_after_confirming(page, axe, sign_in, pending_event, mailbox):
    event, host = pending_event
    page.set_viewport_size(WIDE)
    sign_in(page, host)
    mailbox.clear()
    approve_ana_and_ben(page, event, axe, WIDE)
    subjects = sorted(message["Subject"].split(":")[0] for message in mailbox)
    assert subjects == ["Approved — you’re on the waiting list", "Approved — you’re registered"]


def test_the_same_on_a_phone(page, axe, sign_in, pending_event):
    event, host = pending_event
    page.set_viewport_size(PHONE)
    sign_in(page, host)
    approve_ana_and_ben(page, event, axe, PHONE)


def test_a_registrant_waiting_for_approval_and_one_declined_read_their_page(
    page, axe, make_event, register, db_session, clock
):
    from eventreg.registrations import operations, queries, tokens

    event = make_event(capacity=5, requires_approval=True)
    db_session.commit()
    page.set_viewport_size(PHONE)
    page.goto(f"/events/{event.slug}/register")
    expect(page.locator(".approval-note")).to_have_text(
        "The host approves each registration: you’ll be emailed when yours is approved."
    )
    page.get_by_label("Your name").fill("Ana Lima")
    page.get_by_label("Email address").fill("ana@library.example.org")
    page.get_by_label("Library or organization").fill("Springfield Public Library")
    page.locator("#register button[type=submit]").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your email")
    expect(page.get_by_text("The host approves each registration for this event.")).to_be_visible()
    fits(page, PHONE)
    axe(page)

    db_session.rollback()  # end the snapshot this session read before the server wrote
    [ana] = queries.list_active(event)
    page.goto(f"/r/{tokens.mailed_manage_token(ana)}")
    expect(page.get_by_role("heading", level=1)).to_have_text("Your registration is awaiting approval")
    expect(page.locator(".join-link")).to_have_count(0)
    fits(page, PHONE)
    axe(page)
    page.get_by_role("link", name="Cancel my registration…").click()
    expect(page.get_by_text("The host is no longer asked to approve your registration.")).to_be_visible()
    axe(page)

    operations.decline_one(ana, note="Members only.", now=clock.now())
    db_session.commit()
    page.goto(f"/r/{tokens.mailed_manage_token(ana)}")
    expect(page.get_by_role("heading", level=1)).to_have_text("Your registration was not approved")
    expect(page.get_by_role("link", name="Cancel my registration…")).to_have_count(0)
    fits(page, PHONE)
    axe(page)


def test_the_editor_says_why_approval_cannot_be_turned_off_yet(page, axe, sign_in, pending_event):
    event, host = pending_event
    page.set_viewport_size(PHONE)
    sign_in(page, host)
    page.goto(f"/host/events/{event.id}/edit")
    page.get_by_label("I approve each registration").uncheck()
    page.get_by_role("button", name="Save changes").click()
    expect(page.locator(".error-summary")).to_contain_text("3 registrations still await your approval.")
    expect(page.get_by_label("I approve each registration")).to_have_attribute("aria-invalid", "true")
    fits(page, PHONE)
    axe(page)
