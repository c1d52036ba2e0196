"""The numbers the host's charts show: registrations held day by day in the event's zone, and the hook for the
answers to a host's choice questions. held_by_day is a plain function of instants; the queries only read them."""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

import pytz
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


def held_by_day(spans: Iterable[tuple], *, zone: str, until: datetime) -> list[Held]:
    """Each day from the first registration's to `until`'s (both in `zone`, the event's), with the registrations
    confirmed and waiting at its end. A span is a registration's (created_at, confirmed_at, cancelled_at): waiting
    from its creation until confirmed (not at all when confirmed at once), confirmed from then, neither once
    cancelled. Days are the zone's calendar days, 23 or 25 hours long across a clock change: each instant is put on
    its local date, never on a count of 24-hour steps. A registration made again after cancelling counts from its
    new start (its row keeps only that). A span may carry a fourth item, the number of registrations it stands
    for (registrations_over_time reads them grouped)."""
    changes: dict[date, list[int]] = defaultdict(lambda: [0, 0])  # day -> [confirmed delta, waiting delta]

    def on(instant: datetime) -> date:
        return timezones.to_zone(instant, zone).date()

    def hold(kind: int, start: datetime, end: datetime | None, n: int) -> None:
        if end is not None and end <= start:
            return
        changes[on(start)][kind] += n
        if end is not None:
            changes[on(end)][kind] -= n

    for created_at, confirmed_at, cancelled_at, *times in spans:
        n = times[0] if times else 1  # a span may stand for n registrations with the same three instants
        if confirmed_at is None:
            hold(1, created_at, cancelled_at, n)
        else:
            hold(1, created_at, confirmed_at, n)
            hold(0, confirmed_at, cancelled_at, n)
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


# Every zone's offset from UTC, and so every local midnight, is a whole number of quarter hours: the registrations
# of one quarter hour of UTC fall on one local date in any zone, so the database can count them by quarter hour.
QUARTER = 900  # seconds


def _quarter(column: sa.ColumnElement) -> sa.ColumnElement:
    """The quarter hour of UTC an instant column falls in (NULL for NULL): on SQLite a count of quarter hours since
    1970, on PostgreSQL its first instant (date_bin is several times cheaper per row than extract's numeric)."""
    if db.session.get_bind().dialect.name == "sqlite":  # UTCDateTime keeps SQLite's values as UTC text
        return sa.cast(sa.func.strftime("%s", column), sa.Integer) // QUARTER
    return sa.func.date_bin(sa.text("interval '15 minutes'"), column, sa.text("timestamptz 'epoch'"))


def _instant(quarter: int | datetime | None) -> datetime | None:
    if quarter is None or isinstance(quarter, datetime):
        return quarter and quarter.astimezone(pytz.utc)
    return datetime.fromtimestamp(quarter * QUARTER, pytz.utc)


def registrations_over_time(event: Event, *, now: datetime) -> list[Held]:
    """held_by_day for the event's registrations, up to today, or to the event's end once it has ended (and to the
    day of anyone a host added later). The database counts them by the quarter hours of their three instants, so
    the page reads at most a row per quarter hour of the registration period, however many registered."""
    quarters = [
        _quarter(Registration.created_at),
        _quarter(Registration.confirmed_at),
        _quarter(Registration.cancelled_at),
    ]
    rows = db.session.execute(
        sa.select(*quarters, sa.func.count())
        .where(Registration.event_id == event.id, Registration.status.in_(HOLDING))
        .group_by(*quarters)
    )
    spans = (
        (_instant(created), _instant(confirmed), _instant(cancelled), n) for created, confirmed, cancelled, n in rows
    )
    return held_by_day(spans, zone=event.timezone, until=min(now, event.ends_at))


def answer_charts(event: Event) -> list[figures.Chart]:
    """A chart per single choice, multiple choice and yes-or-no question the event asks, in the form's order: how
    many of its registrants (confirmed, waiting or pending) chose each option (questions.queries.answer_counts)."""
    return [
        figures.counts_chart(f"answers-{question.id}", question.label, counts)
        for question, counts in question_queries.answer_counts(event).items()
    ]
