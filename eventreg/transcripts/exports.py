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
    "Event", "Event date (event's time zone)", "Event time zone", "Name", "Email", "Minutes attended",
    "Required minutes", "Hours earned",
]  # fmt: skip


def _minutes(a: Attendance) -> str | int:
    return "" if a.minutes is None else a.minutes


def transcript_csv(attendances: Iterable[Attendance], certificates: dict[int, str]) -> str:
    def row(a: Attendance) -> list:
        return [
            a.event.title, a.local_date.isoformat(), a.event.timezone,
            timezones.spreadsheet_time(a.event.starts_at, a.event.timezone), _minutes(a), a.required_minutes,
            "yes" if a.met_rule else "no", format_hours(a.hours), certificates.get(a.registration.id, ""),
        ]  # fmt: skip

    return to_csv(TRANSCRIPT_COLUMNS, (row(a) for a in attendances))


def ce_report_csv(attendances: Iterable[Attendance]) -> str:
    def row(a: Attendance) -> list:
        return [
            a.event.title, a.local_date.isoformat(), a.event.timezone, a.registration.name, a.registration.email,
            _minutes(a), a.required_minutes, format_hours(a.hours),
        ]  # fmt: skip

    return to_csv(CE_REPORT_COLUMNS, (row(a) for a in attendances))
