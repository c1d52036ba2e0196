from datetime import timedelta
from decimal import Decimal

import pytest


@pytest.fixture
def finished(hosted_event, register, clock, db_session, deliver_and_clear):
    """A finished 3-4 PM New York webinar (45 minutes count, 1.5 contact hours), its host signed in, and its
    registrants after attendance: {"event", "ana" (63 min), "ben" (25 min, absent), "chen" (ticked by hand, no
    minutes), "dee" (ticked by hand, but the report gave 30 min), "eve" (cancelled), "host"}."""
    event = hosted_event(contact_hours=Decimal("1.5"))
    people = {"event": event, "host": event.hosts[0]}
    for key, name, attended, minutes in (
        ("ana", "Ana Lopez", True, 63),
        ("ben", "Ben Okafor", False, 25),
        ("chen", "Chen Wei", True, None),
        ("dee", "Dee Partial", True, 30),
        ("eve", "Eve Cancelled", True, 60),
    ):
        zone = "Asia/Tokyo" if key == "ana" else None  # Tokyo: already 31 January when it ends
        registration = register(event, name=name, email=f"{key}@library.example.org", timezone=zone)
        registration.attended, registration.minutes_attended = attended, minutes
        people[key] = registration
    people["eve"].status = "cancelled"
    deliver_and_clear()  # the confirmations: the tests see only what finalising sends
    clock.set(event.ends_at + timedelta(hours=1))
    return people
