import re
from datetime import datetime, timedelta
from decimal import Decimal

import pytest
import pytz

from eventreg.events.models import Format, Status


def titles(response) -> list[str]:
    return re.findall(r'<h2 id="event-\d+-title"><a href="[^"]+">([^<]+)</a></h2>', response.get_data(as_text=True))


def test_home_lists_upcoming_events_soonest_first_with_date_and_time_line(client, make_event, text_of):
    make_event(title="Later", local_start=datetime(2025, 2, 6, 15))  # noqa: DTZ001
    make_event(title="Sooner", local_start=datetime(2025, 1, 30, 15))  # noqa: DTZ001
    make_event(title="Passed", local_start=datetime(2025, 1, 2, 15))  # noqa: DTZ001
    for url in ("/", "/events"):
        response = client.get(url)
        assert response.status_code == 200
        assert titles(response) == ["Sooner", "Later"]
        page = text_of(response)
        assert "Upcoming events" in page
        assert "30 January 2025" in page
        assert "Time: 3:00 PM – 4:00 PM Eastern Standard Time, North America [UTC -5]" in page
        assert 'href="/events/on-demand"' in response.get_data(as_text=True)


def test_daylight_and_half_hour_zones_in_the_list(client, make_event, text_of):
    make_event(title="July", local_start=datetime(2025, 7, 10, 15))  # noqa: DTZ001
    make_event(title="Kolkata", timezone="Asia/Kolkata", local_start=datetime(2025, 2, 3, 19, 30))  # noqa: DTZ001
    page = text_of(client.get("/"))
    assert "Time: 3:00 PM – 4:00 PM Eastern Daylight Time, North America [UTC -4]" in page
    assert "Time: 7:30 PM – 8:30 PM India Standard Time, Asia [UTC +5:30]" in page


def test_show_details_reveals_the_description_without_javascript(client, make_event):
    make_event(description="Bring **one idea** to share.")
    html = client.get("/").get_data(as_text=True)
    assert re.search(
        r"<details>\s*<summary><span class=\"when-closed\">Show details</span>"
        r"<span class=\"when-open\">Hide details</span></summary>.*<strong>one idea</strong>",
        html,
        re.S,
    )


def test_details_do_not_repeat_the_summary_shown_above_them(client, make_event):
    make_event(
        summary="How to hire for cultural knowledge.",
        description="How to hire for cultural knowledge.\n\nWe cover **interview questions**.",
    )
    html = client.get("/").get_data(as_text=True)
    details = html[html.index("<details>") :]
    assert "How to hire for cultural knowledge." not in details
    assert "<strong>interview questions</strong>" in details
    # No details at all when the description only repeats the summary.
    make_event(title="Short", summary="Just this.", description="Just this.")
    assert html.count("<details>") == client.get("/").get_data(as_text=True).count("<details>")


def test_on_demand_lists_passed_events_most_recent_first_with_archive_links(client, make_event, text_of):
    make_event(title="Older", local_start=datetime(2024, 11, 21, 15), archive_url="https://archive.example.org/a")  # noqa: DTZ001
    make_event(title="Newer", local_start=datetime(2024, 12, 5, 15))  # noqa: DTZ001
    make_event(title="Upcoming", local_start=datetime(2025, 2, 6, 15))  # noqa: DTZ001
    make_event(title="Called off", local_start=datetime(2024, 12, 1, 15), status=Status.CANCELLED)  # noqa: DTZ001
    response = client.get("/events/on-demand")
    assert titles(response) == ["Newer", "Older"]
    page = text_of(response)
    assert "This event has passed. Watch the recording." in page
    assert "This event has passed. The recording will be posted here." in page
    assert 'href="https://archive.example.org/a">Watch the recording.</a>' in response.get_data(as_text=True)


def test_event_flips_to_passed_at_its_end_without_any_job(client, make_event, clock, text_of):
    event = make_event(archive_url="https://archive.example.org/hiring")
    url = f"/events/{event.slug}"
    clock.set(event.starts_at - timedelta(minutes=1))
    page = text_of(client.get(url))
    assert "Register" in page
    assert "Happening now" not in page
    clock.set(event.starts_at)
    page = text_of(client.get(url))
    assert "Happening now" in page
    assert "Register" not in page
    assert titles(client.get("/")) == [event.title]
    clock.set(event.ends_at)
    page = text_of(client.get(url))
    assert "This event has passed. Watch the recording." in page
    assert titles(client.get("/")) == []
    assert titles(client.get("/events/on-demand")) == [event.title]


