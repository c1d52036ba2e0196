import urllib.request
from pathlib import Path

import icalendar
import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def test_subscribe_link_works_and_add_to_calendar_gives_a_file_that_parses(page, make_event, db_session):
    event = make_event(title="Open data for community needs")
    db_session.commit()
    page.goto("/")
    link = page.locator("#subscribe-link")
    expect(link).to_be_visible()
    webcal = link.get_attribute("href")
    assert webcal.startswith("webcal://127.0.0.1:")
    with urllib.request.urlopen("http://" + webcal.removeprefix("webcal://")) as response:  # noqa: S310 - loopback
        calendar = icalendar.Calendar.from_ical(response.read())
    assert [str(v["SUMMARY"]) for v in calendar.walk("VEVENT")] == [event.title]

    entry = page.locator("article.event-entry", has_text=event.title)
    with page.expect_download() as download_info:
        entry.get_by_role("link", name="Add to calendar (.ics)").click()
    body = Path(download_info.value.path()).read_bytes()
    (vevent,) = icalendar.Calendar.from_ical(body).walk("VEVENT")
    assert str(vevent["SUMMARY"]) == event.title
    assert download_info.value.suggested_filename == f"{event.slug}.ics"
