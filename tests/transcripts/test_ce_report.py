"""The hosts' continuing-education report: who earned how many hours, for one event or a date range, only
over the events the host manages (admins: all)."""

import csv
import io
import re
from datetime import datetime, timedelta

import pytest


def wall(*parts: int) -> datetime:
    """A wall-clock time, read in the event's zone by past_event."""
    return datetime(*parts)  # noqa: DTZ001 - wall-clock time, no zone on purpose


COLUMNS = [
    "Event", "Event date (event's time zone)", "Event time zone", "Name", "Email", "Registration",
    "Attendance record", "Minutes attended", "Required minutes", "Credit rule met", "Hours earned", "Kind", "Course",
]  # fmt: skip


@pytest.fixture
def season(past_event, attended, make_host, login, db_session):
    """Two hosts' events around a new year, with attendance; the first host is signed in."""
    mine, theirs = make_host("mine@library.example.org"), make_host("theirs@library.example.org")
    eve = past_event(wall(2024, 12, 31, 23, 30), title="Year-end review", contact_hours="1.5")
    kolkata = past_event(wall(2025, 1, 1, 0, 30), zone="Asia/Kolkata", title="New catalogue", contact_hours="1")
    other = past_event(wall(2024, 12, 10, 10), title="Their workshop")
    eve.hosts, kolkata.hosts, other.hosts = [mine], [mine], [theirs]
    attended(eve, name="Ana Lima", email="ana@library.example.org", minutes=50)
    attended(eve, name="@Ben Cole", email="ben@library.example.org", minutes=30)
    attended(eve, name="Cy Dunn", email="cy@library.example.org", minutes=None)
    attended(kolkata, name="Ana Lima", email="ana@library.example.org", minutes=61)
    attended(other, name="Dee Ross", email="dee@library.example.org", minutes=60)
    never = attended(eve, name="No Show", email="noshow@library.example.org", minutes=0)
    never.attended = False
    db_session.commit()
    login(mine)
    return {"mine": mine, "theirs": theirs, "eve": eve, "kolkata": kolkata, "other": other}


def rows_of(response) -> list[dict]:
    assert response.status_code == 200, response.get_data(as_text=True)[:2000]
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert response.headers["Cache-Control"] == "private, no-store"
    assert response.data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(response.data.decode("utf-8-sig"))))
    assert not rows or list(rows[0]) == COLUMNS
    return rows


def test_the_report_page_is_on_the_host_pages_and_needs_a_sign_in(client, season, text_of):
    reports = client.get("/host/reports")
    assert 'href="/host/ce-report"' in reports.get_data(as_text=True)
    page = client.get("/host/ce-report")
    assert page.status_code == 200
    assert page.headers["Cache-Control"] == "private, no-store"
    text = text_of(page)
    assert "Continuing-education report" in text
    assert "31 December 2024: Year-end review" in text
    assert "Their workshop" not in text
    client.post("/host/logout")
    for path in ("/host/ce-report", f"/host/ce-report.csv?event_id={season['eve'].id}"):
        assert client.get(path).status_code == 302
        assert "/host/login" in client.get(path).headers["Location"]


def test_one_event_lists_who_earned_how_many_hours(client, season):
    rows = rows_of(client.get(f"/host/ce-report.csv?event_id={season['eve'].id}"))
    assert [(r["Name"], r["Minutes attended"], r["Required minutes"], r["Hours earned"]) for r in rows] == [
        ("'@Ben Cole", "30", "45", "0"),
        ("Ana Lima", "50", "45", "1.5"),
        ("Cy Dunn", "0", "45", "1.5"),  # ticked by hand: no minutes, and the record says so
        ("No Show", "0", "45", "0"),
    ]
    assert [r["Attendance record"] for r in rows] == [
        "platform report",
        "platform report",
        "marked attended by host",
        "platform report",
    ]
    assert {r["Event"] for r in rows} == {"Year-end review"}
    assert {r["Event date (event's time zone)"] for r in rows} == {"2024-12-31"}
    assert rows[1]["Email"] == "ana@library.example.org"
    response = client.get(f"/host/ce-report.csv?event_id={season['eve'].id}")
    assert response.headers["Content-Disposition"] == f'attachment; filename="ce-report-{season["eve"].slug}.csv"'


