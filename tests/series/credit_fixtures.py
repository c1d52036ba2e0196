"""Enrolments with their session registrations, written directly with the models (the enrolment operation is
another part of the series work): for the credit, certificate and transcript tests. Bind the fixture in a
test module: `enrol_directly = credit_fixtures.enrol_directly`."""

from datetime import timedelta

import pytest

from eventreg.registrations.models import Registration, RegistrationStatus
from eventreg.series.models import Enrolment


@pytest.fixture
def enrol_directly(db_session, clock):
    """enrol_directly(series, name=, email=, attendance=[(attended, minutes), ...], skip=0, status="confirmed"):
    a confirmed enrolment and one registration per session from the `skip`-th on (a late registrant skips the
    first ones), each session's attended and minutes_attended taken from `attendance` in order (missing: not
    recorded)."""
    counter = iter(range(1, 10_000))

    def make(series, *, name=None, email=None, attendance=(), skip=0, status=RegistrationStatus.CONFIRMED, **fields):
        n = next(counter)
        name = name or f"Learner {n}"
        email = email or f"learner{n}@library.example.org"
        now = clock.now()
        enrolment = Enrolment(
            series_id=series.id,
            name=name,
            email=email,
            organization="Springfield Public Library",
            status=status,
            created_at=now,
            confirmed_at=now if status == RegistrationStatus.CONFIRMED else None,
            **fields,
        )
        db_session.add(enrolment)
        db_session.flush()
        marks = list(attendance)
        for index, event in enumerate(sorted(series.sessions, key=lambda e: e.starts_at)[skip:]):
            attended, minutes = marks[index] if index < len(marks) else (None, None)
            db_session.add(
                Registration(
                    event_id=event.id,
                    enrolment_id=enrolment.id,
                    name=name,
                    email=email,
                    organization="Springfield Public Library",
                    timezone=fields.get("timezone"),
                    status=status,
                    created_at=now,
                    confirmed_at=now if status == RegistrationStatus.CONFIRMED else None,
                    attended=attended,
                    minutes_attended=minutes,
                )
            )
        db_session.flush()
        db_session.expire(enrolment, ["registrations"])
        return enrolment

    return make


@pytest.fixture
def after_course(clock):
    """Move the clock to an hour after the series' last session ends."""

    def move(series):
        clock.set(max(e.ends_at for e in series.sessions) + timedelta(hours=1))

    return move
