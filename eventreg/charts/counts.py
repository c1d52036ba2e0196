"""The numbers the host's charts show: registrations held day by day in the event's zone, and the hook for the
answers to a host's choice questions. held_by_day is a plain function of instants; the queries only read them."""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

import sqlalchemy as sa

from eventreg import timezones
from eventreg.charts import figures
from eventreg.core.extensions import db
from eventreg.events.models import Event
from eventreg.questions import queries as question_queries
from eventreg.registrations.models import Registration, RegistrationStatus

# The statuses whose times say when a place was held. A status added later (one waiting for a host's approval)
# holds no seat and is left out until it is given its own series.
HOLDING = (RegistrationStatus.CONFIRMED, RegistrationStatus.WAITING, RegistrationStatus.CANCELLED)


@dataclass(frozen=True)
class Held:
    """Places held at the end of one day in the event's zone."""

    day: date
    confirmed: int
    waiting: int


def held_by_day(
    spans: Iterable[tuple[datetime, datetime | None, datetime | None]], *, zone: str, until: datetime
) -> list[Held]:
    """Each day from the first registration's to `until`'s (both in `zone`, the event's), with the registrations
    confirmed and waiting at its end. A span is a registration's (created_at, confirmed_at, cancelled_at): waiting
    from its creation until confirmed (not at all when confirmed at once), confirmed from then, neither once
    cancelled. Days are the zone's calendar days, 23 or 25 hours long across a clock change: each instant is put on
    its local date, never on a count of 24-hour steps. A registration made again after cancelling counts from its
    new start (its row keeps only that)."""
    changes: dict[date, list[int]] = defaultdict(lambda: [0, 0])  # day -> [confirmed delta, waiting delta]

    def on(instant: datetime) -> date:
        return timezones.to_zone(instant, zone).date()

    def hold(kind: int, start: datetime, end: datetime | None) -> None:
        if end is not None and end <= start:
            return
        changes[on(start)][kind] += 1
        if end is not None:
            changes[on(end)][kind] -= 1

    for created_at, confirmed_at, cancelled_at in spans:
        if confirmed_at is None:
            hold(1, created_at, cancelled_at)
        else:
            hold(1, created_at, confirmed_at)
            hold(0, confirmed_at, cancelled_at)
    if not changes:
        return []
    day, last = min(changes), max(max(changes), on(until))
    held, confirmed, waiting = [], 0, 0
    while day <= last:
        confirmed_change, waiting_change = changes.get(day, (0, 0))
        confirmed, waiting = confirmed + confirmed_change, waiting + waiting_change
        held.append(Held(day, confirmed, waiting))
        day += timedelta(days=1)
    return held


def registrations_over_time(event: Event, *, now: datetime) -> list[Held]:
    """held_by_day for the event's registrations, up to today, or to the event's end once it has ended (and to the
    day of anyone a host added later)."""
    spans = db.session.execute(
        sa.select(Registration.created_at, Registration.confirmed_at, Registration.cancelled_at).where(
            Registration.event_id == event.id, Registration.status.in_(HOLDING)
        )
    )
    return held_by_day(spans, zone=event.timezone, until=min(now, event.ends_at))


def answer_charts(event: Event) -> list[figures.Chart]:
    """A chart per single choice, multiple choice and yes-or-no question the event asks, in the form's order: how
    many of its registrants (confirmed, waiting or pending) chose each option (questions.queries.answer_counts)."""
    return [
        figures.counts_chart(f"answers-{question.id}", question.label, counts)
        for question, counts in question_queries.answer_counts(event).items()
    ]
