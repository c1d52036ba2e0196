import csv
import io
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def test_host_creates_an_event_in_another_zone_sees_a_registrant_and_exports(
    page, make_host, make_topic, db_session, live_server, host_password
):
    make_host("host@library.example.org", timezone="America/New_York")
    make_topic("data-technology", "Data & technology")
    db_session.commit()

    page.goto("/host/login")
    page.get_by_label("Email").fill("host@library.example.org")
    page.get_by_label("Password").fill(host_password)
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
    page.get_by_role("group", name="Topics").get_by_label("Data & technology").check()
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
    other.wait_for_url("**/register")  # and its load: the script that keeps the browser's zone has run
    other.get_by_label("Your name").fill("Zoë Ångström")
    other.get_by_label("Email address").fill("zoe@library.example.org")
    other.get_by_label("Library or organization").fill("=cmd|' /C calc'!A0")
    other.locator("form[method=post][action*='/register'] button[type=submit]").click()
    expect(other.get_by_role("heading", level=1)).to_have_text("Check your email")
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

    # Cancelling a registrant asks first, on its own page.
    page.locator("table.attendees tr", has_text="Zoë Ångström").get_by_role("link", name="Cancel").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Cancel this registration?")
    page.get_by_role("button", name="Cancel Zoë Ångström’s registration").click()
    expect(page.locator(".flash")).to_contain_text("Zoë Ångström’s registration was cancelled and they were emailed.")
    expect(page.locator("table.attendees tr", has_text="Zoë Ångström")).to_contain_text("cancelled")


def test_host_cancels_an_event_through_its_confirmation(
    page, axe, make_host, make_event, register, db_session, sign_in
):
    host = make_host()
    event = make_event(title="Open data for needs assessments", capacity=2, hosts=[host])
    register(event), register(event), register(event)  # two confirmed, one waiting
    db_session.commit()
    sign_in(page, host)
    page.goto(f"/host/events/{event.id}/edit")
    # "Run it again" is an everyday button; cancelling is a red link of its own further down.
    expect(page.get_by_role("button", name="Cancel the event")).to_have_count(0)
    page.get_by_role("link", name="Cancel the event…").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Cancel this event?")
    expect(page.locator(".confirm")).to_contain_text("3 registrants will be emailed that the event is cancelled")
    button = page.get_by_role("button", name="Cancel the event and email 3")
    assert button.evaluate("b => getComputedStyle(b).backgroundColor") == "rgb(164, 22, 26)"  # --bad
    axe(page)

    page.get_by_role("link", name="Keep the event").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Edit: Open data for needs assessments")
    expect(page.get_by_text("Status: published")).to_be_visible()

    page.get_by_role("link", name="Cancel the event…").click()
    page.get_by_role("button", name="Cancel the event and email 3").click()
    expect(page.locator(".flash")).to_have_text("Cancelled. 3 registrants were emailed.")
    expect(page.get_by_text("Status: cancelled")).to_be_visible()
    expect(page.get_by_role("link", name="Cancel the event…")).to_have_count(0)


def test_attendee_table_fits_a_wide_screen_and_becomes_cards_on_a_phone(
    page, axe, make_host, make_event, register, db_session, sign_in
):
    host = make_host()
    event = make_event(capacity=2, hosts=[host])
    register(
        event,
        name="Maximiliane Oberdorfer-Lindqvist",
        email="maximiliane.oberdorfer-lindqvist@regional-library-consortium.example.org",
        organization="Northern Regional Library Consortium",
        job_role="Children’s and young adult services librarian",
        accessibility="captions",
        accessibility_details="Live captions in English, and the slides beforehand",
    )
    register(event, name="Ana Lima")
    register(event, name="Zoë Ångström")  # waiting
    db_session.commit()
    page.set_viewport_size({"width": 1366, "height": 900})
    sign_in(page, host)
    page.goto(f"/host/events/{event.id}/attendees")
    region = page.locator(".table-wrap")
    assert region.evaluate("r => r.scrollWidth <= r.clientWidth"), "the attendee table scrolls sideways at 1366 px"
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 1366
    for name in ("Accessibility", "Attended", "Actions"):
        expect(page.get_by_role("columnheader", name=name)).to_be_in_viewport()
    cancel = page.locator("table.attendees tr", has_text="Maximiliane").get_by_role("link", name="Cancel")
    expect(cancel).to_be_in_viewport()

    page.set_viewport_size({"width": 390, "height": 844})
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 390
    assert region.evaluate("r => r.scrollWidth <= r.clientWidth")
    row = page.locator("table.attendees tr", has_text="Zoë Ångström")
    status = row.locator("td[data-label=Status]")
    expect(status).to_contain_text("waiting (position 1)")
    # Each value carries its column's name in front of it ("Status: waiting").
    assert status.evaluate("td => getComputedStyle(td, '::before').content") != "none"
    assert status.evaluate("td => getComputedStyle(td).display") == "block"
    row.get_by_role("link", name="Cancel").scroll_into_view_if_needed()
    expect(row.get_by_role("link", name="Cancel")).to_be_in_viewport()
    expect(row.get_by_role("button", name="Promote")).to_be_in_viewport()
    axe(page)
    row.get_by_role("link", name="Cancel").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Cancel this registration?")
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 390
    axe(page)


