"""The month view: every event on the day it starts where it is read, a week from Monday to Sunday."""

from datetime import date, datetime

import pytest
import pytz

from eventreg.events import month


def test_weeks_run_monday_to_sunday_and_cover_the_month():
    weeks = month.weeks(2026, 12, [], None)
    assert [day.day for day in weeks[0]][:2] == [date(2026, 11, 30), date(2026, 12, 1)]
    assert all(len(week) == 7 for week in weeks)
    assert weeks[-1][-1].day == date(2027, 1, 3)
    assert sum(day.in_month for week in weeks for day in week) == 31


@pytest.mark.parametrize(
    ("zone", "visitor", "day"),
    [
        ("Pacific/Kiritimati", None, date(2026, 12, 2)),  # 10:00 UTC on the 1st is already the 2nd at UTC+14
        ("Pacific/Kiritimati", "Pacific/Pago_Pago", date(2026, 11, 30)),  # and still the 30th at UTC-11
        ("Asia/Kathmandu", None, date(2026, 12, 1)),
    ],
)
def test_an_event_sits_on_the_day_it_starts_where_it_is_read(make_event, zone, visitor, day):
    event = make_event(timezone=zone, starts_at=datetime(2026, 12, 1, 10, tzinfo=pytz.utc))
    found = [d.day for week in month.weeks(2026, 12, [event], visitor) for d in week if d.events]
    assert found == [day]


def test_parse_month_refuses_what_is_not_a_month():
    today = date(2026, 11, 30)
    assert month.parse_month(None, today) == (2026, 11)
    assert month.parse_month("2027-01", today) == (2027, 1)
    for bad in ("2027-13", "2027-1", "1999-12", "2101-01", "abc", "2027-01-01", "9999999999-01"):
        assert month.parse_month(bad, today) is None
    assert month.shift(2026, 12, 1) == (2027, 1)
    assert month.shift(2000, 1, -1) is None


def test_month_page_lists_events_with_links_and_moves_between_months(client, make_event, clock):
    clock.set(datetime(2025, 1, 10, 12, tzinfo=pytz.utc))
    make_event(title="Hiring for cultural knowledge")  # 30 January 2025, 3:00 PM New York
    make_event(title="Cancelled one", status="cancelled")
    html = client.get("/month").get_data(as_text=True)
    assert "Events in January 2025" in html
    assert "3:00 PM" in html
    assert "Hiring for cultural knowledge" in html
    assert "Cancelled one</a> <strong>(cancelled)</strong>" in html
    assert 'href="/month?month=2025-02">Next month: February 2025' in html
    assert "Hiring for cultural knowledge" not in client.get("/month?month=2025-02").get_data(as_text=True)
    assert client.get("/month?month=2025-13").status_code == 404
    response = client.get("/month?month=2025-01")
    assert response.headers["Cache-Control"].startswith("public")


def test_month_page_places_events_in_the_visitors_zone_when_chosen(client, make_event, clock):
    make_event(title="Late in New York", local_start=datetime(2025, 1, 31, 21))  # noqa: DTZ001 - wall clock
    own = client.get("/month?month=2025-01").get_data(as_text=True)
    assert "Late in New York" in own
    # In Berlin it starts at 3:00 AM on 1 February.
    berlin = client.get("/month?month=2025-02&tz=Europe/Berlin").get_data(as_text=True)
    assert "3:00 AM" in berlin
    assert "Late in New York" in berlin


def test_month_page_names_each_events_zone_beside_its_time_by_default(client, make_event, clock, text_of):
    clock.set(datetime(2025, 1, 10, 12, tzinfo=pytz.utc))
    make_event(title="In New York")  # 30 January 2025, 3:00 PM
    make_event(title="In Kolkata", timezone="Asia/Kolkata", local_start=datetime(2025, 1, 20, 19, 30))  # noqa: DTZ001
    make_event(title="In July", local_start=datetime(2025, 7, 3, 15))  # noqa: DTZ001
    page = text_of(client.get("/month?month=2025-01"))
    assert "3:00 PM EST In New York" in page
    assert "7:30 PM UTC +5:30 In Kolkata" in page  # no abbreviation that three countries would each read as theirs
    assert '<abbr title="Asia/Kolkata">UTC +5:30</abbr>' in client.get("/month?month=2025-01").get_data(as_text=True)
    assert "3:00 PM EDT In July" in text_of(client.get("/month?month=2025-07"))
    # With a zone chosen, every time is in that one zone, which the page says once.
    chosen = text_of(client.get("/month?month=2025-01&tz=Europe/Berlin"))
    assert "9:00 PM In New York" in chosen
    assert "EST" not in chosen


def test_short_zone_labels_are_cldr_abbreviations_or_offsets():
    from eventreg.timezones import short_zone_label, to_zone

    winter, summer = datetime(2025, 1, 15, 17, tzinfo=pytz.utc), datetime(2025, 7, 15, 17, tzinfo=pytz.utc)
    assert short_zone_label(to_zone(winter, "America/Los_Angeles")) == "PST"
    assert short_zone_label(to_zone(summer, "America/Los_Angeles")) == "PDT"
    assert short_zone_label(to_zone(winter, "Europe/London")) == "GMT"
    assert short_zone_label(to_zone(summer, "Europe/Berlin")) == "UTC +2"
    assert short_zone_label(to_zone(winter, "Pacific/Chatham")) == "UTC +13:45"
