"""An event's credit rule: how many minutes count as attended, and the contact hours awarded."""

import math
from decimal import Decimal

import sqlalchemy as sa

from eventreg.events.models import Event
from eventreg.registrations.models import Registration

DEFAULT_SHARE = Decimal("0.75")  # of the scheduled length, when the host has set no minimum


def scheduled_minutes(event: Event) -> int:
    return int((event.ends_at - event.starts_at).total_seconds() // 60)


def required_minutes(event: Event) -> int:
    """Minutes a person must have been in the meeting to count as attended: the event's own minimum, or 75%
    of its scheduled length rounded up (45 of 60, 68 of 90)."""
    if event.credit_min_minutes is not None:
        return event.credit_min_minutes
    return math.ceil(scheduled_minutes(event) * DEFAULT_SHARE)


def has_attended(event: Event, minutes: int) -> bool:
    return minutes >= required_minutes(event)


def met_rule(registration: Registration) -> bool:
    """Marked attended and, where the platform's report gave the minutes, there long enough. Someone the host
    ticked by hand has no minutes: the host's tick is the record (a host who wants minutes checked imports the
    report). Certificates, transcripts and the CE report all count by this rule."""
    if registration.attended is not True:
        return False
    minutes = registration.minutes_attended
    return minutes is None or has_attended(registration.event, minutes)


def met_rule_clause(event: Event) -> sa.ColumnElement[bool]:
    """met_rule in SQL, for the registrations of `event`."""
    return sa.and_(
        Registration.attended.is_(True),
        sa.or_(Registration.minutes_attended.is_(None), Registration.minutes_attended >= required_minutes(event)),
    )
