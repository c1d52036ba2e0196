"""Reads: who qualifies for a certificate, and the certificates of an event or a person."""

import sqlalchemy as sa

from eventreg.attendance import credit
from eventreg.certificates.models import Certificate, CourseCertificate
from eventreg.core.extensions import db
from eventreg.events.models import Event
from eventreg.registrations.models import Registration, RegistrationStatus
from eventreg.series import credit as course_credit
from eventreg.series import queries as series_queries
from eventreg.series.models import Enrolment, Series


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


# Courses: one certificate per enrolment, for the whole course


def list_course_credits(series: Series) -> list[tuple[Enrolment, course_credit.CourseCredit]]:
    """Every confirmed enrolment of the course with its credit (series/credit.py), by name."""
    sessions = series_queries.sessions(series)
    enrolments = db.session.scalars(
        sa.select(Enrolment)
        .where(Enrolment.series_id == series.id, Enrolment.status == RegistrationStatus.CONFIRMED)
        .options(sa.orm.selectinload(Enrolment.registrations))
        .order_by(Enrolment.name, Enrolment.id)
    )
    return [(e, course_credit.judge(series, sessions, e.registrations)) for e in enrolments]


def list_course_qualifying(series: Series) -> list[tuple[Enrolment, course_credit.CourseCredit]]:
    """Confirmed enrolments that met the course's rule and have no course certificate yet, by name."""
    issued = set(
        db.session.scalars(sa.select(CourseCertificate.enrolment_id).where(CourseCertificate.series_id == series.id))
    )
    return [(e, c) for e, c in list_course_credits(series) if c.met and e.id not in issued]


def list_for_series(series: Series) -> list[CourseCertificate]:
    return list(
        db.session.scalars(
            sa.select(CourseCertificate)
            .where(CourseCertificate.series_id == series.id)
            .order_by(CourseCertificate.name, CourseCertificate.id)
        )
    )


def count_for_series(series_id: int) -> int:
    query = sa.select(sa.func.count()).where(CourseCertificate.series_id == series_id)
    return db.session.scalar(query) or 0


def list_for_enrolments(enrolment_ids: list[int]) -> list[CourseCertificate]:
    if not enrolment_ids:
        return []
    query = sa.select(CourseCertificate).where(CourseCertificate.enrolment_id.in_(enrolment_ids))
    return list(db.session.scalars(query))


def get_course_certificate_by_code(code: str) -> CourseCertificate | None:
    return db.session.scalar(sa.select(CourseCertificate).where(CourseCertificate.code == code))
