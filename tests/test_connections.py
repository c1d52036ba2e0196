"""A PostgreSQL connection the server closed while it sat in the pool is replaced, not handed to a request."""

import select

import pytest
import sqlalchemy as sa

from eventreg import create_app
from eventreg.core.extensions import db


@pytest.fixture
def postgres_app(postgres_url):
    """An app of its own on the PostgreSQL test database (the tests here skip without one)."""
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": postgres_url, "SECRET_KEY": "test-secret"})
    with app.app_context():
        yield app
        db.engine.dispose()


def pooled_backend(engine: sa.Engine) -> tuple[int, object]:
    """The server process behind the pool's one idle connection, and that connection's driver object."""
    with engine.connect() as connection:
        pid = connection.exec_driver_sql("SELECT pg_backend_pid()").scalar_one()
        driver_connection = connection.connection.driver_connection
    return pid, driver_connection


def terminate(pid: int, driver_connection) -> None:
    """Close a backend from another connection, as a server restart or an administrator would, and wait
    (on the socket, not the clock) until its goodbye has reached our side."""
    admin = sa.create_engine(db.engine.url, poolclass=sa.pool.NullPool)
    with admin.connect() as connection:
        assert connection.execute(sa.text("SELECT pg_terminate_backend(:pid)"), {"pid": pid}).scalar_one()
    admin.dispose()
    readable, _, _ = select.select([driver_connection], [], [], 10)
    assert readable, "the terminated backend never closed its socket"


def test_a_connection_closed_by_the_server_is_replaced_before_use(postgres_app):
    pid, driver_connection = pooled_backend(db.engine)
    terminate(pid, driver_connection)

    with db.engine.connect() as connection:
        new_pid = connection.exec_driver_sql("SELECT pg_backend_pid()").scalar_one()
    assert new_pid != pid


def test_a_request_after_a_server_restart_gets_its_page(postgres_app):
    client = postgres_app.test_client()
    assert client.get("/healthz").status_code == 200  # leaves its connection in the pool
    pid, driver_connection = pooled_backend(db.engine)
    terminate(pid, driver_connection)

    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json == {"status": "ok", "database": "ok"}


def test_a_live_pooled_connection_is_kept(postgres_app):
    first, _ = pooled_backend(db.engine)
    second, _ = pooled_backend(db.engine)
    assert second == first