def test_a_date_range_takes_the_hosts_events_by_their_own_date(client, season):
    december = rows_of(client.get("/host/ce-report.csv?start=2024-12-01&end=2024-12-31"))
    # Kolkata's 1 January event is still 31 December in UTC, but not on its own calendar; the other host's
    # December event is not this host's to report.
    assert {r["Event"] for r in december} == {"Year-end review"}
    both = rows_of(client.get("/host/ce-report.csv?start=2024-12-31&end=2025-01-01"))
    assert [r["Event"] for r in both] == ["Year-end review"] * 4 + ["New catalogue"]
    assert both[-1]["Event date (event's time zone)"] == "2025-01-01"
    assert both[-1]["Event time zone"] == "Asia/Kolkata"
    assert rows_of(client.get("/host/ce-report.csv?start=2023-01-01&end=2023-12-31")) == []


def test_events_of_other_hosts_are_not_found_but_admins_see_all(client, season, make_host, login):
    assert client.get(f"/host/ce-report.csv?event_id={season['other'].id}").status_code == 404
    assert client.get("/host/ce-report.csv?event_id=999999").status_code == 404
    login(make_host("admin@library.example.org", admin=True))
    assert [r["Name"] for r in rows_of(client.get(f"/host/ce-report.csv?event_id={season['other'].id}"))] == [
        "Dee Ross"
    ]
    everything = rows_of(client.get("/host/ce-report.csv?start=2024-12-01&end=2025-01-31"))
    assert {r["Event"] for r in everything} == {"Year-end review", "New catalogue", "Their workshop"}


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("", "Choose one event, or enter both dates of a date range."),
        ("start=2025-01-01", "Choose one event, or enter both dates of a date range."),
        ("start=2025-02-01&end=2025-01-01", "The end date is before the start date."),
        ("start=tomorrow&end=2025-01-01", "Not a valid date value."),
        ("start=9999-12-31&end=9999-12-31", "Please enter a date between the years 2000 and 2100."),
        ("event_id=abc", "Please choose an event from the list."),
        ("event_id=99999999999999", "Please choose an event from the list."),
    ],
)
def test_a_bad_choice_is_named_on_the_form(client, season, text_of, query, message):
    response = client.get(f"/host/ce-report.csv?{query}")
    assert response.status_code == 400
    assert message in text_of(response)
    assert "Please check the form" in text_of(response)


def test_every_registrant_is_in_the_report_with_zeros_for_absence_never_blanks(
    client, season, past_event, attended, register, db_session
):
    """A confirmed registrant who never came (in, with 0), one cancelled after attending (in: attendance on
    record), one left on the waiting list (out), and an event that offers no contact hours: every numeric cell
    is a number."""
    event = past_event(wall(2025, 1, 8, 15), title="Readers' advisory")
    before = event.starts_at - timedelta(days=3)
    none_offered = past_event(wall(2025, 1, 9, 15), title="Coffee chat", contact_hours=None)
    event.hosts, none_offered.hosts = [season["mine"]], [season["mine"]]
    attended(event, name="Ana Lima", email="ana@library.example.org", minutes=58)
    register(event, name="Absent Abe", email="abe@library.example.org", now=before)
    gone = attended(event, name="Cancelled Cai", email="cai@library.example.org", minutes=20)
    gone.status = "cancelled"
    waiting = register(event, name="Waiting Wes", email="wes@library.example.org", now=before)
    waiting.status = "waiting"  # never given a seat, no attendance: not in the report
    attended(none_offered, name="Ana Lima", email="ana@library.example.org", minutes=60)
    register(none_offered, name="Absent Abe", email="abe@library.example.org", now=before)
    db_session.commit()

    rows = rows_of(client.get("/host/ce-report.csv?start=2025-01-08&end=2025-01-09"))
    table = [
        (
            r["Event"],
            r["Name"],
            r["Registration"],
            r["Attendance record"],
            r["Minutes attended"],
            r["Credit rule met"],
            r["Hours earned"],
        )
        for r in rows
    ]
    assert table == [
        ("Readers' advisory", "Absent Abe", "confirmed", "none", "0", "no", "0"),
        ("Readers' advisory", "Ana Lima", "confirmed", "platform report", "58", "yes", "1.5"),
        ("Readers' advisory", "Cancelled Cai", "cancelled", "platform report", "20", "no", "0"),
        ("Coffee chat", "Absent Abe", "confirmed", "none", "0", "no", "0"),
        ("Coffee chat", "Ana Lima", "confirmed", "platform report", "60", "yes", "0"),
    ]
    for row in rows:
        for column in ("Minutes attended", "Required minutes", "Hours earned"):
            assert re.fullmatch(r"[0-9]+(\.[0-9]+)?", row[column]), (row["Name"], column, row[column])
