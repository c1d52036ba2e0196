"""Values no meeting can have, through the upload form on each database: a duration too large for a number, dates
at the edges of the calendar, an offset no place uses and a NUL in the file's name are refused naming the line
(or the name); visits and minutes that overlap the event but run far too long are clipped to the plausible
window (an hour before the start to three hours after the end), the preview names whom, and credit follows.

The event (tests/attendance/test_imports.py, `hosted`) is 3:00-4:00 PM America/New_York on 30 January 2025: the
window is 2:00-7:00 PM, 300 minutes, and 45 minutes count as attended."""

from datetime import datetime, timedelta

import pytest
import pytz
import sqlalchemy as sa

from eventreg.attendance import credit, matching, operations
from eventreg.attendance.models import AttendanceImport
from eventreg.registrations.models import Registration
from tests.attendance.test_imports import hosted, html_of, registrations, upload  # noqa: F401 - fixture

ZOOM = "Name (Original Name),User Email,Join Time,Leave Time,Duration (Minutes)\r\n"
MINUTES = "User Name,Email,Time in Session (minutes)\r\n"  # a Zoom webinar report giving only minutes
CHEN = "Chen Wei,chen.wei@library.example.org,01/30/2025 03:00 PM,01/30/2025 03:50 PM,50\r\n"


def zoom_row(join: str, leave: str) -> str:
    return f"Ana Lopez,ana.lopez@library.example.org,{join},{leave},50\r\n"


REFUSED = [
    (MINUTES + "Ana Lopez,ana.lopez@library.example.org,1e400\r\n",
     "Line 2: “1e400” in the Time in Session (minutes) column is not a number of minutes"),
    (MINUTES + "Ana Lopez,ana.lopez@library.example.org," + "9" * 5000 + "\r\n",
     "Line 2: “" + "9" * 23 + "…” in the Time in Session (minutes) column is more than 14 days"),
    (MINUTES + "Ana Lopez,ana.lopez@library.example.org,99999999999999999999 minutes\r\n",
     "Line 2: “99999999999999999999 mi…” in the Time in Session (minutes) column is more than 14 days"),
    (MINUTES + "Ana Lopez,ana.lopez@library.example.org,60000\r\n",
     "Line 2: “60000” in the Time in Session (minutes) column is more than 14 days"),
    (MINUTES + "Ana Lopez,ana.lopez@library.example.org,999:59:59\r\n",
     "Line 2: “999:59:59” in the Time in Session (minutes) column is more than 14 days"),
    (ZOOM + CHEN + zoom_row("01/01/0001 12:00 AM", "01/30/2025 03:50 PM"),
     "Line 3: “01/01/0001 12:00 AM” in the Join Time column is at the very edge of the calendar"),
    (ZOOM + zoom_row("01/30/2025 03:00 PM", "12/31/9999 11:59 PM"),
     "Line 2: “12/31/9999 11:59 PM” in the Leave Time column is at the very edge of the calendar"),
    (ZOOM + zoom_row("0001-01-01T00:00:00+01:00", "01/30/2025 03:50 PM"),
     "Line 2: “0001-01-01T00:00:00+01:00” in the Join Time column is at the very edge of the calendar"),
    (ZOOM + zoom_row("01/30/2025 03:00 PM", "9999-12-31T23:59:59-01:00"),
     "Line 2: “9999-12-31T23:59:59-01:00” in the Leave Time column is at the very edge of the calendar"),
    (ZOOM + zoom_row("01/30/2025 03:00 PM", "12/31/9999 11:59 PM GMT-01:00"),
     "Line 2: “12/31/9999 11:59 PM GMT-01:00” in the Leave Time column is at the very edge of the calendar"),
    (ZOOM + zoom_row("01/30/2025 08:00 PM GMT+99:00", "01/30/2025 03:50 PM"),
     "Line 2: “01/30/2025 08:00 PM GMT+99:00” in the Join Time column states the offset GMT+99:00, which no "
     "place uses"),
    (ZOOM + zoom_row("01/30/2025 08:00 PM GMT+05:75", "01/30/2025 03:50 PM"),
     "states the offset GMT+05:75"),
    (ZOOM + zoom_row("01/30/2025 07:00 AM GMT-13:00", "01/30/2025 03:50 PM"),
     "states the offset GMT-13:00"),
]  # fmt: skip


@pytest.mark.parametrize(("text", "words"), REFUSED, ids=range(len(REFUSED)))
@pytest.mark.parametrize("zone", ["America/New_York", "Pacific/Kiritimati", "Pacific/Pago_Pago"])
def test_values_no_meeting_has_are_refused_on_the_form_naming_the_line(client, hosted, db_session, text, words, zone):  # noqa: F811
    response = upload(client, hosted, "report.csv", zone=zone, data=text.encode())
    assert response.status_code == 400
    assert words in html_of(response)
    assert db_session.scalars(sa.select(AttendanceImport)).all() == []


