"""Reads over imported attendance, for the hosts' summaries."""

import sqlalchemy as sa

from eventreg.core.extensions import db
from eventreg.registrations.models import Registration, RegistrationStatus


def average_minutes(event_ids: list[int]) -> dict[int, int]:
    """{event id: average minutes of the confirmed registrants with imported minutes}, in one query; events
    without imported minutes are left out."""
    if not event_ids:
        return {}
    rows = db.session.execute(
        sa.select(Registration.event_id, sa.func.avg(Registration.minutes_attended))
        .where(
            Registration.event_id.in_(event_ids),
            Registration.status == RegistrationStatus.CONFIRMED,
            Registration.minutes_attended.is_not(None),
        )
        .group_by(Registration.event_id)
    )
    return {event_id: round(float(average)) for event_id, average in rows}
