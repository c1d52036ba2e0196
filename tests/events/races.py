"""Making writers meet where a race can happen, so a race test fails every time the code is wrong, not once
in a while: a write waits until every party has got that far (everyone has checked, nobody has
written yet), then go at once. Nothing of ours is replaced: the statements only wait."""

import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import event


@contextmanager
def writes_meet(engine, statement: str, parties: int) -> Iterator[None]:
    """Each thread's first statement starting `statement` ("INSERT INTO events") waits for `parties` threads to
    arrive, on PostgreSQL. SQLite
    writers take the database's write lock at BEGIN (eventreg/core/database.py), so there the second writer
    waits before it reads, nobody could meet, and the threads simply run one after another."""
    if engine.dialect.name == "sqlite":
        yield
        return
    barrier = threading.Barrier(parties, timeout=30)
    arrived = threading.local()
    pattern = re.compile(rf"{re.escape(statement)}\b")

    def meet(_connection, _cursor, statement, _parameters, _context, _executemany):
        if pattern.match(statement) and not getattr(arrived, "done", False):
            arrived.done = True
            barrier.wait()

    event.listen(engine, "before_cursor_execute", meet)
    try:
        yield
    finally:
        event.remove(engine, "before_cursor_execute", meet)


def run_together(work, count: int) -> list:
    """work(n) in `count` threads at once; each one's result, or the exception it raised."""
    results: list = [None] * count
    start = threading.Barrier(count, timeout=30)

    def one(n: int) -> None:
        start.wait()
        try:
            results[n] = work(n)
        except Exception as error:  # noqa: BLE001 - the test reports it
            results[n] = error

    threads = [threading.Thread(target=one, args=(n,)) for n in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return results
