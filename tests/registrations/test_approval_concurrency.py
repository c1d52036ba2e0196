"""Approvals go through the event's lock, as registrations do: hosts approving at once, in bulk and in any order,
never give out more seats than there are, and each person is approved, and mailed, once."""

import random

import sqlalchemy as sa

from eventreg.core import database
from eventreg.core.extensions import db
from eventreg.events.models import Event
from eventreg.mail.models import OutboxMessage
from eventreg.registrations import operations
from eventreg.registrations.models import Registration, RegistrationStatus
from tests.events.races import run_together

HOSTS = 8  # threads, each a host approving every pending registration at once
PENDING = 30
CAPACITY = 7


def test_concurrent_bulk_approvals_never_oversell_and_mail_each_person_once(app, make_event, register, db_session):
    event = make_event(capacity=CAPACITY, requires_approval=True)
    ids = [register(event).id for _ in range(PENDING)]
    db_session.commit()
    event_id = event.id
    now = app.config["CLOCK"].now()

    def approve_all(n: int):
        """One host's bulk approval of every pending registration, ticked in an order of their own."""
        order = ids[:]
        random.Random(n).shuffle(order)
        with app.app_context(), database.write_transaction():
            try:
                chosen = list(db.session.scalars(sa.select(Registration).where(Registration.id.in_(order))))
                decisions = operations.approve(db.session.get(Event, event_id), chosen, now=now)
                db.session.commit()
            except Exception:
                db.session.rollback()
                raise
            return len(decisions.confirmed), len(decisions.waiting), len(decisions.skipped)

    results = run_together(approve_all, HOSTS)

    assert [r for r in results if isinstance(r, Exception)] == []
    # Between them the hosts approved everyone once: the rest of each host's ticks were skipped.
    assert sum(confirmed + waiting for confirmed, waiting, _ in results) == PENDING
    assert sum(skipped for _, _, skipped in results) == PENDING * (HOSTS - 1)
    db_session.rollback()  # end the snapshot this session read before the threads wrote
    rows = list(db_session.scalars(sa.select(Registration).where(Registration.event_id == event_id)))
    statuses = sorted(r.status for r in rows)
    assert statuses.count(RegistrationStatus.CONFIRMED) == CAPACITY
    assert statuses.count(RegistrationStatus.WAITING) == PENDING - CAPACITY
    # Seats went to the earliest registered (each host sorts the ticked by registration before seating).
    assert {r.id for r in rows if r.is_confirmed} == set(ids[:CAPACITY])
    waiting = [r for r in rows if r.is_waiting]
    assert sorted(operations.waiting_position(r) for r in waiting) == list(range(1, len(waiting) + 1))
    decided = db_session.execute(
        sa.select(OutboxMessage.registration_id, sa.func.count())
        .where(OutboxMessage.registration_id.in_(ids), OutboxMessage.kind.in_(["confirmation", "waiting"]))
        .group_by(OutboxMessage.registration_id)
    ).all()
    assert dict(decided) == dict.fromkeys(ids, 1)