def test_the_same_values_are_refused_when_a_generic_csvs_columns_are_chosen(client, hosted, db_session):  # noqa: F811
    data = b"Who,Mail,Minutes\r\nAna Lopez,ana.lopez@library.example.org,99999999999999999999 minutes\r\n"
    preview_url = upload(client, hosted, "mine.csv", data=data).headers["Location"]
    refused = client.post(
        preview_url + "/columns", data={"email": "Mail", "name": "Who", "minutes": "Minutes", "joined": "", "left": ""}
    )
    assert refused.status_code == 400
    assert "Line 2: “99999999999999999999 mi…” in the Minutes column is more than 14 days" in html_of(refused)
    assert registrations(db_session, hosted)["ana.lopez@library.example.org"] == ("confirmed", None, None)


@pytest.mark.parametrize("name", ["report\x00.csv", "report\x1b[2J.csv", "a\x00" * 200])
def test_a_control_character_in_the_files_name_is_refused_on_the_form(client, hosted, db_session, name):  # noqa: F811
    data = (ZOOM + CHEN).encode()
    response = upload(client, hosted, name, data=data)
    assert response.status_code == 400
    assert "The file&#39;s name contains a control character" in html_of(response)
    assert db_session.scalars(sa.select(AttendanceImport)).all() == []
    # Renamed, the same file is read.
    assert upload(client, hosted, "report.csv", data=data).status_code == 303


CLIPPED_VISITS = (
    ZOOM
    # Ana: 10:00 AM to 2:40 PM, 280 minutes in the report; counted from 2:00 PM, 40, short of the 45 needed.
    + zoom_row("01/30/2025 10:00 AM", "01/30/2025 02:40 PM")
    # Ben: from 1951 to 3:30 PM, 38,963,550 minutes in the report (the kind of figure once applied); 90 counted.
    + "Ben Okafor,ben.okafor@library.example.org,01/01/1951 03:00 PM,01/30/2025 03:30 PM,50\r\n"
    # Chen: 3:00 to 3:50 PM, inside the window, untouched.
    + CHEN
    # Dana, not registered: 3:02 PM to 3:00 PM three days later; counted to 7:00 PM, 238.
    + "Dana Walker,dana.walkin@county.example.org,01/30/2025 03:02 PM,02/02/2025 03:00 PM,50\r\n"
)


def clipped_notice(page: str) -> str:
    start = page.index('id="clipped"')
    return page[start : page.index("</div>", start)]


def test_visits_far_too_long_are_clipped_to_the_window_and_the_preview_names_whom(client, hosted, db_session):  # noqa: F811
    response = upload(client, hosted, "zoom.csv", data=CLIPPED_VISITS.encode())
    assert response.status_code == 303, html_of(response)
    page = html_of(client.get(response.headers["Location"]))
    notice = clipped_notice(page)
    assert "Time outside the event was not counted" in notice
    assert "(2:00 PM – 7:00 PM Eastern Standard Time" in page
    assert "at most 300 minutes" in page
    assert "The report gives more for 3 people" in page
    assert "Ana Lopez (ana.lopez@library.example.org), line 2: 280 minutes in the report, 40 counted." in page
    assert "Ben Okafor (ben.okafor@library.example.org), line 3: 38,963,550 minutes in the report, 90 counted." in page
    assert "Dana Walker (dana.walkin@county.example.org), line 5: 4,318 minutes in the report, 238 counted." in page
    assert "Chen Wei" not in notice  # not clipped, not named
    assert '<td data-label="Minutes">40 <span class="small">(report: 280)</span></td>' in page
    assert '<td data-label="Minutes">50</td>' in page
    assert "Matched registrants (3, 2 attended)" in page  # Ben and Chen; Ana's 280 would have made it 3

    assert client.post(response.headers["Location"] + "/apply", data={"mark_absent": "y"}).status_code == 303
    assert registrations(db_session, hosted) == {
        "ana.lopez@library.example.org": ("confirmed", 40, False),
        "ben.okafor@library.example.org": ("confirmed", 90, True),
        "chen.wei@library.example.org": ("confirmed", 50, True),
        "dee.absent@library.example.org": ("confirmed", 0, False),
    }
    # Certificates, transcripts and the CE report count by the rule's SQL form: the clipped figures.
    met = db_session.scalars(
        sa.select(Registration.email).where(Registration.event_id == hosted.id, credit.met_rule_clause(hosted))
    )
    assert sorted(met) == ["ben.okafor@library.example.org", "chen.wei@library.example.org"]


