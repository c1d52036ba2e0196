"""The personal feed: every event one address registered for, join links included, opened from a mailed link."""

import re
from datetime import timedelta

import icalendar
import pytest
import sqlalchemy as sa

from eventreg.registrations.models import Registration


def events_in(response) -> list[str]:
    return [str(v["SUMMARY"]) for v in icalendar.Calendar.from_ical(response.data).walk("VEVENT")]


def mailed_links(mailbox) -> list[str]:
    """The manage links in the mail received so far, in order: the ones that open the personal feed."""
    return [re.search(r"http://eventreg\.test(/r/\S+)", m.get_body(("plain",)).get_content())[1] for m in mailbox]


@pytest.fixture
def registration_pages(client, make_event, db_session, mailbox):
    """Ana registers for two events; the manage links from her two confirmations."""
    first = make_event(title="First", capacity=5, join_url="https://meet.example.org/j/first")
    second = make_event(title="Second", join_url="https://meet.example.org/j/second")
    make_event(title="Not mine")
    data = {"name": "Ana", "email": "ana@library.example.org", "organization": "Library"}
    client.post(f"/events/{first.slug}/register", data={**data, "form_key": "a"})
    client.post(f"/events/{second.slug}/register", data={**data, "form_key": "b"})
    return tuple(mailed_links(mailbox))


def feed_url(client, manage_url) -> str:
    html = client.get(manage_url).get_data(as_text=True)
    return re.search(
        r'id="personal-feed" class="wide" type="text" readonly value="http://eventreg\.test([^"]+)"', html
    )[1]


def test_personal_feed_lists_my_events_with_join_links(client, registration_pages, db_session):
    one, two = registration_pages
    url = feed_url(client, one)
    assert url == feed_url(client, two)  # one feed per address
    response = client.get(url)
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "private, no-cache"
    assert response.headers["Referrer-Policy"] == "no-referrer"
    assert sorted(events_in(response)) == ["First", "Second"]
    assert b"https://meet.example.org/j/first" in response.data
    # A cancelled registration drops out.
    client.post(two + "/cancel")
    assert events_in(client.get(url)) == ["First"]


def test_personal_feed_has_refresh_hints_and_answers_304_until_something_changes(
    client, registration_pages, db_session, clock
):
    one, two = registration_pages
    url = feed_url(client, one)
    first = client.get(url)
    calendar = icalendar.Calendar.from_ical(first.data)
    assert calendar["REFRESH-INTERVAL"].dt == timedelta(hours=1)
    assert str(calendar["X-PUBLISHED-TTL"]) == "PT1H"
    etag = first.headers["ETag"]
    assert client.get(url, headers={"If-None-Match": etag}).status_code == 304
    # Cancelling one registration changes the body, so the ETag moves.
    client.post(two + "/cancel")
    changed = client.get(url, headers={"If-None-Match": etag})
    assert changed.status_code == 200
    assert changed.headers["ETag"] != etag
    # So does an event passing its end (its join link leaves the feed).
    etag = changed.headers["ETag"]
    first_event = db_session.scalar(sa.select(Registration).where(Registration.status == "confirmed")).event
    clock.set(first_event.ends_at)
    passed = client.get(url, headers={"If-None-Match": etag})
    assert passed.status_code == 200
    assert b"https://meet.example.org/j/first" not in passed.data


def test_personal_feed_url_can_be_replaced(client, registration_pages, db_session):
    one, two = registration_pages
    old = feed_url(client, one)
    assert client.post(one + "/feed/replace").status_code == 303
    new = feed_url(client, one)
    assert new != old
    assert feed_url(client, two) == new  # the address's one feed, wherever it is shown
    assert client.get(old).status_code == 404
    assert client.get(new).status_code == 200
    assert client.get("/feeds/not-a-token.ics").status_code == 404
