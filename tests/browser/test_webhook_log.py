"""The delivery log on a phone, in a real browser: each payload readable (opened, wrapped, escaped) without the
page or its table scrolling sideways at 390 px, and the ticked failed deliveries sent again with one button."""

import pytest
from playwright.sync_api import expect

from eventreg.webhooks import network, operations, sending

pytestmark = pytest.mark.browser
PHONE = 390


def test_the_delivery_log_shows_payloads_and_sends_ticked_ones_again_on_a_phone(
    page, axe, app, make_host, make_event, register, db_session, sign_in, monkeypatch, tmp_path
):
    monkeypatch.setitem(app.config, "WEBHOOK_DELIVERY", "request")
    host = make_host()
    long_word = "Supercalifragilistic" * 6  # one unbroken word far wider than a phone
    event = make_event(hosts=[host], title=f"{long_word} & <i>friends</i>")
    endpoint = operations.create_endpoint(
        host,
        url="http://127.0.0.1:9/a-rather-long-path/to/the/receiving/system/" + "x" * 80,
        event_types=["registration.created"],
        description="",
        allowed=network.allowed_hosts("127.0.0.1"),
        now=app.config["CLOCK"].now(),
    )
    register(event, name="Ana Lopez")
    register(event, name="Ben Okafor")
    db_session.commit()
    monkeypatch.setitem(app.config, "WEBHOOK_ALLOWED_HOSTS", "")  # refused when sent: failed attempts to show
    sending.send_pending(app.config["CLOCK"].now())
    operations.disable_endpoint(endpoint, reason="host", now=app.config["CLOCK"].now())  # both marked failed
    operations.enable_endpoint(endpoint)
    db_session.commit()

    page.set_viewport_size({"width": PHONE, "height": 844})
    sign_in(page, host)
    page.goto(f"/host/webhooks/{endpoint.id}")
    expect(page.locator("table tbody tr")).to_have_count(2)
    for summary in page.get_by_text("Payload", exact=True).all():
        summary.click()
    payload = page.locator("pre.long-code").first
    expect(payload).to_be_visible()
    expect(payload).to_contain_text(f'"title": "{long_word} & <i>friends</i>"')  # shown as text, not markup
    expect(page.locator("pre.long-code i")).to_have_count(0)
    page.screenshot(path=str(tmp_path / "log.png"), full_page=True)
    page.wait_for_load_state("load")  # measured with the stylesheet applied
    assert page.evaluate("() => document.documentElement.scrollWidth") <= PHONE
    wrap = page.locator(".table-wrap")
    assert wrap.evaluate("(element) => element.scrollWidth <= element.clientWidth")
    assert payload.evaluate("(element) => element.scrollWidth <= element.clientWidth")
    axe(page)

    page.get_by_label("Select registration.created", exact=False).first.check()
    page.get_by_label("Select registration.created", exact=False).nth(1).check()
    page.get_by_role("button", name="Send the ticked deliveries again").click()
    expect(page.locator(".flash")).to_contain_text("2 failed deliveries are being sent again")
    page.wait_for_load_state("load")
    assert page.evaluate("() => document.documentElement.scrollWidth") <= PHONE
