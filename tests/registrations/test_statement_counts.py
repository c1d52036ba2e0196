"""A registration's SQL statements: as many for the hundredth registrant as for the first, and few while the event's
row is locked (every other registration of the event waits for that lock; see the README's registration profile)."""

from contextlib import contextmanager

import sqlalchemy as sa

from eventreg.core.extensions import db
from eventreg.mail import outbox


@contextmanager
def counted_statements():
    statements: list[str] = []

    def record(conn, cursor, statement, parameters, *args):
        if not statement.startswith("BEGIN"):  # SQLite's write lock comes or not with the connection's state
            statements.append(" ".join(statement.split()))

    def committed(session):
        statements.append("COMMIT")

    sa.event.listen(db.engine, "before_cursor_execute", record)
    sa.event.listen(sa.orm.Session, "after_commit", committed)
    try:
        yield statements
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", record)
        sa.event.remove(sa.orm.Session, "after_commit", committed)


def _locked(statements: list[str]) -> list[str]:
    """The statements from the event row's FOR UPDATE to the commit, which ends the lock (mail is sent after it)."""
    start = next(n for n, statement in enumerate(statements) if statement.endswith("FOR UPDATE"))
    return statements[start : statements.index("COMMIT", start)]


def test_a_registration_costs_the_same_statements_however_many_registered_before(
    make_event, register, post_registration, db_session
):
    event = make_event(capacity=500)
    with counted_statements() as first:
        assert post_registration(event, email="first@library.example.org").status_code == 200
    for _ in range(60):
        register(event)
    db_session.commit()
    outbox.take_queued_ids()  # their mail is not this request's
    assert event.slug  # the test's own copy, expired by the commit, is read back outside the count
    with counted_statements() as later:
        assert post_registration(event, email="later@library.example.org").status_code == 200
    # Up to the commit: the mail sent after it (MAIL_DELIVERY=request in the tests) is the sender's.
    assert len(later[: later.index("COMMIT")]) == len(first[: first.index("COMMIT")])
    if db.engine.dialect.name != "postgresql":
        return  # SQLite takes its write lock at BEGIN and has no FOR UPDATE to count from
    # Under the lock: the lock, the address's registration, the confirmed count, the registration, the personal
    # feed, the outbox row and the webhook endpoints. No answers are read or deleted for a new registration of an
    # event without questions, and no webhook payload is built when no endpoint receives it.
    assert len(_locked(later)) <= 7, _locked(later)
    assert not [statement for statement in _locked(later) if "FROM answers" in statement]