def test_footer_sits_at_the_foot_of_a_short_page(page, make_host, db_session):
    make_host()
    db_session.commit()
    page.set_viewport_size({"width": 1366, "height": 900})
    page.goto("/host/login")
    bottom = page.locator(".site-footer").evaluate("f => f.getBoundingClientRect().bottom")
    assert bottom == pytest.approx(900, abs=1)


def test_host_previews_a_message_sends_a_test_then_sends_it(
    page, axe, make_host, make_event, register, db_session, mailbox, sign_in
):
    host = make_host("soren@library.example.org")
    event = make_event(title="Open data for needs assessments", hosts=[host])
    register(event, name="Ana Lima"), register(event, name="Ben Okafor")
    db_session.commit()
    sign_in(page, host)
    page.goto(f"/host/events/{event.id}/messages/new")
    expect(page.get_by_role("group", name="Send to")).to_contain_text("Everyone confirmed (2 people)")
    expect(page.get_by_label("Everyone confirmed")).to_be_checked()
    expect(page.get_by_label("Replies go to")).to_have_value("soren@library.example.org")
    expect(page.get_by_role("button", name="Send to 2 people now")).to_have_count(0)
    axe(page)
    page.get_by_label("Subject").fill("Slides")
    page.get_by_label("Message (plain text)").fill("Hello {first_name},\n\nThe slides are attached.\n\nSøren")
    page.get_by_role("button", name="Preview", exact=True).click()
    expect(page.locator(".mail-body")).to_contain_text("Hello Ana,")
    expect(page.locator(".mail-preview")).to_contain_text("Slides — Open data for needs assessments")
    axe(page)
    mailbox.clear()
    page.get_by_role("button", name="Send a test to me (soren@library.example.org)").click()
    expect(page.locator(".flash")).to_have_text(
        "A test copy (as Ana Lima would get it) was sent to soren@library.example.org. Nobody else was emailed."
    )
    page.get_by_role("button", name="Send to 2 people now").click()
    expect(page.locator(".flash")).to_have_text(
        "Message sent to 2 people (“Everyone confirmed”); replies go to soren@library.example.org."
    )


def test_dashboard_dates_stay_on_one_line_at_1366(page, make_host, make_event, db_session, sign_in):
    host = make_host()
    make_event(title="Building community connections by hiring for cultural knowledge, a long title", hosts=[host])
    db_session.commit()
    page.set_viewport_size({"width": 1366, "height": 900})
    sign_in(page, host)
    cell = page.locator("td.nowrap").first
    height = cell.evaluate("td => td.getBoundingClientRect().height")
    line = cell.evaluate("td => parseFloat(getComputedStyle(td).lineHeight) || 24")
    assert height < 2 * line + 16  # one line of text plus padding
    expect(page.locator(".totals")).to_contain_text("Upcoming events")


