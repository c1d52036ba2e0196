"""The rules an event's input must follow, once: the editor's form (hosts/forms.py), the API's schema
(api/schemas.py) and the operations all call these, and each maps a code to the field it concerns.

Plain functions of values: each returns None or raises EventError with a code; the wording lives in
EventError.MESSAGES. Times are compared as UTC instants, never as wall-clock times, so an event from the first
1:30 AM of a fall-back night to the second is an hour long, not empty."""

import re
from datetime import datetime, timedelta
from decimal import Decimal

import pytz
from flask_babel import format_number
from flask_babel import lazy_gettext as _l
from flask_babel.speaklater import LazyString

from eventreg.core.errors import CodedError
from eventreg.events.models import MAX_CONTACT_HOURS, Event, scheduled_minutes

MAX_DURATION = timedelta(days=14)  # no event lasts longer (and the upcoming list relies on it)
MAX_CAPACITY = 100_000
REMINDER_PATTERN = r"^(\d{1,3}(\s*,\s*\d{1,3})*)?$"  # whole hours before the start, each at most 999; or none
MAX_REMINDER_LENGTH = 40  # the column's width


class EventError(CodedError):
    # Lazy: each is read (CodedError's .format) in the language of the request or mail that shows it.
    MESSAGES = {
        "slug_taken": _l("Another event already uses this address. Choose a different one."),
        "slug_reserved": _l("This address is reserved. Choose a different one."),
        "not_passed": _l("The recording can be sent once the event has ended."),
        "cancelled": _l(
            "A cancelled event stays cancelled: its registrants were told it will not take place. To "
            "offer it again, use “Run it again (copy)”."
        ),
        "ends_before_start": _l("The event must end after it starts."),
        "too_long": _l("An event can last at most %(days)d days.", days=MAX_DURATION.days),
        "deadline_after_start": _l("Registration must close before the event starts."),
        # 100,000 in English, 100.000 in Spanish, 100 000 in French
        "bad_capacity": _l("Seats must be between 0 and %(most)s.", most=LazyString(format_number, MAX_CAPACITY)),
        "bad_reminder_hours": _l("Use whole hours separated by commas, like 24, 1."),
        "too_many_reminders": _l(
            "Use at most %(most)d characters for the reminders, like 24, 1.", most=MAX_REMINDER_LENGTH
        ),
        "bad_contact_hours": _l(
            "Enter contact hours above 0 and at most %(most)s, with at most two decimals, like 1.5 or 0.75. "
            "Leave it empty if the event awards none.",
            most=str(MAX_CONTACT_HOURS),
        ),
        "bad_minutes": _l("The minimum must be between 0 and {limit} minutes (the event's length)."),
        "not_started": _l("Attendance can be recorded once the event has started. Nothing was recorded."),
    }


def _utc(instant: datetime) -> datetime:
    if instant.tzinfo is None or instant.utcoffset() is None:
        raise ValueError(f"a naive datetime where an instant is needed: {instant!r}")
    return instant.astimezone(pytz.utc)


def check_times(starts_at: datetime, ends_at: datetime) -> None:
    """The end after the start, at most MAX_DURATION later, as instants. EventError("ends_before_start") or
    ("too_long"); ValueError for a naive datetime."""
    starts_at, ends_at = _utc(starts_at), _utc(ends_at)
    if ends_at <= starts_at:
        raise EventError("ends_before_start")
    if ends_at - starts_at > MAX_DURATION:
        raise EventError("too_long")


def check_deadline(deadline_at: datetime | None, *, starts_at: datetime) -> None:
    """Registration closes at the deadline (None: at the start), which may be the start but not after it.
    EventError("deadline_after_start")."""
    if deadline_at is not None and _utc(deadline_at) > _utc(starts_at):
        raise EventError("deadline_after_start")


def check_capacity(capacity: int | None) -> None:
    """Seats: None for no limit, else 0 (registrations go to the waiting list) to MAX_CAPACITY.
    EventError("bad_capacity")."""
    if capacity is not None and not 0 <= capacity <= MAX_CAPACITY:
        raise EventError("bad_capacity")


def check_reminder_hours(text: str | None) -> None:
    """Whole hours before the start, comma separated ("24, 1"), each at most 999; empty (or None): no reminders.
    EventError("bad_reminder_hours"), ("too_many_reminders") past the column's MAX_REMINDER_LENGTH."""
    if text is None:
        return
    if not re.fullmatch(REMINDER_PATTERN, text):
        raise EventError("bad_reminder_hours")
    if len(text) > MAX_REMINDER_LENGTH:
        raise EventError("too_many_reminders")


def check_contact_hours(hours: Decimal | None) -> None:
    """The contact hours an event states (the editor, the credit page and the API): None for none, else above
    0, at most MAX_CONTACT_HOURS, in hundredths. EventError("bad_contact_hours")."""
    if hours is None:
        return
    if not hours.is_finite() or not 0 < hours <= MAX_CONTACT_HOURS or hours != hours.quantize(Decimal("0.01")):
        raise EventError("bad_contact_hours")


def check_min_minutes(minutes: int | None, *, starts_at: datetime, ends_at: datetime) -> None:
    """The minimum minutes that count as attended (None: attendance.credit's default share of the length):
    from 0 to the scheduled length. EventError("bad_minutes") names the length."""
    limit = scheduled_minutes(_utc(starts_at), _utc(ends_at))
    if minutes is not None and not 0 <= minutes <= limit:
        raise EventError("bad_minutes", limit=limit)


def check_attendance_open(event: Event, now: datetime) -> None:
    """Attendance is recorded (by hand, through the API, or from a report) once the event has started: before,
    nobody can have attended. EventError("not_started")."""
    if not event.has_started(now):
        raise EventError("not_started")
