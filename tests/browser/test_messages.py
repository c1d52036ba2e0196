"""In a real browser: a host schedules a message to the people who did not attend, finds it in the message log, and
(the clock moved on) the reminders' cron delivers it once; every new page passes axe and fits a phone."""

from datetime import timedelta

import pytest
from playwright.sync_api import expect

from eventreg.hosts import operations as host_operations

pytestmark = pytest.mark.browser

PHONE = {"width": 375, "height": 812}
WIDE = {"width": 1366, "height": 900}


def page_width(page) -> int:
    # After a redirect the new page's text can be there before its stylesheet is: measure the styled page.
    page.wait_for_load_state("load")
    return page.evaluate("() => document.documentElement.scrollWidth")


def fits_a_phone(page, axe) -> None:
    page.set_viewport_size(PHONE)
    assert page_width(page) <= PHONE["width"]
    axe(page)
    page.set_viewport_size(WIDE)


@pytest.fixture
def past_webinar(make_host, make_event, register, clock, db_session, deliver_and_clear):
    """The 3-4 PM New York webinar of 30 January 2025, an hour after it ended: Ana attended, Ben and Chen did not."""
    host = make_host("soren@library.example.org", timezone="Europe/Berlin")
    event = make_event(title="Open data for needs assessments", hosts=[host])
    ana = register(event, name="Ana López", email="ana.lopez@library.example.org", timezone="Europe/Berlin")
    ben = register(event, name="Ben Okafor", email="ben.okafor@library.example.org")
    chen = register(event, name="Chen Wei", email="chen.wei@library.example.org", timezone="Asia/Kolkata")
    clock.set(event.ends_at + timedelta(hours=1))
    host_operations.record_attendance(event, [ana], True, now=clock.now())
    host_operations.record_attendance(event, [ben, chen], False, now=clock.now())
    deliver_and_clear()  # their confirmations
    return {"host": host, "event": event}


def test_host_schedules_a_message_to_no_shows_and_the_cron_delivers_it_once(
    page, axe, app, past_webinar, sign_in, mailbox, clock
):
    event = past_webinar["event"]
    sign_in(page, past_webinar["host"])
    page.goto(f"/host/events/{event.id}/attendees")
    page.get_by_role("link", name="Messages to registrants").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Messages: {event.title}")
    expect(page.get_by_role("main")).to_contain_text("No message is waiting to go.")
    axe(page)
    fits_a_phone(page, axe)
    page.get_by_role("link", name="Write a message").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Email registrants")
    audience = page.get_by_role("group", name="Send to")
    expect(audience.get_by_label("Did not attend")).to_be_enabled()
    expect(audience).to_contain_text("Did not attend (2 people)")
    expect(audience).to_contain_text("Attended (1 person)")
    audience.get_by_label("Did not attend").check()
    page.get_by_label("Subject").fill("Sorry we missed you, {first_name}")
    page.get_by_label("Message (plain text)").fill("Hello {first_name},\n\nThe recording is coming. {frist_name}")
    page.get_by_label("At a time I choose").check()
    page.get_by_label("Date", exact=True).fill("2025-01-31")
    page.get_by_label("Time", exact=True).fill("09:00")
    page.get_by_role("button", name="Preview", exact=True).click()

    # A typo in a merge field: said on the form, at the field, on a phone too.
    summary = page.locator(".error-summary")
    expect(summary).to_contain_text("“{frist_name}” is not a merge field.")
    expect(page.locator("#body-error-1")).to_contain_text("{first_name}, {event_title}, {event_time} or {manage_link}")
    axe(page)
    fits_a_phone(page, axe)
    page.get_by_label("Message (plain text)").fill("Hello {first_name},\n\nThe recording is coming on {event_time}.")
    page.get_by_role("button", name="Preview", exact=True).click()

    preview = page.locator(".mail-preview")
    expect(preview).to_contain_text("As Ben Okafor will get it.")
    expect(preview).to_contain_text("Sorry we missed you, Ben — Open data for needs assessments")
    expect(preview).to_contain_text("Friday 31 January 2025, 9:00 AM Eastern Standard Time, North America [UTC -5]")
    expect(preview).to_contain_text("Your time: Friday 31 January 2025, 3:00 PM Central European Standard Time")
    expect(page.locator(".mail-body")).to_contain_text("Hello Ben,")
    axe(page)
    fits_a_phone(page, axe)
    page.get_by_role("button", name="Schedule it").click()

    expect(page.locator(".flash")).to_contain_text("Message scheduled for 31 January 2025, 9:00 AM EST")
    expect(page.get_by_role("heading", level=1)).to_have_text("Message: Sorry we missed you, {first_name}")
    axe(page)
    fits_a_phone(page, axe)
    page.get_by_role("link", name="All messages about this event").click()
    scheduled = page.get_by_role("region", name="Scheduled")
    expect(scheduled).to_contain_text("31 January 2025, 9:00 AM EST")
    expect(scheduled).to_contain_text("Did not attend")
    axe(page)
    fits_a_phone(page, axe)

    # The cron before the time sends nothing; after it, the message goes once.
    mailbox.clear()
    assert "scheduled messages: 0 sent" in app.test_cli_runner().invoke(args=["send-reminders"]).output
    clock.set(clock.now() + timedelta(hours=20))  # 31 January, 9:00 AM in New York is 14:00 UTC: past it now
    for _ in range(2):
        app.test_cli_runner().invoke(args=["send-reminders"])
    assert sorted(m["Subject"] for m in mailbox) == [
        "Sorry we missed you, Ben — Open data for needs assessments",
        "Sorry we missed you, Chen — Open data for needs assessments",
    ]
    chen = next(m for m in mailbox if "Chen" in m["Subject"])
    assert "India Standard Time" in chen.get_body(("plain",)).get_content()

    page.reload()
    expect(page.get_by_role("main")).to_contain_text("No message is waiting to go.")
    log = page.get_by_role("region", name="Sent, not sent and cancelled")
    expect(log).to_contain_text("2 people")
    log.get_by_role("link", name="Sorry we missed you, {first_name}").click()
    recipients = page.get_by_role("region", name="Who got it")
    expect(recipients.locator("tbody tr")).to_have_count(2)
    expect(recipients).to_contain_text("chen.wei@library.example.org")
    expect(recipients).to_contain_text("Delivered")
    axe(page)
    fits_a_phone(page, axe)


