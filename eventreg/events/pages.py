"""What the event page shows, shared by the public page, the registration page and the hosts' preview."""

from eventreg import clock
from eventreg.events.models import Event
from eventreg.registrations import operations as seats


def event_page_context(event: Event, *, form=None) -> dict:
    """What the event page shows (hosts' preview too). `form` is accepted for callers that still pass one:
    the event page holds no form."""
    now = clock.now()
    is_open = event.is_open_for_registration(now)
    seats_left, waiting = seats.seat_counts(event) if is_open else (None, 0)
    return {
        "event": event,
        "state": event.state(now),
        "is_open": is_open,
        "seats_left": seats_left,
        "waiting": waiting,
    }