def test_minutes_only_rows_are_capped_at_the_windows_length(client, hosted, db_session):  # noqa: F811
    data = (
        MINUTES
        + "Ana Lopez,ana.lopez@library.example.org,600\r\n"
        + "Ben Okafor,ben.okafor@library.example.org,20000\r\n"  # 13.9 days: a number, but no one's minutes
        + "Ben Okafor,ben.okafor@library.example.org,10\r\n"
        + "Chen Wei,chen.wei@library.example.org,50\r\n"
    )
    response = upload(client, hosted, "webinar.csv", data=data.encode())
    assert response.status_code == 303, html_of(response)
    page = html_of(client.get(response.headers["Location"]))
    assert "The report gives more for 2 people" in page
    assert "Ana Lopez (ana.lopez@library.example.org), line 2: 600 minutes in the report, 300 counted." in page
    assert "Ben Okafor (ben.okafor@library.example.org), lines 3, 4: 20,010 minutes in the report, 300 counted." in page
    client.post(response.headers["Location"] + "/apply", data={})
    recorded = registrations(db_session, hosted)
    assert recorded["ana.lopez@library.example.org"] == ("confirmed", 300, True)
    assert recorded["ben.okafor@library.example.org"] == ("confirmed", 300, True)
    assert recorded["chen.wei@library.example.org"] == ("confirmed", 50, True)


def test_minutes_beyond_the_databases_integer_in_a_kept_import_are_clipped_at_apply(client, hosted, db_session):  # noqa: F811
    """An import read before these bounds keeps whatever its rows said: applying it still writes only minutes the
    window allows (PostgreSQL's INTEGER refused 10**20 minutes with a 500; SQLite's overflowed at 2**63)."""

    def at(*parts):
        return datetime(*parts, tzinfo=pytz.utc).isoformat()

    rows = [
        {
            "line": 2,
            "name": "Ana Lopez",
            "email": "ana.lopez@library.example.org",
            "joined_at": None,
            "left_at": None,
            "seconds": 6 * 10**21,
        },
        {
            "line": 3,
            "name": "Ben Okafor",
            "email": "ben.okafor@library.example.org",
            "joined_at": at(2, 1, 1),
            "left_at": at(9998, 12, 31),
            "seconds": None,
        },
        {
            "line": 4,
            "name": "Dana Walker",
            "email": "dana.walkin@county.example.org",
            "joined_at": None,
            "left_at": None,
            "seconds": 10**30,
        },
    ]
    imported = AttendanceImport(
        event_id=hosted.id,
        host_id=hosted.hosts[0].id,
        filename="old.csv",
        sha256="0" * 64,
        content=b"",
        format="zoom_webinar",
        encoding="UTF-8",
        delimiter=",",
        zone="America/New_York",
        columns=["User Name", "Email", "Time in Session (minutes)"],
        columns_key="",
        mapping={
            "email": "Email",
            "name": "User Name",
            "minutes": "Time in Session (minutes)",
            "joined": "",
            "left": "",
        },
        rows=rows,
        warnings=[],
        created_at=hosted.ends_at,
    )
    db_session.add(imported)
    db_session.commit()
    preview_url = f"/host/events/{hosted.id}/attendance/imports/{imported.id}"
    page = html_of(client.get(preview_url))
    assert "line 2: 100,000,000,000,000,000,000 minutes in the report, 300 counted." in page
    dana = next(p for p in matching.gather(operations.rows_of(imported)) if p.email.startswith("dana"))
    applied = client.post(preview_url + "/apply", data={operations.decision_field(dana): "walk_in"})
    assert applied.status_code == 303, html_of(applied)
    recorded = registrations(db_session, hosted)
    assert recorded["ana.lopez@library.example.org"] == ("confirmed", 300, True)
    assert recorded["ben.okafor@library.example.org"] == ("confirmed", 300, True)
    assert recorded["dana.walkin@county.example.org"] == ("confirmed", 300, True)


def test_a_visit_inside_the_window_is_counted_as_the_report_gives_it(client, hosted, db_session):  # noqa: F811
    # 2:00 PM (an hour early) to 7:00 PM (three hours late): the window's edges themselves, nothing cut.
    data = ZOOM + zoom_row("01/30/2025 02:00 PM", "01/30/2025 07:00 PM") + CHEN
    page = html_of(client.get(upload(client, hosted, "zoom.csv", data=data.encode()).headers["Location"]))
    assert "Time outside the event was not counted" not in page
    assert '<td data-label="Minutes">300</td>' in page
    assert hosted.starts_at - timedelta(hours=1) == datetime(2025, 1, 30, 19, tzinfo=pytz.utc)
