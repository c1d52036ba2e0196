"""Reminders before an event, and the recording follow-up after it: run from cron every few minutes.

A reminder offset of h hours is due from (start - h) while at least half of it remains (and before the
next smaller offset falls due), so a run that comes late skips a stale reminder instead of sending
"starts tomorrow" two hours before the start."""

from datetime import datetime, timedelta

import sqlalchemy as sa

from eventreg.core.extensions import db
from eventreg.events.models import Event, Status
from eventreg.registrations import notifications
from eventreg.registrations import operations as registration_operations
from eventreg.registrations.models import Registration, RegistrationStatus, ReminderDelivery

MAX_REMINDER_HOURS = 24 * 14


def due_offset(event: Event, now: datetime) -> int | None:
    """The reminder offset (hours) whose window contains now, if any."""
    offsets = event.reminder_offsets
    for index, hours in enumerate(offsets):
        next_offset = offsets[index + 1] if index + 1 < len(offsets) else 0
        window_start = event.starts_at - timedelta(hours=hours)
        window_end = event.starts_at - timedelta(hours=max(hours / 2, next_offset))
        if window_start <= now < window_end:
            return hours
    return None


def send_reminders(now: datetime) -> int:
    """Queue the reminders due now; returns how many. Never twice per person and offset (the primary key
    of ReminderDelivery guarantees it even when two runs overlap), never for cancelled registrations or
    events, and not to anyone who registered after the reminder's time (their confirmation is fresh)."""
    events = db.session.scalars(
        sa.select(Event).where(
            Event.status == Status.PUBLISHED,
            Event.starts_at > now,
            Event.starts_at <= now + timedelta(hours=MAX_REMINDER_HOURS),
        )
    ).all()
    queued = 0
    for event in events:
        hours = due_offset(event, now)
        if hours is None:
            continue
        due_at = event.starts_at - timedelta(hours=hours)
        already = sa.select(ReminderDelivery.registration_id).where(ReminderDelivery.hours_before == hours)
        registrations = db.session.scalars(
            sa.select(Registration).where(
                Registration.event_id == event.id,
                Registration.status == RegistrationStatus.CONFIRMED,
                Registration.created_at <= due_at,
                Registration.id.not_in(already),
            )
        ).all()
        for registration in registrations:
            db.session.add(ReminderDelivery(registration_id=registration.id, hours_before=hours, sent_at=now))
            notifications.queue_reminder(registration, hours_before=hours, now=now)
            queued += 1
        db.session.flush()
    return queued


def send_recording_followups(now: datetime) -> int:
    """Recording mail for events whose archive URL was posted before they ended."""
    events = db.session.scalars(
        sa.select(Event).where(
            Event.status == Status.PUBLISHED,
            Event.ends_at <= now,
            Event.archive_url.is_not(None),
            sa.or_(Event.recording_notified_url.is_(None), Event.recording_notified_url != Event.archive_url),
        )
    ).all()
    return sum(registration_operations.send_recording_followup(event, now=now).total() for event in events)
