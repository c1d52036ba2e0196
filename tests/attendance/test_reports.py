"""The parser on each platform's sample report (tests/attendance/samples/, expected results in expected.json),
and on files that must be refused with the line and the reason."""

import codecs
import json
from datetime import datetime
from pathlib import Path

import pytest
import pytz

from eventreg.attendance import matching, reports
from eventreg.attendance.reports import Mapping, ReportError

SAMPLES = Path(__file__).parent / "samples"
EXPECTED = {k: v for k, v in json.loads((SAMPLES / "expected.json").read_text()).items() if not k.startswith("_")}
ZONE = "America/New_York"
EVENT = (datetime(2025, 1, 30, 20, tzinfo=pytz.utc), datetime(2025, 1, 30, 21, tzinfo=pytz.utc))


def read(name: str, **kwargs) -> reports.Report:
    expected = EXPECTED.get(name) or {}
    mapping = Mapping(**expected["mapping"]) if expected.get("mapping") else None
    return reports.parse((SAMPLES / name).read_bytes(), zone=ZONE, event_window=EVENT, mapping=mapping, **kwargs)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_each_sample_is_read_as_expected(name):
    expected = EXPECTED[name]
    report = read(name)
    assert (report.format, report.encoding, report.delimiter) == (
        expected["format"],
        expected["encoding"],
        expected["delimiter"],
    )
    people = matching.gather(report.rows)
    assert {p.email: p.minutes for p in people if p.email} == expected["minutes"]
    assert sum(1 for p in people if not p.email) == expected["without_email"]
    assert len(report.warnings) == expected["warnings"]


def test_generic_csv_without_mapping_gives_its_columns_and_a_guess():
    data = (SAMPLES / "generic_times_with_offsets.csv").read_bytes()
    report = reports.parse(data, zone=ZONE)
    assert report.format == "generic"
    assert report.rows == []
    assert report.columns == ["Attendee", "Email", "Session start", "Session end"]
    assert reports.guess_mapping(report.columns) == Mapping(
        email="Email", name="Attendee", joined="Session start", left="Session end"
    )


def test_overlapping_visits_count_once_and_touching_ones_join():
    def at(h, m):
        return datetime(2025, 1, 30, h, m, tzinfo=pytz.utc)

    assert matching.union_seconds([(at(20, 0), at(20, 30)), (at(20, 10), at(20, 20))]) == 30 * 60
    assert matching.union_seconds([(at(20, 0), at(20, 30)), (at(20, 30), at(20, 40))]) == 40 * 60
    assert matching.union_seconds([(at(20, 40), at(20, 50)), (at(20, 0), at(20, 10))]) == 20 * 60
    assert matching.union_seconds([]) == 0


def test_teams_minutes_section_is_used_when_activities_are_missing():
    text = (SAMPLES / "teams_attendance.csv").read_bytes().decode("utf-16")
    text = text[: text.index("3. In-Meeting Activities")]
    report = reports.parse(codecs.BOM_UTF16_LE + text.encode("utf-16-le"), zone=ZONE, event_window=EVENT)
    assert {p.email: p.minutes for p in matching.gather(report.rows)}["ana.lopez@library.example.org"] == 63


def test_utf8_without_bom_and_utf16_big_endian_are_detected():
    text = (SAMPLES / "zoom_meeting_participants.csv").read_bytes().decode("utf-8-sig")
    assert reports.parse(text.encode("utf-8"), zone=ZONE).encoding == "UTF-8"
    assert reports.parse(codecs.BOM_UTF16_BE + text.encode("utf-16-be"), zone=ZONE).encoding == "UTF-16"


HEADER = "Name (Original Name),User Email,Join Time,Leave Time,Duration (Minutes)\r\n"
ANA = "Ana,ana@x.example.org,01/30/2025 03:00:00 PM,01/30/2025 03:50:00 PM,50\r\n"


def refused(data: bytes, **kwargs) -> ReportError:
    with pytest.raises(ReportError) as caught:
        reports.parse(data, zone=kwargs.pop("zone", ZONE), event_window=EVENT, **kwargs)
    return caught.value


