"""Rows of a report, gathered per person and matched to an event's registrations. Reads only, writes nothing:
the preview shows this, and applying it is eventreg/attendance/operations.py."""

from dataclasses import dataclass, field
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import ngettext

from eventreg.attendance import credit
from eventreg.attendance.reports import Row
from eventreg.core.extensions import db
from eventreg.core.inputs import MAX_ID
from eventreg.events.models import Event
from eventreg.registrations.models import Registration, RegistrationStatus

# Time in the meeting counts from an hour before the start (a room opened early) to three hours after the end
# (a session that overran, questions after it). A visit beyond that, a join in 1951 or a leave days later, is a
# platform's or a file's mistake: it would give credit, transcripts and averages minutes no one spent.
EARLY = timedelta(hours=1)
LATE = timedelta(hours=3)
MAX_MINUTES = MAX_ID  # the database's INTEGER: nothing larger is ever written, however long the event


def plausible_window(event: Event) -> tuple[datetime, datetime]:
    """From EARLY before the event's start to LATE after its end: the only time that counts as attending."""
    return event.starts_at - EARLY, event.ends_at + LATE


@dataclass
class Person:
    """Everything a report says about one person: all their rows (one per join), and the time in total."""

    key: str  # "email:<address>", or "name:<name>" / "line:<n>" for rows without an email
    email: str
    name: str
    rows: list[Row] = field(default_factory=list)
    window: tuple[datetime, datetime] | None = None  # plausible_window: time outside it does not count

    @property
    def lines(self) -> list[int]:
        return [row.line for row in self.rows]

    @property
    def reported_seconds(self) -> int:
        """Time in the meeting as the report has it. Visits are merged first, so two devices at once (or a report
        listing a visit twice) count once; rows giving only minutes are added up, having no times to compare."""
        visits = [(r.joined_at, r.left_at) for r in self.rows if r.joined_at is not None]
        return union_seconds(visits) + self._minutes_rows_seconds()

    @property
    def seconds(self) -> int:
        """Time in the meeting that counts: each visit cut to the window, and the total (rows giving only minutes
        included, which have no times to cut) at most the window's length."""
        if self.window is None:
            return min(self.reported_seconds, MAX_MINUTES * 60)
        start, end = self.window
        visits = [
            (max(r.joined_at, start), min(r.left_at, end))
            for r in self.rows
            if r.joined_at is not None and r.left_at > start and r.joined_at < end
        ]
        longest = int((end - start).total_seconds())
        return min(union_seconds(visits) + self._minutes_rows_seconds(), longest, MAX_MINUTES * 60)

    def _minutes_rows_seconds(self) -> int:
        return sum(r.seconds or 0 for r in self.rows if r.joined_at is None)

    @property
    def minutes(self) -> int:
        return round_minutes(self.seconds)

    @property
    def reported_minutes(self) -> int:
        return round_minutes(self.reported_seconds)

    @property
    def is_clipped(self) -> bool:
        """Whether the window took minutes off what the report gives (the preview names everyone it did)."""
        return self.minutes != self.reported_minutes


def round_minutes(seconds: int) -> int:
    """Whole minutes, half a minute and up rounding up (as the platforms show them)."""
    return (seconds + 30) // 60


def union_seconds(visits: list[tuple[datetime, datetime]]) -> int:
    """Seconds covered by the visits together: overlapping or touching visits count once."""
    total = 0
    current = None
    for joined, left in sorted(visits):
        if current is None or joined > current[1]:
            if current is not None:
                total += (current[1] - current[0]).total_seconds()
            current = [joined, left]
        else:
            current[1] = max(current[1], left)
    if current is not None:
        total += (current[1] - current[0]).total_seconds()
    return int(total)


def gather(rows: list[Row], window: tuple[datetime, datetime] | None = None) -> list[Person]:
    """People in the order they first appear. Emails are compared case-insensitively; a row without one is
    kept with others of the same name (a person dialling in twice), or alone when it has no name either.
    window: plausible_window of the event, outside which time does not count."""
    people: dict[str, Person] = {}
    for row in rows:
        if row.email:
            key = "email:" + row.email.lower()
        elif row.name:
            key = "name:" + row.name.casefold()
        else:
            key = f"line:{row.line}"
        person = people.setdefault(key, Person(key=key, email=row.email.lower(), name=row.name, window=window))
        person.name = person.name or row.name
        person.rows.append(row)
    return list(people.values())


