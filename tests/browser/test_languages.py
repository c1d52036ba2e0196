"""A visitor on a phone switches the site to Spanish and registers: every page on the way is in Spanish (axe passes
with its lang), and the confirmation arrives in Spanish with Spanish dates and times."""

from pathlib import Path

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

PHONE = {"width": 375, "height": 740}
SHOTS = Path("/tmp/shots-languages")
CONTENT = (
    "Open data for community needs",
    "A webinar for library staff.",
    "Ana Lima",
    "ana@library.example.org",
    "Springfield Public Library",
    "Google Calendar",  # the product's name in Spanish too
    "New Salem",  # CLDR's Spanish name for the place (a proper name)
)


def test_a_visitor_switches_to_spanish_on_a_phone_and_registers(page, make_event, db_session, mailbox, axe,
                                                                 english_left):  # fmt: skip
    SHOTS.mkdir(parents=True, exist_ok=True)
    event = make_event(title=CONTENT[0], capacity=30)
    db_session.commit()
    page.set_viewport_size(PHONE)

    page.goto("/")
    page.get_by_label("Language", exact=True).select_option("es")
    page.get_by_role("button", name="Change").click()
    expect(page.locator("html")).to_have_attribute("lang", "es")
    expect(page.get_by_text("15:00 – 16:00 hora estándar oriental, América del Norte [UTC -5]")).to_be_visible()
    assert english_left(page.content(), *CONTENT) == []
    axe(page)
    page.screenshot(path=str(SHOTS / "upcoming-es.png"), full_page=True)

    page.goto(f"/events/{event.slug}")  # the cookie keeps the choice
    expect(page.locator("html")).to_have_attribute("lang", "es")
    assert english_left(page.content(), *CONTENT) == []
    axe(page)

    page.goto(f"/events/{event.slug}/register")
    expect(page.locator("html")).to_have_attribute("lang", "es")
    assert english_left(page.content(), *CONTENT) == []
    axe(page)
    page.screenshot(path=str(SHOTS / "register-es.png"), full_page=True)
    page.locator("#name").fill(CONTENT[2])
    page.locator("#email").fill(CONTENT[3])
    page.locator("#organization").fill(CONTENT[4])
    page.locator("main form button[type=submit]").last.click()
    expect(page.locator("html")).to_have_attribute("lang", "es")
    assert english_left(page.content(), *CONTENT) == []
    axe(page)
    page.screenshot(path=str(SHOTS / "check-email-es.png"), full_page=True)

    (message,) = [m for m in mailbox if m["To"].endswith(CONTENT[3] + ">") or CONTENT[3] in m["To"]]
    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    assert english_left(message["Subject"], *CONTENT) == []
    assert english_left(text, *CONTENT) == []
    assert english_left(html, *CONTENT) == []
    assert "30 de enero de 2025" in text
    assert "15:00 – 16:00 hora estándar oriental, América del Norte [UTC -5]" in text
