"""The webhook pages in a real browser: reached from the dashboard, the form with its errors, the secret shown once,
and the delivery log with a failed delivery, each scanned by axe-core and at phone width."""

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from eventreg.webhooks import sending
from eventreg.webhooks.models import WebhookEndpoint

pytestmark = pytest.mark.browser


def test_webhook_pages_pass_axe_and_reflow(
    page, axe, app, make_host, make_event, register, db_session, sign_in, monkeypatch
):
    monkeypatch.setitem(app.config, "WEBHOOK_ALLOWED_HOSTS", "127.0.0.1")
    host = make_host()
    db_session.commit()
    sign_in(page, host)
    page.get_by_role("link", name="Integrations").click()
    page.get_by_role("link", name="Webhooks").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Webhooks")
    axe(page)
    page.get_by_role("link", name="Add an endpoint").click()
    page.get_by_label("Endpoint URL").fill("https://10.0.0.1/hook")
    page.get_by_role("button", name="Add the endpoint").click()
    expect(page.locator(".error-summary")).to_contain_text("private, local or reserved network address")
    axe(page)
    page.get_by_label("Endpoint URL").fill("http://127.0.0.1:9/hook")
    page.get_by_role("button", name="Add the endpoint").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Endpoint added")
    db_session.rollback()  # a fresh read: the live server's thread saved the endpoint
    [secret] = db_session.scalars(sa.select(WebhookEndpoint.secret)).all()
    expect(page.get_by_label("Signing secret")).to_have_value(secret)
    axe(page)

    event = make_event(hosts=[host])
    register(event)
    db_session.commit()
    monkeypatch.setitem(app.config, "WEBHOOK_ALLOWED_HOSTS", "")  # refused when sent: a failed attempt to show
    sending.send_pending(app.config["CLOCK"].now())
    page.get_by_role("link", name="Go to the endpoint and its delivery log").click()
    expect(page.locator("table tbody tr")).to_have_count(1)
    expect(page.locator("table")).to_contain_text("Retrying")
    axe(page)
    page.set_viewport_size({"width": 320, "height": 640})
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 320
    axe(page)
