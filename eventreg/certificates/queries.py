"""Reads: who qualifies for a certificate, and the certificates of an event or a person."""

import sqlalchemy as sa

from eventreg.attendance import credit
from eventreg.certificates.models import Certificate
from eventreg.core.extensions import db
from eventreg.events.models import Event
from eventreg.registrations.models import Registration, RegistrationStatus


def qualifying_query(event: Event) -> sa.Select:
    """Confirmed registrants who met the credit rule and have no certificate yet, by name.

    Met the rule: marked attended, and, when the platform's report gave their minutes, at least the required
    minutes. Someone the host ticked as attended by hand has no minutes; the host's tick is the evidence and
    they qualify (a host who wants the minutes checked imports the report, which records them)."""
    return (
        sa.select(Registration)
        .outerjoin(Certificate, Certificate.registration_id == Registration.id)
        .where(
            Registration.event_id == event.id,
            Registration.status == RegistrationStatus.CONFIRMED,
            Registration.attended.is_(True),
            sa.or_(
                Registration.minutes_attended.is_(None),
                Registration.minutes_attended >= credit.required_minutes(event),
            ),
            Certificate.id.is_(None),
        )
        .order_by(Registration.name, Registration.id)
    )


def list_qualifying(event: Event) -> list[Registration]:
    return list(db.session.scalars(qualifying_query(event)))


def list_for_event(event: Event) -> list[Certificate]:
    return list(
        db.session.scalars(
            sa.select(Certificate).where(Certificate.event_id == event.id).order_by(Certificate.name, Certificate.id)
        )
    )


def get_for_registration(registration: Registration) -> Certificate | None:
    return db.session.scalar(sa.select(Certificate).where(Certificate.registration_id == registration.id))


def get_by_code(code: str) -> Certificate | None:
    return db.session.scalar(sa.select(Certificate).where(Certificate.code == code))


def count_for_event(event_id: int) -> int:
    return db.session.scalar(sa.select(sa.func.count()).where(Certificate.event_id == event_id)) or 0
