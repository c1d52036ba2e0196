"""What one attendance earned, and a person's totals per year: the facts transcripts and the CE report show.

An event counts in the calendar year of its date in its own zone, the date its certificate and its host's
announcements carry: a webinar at 11:30 PM on 31 December in New York counts for that year, though it is
already 1 January in UTC.

A course (eventreg/series) counts once: one line for the course, its sessions under it. Its hours are the course's
contact hours when the course's credit rule is met (series/credit.py), and its sessions' hours are never added
on their own. It counts in the year of its last session that took place (in that session's zone): the day the
credit is earned."""

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal

from flask_babel import gettext as _

from eventreg import timezones
from eventreg.attendance import credit
from eventreg.certificates import queries as certificate_queries
from eventreg.core.links import external_url
from eventreg.events.models import Event
from eventreg.registrations.models import Registration
from eventreg.series import credit as course_credit
from eventreg.series import queries as series_queries
from eventreg.series.models import Enrolment, Series
from eventreg.transcripts import queries


@dataclass(frozen=True)
class Attendance:
    registration: Registration
    event: Event
    local_date: date  # the event's date in its own zone
    minutes: int | None  # None when the host ticked "attended" without a platform report
    required_minutes: int
    met_rule: bool
    hours: Decimal | None  # contact hours earned: 0 when the rule was not met, None when the event awards none
    course: Series | None = None  # set on a course's session: its hours are the course's, counted once

    is_course = False

    @property
    def year(self) -> int:
        return self.local_date.year


@dataclass(frozen=True)
class CourseAttendance:
    """One person's course: the course's line, with their session attendances under it."""

    series: Series
    enrolment: Enrolment
    sessions: list[Attendance]  # the sessions in the list this was grouped from, by start
    credit: course_credit.CourseCredit
    local_date: date  # the course's last session that took place, in that session's zone
    zone: str
    hours: Decimal | None  # the course's contact hours when its rule is met, else 0; None when it awards none

    is_course = True

    @property
    def year(self) -> int:
        return self.local_date.year

    @property
    def met_rule(self) -> bool:
        return self.credit.met

    @property
    def title(self) -> str:
        return self.series.title

    @property
    def dates(self) -> str:
        """ "4 March 2025 to 25 March 2025": its first and last sessions that took place, each in its own zone."""
        first, last = self.credit.sessions[0].event, self.credit.sessions[-1].event
        first_text, last_text = (timezones.local_date(e.starts_at, e.timezone) for e in (first, last))
        return first_text if first_text == last_text else _("%(first)s to %(last)s", first=first_text, last=last_text)


@dataclass(frozen=True)
class YearTotal:
    year: int
    events: int
    hours: Decimal


def attendance_of(registration: Registration) -> Attendance:
    event = registration.event
    met = credit.met_rule(registration)
    return Attendance(
        registration=registration,
        event=event,
        local_date=timezones.to_zone(event.starts_at, event.timezone).date(),
        minutes=registration.minutes_attended,
        required_minutes=credit.required_minutes(event),
        met_rule=met,
        hours=event.contact_hours if met else Decimal(0),
    )


def _course_line(enrolment: Enrolment, sessions: list[Attendance]) -> CourseAttendance | None:
    series = enrolment.series
    held = series_queries.sessions(series, include_cancelled=False)
    held = [e for e in held if course_credit.took_place(e)]
    if not held:
        return None
    result = course_credit.judge(series, held, enrolment.registrations)
    last = held[-1]
    offered = series.contact_hours if series.offers_certificate else None
    return CourseAttendance(
        series=series,
        enrolment=enrolment,
        sessions=sorted(sessions, key=lambda a: (a.event.starts_at, a.event.id)),
        credit=result,
        local_date=timezones.to_zone(last.starts_at, last.timezone).date(),
        zone=last.timezone,
        hours=(offered if result.met else Decimal(0)) if offered is not None else None,
    )


def group_courses(attendances: Iterable[Attendance]) -> list["Attendance | CourseAttendance"]:
    """Each course's session attendances under one CourseAttendance per enrolment (in the place of the course's
    date), the sessions' own hours set aside (None: the course's count); every other attendance as it was,
    sorted by date."""
    alone: list = []
    by_enrolment: dict[int, list[Attendance]] = {}
    enrolments: dict[int, Enrolment] = {}
    for a in attendances:
        enrolment_id = a.registration.enrolment_id
        series = a.event.series
        if enrolment_id is None or series is None or not series.is_course:
            alone.append(a)
            continue
        by_enrolment.setdefault(enrolment_id, []).append(replace(a, hours=None, course=series))
    if by_enrolment:
        for enrolment in queries.list_enrolments(list(by_enrolment)):
            enrolments[enrolment.id] = enrolment
    for enrolment_id, sessions in by_enrolment.items():
        line = _course_line(enrolments[enrolment_id], sessions) if enrolment_id in enrolments else None
        alone.extend([line] if line is not None else sessions)
    return sorted(alone, key=_date_key)


def _date_key(entry) -> tuple:
    if entry.is_course:
        return (entry.local_date, entry.sessions[-1].event.starts_at if entry.sessions else entry.local_date)
    return (entry.local_date, entry.event.starts_at)


def year_totals(attendances: Iterable) -> list[YearTotal]:
    """Hours earned and events attended per calendar year (of each event's own date), oldest year first. A course
    counts as one, with its hours once; its sessions' lines (if given ungrouped) add nothing."""
    totals: dict[int, YearTotal] = {}
    for a in attendances:
        if getattr(a, "course", None) is not None:
            continue  # a course's session: the course's line counts
        before = totals.get(a.year, YearTotal(a.year, 0, Decimal(0)))
        totals[a.year] = YearTotal(a.year, before.events + 1, before.hours + (a.hours or 0))
    return [totals[year] for year in sorted(totals)]


def format_hours(hours: Decimal | None) -> str:
    """ "1.5", "2", "0.75"; "" for none."""
    if hours is None:
        return ""
    text = f"{hours:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def course_certificate_links(entries: list) -> dict[int, str]:
    """{enrolment id: the verification URL of its course certificate}, for those issued and not revoked."""
    ids = [e.enrolment.id for e in entries if e.is_course]
    return {
        c.enrolment_id: external_url("certificates.verify", code=c.grouped_code)
        for c in certificate_queries.list_for_enrolments(ids)
        if not c.is_revoked
    }


def certificate_links(registrations: list[Registration]) -> dict[int, str]:
    """{registration id: the verification URL of its certificate}, for those issued and not revoked. The
    public page is the link a learner can hand on; the PDF stays behind their manage link."""
    certificates = certificate_queries.list_for_registrations([r.id for r in registrations])
    return {
        c.registration_id: external_url("certificates.verify", code=c.grouped_code)
        for c in certificates
        if not c.is_revoked
    }


def report_courses(attendances: list[Attendance], events: list[Event]) -> list[CourseAttendance]:
    """The CE report's course lines: one per enrolment among these session attendances, for each course whose last
    session that took place is among `events` (so a course is reported once, with the report that holds the day
    its credit is earned), by that session and name."""
    included = {e.id for e in events}
    lines = [line for line in group_courses(attendances) if line.is_course]
    lines = [line for line in lines if line.credit.sessions and line.credit.sessions[-1].event.id in included]
    return sorted(lines, key=lambda line: (line.local_date, line.series.title, line.enrolment.name))
