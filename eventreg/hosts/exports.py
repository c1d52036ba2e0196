"""CSV for spreadsheets: UTF-8 with a BOM (so Excel shows accents), formulas neutralised."""

import csv
import io
from collections.abc import Iterable

from eventreg import timezones
from eventreg.registrations.models import Registration

BOM = "\ufeff"
# A cell starting with one of these is run as a formula by Excel, LibreOffice and Google Sheets.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n", "|", "%")

ATTENDEE_COLUMNS = [
    "Name", "Email", "Organization", "Job role", "Status", "Waiting position", "Registered at",
    "Registrant time zone", "Accessibility request", "Accessibility details", "Wants recording", "Attended",
    "Minutes attended",
]  # fmt: skip


def neutralise(value) -> str:
    """Text as a spreadsheet will show it, never run: a leading formula character gets a ' before it."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def to_csv(header: list[str], rows: Iterable[list]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([neutralise(heading) for heading in header])  # headings can be typed too (a question's label)
    for row in rows:
        writer.writerow([neutralise(value) for value in row])
    return BOM + buffer.getvalue()


def attendees_csv(
    registrations: Iterable[Registration],
    positions: dict[int, int],
    host_zone: str,
    *,
    answer_columns: list[tuple[object, str]] = (),
    answers: dict[int, dict[object, str]] | None = None,
) -> str:
    """One row per registration; after the fixed columns, one per question (questions.queries.answer_columns: its
    key and heading) with each registrant's answer (answers: by registration id, then column key)."""
    answers = answers or {}

    def row(r: Registration) -> list:
        given = answers.get(r.id, {})
        return [
            r.name,
            r.email,
            r.organization,
            r.job_role,
            r.status,
            positions.get(r.id, ""),
            timezones.spreadsheet_time(r.created_at, host_zone),
            r.timezone or "",
            r.accessibility_label if r.accessibility else "",
            r.accessibility_details,
            "yes" if r.wants_recording else "no",
            {True: "yes", False: "no", None: ""}[r.attended],
            "" if r.minutes_attended is None else r.minutes_attended,
            *(given.get(key, "") for key, _heading in answer_columns),
        ]

    header = ATTENDEE_COLUMNS + [heading for _key, heading in answer_columns]
    return to_csv(header, (row(r) for r in registrations))
