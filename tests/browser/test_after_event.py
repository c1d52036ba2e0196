"""In a real browser, after the event: a host back-fills someone without any mail going out and reads each
person's minutes, attendance and certificate on a phone; a registrant's own page says what happened."""

from datetime import timedelta
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from eventreg.registrations import tokens

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
WIDE = {"width": 1366, "height": 900}


def page_width(page) -> int:
    # After a redirect the new page's text can be there before its stylesheet is: measure the styled page.
    page.wait_for_load_state("load")
    return page.evaluate("() => document.documentElement.scrollWidth")


@pytest.fixture
def past_webinar(make_host, make_event, register, clock, db_session, app):
    """The 3-4 PM New York webinar of 30 January 2025 with 1.5 contact hours and a posted recording, a day after
    it: Ana attended 57 minutes (certificate issued), Ben was there 20, and nothing is recorded for Chen."""
    from eventreg.certificates import operations as certificates

    host = make_host()
    event = make_event(contact_hours=Decimal("1.5"), hosts=[host], archive_url="https://archive.example.org/hiring")
    people = {
        "ana": register(event, name="Ana López", email="ana.lopez@library.example.org", timezone="Europe/Berlin"),
        "ben": register(event, name="Ben Okafor", email="ben.okafor@regional-library-consortium.example.org"),
        "chen": register(event, name="Chen Wei", email="chen.wei@library.example.org"),
    }
    people["ana"].attended, people["ana"].minutes_attended = True, 57
    people["ben"].attended, people["ben"].minutes_attended = False, 20
    clock.set(event.ends_at + timedelta(days=1))
    certificates.finalise(event, host=host, now=clock.now())
    db_session.commit()
    with app.test_request_context():
        links = {key: f"/r/{tokens.mailed_manage_token(r)}" for key, r in people.items()}
    return {"host": host, "event": event, "links": links}


def test_host_back_fills_without_mail_and_reads_each_card_on_a_phone(
    page, axe, past_webinar, sign_in, mailbox, db_session
):
    event = past_webinar["event"]
    mailbox.clear()  # the certificate that finalising sent
    page.set_viewport_size(PHONE)
    sign_in(page, past_webinar["host"])
    page.goto(f"/host/events/{event.id}/attendees")
    expect(page.get_by_role("main")).to_contain_text("This event has ended: people added here are not emailed")
    expect(page.get_by_label("Don’t email this person")).to_have_count(0)
    page.get_by_label("Name", exact=True).fill("Dana Walker")
    page.get_by_label("Email", exact=True).fill("dana.walker@county.example.org")
    page.get_by_label("Organization", exact=True).fill("County Library")
    page.get_by_role("button", name="Add without emailing").click()
    expect(page.locator(".flash")).to_have_text(
        "Added Dana Walker (dana.walker@county.example.org) as confirmed; no email was sent (the event has ended)."
    )
    assert mailbox == []

    assert page_width(page) <= 390, "the attendee list scrolls the page sideways on a phone"
    cards = {
        "Ana López": {"Attended": "yes", "Minutes": "57", "Certificate": "issued"},
        "Ben Okafor": {"Attended": "no", "Minutes": "20", "Certificate": "not earned"},
        "Chen Wei": {"Attended": "–", "Minutes": "–", "Certificate": "–"},
        "Dana Walker": {"Attended": "–", "Minutes": "–", "Certificate": "–"},
    }
    for name, values in cards.items():
        card = page.locator("table.attendees tbody tr", has_text=name)
        for label, value in values.items():
            cell = card.locator(f"td[data-label={label}]")
            expect(cell).to_contain_text(value)
            cell.scroll_into_view_if_needed()
            expect(cell).to_be_in_viewport()
            box = cell.bounding_box()
            assert 0 <= box["x"] <= box["x"] + box["width"] <= 390, f"{name}’s {label} is cut off"
            # The card names each value ("Minutes: 57"), as the table's header would.
            assert cell.evaluate("td => getComputedStyle(td, '::before').content") == f'"{label}: "'
    axe(page)

    page.set_viewport_size(WIDE)
    assert page_width(page) <= 1366
    region = page.locator(".table-wrap")
    assert region.evaluate("r => r.scrollWidth <= r.clientWidth"), "the attendee table scrolls sideways at 1366 px"


@pytest.mark.parametrize("viewport", [WIDE, PHONE], ids=["wide", "phone"])
def test_registrants_page_after_the_event_says_what_happened(page, axe, past_webinar, viewport):
    page.set_viewport_size(viewport)
    page.goto(past_webinar["links"]["ana"])
    main = page.get_by_role("main")
    expect(page.get_by_role("heading", level=1)).to_have_text("You attended")
    expect(main).to_contain_text("57 minutes, as the meeting platform’s report shows")
    expect(page.get_by_role("link", name="Watch the recording")).to_have_attribute(
        "href", "https://archive.example.org/hiring"
    )
    expect(page.get_by_role("link", name="Download your certificate (PDF)")).to_be_visible()
    for gone in ("You’re registered", "was emailed", "How to join", "meet.example.org"):
        expect(main).not_to_contain_text(gone)
    expect(page.get_by_role("link", name="Cancel my registration…")).to_have_count(0)
    assert page_width(page) <= viewport["width"]
    axe(page)

    page.goto(past_webinar["links"]["chen"])
    expect(page.get_by_role("heading", level=1)).to_have_text("This event has ended")
    expect(main).to_contain_text("Attendance has not been recorded yet")
    expect(page.get_by_role("link", name="Download your certificate (PDF)")).to_have_count(0)
    assert page_width(page) <= viewport["width"]
    axe(page)


def test_before_the_event_the_host_may_add_someone_without_emailing_them(
    page, axe, make_host, make_event, sign_in, mailbox, db_session
):
    host = make_host()
    event = make_event(hosts=[host])
    db_session.commit()
    page.set_viewport_size(PHONE)
    sign_in(page, host)
    page.goto(f"/host/events/{event.id}/attendees")
    page.get_by_label("Name", exact=True).fill("Quiet Person")
    page.get_by_label("Email", exact=True).fill("quiet@library.example.org")
    page.get_by_label("Organization", exact=True).fill("Branch")
    page.get_by_label("Don’t email this person").check()
    axe(page)
    page.get_by_role("button", name="Add registrant").click()
    expect(page.locator(".flash")).to_have_text(
        "Added Quiet Person (quiet@library.example.org) as confirmed; no email was sent."
    )
    assert mailbox == []
    assert page_width(page) <= 390
