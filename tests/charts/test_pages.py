"""The charts on the host's pages, read as a screen reader or a browser without JavaScript gets them: the table of
the numbers, beside a canvas carrying the same numbers for Chart.js; a host's charts show only their own events."""

import json
import re
from datetime import datetime, timedelta
from types import SimpleNamespace

import pytest

from eventreg.charts import figures


def chart_config(html: str, chart_id: str) -> dict:
    section = html[html.index(f'id="{chart_id}"') :]
    return json.loads(re.search(r"data-chart='([^']*)'", section)[1])


def table_rows(html: str, chart_id: str) -> list[list[str]]:
    section = html[html.index(f'id="{chart_id}"') :]
    body = section[section.index("<tbody>") : section.index("</tbody>")]
    return [re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row) for row in re.findall(r"<tr>(.*?)</tr>", body, re.S)]


@pytest.fixture
def host_with_events(make_host, make_event, register, clock, db_session, login):
    host = make_host()
    busy = make_event(title="Open <data> for community needs", capacity=3, hosts=[host])
    for days_ago in (2, 2, 1, 0):
        register(busy, now=clock.now() - timedelta(days=days_ago))
    make_event(title="Draft plans", status="draft", capacity=10, hosts=[host])
    make_event(title="Someone else's webinar", capacity=5, hosts=[make_host("other@library.example.org")])
    make_event(title="Unlimited", local_start=datetime(2025, 2, 3, 15), hosts=[host])  # noqa: DTZ001
    db_session.commit()
    login(host)
    return busy


def test_the_attendee_list_has_the_registrations_chart_and_its_table(client, host_with_events):
    html = client.get(f"/host/events/{host_with_events.id}/attendees").get_data(as_text=True)
    assert 'src="/static/chart.umd.min.js"' in html
    assert 'src="/static/charts.js"' in html
    assert table_rows(html, "registrations-chart") == [
        ["13 January 2025", "2", "0", "3"],
        ["14 January 2025", "3", "0", "3"],
        ["15 January 2025", "3", "1", "3"],
    ]
    config = chart_config(html, "registrations-chart")
    assert config["data"]["labels"] == ["13 Jan", "14 Jan", "15 Jan"]
    assert "days in the event’s time zone (America/New_York)" in html
    assert '<details class="chart-data" open>' in html  # without JavaScript the table is the chart


def test_the_dashboard_charts_the_hosts_own_published_upcoming_events(client, host_with_events):
    html = client.get("/host/").get_data(as_text=True)
    rows = table_rows(html, "seats-chart")
    assert [row[0] for row in rows] == ["Open &lt;data&gt; for community needs", "Unlimited"]
    assert [row[2:] for row in rows] == [["3", "1", "3"], ["0", "0", "no limit"]]
    config = chart_config(html, "seats-chart")
    assert config["data"]["labels"] == ["Open \u003cdata\u003e for community needs", "Unlimited"]
    assert "\\u003cdata\\u003e" in html  # the title in the JSON attribute is escaped for HTML too
    assert [d["data"] for d in config["data"]["datasets"]] == [[3, 0], [0, None], [1, 0]]
    assert "Someone else" not in html
    assert "Your next 2 events: 3 confirmed, 1 waiting; 1 event is full." in html


def test_seats_by_event_shortens_long_titles_on_the_axis_only():
    event = SimpleNamespace(
        id=1, title="A very long title " * 5, capacity=10, starts_at=datetime.fromisoformat("2025-01-30T20:00+00:00"),
        timezone="America/New_York",
    )  # fmt: skip
    chart = figures.seats_by_event("s", [event], {1: {"confirmed": 12, "waiting": 0}})
    assert len(chart.labels[0]) == figures.TITLE_LENGTH
    assert chart.labels[0].endswith("…")
    assert chart.table_labels == [event.title]
    assert chart.series[1].values == [0]  # more confirmed than seats (a host added some): no negative free seats
    assert chart.table_rows[0][1] == ["30 January 2025, 3:00 PM EST", 12, 0, 10]
    assert figures.seats_by_event("s", [], {}).summary == "No upcoming published events."
