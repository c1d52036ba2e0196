"""Every model, imported in one place so that the metadata Alembic compares against is complete."""

from eventreg.events.models import Event, Topic, event_topics
from eventreg.mail.models import OutboxMessage
from eventreg.registrations.models import Registration

__all__ = ["Event", "OutboxMessage", "Registration", "Topic", "event_topics"]