def test_host_sets_the_credit_in_the_editor_and_the_public_pages_state_it(
    page, make_host, make_event, db_session, sign_in
):
    host = make_host()
    event = make_event(title="Readers' advisory in practice", hosts=[host], local_start=datetime(2025, 1, 30, 15))  # noqa: DTZ001
    db_session.commit()
    sign_in(page, host)
    page.goto(f"/host/events/{event.id}/edit")
    credit = page.get_by_role("group", name="Credit")
    credit.get_by_label("Contact hours").fill("1.5")
    credit.get_by_label("Minimum minutes to count as attended").fill("70")
    page.get_by_role("button", name="Save changes").click()
    # 70 of a 60-minute event: refused on the field, where the host is looking.
    expect(page.locator("#credit_min_minutes-error-1")).to_contain_text("between 0 and 60 minutes")
    expect(page.locator(".error-summary")).to_contain_text("Minimum minutes to count as attended")
    credit.get_by_label("Minimum minutes to count as attended").fill("50")
    page.get_by_role("button", name="Save changes").click()
    expect(page.locator(".flash")).to_have_text("Saved.")
    expect(credit.get_by_label("Contact hours")).to_have_value("1.50")
    expect(credit.get_by_label("Minimum minutes to count as attended")).to_have_value("50")
    expect(credit).to_contain_text("Now 50 minutes count as attended")

    line = "Certificate of completion · 1.5 contact hours"
    page.goto(f"/events/{event.slug}")
    expect(page.locator(".event-page .credit")).to_have_text(line)
    page.goto("/")
    expect(page.locator("article.event-entry", has_text=event.title).locator(".credit")).to_have_text(line)
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"/events/{event.slug}")
    expect(page.locator(".event-page .credit")).to_have_text(line)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390  # no sideways scrolling on a phone


def test_saving_the_editor_unchanged_changes_nothing_though_the_browser_sends_crlf(
    page, make_host, make_event, db_session, clock, sign_in
):
    """Browsers send a textarea's line breaks as CRLF (HTML's form submission rules); stored text has LF. An
    unchanged save must compare equal: no updated_at, no feed ETag or DTSTAMP moving, no event.updated."""
    from eventreg.events.models import Event

    host = make_host()
    event = make_event(hosts=[host], summary="Two lines\nof summary.", description="# Agenda\n\n- welcome\n- questions")
    db_session.commit()
    before = (event.updated_at, event.sequence, event.summary, event.description)
    clock.advance(timedelta(minutes=5))  # a change would stamp a later updated_at
    sign_in(page, host)
    page.goto(f"/host/events/{event.id}/edit")
    page.get_by_role("button", name="Save changes").click()
    expect(page.locator(".flash")).to_be_visible()
    db_session.rollback()  # a fresh read, of what the server wrote
    saved = db_session.get(Event, event.id)
    assert (saved.updated_at, saved.sequence, saved.summary, saved.description) == before


def test_an_event_in_the_repeated_hour_is_saved_again_unmoved_after_a_title_fix(
    page, axe, make_host, make_event, register, db_session, sign_in
):
    """1:30 AM EDT to 1:30 AM EST on the New York fall-back night: the editor shows the stored occurrences
    chosen, the length and the host's own time, and Save keeps both instants."""
    import pytz
    from sqlalchemy import inspect

    host = make_host()
    starts_at = datetime(2025, 11, 2, 5, 30, tzinfo=pytz.utc)
    event = make_event(title="Night owls", starts_at=starts_at, duration=timedelta(hours=1), hosts=[host])
    register(event)
    db_session.commit()
    before = {c.key: getattr(event, c.key) for c in inspect(type(event)).column_attrs}
    sign_in(page, host)
    page.goto(f"/host/events/{event.id}/edit")
    start = page.get_by_role("group", name="The start time happens twice that night (clocks go back). Which one?")
    end = page.get_by_role("group", name="The end time happens twice that night (clocks go back). Which one?")
    expect(start.get_by_label("The first (before the clocks go back)")).to_be_checked()
    expect(end.get_by_label("The second (after)")).to_be_checked()
    expect(page.locator("#saved-times")).to_contain_text("it lasts 1 hour.")
    # The browser is in Berlin, the host's account in New York: the page says what the account's zone shows.
    expect(page.locator("#saved-times")).to_contain_text(
        "1:30 AM Eastern Daylight Time, North America [UTC -4] – 1:30 AM Eastern Standard Time"
    )
    axe(page)

    page.get_by_label("Title").fill("Night owls: a late session")
    page.get_by_role("button", name="Save changes").click()
    expect(page.locator(".flash")).to_have_text("Saved.")
    db_session.commit()  # a new transaction, which sees the live server's commit
    after = {c.key: getattr(event, c.key) for c in inspect(type(event)).column_attrs}
    assert after.pop("title") == "Night owls: a late session"
    after.pop("updated_at"), before.pop("title"), before.pop("updated_at")
    assert after == before  # the same instants and SEQUENCE: nothing moved, nobody was told
