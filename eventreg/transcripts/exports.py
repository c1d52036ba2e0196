"""Transcripts and CE reports as CSV, formula-safe as every export is (hosts/exports.py).

One row per line, the same columns on every row. A course has its own row ("Kind": course) carrying the
course's hours, and each of its sessions a row ("Kind": course session, "Course": its title) carrying 0 hours, so
summing the hours column counts a course once; a single event's row is "Kind": event."""

from collections.abc import Iterable
from dataclasses import replace
from decimal import Decimal

from eventreg import timezones
from eventreg.hosts.exports import to_csv
from eventreg.series.models import CreditRule
from eventreg.transcripts.records import Attendance, CourseAttendance, format_hours

TRANSCRIPT_COLUMNS = [
    "Event", "Event date (event's time zone)", "Event time zone", "Starts (event's time zone)", "Minutes attended",
    "Minutes required", "Credit rule met", "Contact hours earned", "Certificate", "Kind", "Course",
]  # fmt: skip

CE_REPORT_COLUMNS = [
    "Event", "Event date (event's time zone)", "Event time zone", "Name", "Email", "Registration",
    "Attendance record", "Minutes attended", "Required minutes", "Credit rule met", "Hours earned", "Kind", "Course",
]  # fmt: skip
STATUS_WORDS = {"confirmed": "confirmed", "waiting": "waiting list", "cancelled": "cancelled"}


def _minutes(a: Attendance) -> str | int:
    return "" if a.minutes is None else a.minutes


def _kind(a: Attendance) -> list[str]:
    return ["course session", a.course.title] if a.course is not None else ["event", ""]


def _course_required(c: CourseAttendance) -> int:
    """The minutes a course's rule asks for (total minutes), else 0: the "Attendance record" names the rule."""
    return c.credit.needed if c.credit.rule == CreditRule.TOTAL_MINUTES else 0


def _course_record(c: CourseAttendance) -> str:
    attended = sum(1 for s in c.credit.sessions if s.met_rule)
    return f"course: {attended} of {len(c.credit.sessions)} sessions attended, {c.credit.total_minutes} minutes"


def transcript_csv(entries: Iterable, certificates: dict[int, str], course_certificates: dict[int, str]) -> str:
    """Entries as records.group_courses gives them: a course's row, then its sessions' rows."""

    def course_row(c: CourseAttendance) -> list:
        last = c.credit.sessions[-1].event
        return [
            c.series.title,
            c.local_date.isoformat(),
            c.zone,
            timezones.spreadsheet_time(last.starts_at, last.timezone),
            c.credit.total_minutes,
            _course_required(c) or "",
            "yes" if c.met_rule else "no",
            format_hours(c.hours),
            course_certificates.get(c.enrolment.id, ""),
            "course",
            "",
        ]

    def rows():
        for entry in entries:
            if entry.is_course:
                yield course_row(entry)
                yield from (row(a) for a in entry.sessions)
            else:
                yield row(entry)

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
            *_kind(a),
        ]

    return to_csv(TRANSCRIPT_COLUMNS, rows())


def attendance_record(a: Attendance) -> str:
    """Where the minutes come from: the platform's report, the host's tick (no minutes), or nothing (absent)."""
    if a.minutes is not None:
        return "platform report"
    return "marked attended by host" if a.registration.attended else "none"


def ce_report_csv(attendances: Iterable[Attendance], courses: Iterable[CourseAttendance] = ()) -> str:
    """Numbers in every numeric cell: 0 minutes for someone absent or ticked without minutes (the "Attendance
    record" column says which), 0 hours for no credit or an event that offers none. A spreadsheet sums the
    columns without a blank cell counting differently from a 0. A course's sessions earn 0 hours each; the
    course's rows (records.report_courses), after the sessions', carry its hours once."""

    def course_row(c: CourseAttendance) -> list:
        return [
            c.series.title,
            c.local_date.isoformat(),
            c.zone,
            c.enrolment.name,
            c.enrolment.email,
            STATUS_WORDS.get(c.enrolment.status, c.enrolment.status),
            _course_record(c),
            c.credit.total_minutes,
            _course_required(c),
            "yes" if c.met_rule else "no",
            format_hours(c.hours) or "0",
            "course",
            "",
        ]

    def row(a: Attendance) -> list:
        a = replace(a, hours=Decimal(0), course=a.event.series) if _is_course_session(a) else a
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
            *_kind(a),
        ]

    rows = [row(a) for a in attendances] + [course_row(c) for c in courses]
    return to_csv(CE_REPORT_COLUMNS, rows)


def _is_course_session(a: Attendance) -> bool:
    return a.registration.enrolment_id is not None and a.event.series is not None and a.event.series.is_course