@dataclass
class Match:
    person: Person
    registration: Registration
    minutes: int
    attended: bool

    @property
    def changes(self) -> bool:
        return (self.registration.minutes_attended, self.registration.attended) != (self.minutes, self.attended)


@dataclass
class Unmatched:
    person: Person
    minutes: int
    attended: bool
    # The email's own registration when it is not confirmed (waiting or cancelled): a walk-in takes it back.
    registration: Registration | None = None


@dataclass
class Plan:
    """What applying the report would do."""

    required_minutes: int
    matched: list[Match]
    unmatched: list[Unmatched]
    absent: list[Registration]  # confirmed registrants the report does not mention

    @property
    def people(self) -> list[Person]:
        """Everyone in the report, matched first, in the preview's order."""
        return [m.person for m in self.matched] + [u.person for u in self.unmatched]

    @property
    def attended_count(self) -> int:
        return sum(1 for m in self.matched if m.attended)


def plan(event: Event, rows: list[Row]) -> Plan:
    """Match the report's people to the event's registrations by email: confirmed registrations are matched,
    anyone else is unmatched (for the host to match by hand, add as a walk-in, or ignore)."""
    required = credit.required_minutes(event)
    registrations = list(
        db.session.scalars(
            sa.select(Registration)
            .where(Registration.event_id == event.id)
            .options(sa.orm.lazyload(Registration.event))
            .order_by(sa.func.lower(Registration.name), Registration.id)
        )
    )
    by_email = {r.email.lower(): r for r in registrations}
    matched, unmatched, seen = [], [], set()
    for person in gather(rows, plausible_window(event)):
        minutes = person.minutes
        registration = by_email.get(person.email) if person.email else None
        if registration is not None and registration.status == RegistrationStatus.CONFIRMED:
            matched.append(Match(person, registration, minutes, credit.has_attended(event, minutes)))
            seen.add(registration.id)
        else:
            unmatched.append(Unmatched(person, minutes, credit.has_attended(event, minutes), registration))
    absent = [r for r in registrations if r.status == RegistrationStatus.CONFIRMED and r.id not in seen]
    return Plan(required_minutes=required, matched=matched, unmatched=unmatched, absent=absent)


OVERRUN = 60  # minutes past the scheduled length before a person's minutes look wrong


def doubts(event: Event, plan: Plan) -> list[str]:
    """Reasons the preview's figures may be wrong, for the host to check the columns before applying: everyone
    with the same minutes, minutes longer than the meeting plus an hour, nobody reaching the rule."""
    minutes_each = [person.minutes for person in plan.people]
    found = []
    if len(minutes_each) > 1 and len(set(minutes_each)) == 1:
        found.append(
            _(
                "Everyone has %(minutes)s minutes. A real report almost never says so: is the minutes or join "
                "column the meeting's own rather than each person's?",
                minutes=minutes_each[0],
            )
        )
    longest = credit.scheduled_minutes(event) + OVERRUN
    over = sum(1 for minutes in minutes_each if minutes > longest)
    if over:
        found.append(
            ngettext(
                "%(num)d person has more than %(longest)s minutes, longer than the event plus an hour: is this the "
                "report of this meeting, and are the columns right?",
                "%(num)d people have more than %(longest)s minutes, longer than the event plus an hour: is this the "
                "report of this meeting, and are the columns right?",
                over,
                longest=longest,
            )
        )
    if minutes_each and not any(credit.has_attended(event, minutes) for minutes in minutes_each):
        found.append(
            _(
                "Nobody reaches the %(minutes)s minutes the credit rule asks: check the columns, the zone, and the "
                "rule.",
                minutes=plan.required_minutes,
            )
        )
    return found


def clipped(plan: Plan) -> list[Person]:
    """People whose minutes the plausible window cut, in the preview's order, for its notice."""
    return [person for person in plan.people if person.is_clipped]


def merged_segments(plan: Plan) -> int:
    """Visits beyond the first of each person: rows the preview added together or merged."""
    return sum(len(person.rows) - 1 for person in plan.people)
