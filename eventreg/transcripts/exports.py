"""Transcripts and CE reports as CSV, formula-safe as every export is (hosts/exports.py)."""

from collections.abc import Iterable

from eventreg import timezones
from eventreg.hosts.exports import to_csv
from eventreg.transcripts.records import Attendance, format_hours

TRANSCRIPT_COLUMNS = [
    "Event", "Event date (event's time zone)", "Event time zone", "Starts (event's time zone)", "Minutes attended",
    "Minutes required", "Credit rule met", "Contact hours earned", "Certificate",
]  # fmt: skip

CE_REPORT_COLUMNS = [
    "Event", "Event date (event's time zone)", "Event time zone", "Name", "Email", "Registration",
    "Attendance record", "Minutes attended", "Required minutes", "Credit rule met", "Hours earned",
]  # fmt: skip
STATUS_WORDS = {"confirmed": "confirmed", "waiting": "waiting list", "cancelled": "cancelled"}


def _minutes(a: Attendance) -> str | int:
    return "" if a.minutes is None else a.minutes


def transcript_csv(attendances: Iterable[Attendance], certificates: dict[int, str]) -> str:
    def row(a: Attendance) -> list:
        return [
            a.event.title,
            a.local_date.isoformat(),
            a.event.timezone,
            timezones.spreadsheet_time(a.event.starts_at, a.event.timezone),
            _minutes(a),
            a.required_minutes,
            "yes" if a.met_rule else "no",
            format_hours(a.hours),
            certificates.get(a.registration.id, ""),
        ]

    return to_csv(TRANSCRIPT_COLUMNS, (row(a) for a in attendances))


def attendance_record(a: Attendance) -> str:
    """Where the minutes come from: the platform's report, the host's tick (no minutes), or nothing (absent)."""
    if a.minutes is not None:
        return "platform report"
    return "marked attended by host" if a.registration.attended else "none"


def ce_report_csv(attendances: Iterable[Attendance]) -> str:
    """Numbers in every numeric cell: 0 minutes for someone absent or ticked without minutes (the "Attendance
    record" column says which), 0 hours for no credit or an event that offers none. A spreadsheet sums the
    columns without a blank cell counting differently from a 0."""

    def row(a: Attendance) -> list:
        return [
            a.event.title,
            a.local_date.isoformat(),
            a.event.timezone,
            a.registration.name,
            a.registration.email,
            STATUS_WORDS.get(a.registration.status, a.registration.status),
            attendance_record(a),
            a.minutes or 0,
            a.required_minutes,
            "yes" if a.met_rule else "no",
            format_hours(a.hours) or "0",
        ]

    return to_csv(CE_REPORT_COLUMNS, (row(a) for a in attendances))
