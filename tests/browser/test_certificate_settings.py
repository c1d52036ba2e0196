"""In a real browser: an admin sets the certificate's issuer, signer, colour and logo and removes the logo after
confirming; a host names another signer for one event; a learner reads their transcript on a phone. Each page
passes axe and fits a 390 px phone without sideways scrolling; screenshots are left in the test's tmp_path
(pytest --basetemp=/tmp/shots keeps them) to be looked at when the pages change."""

import io
from datetime import datetime, timedelta
from decimal import Decimal

import pytest
from PIL import Image
from playwright.sync_api import expect

from eventreg.certificates import operations
from eventreg.transcripts import tokens

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1366, "height": 900}


def fits_a_phone(page) -> None:
    page.set_viewport_size(PHONE)
    assert page.evaluate("() => document.documentElement.scrollWidth") <= PHONE["width"]


def shoot(page, path, name: str) -> None:
    for label, size in (("1366", DESKTOP), ("390", PHONE)):
        page.set_viewport_size(size)
        page.screenshot(path=path / f"{name}-{label}.png", full_page=True)


@pytest.fixture
def logo_file(tmp_path):
    path = tmp_path / "library-logo.png"
    image = Image.new("RGB", (360, 120), (11, 110, 79))
    for x in range(40, 320):
        for y in range(40, 80):
            image.putpixel((x, y), (255, 255, 255))
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    path.write_bytes(buffer.getvalue())
    return path


def test_an_admin_sets_issuer_signer_colour_and_logo_then_removes_the_logo_after_confirming(
    page, make_host, db_session, sign_in, axe, logo_file, tmp_path, app
):
    admin = make_host("admin@library.example.org", admin=True)
    db_session.commit()
    sign_in(page, admin)
    page.get_by_role("link", name="Reports").click()
    page.get_by_role("link", name="Certificate settings").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Certificate settings")
    page.get_by_label("Issuing organisation").fill("Lakeside Library System")
    page.get_by_label("Signer’s name").fill("Mina Park")
    page.get_by_label("Signer’s title").fill("Director of Continuing Education")
    page.get_by_label("Accent colour").fill("#ffee00")  # too pale on white
    page.get_by_label("Logo (PNG or SVG, up to 512 kB)").set_input_files(logo_file)
    page.get_by_role("button", name="Save settings").click()
    expect(page.locator("#form-errors")).to_contain_text("too pale to read on white")
    expect(page.get_by_label("Accent colour")).to_have_attribute("aria-invalid", "true")
    shoot(page, tmp_path, "settings-error")

    page.get_by_label("Accent colour").fill("#0b6e4f")
    page.get_by_label("Logo (PNG or SVG, up to 512 kB)").set_input_files(logo_file)  # a refused post loses files
    page.get_by_role("button", name="Save settings").click()
    expect(page.locator(".flash")).to_contain_text("Certificate settings saved.")
    expect(page.get_by_role("img", name="The current logo")).to_be_visible()
    axe(page)
    fits_a_phone(page)
    shoot(page, tmp_path, "settings")
    with app.app_context():
        assert operations.site_issuer_settings()["signer"] == "Mina Park"
        assert operations.look()["accent"] == "#0b6e4f"

    page.set_viewport_size(DESKTOP)
    page.get_by_role("link", name="Remove the logo…").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Remove the certificate logo?")
    axe(page)
    page.get_by_role("link", name="Keep it").click()
    expect(page.get_by_role("img", name="The current logo")).to_be_visible()
    page.get_by_role("link", name="Remove the logo…").click()
    page.get_by_role("button", name="Remove the logo").click()
    expect(page.locator(".flash")).to_contain_text("Logo removed.")
    expect(page.get_by_role("main")).to_contain_text("No logo yet")


def test_a_host_names_the_signer_for_one_event_on_its_certificates_page(
    page, make_host, make_event, register, clock, db_session, sign_in, axe, tmp_path
):
    host = make_host()
    event = make_event(contact_hours=Decimal("1.5"), hosts=[host])
    ana = register(event, name="Ana López", email="ana.lopez@library.example.org")
    ana.attended, ana.minutes_attended = True, 58
    db_session.commit()
    clock.set(event.ends_at + timedelta(hours=2))
    sign_in(page, host)
    page.goto(f"/host/events/{event.id}/certificates")
    page.get_by_label("Issuing organisation").fill("Lakeside Library System")
    page.get_by_label("Signer’s name").fill("Dana Whitfield")
    page.get_by_label("Signer’s title").fill("Training Lead")
    page.get_by_role("button", name="Save issuer and signer").click()
    expect(page.locator(".flash")).to_contain_text("Issuer and signer saved.")
    expect(page.get_by_role("main")).to_contain_text(
        "issued by Lakeside Library System and signed by Dana Whitfield, Training Lead"
    )
    page.get_by_role("link", name="Finalise and issue certificates…").click()
    page.get_by_role("button", name="Issue 1 certificate and send the emails").click()
    expect(page.locator("table")).to_contain_text("Ana López")
    axe(page)
    fits_a_phone(page)
    shoot(page, tmp_path, "certificates")


def test_a_transcript_on_a_phone_shows_attended_minutes_and_certificate_without_sideways_scrolling(
    page, make_host, make_event, register, clock, db_session, axe, tmp_path, app
):
    host = make_host()
    email = "zoe@library.example.org"
    earned = make_event(
        title="Building community connections by hiring for cultural knowledge",
        contact_hours=Decimal("1.5"),
        hosts=[host],
    )
    short = make_event(
        title="Readers' advisory for reluctant readers",
        contact_hours=Decimal("1"),
        hosts=[host],
        local_start=datetime(2025, 1, 10, 15),  # noqa: DTZ001 - wall-clock time in New York
    )
    for event, minutes in ((earned, 58), (short, 20)):
        registration = register(event, name="Zoë Ångström", email=email, now=event.starts_at - timedelta(days=30))
        registration.attended, registration.minutes_attended = minutes >= 45, minutes
    clock.set(earned.ends_at + timedelta(hours=2))
    operations.finalise(earned, host=host, now=clock.now())
    db_session.commit()
    with app.test_request_context():
        path = f"/transcript/{tokens.transcript_token(email)}"

    page.set_viewport_size(PHONE)
    page.goto(path)
    expect(page.get_by_role("heading", level=1)).to_have_text("Attendance transcript")
    cards = page.locator("table.cards-on-phone tbody tr")
    expect(cards).to_have_count(2)
    first, second = cards.nth(0), cards.nth(1)

    def cell(card, label):  # each value beside its label (the label is drawn by CSS from data-label)
        return card.locator(f'td[data-label="{label}"]')

    expect(cell(first, "Attended")).to_have_text("No")
    expect(cell(first, "Minutes")).to_have_text("20 of 45 required")
    expect(cell(first, "Certificate")).to_have_text("None")
    expect(cell(second, "Attended")).to_have_text("Yes")
    expect(cell(second, "Minutes")).to_have_text("58 of 45 required")
    expect(cell(second, "Certificate").get_by_role("link", name="Verify certificate")).to_be_visible()
    for label in ("Attended", "Minutes", "Certificate"):
        box = cell(second, label).bounding_box()
        assert 0 <= box["x"] <= box["x"] + box["width"] <= PHONE["width"], label  # on screen, not scrolled to
    assert page.evaluate("() => document.documentElement.scrollWidth") <= PHONE["width"]
    axe(page)
    shoot(page, tmp_path, "transcript")
