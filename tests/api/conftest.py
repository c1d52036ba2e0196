"""Fixtures for the API: tokens made through the real operation, and requests that carry them."""

import pytest
from flask.testing import FlaskClient

from eventreg.api import operations


class CommittingClient(FlaskClient):
    """Commits the test's session before each request. The test client shares that session with the app, and a
    token's use by a GET is written in a transaction of its own (api.operations.note_use_beside): on SQLite, a
    read the session had already begun would not see it, and could no longer write."""

    def open(self, *args, **kwargs):
        from eventreg.core.extensions import db

        db.session.commit()
        return super().open(*args, **kwargs)


@pytest.fixture
def client_of(db_session):
    """client_of(app): a test client for that app that commits the test's session before each request."""
    return lambda app: CommittingClient(app, app.response_class, use_cookies=True)


@pytest.fixture
def client(app, client_of):
    return client_of(app)


@pytest.fixture
def make_token(db_session, clock):
    """make_token(host, write=True): a new token's secret (the row is committed, so requests see it)."""

    def make(host, *, write: bool = True, name: str = "Library website") -> str:
        _token, secret = operations.create_token(host, name=name, can_write=write, now=clock.now())
        db_session.commit()
        return secret

    return make


@pytest.fixture
def bearer():
    """bearer(secret): the headers that send a token."""
    return lambda secret: {"Authorization": f"Bearer {secret}"}


@pytest.fixture
def as_problem():
    """as_problem(response): the problem document, after checking the response is one."""

    def read(response) -> dict:
        assert response.mimetype == "application/problem+json", (response.status, response.get_data(as_text=True))
        body = response.get_json(force=True)
        assert body["status"] == response.status_code
        assert {"type", "title", "status", "detail", "code"} <= set(body)
        return body

    return read
