"""Engine settings that differ between SQLite and PostgreSQL.

Seats are counted under a lock. PostgreSQL takes a row lock (SELECT ... FOR UPDATE); SQLite ignores
FOR UPDATE, so there a writing transaction takes the database's write lock at BEGIN (BEGIN IMMEDIATE).
Requests that may write (anything but GET, HEAD, OPTIONS) and code inside write_transaction() begin
that way; reads stay deferred so pages never queue behind each other. Measured on these machines:
a deferred read-then-insert oversold, and lock upgrades failed with "database is locked"."""

import select
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

import sqlalchemy as sa
from flask import Flask, g, has_request_context, request
from sqlalchemy import event, exc
from sqlalchemy.orm import Session

from eventreg.core.extensions import db

_force_immediate: ContextVar[bool] = ContextVar("force_immediate", default=False)
READ_ONLY_METHODS = {"GET", "HEAD", "OPTIONS"}


@contextmanager
def write_transaction() -> Iterator[None]:
    """Outside a request (CLI, jobs, tests), make the transactions begun inside take the write lock first."""
    token = _force_immediate.set(True)
    try:
        yield
    finally:
        _force_immediate.reset(token)


def _reads_in_autocommit() -> None:
    """On PostgreSQL, a GET, HEAD or OPTIONS request only reads, so its session's connection runs in
    autocommit mode: no BEGIN and ROLLBACK round trips around the page's queries, which were a quarter of an
    event page's time. Every write in this app happens in a POST. (SQLite keeps its in-process BEGIN.)"""
    if request.method in READ_ONLY_METHODS and request.endpoint not in (None, "static"):
        session = db.session()
        if not session.in_transaction():  # a session shared with the caller (tests) keeps its transaction
            session.connection(execution_options={"isolation_level": "AUTOCOMMIT"})
            g.autocommit_reads = True


class WriteInReadOnlyRequest(RuntimeError):
    """A GET, HEAD or OPTIONS request tried to write. On PostgreSQL it reads in autocommit, so each statement
    would commit alone; a change belongs in a POST."""


def _in_read_only_request() -> bool:
    return has_request_context() and request.method in READ_ONLY_METHODS


def _refuse_flush_in_reads(session, _flush_context, _instances) -> None:
    changed = session.new or session.deleted or any(session.is_modified(obj) for obj in session.dirty)
    if changed and _in_read_only_request():
        raise WriteInReadOnlyRequest(f"{request.method} {request.path} tried to save changes")


def _refuse_dml_in_reads(orm_execute_state) -> None:
    if (orm_execute_state.is_insert or orm_execute_state.is_update or orm_execute_state.is_delete) and (
        _in_read_only_request()
    ):
        raise WriteInReadOnlyRequest(f"{request.method} {request.path} tried to write")


def refuse_writes_in_read_only_requests() -> None:
    """Make "every write happens in a POST" a checked rule rather than a hope, on both databases."""
    for name, listener in (("before_flush", _refuse_flush_in_reads), ("do_orm_execute", _refuse_dml_in_reads)):
        if not event.contains(Session, name, listener):
            event.listen(Session, name, listener)


def _end_autocommit_reads(_error) -> None:
    # Nothing to undo; ending it here means a session that outlives the request begins normally again.
    if g.pop("autocommit_reads", False):
        db.session.rollback()


def _replace_dropped_connection(dbapi_connection, _record, _proxy) -> None:
    """Before a pooled PostgreSQL connection is handed out, make sure the server has not closed it while it
    sat idle (a restart, a failover, pg_terminate_backend, a proxy's idle timeout).

    An idle connection has nothing to read unless the server has spoken: its goodbye message and the closed
    socket make it readable. Asking the socket is one system call; SQLAlchemy's pool_pre_ping asks the
    server instead, a round trip on every checkout that cost as much as a feed's whole validator query.
    Raising DisconnectionError makes the pool throw the connection away and hand out a fresh one."""
    if dbapi_connection.closed or _has_input(dbapi_connection.fileno()):
        raise exc.DisconnectionError("the server closed this pooled connection while it was idle")


def _has_input(fileno: int) -> bool:
    if not hasattr(select, "poll"):  # Windows
        return bool(select.select([fileno], [], [], 0)[0])
    # poll(), unlike select(), also watches descriptors numbered above 1023.
    poller = select.poll()
    poller.register(fileno, select.POLLIN)
    return bool(poller.poll(0))


def _wants_immediate() -> bool:
    if _force_immediate.get():
        return True
    return has_request_context() and request.method not in READ_ONLY_METHODS


def configure_engine_events(app: Flask) -> None:
    refuse_writes_in_read_only_requests()
    with app.app_context():
        engine = db.engine
    if engine.dialect.name == "postgresql":
        if not app.config["SQLALCHEMY_ENGINE_OPTIONS"].get("pool_pre_ping"):
            event.listen(engine, "checkout", _replace_dropped_connection)
        app.before_request(_reads_in_autocommit)
        app.teardown_request(_end_autocommit_reads)
    if engine.dialect.name != "sqlite":
        return

    @event.listens_for(engine, "connect")
    def _sqlite_connect(dbapi_connection, _record):
        # Let SQLAlchemy emit BEGIN itself (below) instead of pysqlite's implicit deferred BEGIN.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        # WAL lets readers carry on while one writer holds the lock; the busy timeout makes a second
        # writer wait for the lock instead of failing at once.
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _sqlite_begin(connection):
        if connection.get_execution_options().get("isolation_level") == "AUTOCOMMIT":
            return  # the connection asked for no transaction: nothing to begin
        connection.exec_driver_sql("BEGIN IMMEDIATE" if _wants_immediate() else "BEGIN")


def every_word_in(words: list[str], *columns) -> list:
    """WHERE clauses for a search box: each word must appear, in any case, in one of the columns. LIKE works
    the same on SQLite and PostgreSQL; the escape keeps a typed % or _ literal."""
    clauses = []
    for word in words:
        pattern = "%" + word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        clauses.append(sa.or_(*(column.ilike(pattern, escape="\\") for column in columns)))
    return clauses
