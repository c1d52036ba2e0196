"""What registrations add to the catalog's pages: the seats left and the waiting list, for the event page
(public, the registration page and the hosts' preview) and for event lists. The catalog (eventreg/events/)
shows them but does not count them: this module is the one place its pages read registrations through."""

from datetime import datetime

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


def list_seats(events: list[Event], *, now: datetime) -> dict[int, tuple[int | None, int]]:
    """The seat figures an event list shows, in one query: (free seats or None, people waiting) by event id,
    for the events open for registration."""
    return seats.seat_counts_of(events, now=now)
