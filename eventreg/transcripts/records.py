"""What one attendance earned, and a person's totals per year: the facts transcripts and the CE report show.

An event counts in the calendar year of its date in its own zone, the date its certificate and its host's
announcements carry: a webinar at 11:30 PM on 31 December in New York counts for that year, though it is
already 1 January in UTC."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from eventreg import timezones
from eventreg.attendance import credit
from eventreg.certificates import queries as certificate_queries
from eventreg.core.links import external_url
from eventreg.events.models import Event
from eventreg.registrations.models import Registration


@dataclass(frozen=True)
class Attendance:
    registration: Registration
    event: Event
    local_date: date  # the event's date in its own zone
    minutes: int | None  # None when the host ticked "attended" without a platform report
    required_minutes: int
    met_rule: bool
    hours: Decimal | None  # contact hours earned: 0 when the rule was not met, None when the event awards none

    @property
    def year(self) -> int:
        return self.local_date.year


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


def year_totals(attendances: Iterable[Attendance]) -> list[YearTotal]:
    """Hours earned and events attended per calendar year (of each event's own date), oldest year first."""
    totals: dict[int, YearTotal] = {}
    for a in attendances:
        before = totals.get(a.year, YearTotal(a.year, 0, Decimal(0)))
        totals[a.year] = YearTotal(a.year, before.events + 1, before.hours + (a.hours or 0))
    return [totals[year] for year in sorted(totals)]


def format_hours(hours: Decimal | None) -> str:
    """ "1.5", "2", "0.75"; "" for none."""
    if hours is None:
        return ""
    text = f"{hours:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def certificate_links(registrations: list[Registration]) -> dict[int, str]:
    """{registration id: the verification URL of its certificate}, for those issued and not revoked. The
    public page is the link a learner can hand on; the PDF stays behind their manage link."""
    certificates = certificate_queries.list_for_registrations([r.id for r in registrations])
    return {
        c.registration_id: external_url("certificates.verify", code=c.grouped_code)
        for c in certificates
        if not c.is_revoked
    }
