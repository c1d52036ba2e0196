"""Reads: who qualifies for a certificate, and the certificates of an event or a person."""

import sqlalchemy as sa

from eventreg.attendance import credit
from eventreg.certificates.models import Certificate
from eventreg.core.extensions import db
from eventreg.events.models import Event
from eventreg.registrations.models import Registration, RegistrationStatus


def qualifying_query(event: Event) -> sa.Select:
    """Confirmed registrants who met the credit rule (attendance.credit.met_rule) and have no certificate yet,
    by name."""
    return (
        sa.select(Registration)
        .outerjoin(Certificate, Certificate.registration_id == Registration.id)
        .where(
            Registration.event_id == event.id,
            Registration.status == RegistrationStatus.CONFIRMED,
            credit.met_rule_clause(event),
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


def list_for_registrations(registration_ids: list[int]) -> list[Certificate]:
    if not registration_ids:
        return []
    return list(db.session.scalars(sa.select(Certificate).where(Certificate.registration_id.in_(registration_ids))))


def get_by_code(code: str) -> Certificate | None:
    return db.session.scalar(sa.select(Certificate).where(Certificate.code == code))


def count_for_event(event_id: int) -> int:
    return db.session.scalar(sa.select(sa.func.count()).where(Certificate.event_id == event_id)) or 0
