"""What messages make of the domain's signals (eventreg/core/signals.py), in the sender's transaction. The factory
calls connect()."""

from datetime import datetime

from eventreg.core import signals
from eventreg.messages import operations


def _event_cancelled(event, *, now: datetime, **_) -> None:
    operations.cancel_with_event(event, now=now)


def connect() -> None:
    """Safe to call again (each create_app does): blinker keeps one connection per receiver, held strongly."""
    signals.event_cancelled.connect(_event_cancelled, weak=False)