def test_host_changes_then_cancels_a_scheduled_message(page, axe, past_webinar, sign_in, db_session):
    event = past_webinar["event"]
    sign_in(page, past_webinar["host"])
    page.goto(f"/host/events/{event.id}/messages/new")
    page.get_by_label("Subject").fill("Slides")
    page.get_by_label("Message (plain text)").fill("Hello {first_name}")
    page.get_by_label("At a time I choose").check()
    page.get_by_label("Time zone of that time").select_option("Europe/Berlin")
    page.get_by_label("Date", exact=True).fill("2025-01-30")
    page.get_by_label("Time", exact=True).fill("20:00")  # 2 PM in New York: passed
    page.get_by_role("button", name="Preview", exact=True).click()
    expect(page.locator("#send_time-error-1")).to_have_text(
        "That time has passed: it is now 30 January 2025, 11:00 PM CET. Choose a later time, or send it now."
    )
    axe(page)
    page.get_by_label("Date", exact=True).fill("2025-02-01")
    page.get_by_role("button", name="Preview", exact=True).click()
    page.get_by_role("button", name="Schedule it").click()
    page.get_by_role("link", name="Change it").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Change the scheduled message")
    expect(page.get_by_label("Time zone of that time")).to_have_value("Europe/Berlin")
    expect(page.get_by_label("Date", exact=True)).to_have_value("2025-02-01")
    axe(page)
    fits_a_phone(page, axe)
    page.get_by_label("Subject").fill("Slides, {first_name}")
    page.get_by_role("button", name="Preview", exact=True).click()
    page.get_by_role("button", name="Save the changes").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Message: Slides, {first_name}")
    page.get_by_role("link", name="Cancel it…").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Cancel this message?")
    axe(page)
    fits_a_phone(page, axe)
    page.get_by_role("button", name="Cancel the message").click()
    expect(page.locator(".flash")).to_have_text("The message was cancelled: it will not be sent.")
    expect(page.get_by_role("region", name="Sent, not sent and cancelled")).to_contain_text("Cancelled")