def test_event_page_shows_its_facts_but_never_the_join_link(client, make_event, make_topic, text_of):
    event = make_event(
        format=Format.HYBRID,
        location="Brooklyn Public Library",
        host_name="WebJunction",
        topics=[make_topic("community-engagement", "Community engagement")],
        join_url="https://meet.example.org/j/very-secret",
    )
    response = client.get(f"/events/{event.slug}")
    page = text_of(response)
    assert response.status_code == 200
    assert page.count(event.title) >= 1
    assert response.get_data(as_text=True).count("<h1") == 1
    for expected in ("Hybrid", "Brooklyn Public Library", "WebJunction", "Community engagement", "30 January 2025"):
        assert expected in page
    assert "very-secret" not in response.get_data(as_text=True)
    # The registration form, with its CSRF token, is on a page of its own: this one is the same for everyone.
    assert "<form" not in response.get_data(as_text=True).split('class="tz-bar"')[1].split("</form>", 1)[1]
    assert f'href="/events/{event.slug}/register"' in response.get_data(as_text=True)


def test_join_link_is_never_in_public_lists(client, make_event):
    make_event(join_url="https://meet.example.org/j/very-secret")
    assert "very-secret" not in client.get("/").get_data(as_text=True)


def test_cancelled_event_is_clearly_marked_and_has_no_register_button(client, make_event, text_of):
    event = make_event(status=Status.CANCELLED)
    page = text_of(client.get(f"/events/{event.slug}"))
    assert "Cancelled." in page
    assert "Register" not in page
    assert "Cancelled." in text_of(client.get("/"))


def test_drafts_and_unknown_slugs_get_a_friendly_404(client, make_event, text_of):
    draft = make_event(status=Status.DRAFT, title="Secret draft")
    for url in (f"/events/{draft.slug}", "/events/no-such-event", "/topics/no-such-topic", "/events?topic=nope"):
        response = client.get(url)
        assert response.status_code == 404, url
        assert "Page not found" in text_of(response)
    assert "Secret draft" not in text_of(client.get("/"))


def test_description_markdown_is_rendered_and_sanitized(client, make_event):
    event = make_event(
        description="# Agenda\n\n<script>alert(1)</script>\n\n[click](javascript:alert(2)) and [ok](https://ok.example.org)",
        title="<b>Bold</b> title",
        summary="<img src=x onerror=alert(3)>",
    )
    html = client.get(f"/events/{event.slug}").get_data(as_text=True)
    assert "<h2>Agenda</h2>" in html
    assert "<script>alert(1)" not in html
    assert 'href="javascript' not in html  # left as plain text, never a link
    assert "<img src=x" not in html
    assert "&lt;img src=x onerror=alert(3)&gt;" in html
    assert "&lt;b&gt;Bold&lt;/b&gt; title" in html
    assert 'href="https://ok.example.org"' in html


def test_topic_filter_by_query_and_by_path(client, make_event, make_topic):
    teens = make_topic("teens-youth", "Teens & youth")
    make_event(title="Gaming club", topics=[teens])
    make_event(title="Budget basics")
    assert titles(client.get("/events?topic=teens-youth")) == ["Gaming club"]
    response = client.get("/topics/teens-youth")
    assert titles(response) == ["Gaming club"]
    assert "Upcoming events: Teens &amp; youth" in response.get_data(as_text=True)


def test_search_matches_every_word_in_title_summary_or_description(client, make_event, text_of):
    make_event(title="Climate stories", description="Resilience hubs in libraries")
    make_event(title="Teen games", summary="Climate escape rooms")
    make_event(title="Budget basics", description="100% practical")
    assert titles(client.get("/events?q=climate")) == ["Climate stories", "Teen games"]
    assert titles(client.get("/events?q=CLIMATE+hubs")) == ["Climate stories"]
    assert titles(client.get("/events?q=100%25")) == ["Budget basics"]
    assert titles(client.get("/events?q=%25")) == ["Budget basics"]  # a typed % is literal, not a wildcard
    empty = text_of(client.get("/events?q=zebra"))
    assert "No events matching “zebra”." in empty
    assert empty.count("No ") == 1  # said once, not twice


