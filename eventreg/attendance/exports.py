"""The hosts' attendance summary as CSV: one row per past event, formula-safe as every export is
(hosts/exports.py)."""

from eventreg import timezones
from eventreg.attendance.queries import average_minutes
from eventreg.events.models import Event
from eventreg.hosts.exports import to_csv


def attendance_csv(events: list[Event], counts: dict[int, dict[str, int]]) -> str:
    minutes = average_minutes([e.id for e in events])

    def row(event: Event) -> list:
        registered = counts[event.id]["confirmed"]
        attended = counts[event.id]["attended"]
        rate = f"{attended / registered:.0%}" if registered else ""
        return [
            event.title,
            timezones.local_date(event.starts_at, event.timezone),
            registered,
            attended,
            rate,
            minutes.get(event.id, ""),
        ]

    header = ["Event", "Date", "Registered", "Attended", "Attendance rate", "Average minutes attended"]
    return to_csv(header, (row(e) for e in events))
