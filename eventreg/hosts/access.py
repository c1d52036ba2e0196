"""Which event a host page may show: one rule for every blueprint with pages under /host/events/<id>/."""

from flask import abort
from flask_login import current_user

from eventreg.events.models import Event
from eventreg.hosts import queries


def managed_event(event_id: int) -> Event:
    """The event if the signed-in host may manage it; 404 otherwise, so ids reveal nothing."""
    event = queries.get_managed_event(current_user, event_id) if current_user.is_authenticated else None
    if event is None:
        abort(404)
    return event
