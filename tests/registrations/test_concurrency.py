"""Seats are never oversold: a few hundred simultaneous registrations from several processes."""

import multiprocessing
import threading
import time
from datetime import datetime

import sqlalchemy as sa

from eventreg.registrations import operations
from eventreg.registrations.models import Registration, RegistrationStatus

PROCESSES = 4
THREADS_PER_PROCESS = 60
CAPACITY = 25


def _register_many(
    database_url: str, now: datetime, event_id: int, process_index: int, start_at: float, results
) -> None:
    """In a fresh process: a fresh app and engine, then many threads registering at once."""
    from eventreg import create_app
    from eventreg.clock import FixedClock
    from eventreg.core import database
    from eventreg.core.extensions import db
    from eventreg.events.models import Event
    from eventreg.registrations.operations import RegistrationError

    app = create_app({"SQLALCHEMY_DATABASE_URI": database_url, "TESTING": True, "CLOCK": FixedClock(now)})
    errors: list[str] = []
    outcomes: list[str] = []

    def one(n: int) -> None:
        with app.app_context(), database.write_transaction():
            try:
                event = db.session.get(Event, event_id)
                registration = operations.register(
                    event,
                    name=f"P{process_index} T{n}",
                    email=f"p{process_index}-t{n}@library.example.org",
                    organization="Library",
                    now=app.config["CLOCK"].now(),
                )
                db.session.commit()
                outcomes.append(registration.status)
            except (RegistrationError, sa.exc.SQLAlchemyError) as error:
                db.session.rollback()
                errors.append(repr(error))

    threads = [threading.Thread(target=one, args=(n,)) for n in range(THREADS_PER_PROCESS)]
    time.sleep(max(0.0, start_at - time.time()))  # all processes start together
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    results.put((outcomes, errors))


def test_concurrent_registrations_never_oversell(app, database_url, make_event, db_session, clock):
    event = make_event(capacity=CAPACITY)
    db_session.commit()
    context = multiprocessing.get_context("spawn")
    results = context.Queue()
    start_at = time.time() + 3  # time to spawn and import
    processes = [
        context.Process(target=_register_many, args=(database_url, clock.now(), event.id, index, start_at, results))
        for index in range(PROCESSES)
    ]
    for process in processes:
        process.start()
    collected = [results.get(timeout=120) for _ in processes]
    for process in processes:
        process.join(timeout=30)
        assert process.exitcode == 0

    errors = [error for _, process_errors in collected for error in process_errors]
    assert errors == []
    total = PROCESSES * THREADS_PER_PROCESS
    db_session.rollback()  # end the snapshot this session read before the processes wrote
    rows = list(db_session.scalars(sa.select(Registration).where(Registration.event_id == event.id)))
    assert len(rows) == total
    confirmed = [r for r in rows if r.status == RegistrationStatus.CONFIRMED]
    waiting = sorted((r for r in rows if r.status == RegistrationStatus.WAITING), key=lambda r: (r.created_at, r.id))
    assert len(confirmed) == CAPACITY
    assert len(waiting) == total - CAPACITY
    # One queue: every confirmed registration came before every waiting one, and positions run 1..N.
    assert max(r.id for r in confirmed) < min(r.id for r in waiting)
    assert [operations.waiting_position(r) for r in waiting] == list(range(1, len(waiting) + 1))