def test_pagination_is_twenty_a_page_with_stable_urls_and_404_past_the_end(client, make_event, text_of):
    for n in range(45):
        make_event(title=f"Event {n:02d}", local_start=datetime(2025, 2, 1, 9) + timedelta(hours=n))  # noqa: DTZ001
    first = client.get("/events")
    assert titles(first) == [f"Event {n:02d}" for n in range(20)]
    assert 'href="/events?page=2"' in first.get_data(as_text=True)
    assert titles(client.get("/events?page=2")) == [f"Event {n:02d}" for n in range(20, 40)]
    assert titles(client.get("/events?page=3")) == [f"Event {n:02d}" for n in range(40, 45)]
    assert "Page 3" in text_of(client.get("/events?page=3"))
    assert "Next page" not in text_of(client.get("/events?page=3"))
    assert client.get("/events?page=4").status_code == 404
    assert client.get("/events?page=0").status_code == 404
    assert 'href="/events?q=Event&amp;page=2"' in client.get("/events?q=Event").get_data(as_text=True)


def test_visitor_zone_from_query_is_shown_and_remembered(client, make_event, text_of):
    make_event(title="Late in New York", local_start=datetime(2025, 1, 30, 23))  # noqa: DTZ001
    response = client.get("/?tz=Europe/Berlin")
    page = text_of(response)
    assert "Time: 11:00 PM – 12:00 AM the next day Eastern Standard Time, North America [UTC -5]" in page
    assert (
        "Your time: 5:00 AM – 6:00 AM Central European Standard Time, Europe [UTC +1], Friday 31 January 2025 "
        "(the next day)" in page
    )
    assert "tz=Europe/Berlin" in response.headers["Set-Cookie"]
    # The cookie carries the choice to the next page without the query.
    assert "Your time: 5:00 AM" in text_of(client.get("/"))
    # An empty choice forgets it.
    client.get("/?tz=")
    assert "Your time" not in text_of(client.get("/"))


def test_visitor_zone_same_as_events_adds_nothing(client, make_event, text_of):
    make_event()
    assert "Your time" not in text_of(client.get("/?tz=America/New_York"))


def test_unknown_zone_falls_back_with_a_visible_notice(client, make_event, text_of):
    make_event()
    response = client.get("/?tz=Mars/Olympus_Mons")
    assert response.status_code == 200
    page = text_of(response)
    assert "We don’t recognise the time zone “Mars/Olympus_Mons”" in page
    assert "Time: 3:00 PM – 4:00 PM Eastern Standard Time" in page
    assert "Your time" not in page
    assert "Set-Cookie" not in response.headers


def test_zone_selector_offers_every_zone_and_is_labelled(client):
    html = client.get("/").get_data(as_text=True)
    assert '<label for="tz">Show times in</label>' in html
    assert '<option value="Asia/Kolkata">' in html
    assert '<optgroup label="America">' in html


def test_page_with_selected_zone_marks_it_selected(client):
    html = client.get("/?tz=Asia/Kolkata").get_data(as_text=True)
    assert '<option value="Asia/Kolkata" selected>' in html


def test_upcoming_event_page_calls_to_register(client, make_event):
    event = make_event()
    html = client.get(f"/events/{event.slug}").get_data(as_text=True)
    assert f'<a class="button" href="/events/{event.slug}/register">Register</a>' in html
    assert 'id="register"' not in html


