"""Every platform's layouts, each imported through the upload form and applied, against minutes worked out by
hand. The event (tests/attendance/test_imports.py, `hosted`) is 3:00-4:00 PM America/New_York on 30 January
2025, so 45 minutes (75% of 60) count as attended.

Every sample tells the same afternoon, so the hand-worked figures are the same for each:
- Ana Lopez: two visits, 2:58-3:40 and 3:38-4:01, overlapping by two minutes: 2:58-4:01 = 63 minutes, attended.
  (Where only the platform's minutes are given, Teams' "1h 3m" and GoTo's 1:03:00 say the same 63.)
- Ben Okafor: 3:05:10-3:30:05 = 24 min 55 s, 25 minutes rounded; fewer than 45, not attended.
- Chen Wei: 3:00-3:50 = 50 minutes, attended.
- Dana Walker (not registered): 3:02-3:59 = 57 minutes, offered as a walk-in.
- Dee Absent (registered, not in the report, or "Attended: No"): marked absent with 0 minutes.
- Hosts, panelists and staff, where the report lists them apart, are not attendees.

Where each layout comes from (the public code and pages that read these exports, found by their header texts):
- Zoom meeting participants: the meeting preamble then the participants table (zoom_meeting_participants.csv);
  the single table of "Export with meeting data" whose meeting columns (Topic, Meeting ID, User Name, User Email,
  Department, Group, Has Zoom Rooms, Creation Time, Start Time, End Time, Duration (Minutes), Participants)
  precede the participant's own (Name (Original Name), User Email, Join Time, Leave Time, Duration (Minutes),
  Guest, Recording Consent, In Waiting Room), as documented in microsoft/vivainsights_zoom_int's
  Admin/input/zoom_reports/README.md; and the participants table alone.
- Zoom webinar attendee report: "Attendee Report", "Report Generated", the webinar's summary row, then "Host
  Details", "Panelist Details", "Attendee Details" and "Other Details" sections, each with Attended, User Name,
  Email, Join Time, Leave Time, Time in Session (minutes), Country/Region Name and 24-hour "Mar 28, 2020
  08:07:27" times (an R package reading satRdays' 2020 webinar report); and the newer layout with User Name
  (Original Name), First Name, Last Name, Registration Time, Approval Status, "--" for absentees.
- Teams: "1. Summary", "2. Participants" (Name, First join, Last leave, In-meeting duration, Email, Participant
  ID (UPN), Role) and "3. In-Meeting activities" (Name, Join time, Leave time, Duration, Email, Role), UTF-16
  with tabs and day-first "15/11/22, 09:30:47" times in European reports (dvaneynde/teams-attendance's data/);
  the same in a US locale; and a report with the first two sections only, read by Teams' own minutes.
- GoTo Webinar: the older attendee report (a public paste of one from 2012): "Attendee Report,,,GoToWebinar",
  "Generated", "General Information", Webinar Name / Webinar ID, Actual Start Date/Time / Actual Duration
  (minutes), registration counts, "Total Attended", then "Session Details" with Attended, Interest Rating, First
  Name, Last Name, Email, Registration Date, Join Time, Leave Time, "In Session Duration* (minutes) " as
  decimals (58.53); the python scripts that split it at "General Information" and "Session Details"; a layout
  with "Email Address" and "Time in Session" ("42 minutes"); and one with only "Time in Session" as h:mm:ss.
  Each is followed by "Staff Details" and footnotes here.
- Webex Meetings attendee report: Meeting Name, Meeting Start Time, Meeting End Time, Display Name, First Name,
  Last Name, Role, Attendee Email, Join Time, Leave Time, Attendance Duration, Connection Type, Session Name
  (a Streamlit tool reading the Portuguese export, whose column names it lists, and which strips the ="..."
  wrapping Webex puts round times), UTF-16 with tabs, durations as "42 mins" (an Office Script that strips
  " mins" from "Attendance Duration" and sums by "Attendee Email"); the older per-row layout with Date, Join
  time, Leave time (times of day) and Attendance Minutes (webex_attendees.csv); and Webex Webinars, with the
  webinar's start and end beside each person's times of day and durations as h:mm:ss or decimal minutes.
"""

import pytest
import sqlalchemy as sa

from eventreg.attendance import operations
from eventreg.attendance.models import AttendanceImport
from tests.attendance.test_imports import SAMPLES, hosted, html_of, registrations, upload  # noqa: F401 - fixture

