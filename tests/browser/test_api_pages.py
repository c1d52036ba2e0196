"""The API's pages in a real browser: a host makes, copies and revokes a token; the reference page reads well.
Each passes axe and reflows at phone width (WCAG 1.4.10) with only wide tables scrolling, in their own regions."""

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser
PHONE = {"width": 320, "height": 640}


def at_phone_width(page) -> None:
    page.set_viewport_size(PHONE)
    assert page.evaluate("() => document.documentElement.scrollWidth") <= PHONE["width"]


def test_host_makes_a_token_that_works_then_revokes_it(page, axe, make_host, make_event, db_session, sign_in):
    host = make_host()
    make_event(title="Open data for community needs", hosts=[host])
    db_session.commit()
    sign_in(page, host)
    page.get_by_role("link", name="Integrations").click()
    page.get_by_role("link", name="API tokens").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("API tokens")
    page.get_by_role("button", name="Make token").click()  # no name: the error is said and linked
    expect(page.get_by_role("alert")).to_contain_text("Please name the token")
    axe(page)
    page.get_by_label("Name (what the token is for)").fill("Library website")
    page.get_by_label("Read and write").check()
    page.get_by_role("button", name="Make token").click()
    expect(page.get_by_text("Copy it now: it will not be shown again.")).to_be_visible()
    secret = page.get_by_label("“Library website” (read and write)").input_value()
    assert secret.startswith("ereg_")
    axe(page)
    at_phone_width(page)
    axe(page)

    answer = page.request.get("/api/v1/host/events", headers={"Authorization": f"Bearer {secret}"})
    assert answer.status == 200
    assert [event["title"] for event in answer.json()["events"]] == ["Open data for community needs"]

    page.get_by_role("link", name="Back to your tokens").click()
    expect(page.get_by_role("cell", name="Library website", exact=True)).to_be_visible()
    axe(page)
    page.get_by_role("link", name="Revoke Library website").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Revoke the token")
    axe(page)
    page.get_by_role("button", name="Revoke the token").click()
    expect(page.get_by_text("No tokens yet.")).to_be_visible()
    assert page.request.get("/api/v1/host/events", headers={"Authorization": f"Bearer {secret}"}).status == 401


def test_reference_page_passes_axe_and_reflows(page, axe, db_session):
    page.goto("/api/v1/docs")
    expect(page.get_by_role("heading", level=1)).to_contain_text("eventreg API v1")
    axe(page)
    at_phone_width(page)
    axe(page)
