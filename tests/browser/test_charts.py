"""In a real browser: the host's charts are drawn by Chart.js from our own static files under the unchanged CSP (no
refusal in the console, no request to another site), each with its table; without JavaScript the table is the chart.
axe on each page state."""

from datetime import datetime, timedelta

import pytest
import pytz
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

PHONE = {"width": 375, "height": 740}


@pytest.fixture
def busy_event(make_host, make_event, register, db_session, clock):
    """A three-seat webinar whose registrations came over three days: three confirmed, one waiting."""
    host = make_host()
    event = make_event(title="Open data for community needs", capacity=3, hosts=[host])
    start = clock.now() - timedelta(days=2)
    for n, at in enumerate((start, start, start + timedelta(days=1), start + timedelta(days=2))):
        register(event, name=f"Reader {n}", now=at)
    make_event(title="Data literacy for everyone", local_start=datetime(2025, 2, 3, 15), capacity=40, hosts=[host])  # noqa: DTZ001
    db_session.commit()
    return event


@pytest.fixture
def watched(page, live_server):
    """What the page complained of: Content-Security-Policy refusals and script errors, requests that failed, and
    every request it made to another site. (Chromium's own favicon probe, a 404 no page asked for, is not counted.)"""
    seen = {"refused": [], "errors": [], "failed": [], "elsewhere": []}
    page.on(
        "console",
        lambda m: (
            seen["refused"].append(m.text) if "Content Security Policy" in m.text or "Refused" in m.text else None
        ),
    )
    page.on("pageerror", lambda error: seen["errors"].append(str(error)))
    page.on("response", lambda r: seen["failed"].append(f"{r.status} {r.url}") if r.status >= 400 else None)
    page.on(
        "request",
        lambda request: (
            seen["elsewhere"].append(request.url) if not request.url.startswith((live_server, "data:")) else None
        ),
    )
    return seen


NOTHING = {"refused": [], "errors": [], "failed": [], "elsewhere": []}


def drawn(page, chart_id: str) -> None:
    """The chart's canvas is shown and Chart.js drew on it, and its table was folded away (still there)."""
    chart = page.locator(f"#{chart_id}")
    canvas = chart.locator("canvas[role=img]")
    expect(canvas).to_be_visible()
    page.wait_for_function(f"() => window.Chart && Chart.getChart(document.querySelector('#{chart_id} canvas'))")
    assert canvas.evaluate("c => c.width > 0 && c.height > 0")
    expect(chart.locator("details.chart-data")).not_to_have_attribute("open", "")


def test_the_attendee_list_draws_registrations_over_time_with_its_table(page, axe, sign_in, busy_event, watched):
    sign_in(page, busy_event.hosts[0])
    page.goto(f"/host/events/{busy_event.id}/attendees")
    drawn(page, "registrations-chart")
    chart = page.locator("#registrations-chart")
    summary = "3 confirmed and 1 waiting on 15 January 2025, of 3 seats."
    expect(chart.locator(".chart-summary")).to_have_text(summary)
    expect(chart.locator("canvas")).to_have_attribute("aria-label", f"Registrations over time: {summary}")
    config = page.evaluate("() => Chart.getChart(document.querySelector('#registrations-chart canvas')).data")
    assert config["labels"] == ["13 Jan", "14 Jan", "15 Jan"]
    assert [d["data"] for d in config["datasets"]] == [[2, 3, 3], [0, 0, 1], [3, 3, 3]]
    chart.get_by_text("The numbers").click()
    rows = chart.locator("table tbody tr")
    expect(rows).to_have_count(3)
    assert rows.nth(2).locator("th, td").all_inner_texts() == ["15 January 2025", "3", "1", "3"]
    axe(page)
    page.set_viewport_size(PHONE)
    page.wait_for_load_state("load")
    assert page.evaluate("() => document.documentElement.scrollWidth") <= PHONE["width"]
    assert chart.locator("canvas").evaluate("c => c.getBoundingClientRect().right") <= PHONE["width"]
    axe(page)
    assert watched == NOTHING


def test_the_dashboard_draws_seats_at_upcoming_events_with_its_table(page, axe, sign_in, busy_event, watched):
    sign_in(page, busy_event.hosts[0])
    drawn(page, "seats-chart")
    chart = page.locator("#seats-chart")
    data = page.evaluate("() => Chart.getChart(document.querySelector('#seats-chart canvas')).data")
    assert data["labels"] == ["Open data for community needs", "Data literacy for everyone"]
    assert [(d["label"], d["data"]) for d in data["datasets"]] == [
        ("Confirmed", [3, 0]),
        ("Free seats", [0, 40]),
        ("Waiting", [1, 0]),
    ]
    chart.get_by_text("The numbers").click()
    assert chart.locator("table tbody tr").first.locator("th, td").all_inner_texts() == [
        "Open data for community needs",
        "30 January 2025, 3:00 PM EST",
        "3",
        "1",
        "3",
    ]
    axe(page)
    page.set_viewport_size(PHONE)
    page.wait_for_load_state("load")
    assert page.evaluate("() => document.documentElement.scrollWidth") <= PHONE["width"]
    axe(page)
    assert watched == NOTHING


def test_without_javascript_the_table_is_the_chart(browser, live_server, app, busy_event, host_password):
    app.config["SERVER_NAME"], server_name = None, app.config["SERVER_NAME"]
    context = browser.new_context(base_url=live_server, java_script_enabled=False)
    page = context.new_page()
    try:
        page.goto("/host/login")
        page.get_by_label("Email").fill(busy_event.hosts[0].email)
        page.get_by_label("Password").fill(host_password)
        page.get_by_role("button", name="Sign in").click()
        page.goto(f"/host/events/{busy_event.id}/attendees")
        chart = page.locator("#registrations-chart")
        expect(chart.locator(".chart-box")).to_be_hidden()
        expect(chart.locator("table")).to_be_visible()
        expect(chart.locator("table tbody tr")).to_have_count(3)
    finally:
        context.close()
        app.config["SERVER_NAME"] = server_name


def test_an_event_with_nobody_registered_says_so_instead_of_drawing(
    page, axe, sign_in, make_host, make_event, db_session
):
    host = make_host()
    event = make_event(hosts=[host], starts_at=datetime(2025, 2, 1, 15, tzinfo=pytz.utc))
    db_session.commit()
    sign_in(page, host)
    page.goto(f"/host/events/{event.id}/attendees")
    expect(page.locator("#registrations-chart .chart-summary")).to_have_text("No one confirmed or waiting yet.")
    expect(page.locator("#registrations-chart canvas")).to_have_count(0)
    axe(page)