@pytest.mark.parametrize(
    ("data", "code", "line", "words"),
    [
        (b"", "empty", None, "empty"),
        (b"PK\x03\x04rest-of-a-workbook", "binary", None, "Excel"),
        ((HEADER + ANA).encode() + b"Bob,b\xe9@x.example.org,,,\r\n", "encoding", 3, "Line 3 is not valid UTF-8"),
        (b"just one line of prose\r\n", "no_table", None, "No table"),
        (HEADER.encode(), "no_rows", 1, "no attendees"),
        ((HEADER + ANA + "Bob,bob@x.example.org,30/01/2025 15:00,01/30/2025 03:50:00 PM,50\r\n").encode(),
         "bad_time", 3, "“30/01/2025 15:00” in the Join Time column"),
        ((HEADER + ANA + "Bob,=cmd|' /C calc'!A0,01/30/2025 03:00:00 PM,01/30/2025 03:50:00 PM,50\r\n").encode(),
         "formula", 3, "starts with ="),
        ((HEADER + ANA + "Bob,bob@x.example.org,01/30/2025 03:50:00 PM,01/30/2025 03:00:00 PM,50\r\n").encode(),
         "leave_before_join", 3, "before the join time"),
        ((HEADER + "Ana,ana@x.example.org,01/23/2025 03:00:00 PM,01/23/2025 03:50:00 PM,50\r\n").encode(),
         "outside_event", 2, "not during this event"),
        ((b"Meeting ID,Email,Minutes\r\n812,ana@x.example.org,50\r\n913,bob@x.example.org,40\r\n"),
         "other_meeting", 3, "another meeting"),
    ],
)  # fmt: skip
def test_bad_files_are_refused_naming_the_line_and_the_fault(data, code, line, words):
    mapping = Mapping(email="Email", minutes="Minutes") if data.startswith(b"Meeting ID") else None
    error = refused(data, mapping=mapping)
    assert (error.code, error.line) == (code, line)
    assert words in error.message


def test_a_file_over_the_limit_is_refused_by_size_before_reading():
    error = refused(b"x" * (20 * 1024 * 1024))
    assert error.code == "too_large"
    assert "20.0 MB" in error.message


def test_times_are_read_in_the_chosen_zone_unless_the_report_states_one():
    def first(data, zone):
        return reports.parse(data.encode(), zone=zone).rows[0].joined_at

    assert first(HEADER + ANA, ZONE) == datetime(2025, 1, 30, 20, tzinfo=pytz.utc)
    assert first(HEADER + ANA, "Europe/Berlin") == datetime(2025, 1, 30, 14, tzinfo=pytz.utc)
    stated = ANA.replace(" PM,", " PM GMT-05:00,")
    assert first(HEADER + stated, "Europe/Berlin") == datetime(2025, 1, 30, 20, tzinfo=pytz.utc)


def test_a_stated_abbreviation_must_agree_with_the_chosen_zone():
    data = (SAMPLES / "goto_webinar_attendees.csv").read_bytes()
    error = refused(data, zone="Europe/Berlin")
    assert error.code == "zone_mismatch"
    assert "EST" in error.message


def test_times_in_a_gap_or_a_fold_are_refused_with_the_line():
    gap = HEADER + "Ana,ana@x.example.org,03/09/2025 02:30:00 AM,03/09/2025 03:30:00 AM,30\r\n"
    fold = HEADER + "Ana,ana@x.example.org,11/02/2025 01:30:00 AM,11/02/2025 02:30:00 AM,30\r\n"
    with pytest.raises(ReportError) as caught:
        reports.parse(gap.encode(), zone=ZONE)
    assert (caught.value.code, caught.value.line) == ("gap", 2)
    with pytest.raises(ReportError) as caught:
        reports.parse(fold.encode(), zone=ZONE)
    assert (caught.value.code, caught.value.line) == ("fold", 2)


@pytest.mark.parametrize(
    ("value", "seconds"),
    [("47", 2820), ("47.5", 2850), ("1:02:05", 3725), ("45:30", 2730), ("1h 3m", 3780), ("24m 55s", 1495),
     ("62 minutes", 3720), ("1 hour 2 minutes", 3720)],
)  # fmt: skip
def test_durations_in_the_platforms_spellings(value, seconds):
    assert reports.parse_duration(value, line=2, column="Duration") == seconds
