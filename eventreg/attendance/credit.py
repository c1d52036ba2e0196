"""An event's credit rule: how many minutes count as attended, and the contact hours awarded."""

import math
from decimal import Decimal

from eventreg.events.models import Event

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