HAND_WORKED = {
    "ana.lopez@library.example.org": ("confirmed", 63, True),
    "ben.okafor@library.example.org": ("confirmed", 25, False),
    "chen.wei@library.example.org": ("confirmed", 50, True),
    "dee.absent@library.example.org": ("confirmed", 0, False),
}

LAYOUTS = [
    ("zoom_meeting_participants.csv", "Zoom meeting participant report", "“Join Time” to “Leave Time”"),
    ("zoom_meeting_combined.csv", "Zoom meeting participant report", "people by “User Email (2)”"),
    ("zoom_meeting_participants_only.csv", "Zoom meeting participant report", "1 further visit merged"),
    ("zoom_webinar_attendees.csv", "Zoom webinar attendee report", "1 further visit merged"),
    ("zoom_webinar_2020.csv", "Zoom webinar attendee report", "“Join Time” to “Leave Time”"),
    ("teams_attendance.csv", "Microsoft Teams attendance report", "“Join Time” to “Leave Time”"),
    ("teams_day_first.csv", "Microsoft Teams attendance report", "“Join time” to “Leave time”"),
    ("teams_participants_only.csv", "Microsoft Teams attendance report", "the “In-meeting duration” column"),
    ("goto_webinar_attendees.csv", "GoTo Webinar attendee report", "the zone the report states (EST)"),
    ("goto_webinar_session_details.csv", "GoTo Webinar attendee report", "the zone the report states (EST)"),
    ("goto_webinar_time_in_session.csv", "GoTo Webinar attendee report", "the “Time in Session” column"),
    ("webex_attendees.csv", "Webex attendee report", "“Join time” to “Leave time”"),
    ("webex_meetings_attendee_report.csv", "Webex attendee report", "people by “Attendee Email”"),
    ("webex_webinar_attendees.csv", "Webex attendee report", "“Join Time” to “Leave Time”"),
]


@pytest.mark.parametrize(("name", "label", "how"), LAYOUTS)
def test_each_real_layout_gives_the_hand_worked_minutes_and_marks(client, hosted, db_session, name, label, how):  # noqa: F811
    response = upload(client, hosted, name)
    assert response.status_code == 303, html_of(response)
    page = html_of(client.get(response.headers["Location"]))
    assert label in page
    assert "Matched registrants (3, 2 attended)" in page
    assert "How the minutes were found" in page
    assert how in page
    assert "times read in America/New_York" in page
    assert "Check these figures" not in page
    for other in ("speaker@example.org", "Sam Speaker"):  # panelists and staff are not attendees
        assert other not in page
    assert client.post(response.headers["Location"] + "/apply", data={"mark_absent": "y"}).status_code == 303
    recorded = registrations(db_session, hosted)
    assert recorded == HAND_WORKED


def test_a_report_with_a_preamble_the_app_does_not_know_is_mapped_on_the_preview(client, hosted, db_session):  # noqa: F811
    # generic_with_preamble.csv: three lines of preamble and a blank one, the table, a totals line. Minutes by
    # hand as for every sample (Ana 63 with her overlap, Ben 25, Chen 50, Dana 57).
    response = upload(client, hosted, "generic_with_preamble.csv")
    preview_url = response.headers["Location"]
    page = html_of(client.get(preview_url))
    assert "not one we recognise" in page
    assert "Matched registrants" not in page  # nothing is guessed into figures that look right
    for column in ("Participant", "Contact e-mail", "Arrived", "Departed"):
        assert f'value="{column}"' in page  # the table's header, not the preamble's first line
    columns = {"email": "Contact e-mail", "name": "Participant", "minutes": "", "joined": "Arrived", "left": "Departed"}
    page = html_of(client.get(client.post(preview_url + "/columns", data=columns).headers["Location"]))
    assert "Matched registrants (3, 2 attended)" in page
    assert "from “Arrived” to “Departed” on each row, 1 further visit merged" in page
    client.post(preview_url + "/apply", data={"mark_absent": "y"})
    assert registrations(db_session, hosted) == HAND_WORKED


