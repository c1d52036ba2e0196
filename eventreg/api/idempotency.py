"""Idempotency-Key on the host API's POSTs (the IETF httpapi draft, as Stripe has it): a client that lost an
answer (a timeout, a dropped connection) sends the request again with the same key, and gets the first answer
again instead of a second registration, event or e-mail.

- The same key, method, path and body within KEEP of the first, from the same token: the first answer (status,
  body, Location) again, with Idempotent-Replayed: true; nothing runs.
- The same key with another method, path or body: 422 (idempotency_key_reused).
- The same key while the first request is still running: 409 (idempotency_key_in_use).
- An answer of 400 or more is not kept (the commit point rolls the request back, so it did nothing): the key may
  be used again.

The claim is a row whose unique (token, key) lets one request in. On PostgreSQL it is committed in a short
transaction of its own before the view runs, so a second request with the key sees it at once (409); on SQLite a
writing request holds the database's write lock from its first statement, so the claim is made in the request's
own transaction (a savepoint) and a second request waits for the first to end, then gets its answer. Either way
the answer is written in the request's own transaction, so it is kept exactly when the change it reports is.
Rows older than KEEP are deleted lazily, when the token next sends a key."""

import functools
import hashlib
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import Response, current_app, g, request
from flask_babel import gettext as _

from eventreg import clock
from eventreg.api.models import IdempotentRequest
from eventreg.api.problems import fail
from eventreg.core.extensions import db
from eventreg.core.requests import after_commit

KEEP = timedelta(hours=24)
# A claim still unanswered after this long belongs to a request that died with its worker: no request runs so long.
ABANDONED = timedelta(minutes=10)
REPLAYED = "Idempotent-Replayed"
table = IdempotentRequest.__table__


def _own_transaction() -> bool:
    return db.engine.dialect.name != "sqlite"


def _claim(executor, values: dict, now: datetime) -> int | None:
    """Purge the token's expired rows, then insert the claim: its id, or None when the key is already held."""
    expired = sa.or_(
        table.c.created_at < now - KEEP, sa.and_(table.c.status.is_(None), table.c.created_at < now - ABANDONED)
    )
    executor.execute(sa.delete(table).where(table.c.token_id == values["token_id"], expired))
    try:
        with executor.begin_nested():
            return executor.execute(sa.insert(table).values(**values).returning(table.c.id)).scalar_one()
    except sa.exc.IntegrityError:
        return None


def _held(token_id: int, key: str):
    query = sa.select(table).where(table.c.token_id == token_id, table.c.key == key)
    if _own_transaction():
        with db.engine.connect() as connection:
            return connection.execute(query).one_or_none()
    return db.session.execute(query).one_or_none()


def _answer_again(held, values: dict) -> Response:
    if held is None:  # released between our claim and this read: the first request failed
        fail(409, "idempotency_key_in_use", _("A request with this Idempotency-Key just ended; send it again."))
    if (held.method, held.path, held.body_hash) != (values["method"], values["path"], values["body_hash"]):
        fail(
            422,
            "idempotency_key_reused",
            _(
                "This Idempotency-Key was sent with another request (method, path or body). Use a new key for a new "
                "request."
            ),
        )
    if held.status is None:
        detail = _("A request with this Idempotency-Key is still running; try again soon.")
        fail(409, "idempotency_key_in_use", detail)
    response = Response(held.body, status=held.status, mimetype="application/json")
    if held.location:
        response.headers["Location"] = held.location
    response.headers[REPLAYED] = "true"
    return response


def idempotent(view):
    """The view, answering again what it answered to the same Idempotency-Key (the idempotency_key keyword, from
    schemas.IdempotencyHeaders) instead of running twice."""

    @functools.wraps(view)
    def idempotent_view(*args, idempotency_key: str | None = None, **kwargs):
        if idempotency_key is None:
            return view(*args, **kwargs)
        now = clock.now()
        values = {
            "token_id": g.api_token.id,
            "key": idempotency_key,
            "method": request.method,
            "path": request.path,
            "body_hash": hashlib.sha256(request.get_data(cache=True)).hexdigest(),
            "created_at": now,
        }
        if _own_transaction():
            with db.engine.begin() as connection:
                claim_id = _claim(connection, values, now)
            if claim_id is not None:
                g.idempotency_claim = claim_id  # released by release_unanswered unless the request commits
        else:
            claim_id = _claim(db.session, values, now)
        if claim_id is None:
            return _answer_again(_held(values["token_id"], idempotency_key), values)
        response = current_app.make_response(view(*args, **kwargs))
        if response.status_code < 400:
            db.session.execute(
                sa.update(table)
                .where(table.c.id == claim_id)
                .values(status=response.status_code, body=response.get_data(as_text=True), location=response.location)
            )
            after_commit(lambda: g.pop("idempotency_claim", None))
        return response

    return idempotent_view


def release_unanswered(_error=None) -> None:
    """After a request whose claim was committed apart (PostgreSQL) but whose answer was not (an error answer,
    an exception, a failed commit): delete the claim, so the key may be sent again."""
    claim_id = g.pop("idempotency_claim", None)
    if claim_id is None:
        return
    db.session.rollback()  # already rolled back by the commit point or the failure; ends the transaction here
    with db.engine.begin() as connection:
        connection.execute(sa.delete(table).where(table.c.id == claim_id, table.c.status.is_(None)))
