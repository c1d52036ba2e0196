"""The month view: a catalog month laid out in weeks, each event on the day it starts where it is read."""

import calendar
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

import pytz

from eventreg.events.models import Event
from eventreg.timezones import EARLIEST_YEAR, LATEST_YEAR, to_zone


@dataclass
class Day:
    day: date
    in_month: bool
    events: list[tuple[datetime, Event]] = field(default_factory=list)  # (local start, event), by start


def parse_month(text: str | None, today: date) -> tuple[int, int] | None:
    """(year, month) from "2026-12"; today's month when absent; None when it is not a month we show."""
    if not text:
        return today.year, today.month
    try:
        year, month = (int(part) for part in text.split("-"))
    except ValueError:
        return None
    if not (EARLIEST_YEAR <= year <= LATEST_YEAR and 1 <= month <= 12) or len(text) != 7:
        return None
    return year, month


def shift(year: int, month: int, months: int) -> tuple[int, int] | None:
    """The month `months` away, or None outside the years we show."""
    index = year * 12 + month - 1 + months
    year, month = divmod(index, 12)
    return (year, month + 1) if EARLIEST_YEAR <= year <= LATEST_YEAR else None


def utc_span(year: int, month: int) -> tuple[datetime, datetime]:
    """Instants that surely cover the month's days in every zone (a day either side: zones span ±14 h)."""
    first = datetime.combine(date(year, month, 1), time(), tzinfo=pytz.utc)
    last = first + timedelta(days=calendar.monthrange(year, month)[1])
    return first - timedelta(days=1), last + timedelta(days=1)


def weeks(year: int, month: int, events: list[Event], visitor_zone: str | None) -> list[list[Day]]:
    """Weeks from Monday to Sunday covering the month. Each event sits on the day it starts in the visitor's
    zone if they chose one, else in its own zone, as its time line reads."""
    days = {
        day: Day(day, day.month == month)
        for week in calendar.Calendar(firstweekday=calendar.MONDAY).monthdatescalendar(year, month)
        for day in week
    }
    for event in events:
        local = to_zone(event.starts_at, visitor_zone or event.timezone)
        if local.date() in days:
            days[local.date()].events.append((local, event))
    for day in days.values():
        day.events.sort(key=lambda pair: (pair[0].replace(tzinfo=None), pair[1].id))
    ordered = sorted(days.values(), key=lambda d: d.day)
    return [ordered[i : i + 7] for i in range(0, len(ordered), 7)]