def test_the_meetings_start_and_end_are_refused_as_a_persons_join_and_leave(client, hosted, db_session):  # noqa: F811
    """The Webex report that once gave everyone 67 minutes: a person who stayed 25 must not be marked attended."""
    preview_url = upload(client, hosted, "webex_meetings_attendee_report.csv").headers["Location"]
    before = registrations(db_session, hosted)
    wrong = {
        "email": "Attendee Email",
        "name": "Display Name",
        "minutes": "",
        "joined": "Meeting Start Time",
        "left": "Meeting End Time",
    }
    refused = client.post(preview_url + "/columns", data=wrong)
    assert refused.status_code == 400
    assert "the meeting&#39;s own time" in html_of(refused)
    page = html_of(client.get(preview_url))
    assert "Matched registrants (3, 2 attended)" in page  # the import still holds the right columns
    db_session.expire_all()
    assert operations.mapping_of(db_session.scalars(sa.select(AttendanceImport.mapping)).one()).joined == "Join Time"
    assert registrations(db_session, hosted) == before


SAME_START = (
    b"Participant,Email,Class start,Arrived,Departed,Class minutes\r\n"
    b"Ana Lopez,ana.lopez@library.example.org,2025-01-30 15:00,2025-01-30 14:58,2025-01-30 16:01,60\r\n"
    b"Ben Okafor,ben.okafor@library.example.org,2025-01-30 15:00,2025-01-30 15:05,2025-01-30 15:30,60\r\n"
    b"Chen Wei,chen.wei@library.example.org,2025-01-30 15:00,2025-01-30 15:00,2025-01-30 15:50,60\r\n"
)


def test_a_join_column_the_same_on_every_row_is_refused_and_one_minutes_for_all_is_flagged(client, hosted, db_session):  # noqa: F811
    preview_url = upload(client, hosted, "class.csv", data=SAME_START).headers["Location"]
    same_join = {"email": "Email", "name": "Participant", "minutes": "", "joined": "Class start", "left": "Departed"}
    refused = client.post(preview_url + "/columns", data=same_join)
    assert refused.status_code == 400
    assert "holds the same time on every row" in html_of(refused)
    # Minutes the same for everyone: shown, with a warning before Apply that says why to look again.
    same_minutes = {"email": "Email", "name": "Participant", "minutes": "Class minutes", "joined": "", "left": ""}
    page = html_of(client.get(client.post(preview_url + "/columns", data=same_minutes).headers["Location"]))
    assert "Check these figures before you apply" in page
    assert "Everyone has 60 minutes" in page
    right = {"email": "Email", "name": "Participant", "minutes": "", "joined": "Arrived", "left": "Departed"}
    page = html_of(client.get(client.post(preview_url + "/columns", data=right).headers["Location"]))
    assert "Check these figures" not in page
    assert "Matched registrants (3, 2 attended)" in page


def test_nobody_reaching_the_rule_and_overlong_minutes_are_flagged(client, hosted, db_session):  # noqa: F811
    data = (
        b"Name (Original Name),User Email,Join Time,Leave Time,Duration (Minutes)\r\n"
        b"Ana,ana.lopez@library.example.org,01/30/2025 03:00:00 PM,01/30/2025 03:10:00 PM,10\r\n"
        b"Ben,ben.okafor@library.example.org,01/30/2025 02:00:00 PM,01/30/2025 04:20:00 PM,140\r\n"
    )  # Ben: an hour early and 20 minutes late, inside the window where time counts, yet long
    page = html_of(client.get(upload(client, hosted, "zoom.csv", data=data).headers["Location"]))
    assert "1 person has more than 120 minutes" in page
    assert "Nobody reaches the 45 minutes" not in page  # Ben's 140 reach it
    data = data.replace(b"02:00:00 PM", b"03:02:00 PM").replace(b"04:20:00 PM", b"03:20:00 PM")
    data = data.replace(b"Ana,", b"Ann,")
    page = html_of(client.get(upload(client, hosted, "zoom2.csv", data=data).headers["Location"]))
    assert "Nobody reaches the 45 minutes" in page


def test_a_mapping_tried_on_the_preview_is_not_offered_until_applied(client, hosted, db_session):  # noqa: F811
    columns = {"email": "Contact e-mail", "name": "Participant", "minutes": "", "joined": "Arrived", "left": "Departed"}
    first = upload(client, hosted, "generic_with_preamble.csv").headers["Location"]
    client.post(first + "/columns", data=columns)
    second = upload(client, hosted, "generic_with_preamble.csv").headers["Location"]
    assert "not one we recognise" in html_of(client.get(second))
    client.post(first + "/apply", data={})
    third = upload(
        client, hosted, "generic_with_preamble.csv", data=(SAMPLES / "generic_with_preamble.csv").read_bytes()
    )
    assert "Matched registrants (3, 2 attended)" in html_of(client.get(third.headers["Location"]))
