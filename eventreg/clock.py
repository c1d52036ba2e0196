"""The only place that asks the operating system for the time.

The app holds one clock in app.config["CLOCK"]; tests put a FixedClock there and move it
with advance(), so nothing ever sleeps."""

from datetime import datetime, timedelta

import pytz
from flask import current_app


class SystemClock:
    def now(self) -> datetime:
        """The current instant, aware, in UTC."""
        return datetime.now(pytz.utc)


class FixedClock:
    def __init__(self, now: datetime):
        self.set(now)

    def now(self) -> datetime:
        return self._now

    def set(self, now: datetime) -> None:
        """Move to an instant; naive datetimes are refused so tests cannot mean two things."""
        if now.tzinfo is None:
            raise ValueError("FixedClock needs an aware datetime")
        self._now = now.astimezone(pytz.utc)

    def advance(self, delta: timedelta | None = None, **kwargs: float) -> datetime:
        self._now += delta if delta is not None else timedelta(**kwargs)
        return self._now


def now() -> datetime:
    """The app's current instant (aware UTC) from the clock in its configuration."""
    return current_app.config["CLOCK"].now()
