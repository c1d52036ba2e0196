"""Which event or series a host page may show: one rule for every blueprint with pages under /host/events/<id>/,
and one for the series pages under /host/series/<id>/."""

from flask import abort
from flask_login import current_user

from eventreg.events.models import Event
from eventreg.hosts import queries
from eventreg.series.models import Series


def managed_event(event_id: int) -> Event:
    """The event if the signed-in host may manage it; 404 otherwise, so ids reveal nothing."""
    event = queries.get_managed_event(current_user, event_id) if current_user.is_authenticated else None
    if event is None:
        abort(404)
    return event


def managed_series(series_id: int) -> Series:
    """The series if the signed-in host may manage it (admins, its creator, a host of any session); 404 otherwise."""
    series = queries.get_managed_series(current_user, series_id) if current_user.is_authenticated else None
    if series is None:
        abort(404)
    return series
