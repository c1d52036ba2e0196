"""The attendance preview in a real browser: a report uploaded through the form, its columns changed on the
preview itself, and each person's minutes and mark readable on a phone without sideways scrolling."""

from datetime import timedelta
from pathlib import Path

from playwright.sync_api import expect

SAMPLES = Path(__file__).parent.parent / "attendance" / "samples"
SHOTS = Path("/tmp/attendance-shots")


def test_host_maps_an_unknown_report_on_the_preview_and_reads_it_on_a_phone(
    page, axe, make_host, make_event, register, clock, db_session, sign_in
):
    host = make_host()
    event = make_event(hosts=[host])
    register(event, name="Ana Lopez", email="ana.lopez@library.example.org")
    register(event, name="Ben Okafor", email="ben.okafor@library.example.org")
    register(event, name="Chen Wei", email="chen.wei@library.example.org")
    db_session.commit()
    clock.set(event.ends_at + timedelta(hours=2))
    SHOTS.mkdir(exist_ok=True)
    page.set_viewport_size({"width": 1366, "height": 900})
    sign_in(page, host)
    page.goto(f"/host/events/{event.id}/attendance/import")
    page.get_by_label("Attendance report").set_input_files(str(SAMPLES / "generic_with_preamble.csv"))
    page.get_by_role("button", name="Read the report").click()
    expect(page.get_by_text("not one we recognise")).to_be_visible()
    page.screenshot(path=str(SHOTS / "unknown-1366.png"), full_page=True)

    # Each choice shows the preview again (the page's script submits on change).
    page.get_by_label("Email column").select_option("Contact e-mail")
    page.get_by_label("Join time column").select_option("Arrived")
    page.get_by_label("Leave time column").select_option("Departed")
    expect(page.get_by_role("heading", name="Matched registrants (3, 2 attended)")).to_be_visible()
    expect(page.get_by_text("from “Arrived” to “Departed” on each row")).to_be_visible()
    page.screenshot(path=str(SHOTS / "preview-1366.png"), full_page=True)
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 1366
    axe(page)

    page.set_viewport_size({"width": 390, "height": 844})
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 390
    ana = page.locator("#matched tr", has_text="Ana Lopez")
    expect(ana.locator("td[data-label=Minutes]")).to_have_text("63")
    expect(ana.locator("td[data-label=Attended]")).to_have_text("yes")
    ben = page.locator("#matched tr", has_text="Ben Okafor")
    expect(ben.locator("td[data-label=Minutes]")).to_have_text("25")
    expect(ben.locator("td[data-label=Attended]")).to_have_text("no")
    assert ana.locator("td[data-label=Minutes]").evaluate("td => getComputedStyle(td, '::before').content") != "none"
    page.screenshot(path=str(SHOTS / "preview-390.png"), full_page=True)
    axe(page)

    # A choice that cannot be read: said where the host is looking, and the preview keeps what it had.
    page.set_viewport_size({"width": 1366, "height": 900})
    page.get_by_label("Email column").select_option("")
    expect(page.locator(".error-summary")).to_contain_text("Choose the email column")
    expect(page.get_by_role("heading", name="Matched registrants (3, 2 attended)")).to_be_visible()
    page.screenshot(path=str(SHOTS / "refused-1366.png"), full_page=True)


def test_a_known_report_is_read_at_once_and_fits_a_phone(
    page, make_host, make_event, register, clock, db_session, sign_in
):
    host = make_host()
    event = make_event(hosts=[host])
    register(event, name="Maximiliane Oberdorfer-Lindqvist", email="ana.lopez@library.example.org")
    db_session.commit()
    clock.set(event.ends_at + timedelta(hours=2))
    SHOTS.mkdir(exist_ok=True)
    page.set_viewport_size({"width": 390, "height": 844})
    sign_in(page, host)
    page.goto(f"/host/events/{event.id}/attendance/import")
    page.get_by_label("Attendance report").set_input_files(str(SAMPLES / "webex_meetings_attendee_report.csv"))
    page.get_by_role("button", name="Read the report").click()
    expect(page.get_by_role("heading", name="Matched registrants (1, 1 attended)")).to_be_visible()
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 390
    walk_in = page.locator("#unmatched tr", has_text="dana.walkin@county.example.org")
    expect(walk_in.locator("td[data-label=Minutes]")).to_have_text("57")
    expect(walk_in.locator("td[data-label=Attended]")).to_have_text("yes")
    page.screenshot(path=str(SHOTS / "webex-390.png"), full_page=True)
