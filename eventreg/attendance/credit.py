"""An event's credit rule: how many minutes count as attended, and the contact hours awarded."""

import math
from decimal import Decimal

import sqlalchemy as sa

from eventreg.events import models as events_models
from eventreg.events.models import Event
from eventreg.registrations.models import Registration

DEFAULT_SHARE = Decimal("0.75")  # of the scheduled length, when the host has set no minimum


def scheduled_minutes(event: Event) -> int:
    return events_models.scheduled_minutes(event.starts_at, event.ends_at)


def required_minutes(event: Event) -> int:
    """Minutes a person must have been in the meeting to count as attended: the event's own minimum, or 75%
    of its scheduled length rounded up (45 of 60, 68 of 90)."""
    if event.credit_min_minutes is not None:
        return event.credit_min_minutes
    return math.ceil(scheduled_minutes(event) * DEFAULT_SHARE)


def long_enough(minutes, required: int):
    """The one comparison of the rule: `minutes` is an int here, or a column where SQL asks (met_rule_clause),
    so the certificate query, the transcript, the CE report and the import preview cannot drift apart."""
    return minutes >= required


def has_attended(event: Event, minutes: int) -> bool:
    """Whether a platform's minutes are enough for `event` (the import preview's and a walk-in's mark)."""
    return long_enough(minutes, required_minutes(event))


def met_rule(registration: Registration) -> bool:
    """Marked attended and, where the platform's report gave the minutes, there long enough. Someone the host
    ticked by hand has no minutes: the host's tick is the record (a host who wants minutes checked imports the
    report). Certificates, transcripts and the CE report all count by this rule."""
    if registration.attended is not True:
        return False
    minutes = registration.minutes_attended
    return minutes is None or long_enough(minutes, required_minutes(registration.event))


def met_rule_clause(event: Event) -> sa.ColumnElement[bool]:
    """met_rule in SQL, for the registrations of `event` (tests/attendance/test_credit_rule.py checks the two
    agree case by case)."""
    minutes = Registration.minutes_attended
    return sa.and_(
        Registration.attended.is_(True),
        sa.or_(minutes.is_(None), long_enough(minutes, required_minutes(event))),
    )