def test_healthz_checks_the_database(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json == {"status": "ok", "database": "ok"}


@pytest.mark.parametrize("url", ["/", "/events/on-demand", "/topics/teens-youth"])
def test_pages_have_landmarks_one_h1_and_a_skip_link(client, make_topic, url):
    make_topic("teens-youth", "Teens & youth")
    html = client.get(url).get_data(as_text=True)
    assert html.count("<h1") == 1
    for landmark in ("<header", "<nav", '<main id="main"', "<footer"):
        assert landmark in html
    assert 'href="#main"' in html
    assert '<html lang="en">' in html
    assert 'name="viewport"' in html


def test_event_that_crosses_midnight_in_the_visitors_zone(client, make_event, text_of):
    make_event(timezone="Asia/Kolkata", local_start=datetime(2025, 1, 31, 9))  # noqa: DTZ001
    page = text_of(client.get("/?tz=America/Los_Angeles"))
    assert (
        "Your time: 7:30 PM – 8:30 PM Pacific Standard Time, North America [UTC -8], Thursday 30 January 2025" in page
    )
    assert "(the previous day)" in page


def test_events_are_stored_in_utc(make_event):
    event = make_event(timezone="Asia/Kolkata", local_start=datetime(2025, 1, 31, 9))  # noqa: DTZ001
    assert event.starts_at == datetime(2025, 1, 31, 3, 30, tzinfo=pytz.utc)


def credit_lines(text: str) -> list[str]:
    """Each "Certificate of completion · N contact hour(s)" the page's text holds, whole."""
    return re.findall(r"Certificate of completion · [0-9.]+ contact hours?(?: \(for attending live\))?", text)


@pytest.mark.parametrize(
    ("hours", "shown"),
    [
        ("1.5", "1.5 contact hours"),
        ("1", "1 contact hour"),
        ("0.75", "0.75 contact hours"),
        ("2.00", "2 contact hours"),
    ],
)
def test_event_page_and_list_state_the_certificate_and_its_contact_hours(
    client, make_event, db_session, text_of, hours, shown
):
    event = make_event(contact_hours=Decimal(hours))
    db_session.commit()  # read back as the column keeps it: 1.50, 1.00
    expected = [f"Certificate of completion · {shown}"]
    assert credit_lines(text_of(client.get(f"/events/{event.slug}"))) == expected
    assert credit_lines(text_of(client.get("/"))) == expected


def test_no_contact_hours_no_certificate_line(client, make_event, db_session, text_of):
    event = make_event()
    db_session.commit()
    for url in ("/", f"/events/{event.slug}", "/embed/events"):
        assert "contact hour" not in text_of(client.get(url)), url


def test_on_demand_says_the_certificate_was_for_attending_live_and_a_cancelled_event_offers_none(
    client, make_event, db_session, text_of
):
    passed = make_event(title="Passed", local_start=datetime(2025, 1, 8, 15), contact_hours=Decimal("1.25"))  # noqa: DTZ001
    make_event(title="Called off", contact_hours=Decimal("1"), status=Status.CANCELLED)
    db_session.commit()
    live = ["Certificate of completion · 1.25 contact hours (for attending live)"]
    assert credit_lines(text_of(client.get("/events/on-demand"))) == live
    assert credit_lines(text_of(client.get(f"/events/{passed.slug}"))) == live
    upcoming = text_of(client.get("/"))
    assert "Called off" in upcoming
    assert credit_lines(upcoming) == []


def test_every_public_page_offers_hosts_the_same_sign_in_link_and_stays_shared(client, make_event):
    """The footer's link is the same for everyone, so nginx may keep one copy of a public page for all."""
    event = make_event()
    for url in ("/", "/events/on-demand", f"/events/{event.slug}", "/month?month=2025-01"):
        response = client.get(url)
        footer = response.get_data(as_text=True).split('<footer class="site-footer">')[1]
        assert '<a href="/host/login">Host sign-in</a>' in footer, url
        assert response.headers["Cache-Control"].startswith("public"), url
        assert "Set-Cookie" not in response.headers, url


def test_an_upcoming_search_points_to_matching_past_events_under_on_demand(client, make_event, make_topic, text_of):
    data = make_topic()
    make_event(title="Open data, live", local_start=datetime(2025, 2, 6, 15), topics=[data])  # noqa: DTZ001
    make_event(
        title="Open data, recorded",
        local_start=datetime(2024, 12, 5, 15),  # noqa: DTZ001
        topics=[data],
        archive_url="https://archive.example.org/open-data",
    )
    make_event(title="Open stacks, recorded", local_start=datetime(2024, 11, 5, 15))  # noqa: DTZ001
    found = client.get("/events?q=open")
    assert "Looking for a recording? 2 past events matching “open” are under On-demand." in text_of(found)
    assert 'href="/events/on-demand?q=open"' in found.get_data(as_text=True)
    # With none upcoming the hint still shows; in a topic it keeps the topic.
    none_upcoming = client.get("/events?q=stacks")
    assert "No events matching “stacks”" in text_of(none_upcoming)
    assert 'href="/events/on-demand?q=stacks">1 past event matching' in none_upcoming.get_data(as_text=True)
    in_topic = client.get(f"/topics/{data.slug}?q=open").get_data(as_text=True)
    assert (
        f'href="/topics/{data.slug}/on-demand?q=open">1 past event matching “open” in {data.name}'
        in in_topic.replace("&amp;", "&")
    )
    by_param = client.get(f"/events?q=open&topic={data.slug}").get_data(as_text=True)
    assert f'href="/events/on-demand?q=open&amp;topic={data.slug}">1 past event' in by_param
    # No hint where nothing past matches, nor without a search, nor on On-demand itself.
    assert "Looking for a recording?" not in text_of(client.get("/events?q=nothing-like-this"))
    assert "Looking for a recording?" not in text_of(client.get("/events"))
    assert "Looking for a recording?" not in text_of(client.get("/events/on-demand?q=open"))
