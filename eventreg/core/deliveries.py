"""The delivery queue: work that leaves the process (mail, webhooks), written once for every kind of row.

A row is written in the transaction of the change it reports (next_attempt_at = now) and its id noted in the
session; after the commit the ids go to a sender (note_queued / take_queued). Sending a row is:
- claim: a conditional UPDATE in one short transaction takes the due rows of a batch and reads them back, so two
  workers or cron runs never both send one; a claim holds a row for CLAIM_TIMEOUT, after which a crashed
  sender's row is due again;
- send: the kind's own step (SMTP, an HTTP POST), outside any transaction;
- record: the outcome, committed at once in a transaction of its own that takes the write lock first (on SQLite
  it waits for the lock rather than failing), so neither a crash nor a busy database sends a row twice. A
  failure is retried with exponential backoff, the last try at the kind's deadline, then given up (failed_at).
A row that is done (its done column or failed_at set) has next_attempt_at cleared, so the due rows are an index
range on that column, and is never claimed again.

Each kind makes one DeliveryQueue over its model with its send step; the model has the columns id, attempts,
next_attempt_at, claimed_at, failed_at, last_error and its done column (sent_at, delivered_at)."""

from collections.abc import Callable, Iterable, Iterator
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import Flask, current_app

from eventreg.core import database
from eventreg.core.background import BackgroundSender
from eventreg.core.extensions import db

CLAIM_TIMEOUT = timedelta(minutes=10)
CLAIM_BATCH = 20  # rows claimed, and handed to the send step, at a time


def note_queued(key: str, ids: Iterable[int]) -> None:
    """Remember rows this session queued, for the sender after the commit."""
    db.session.info.setdefault(key, []).extend(ids)


def take_queued(key: str) -> list[int]:
    """Ids queued in this session since last asked (rolled-back ones are skipped when sending)."""
    return db.session.info.pop(key, [])


# The kind's send step: given the rows claimed (a batch) and now, yields for each in turn whether it was sent,
# having recorded each outcome (DeliveryQueue.succeeded / failed) before yielding it.
SendBatch = Callable[[list[sa.Row], datetime], Iterator[bool]]


class DeliveryQueue:
    def __init__(
        self,
        model: type,
        *,
        name: str,
        done: str,
        setting: str,
        queued_key: str,
        send_batch: SendBatch,
        retry_first: timedelta,
        retry_max: timedelta,
        drain_timeout: Callable[[dict], float],
        claimable: Callable[[datetime], tuple] = lambda now: (),
    ):
        """name: the background thread's ("mail"); done: the column a success sets ("sent_at"); setting: the
        config key saying "background" or "request"; claimable: further conditions a due row must meet."""
        self.model, self.name, self.setting, self.queued_key = model, name, setting, queued_key
        self.done = getattr(model, done)
        self.send_batch = send_batch
        self.retry_first, self.retry_max = retry_first, retry_max
        self.drain_timeout = drain_timeout
        self.extra_claimable = claimable

    def retry_delay(self, attempts: int) -> timedelta:
        """The wait after a row's `attempts`-th failed attempt: retry_first, doubling each time, at most retry_max."""
        return min(self.retry_first * 2 ** min(attempts - 1, 16), self.retry_max)

    def send_queued(self, now: datetime) -> tuple[int, int]:
        """Send what this session queued, now; call right after commit."""
        ids = take_queued(self.queued_key)
        return self.send_pending(now, ids=ids) if ids else (0, 0)

    def deliver_queued(self, now: datetime) -> None:
        """What a request calls after its commit: with the setting "background" this process's sender thread
        takes the rows, so a slow server never holds a page (the rows are committed already, so a process that
        dies first leaves them to the cron command); otherwise they are sent before the response."""
        if current_app.config[self.setting] != "background":
            self.send_queued(now)
            return
        ids = take_queued(self.queued_key)
        if ids:
            self.background_sender(current_app._get_current_object()).submit(ids)

    def background_sender(self, app: Flask) -> BackgroundSender:
        return BackgroundSender.of(
            app, self.name, self.send_pending, batch_size=CLAIM_BATCH, drain_timeout=self.drain_timeout(app.config)
        )

    def send_pending(self, now: datetime, *, ids: list[int] | None = None) -> tuple[int, int]:
        """Send the rows that are due (all, or those ids), in next-attempt order. Returns (sent, failed).

        Each row is tried at most once per call: a claim, and then a failure, moves its next attempt past `now`,
        so a run goes on until nothing is due and refused rows cannot hold back the ones behind them. Claimed
        rows we do not get (sent already, another sender's, rolled back, not due) are simply not ours."""
        if ids is None:
            batches = self._due_batches(now)
        else:
            ids = sorted(ids)
            batches = (ids[start : start + CLAIM_BATCH] for start in range(0, len(ids), CLAIM_BATCH))
        sent = failed = 0
        for batch in batches:
            rows = self.claim(batch, now)
            if not rows:
                continue
            for done in self.send_batch(rows, now):
                if done:
                    sent += 1
                else:
                    failed += 1
        return sent, failed

    def _claimable(self, now: datetime) -> tuple:
        model = self.model
        return (
            model.next_attempt_at <= now,
            self.done.is_(None),
            model.failed_at.is_(None),
            *self.extra_claimable(now),
        )

    def _due_batches(self, now: datetime) -> Iterator[list[int]]:
        model = self.model
        while True:
            query = sa.select(model.id).where(*self._claimable(now))
            ids = list(db.session.scalars(query.order_by(model.next_attempt_at, model.id).limit(CLAIM_BATCH)))
            db.session.commit()
            if not ids:
                return
            yield ids

    def claim(self, ids: list[int], now: datetime) -> list[sa.Row]:
        """Take these rows for sending and read them in the same statement: those that are ours to send."""
        model = self.model
        statement = (
            sa.update(model)
            .where(model.id.in_(ids), *self._claimable(now))
            .values(claimed_at=now, next_attempt_at=now + CLAIM_TIMEOUT)
        )
        rows = sorted(db.session.execute(statement.returning(*model.__table__.c)), key=lambda row: row.id)
        db.session.commit()
        return rows

    def record(self, row_id: int, **values) -> None:
        """The outcome of one attempt (attempts + 1 and the values given), committed at once in a transaction
        of its own that takes the write lock first."""
        model = self.model
        statement = sa.update(model).where(model.id == row_id).values(attempts=model.attempts + 1, **values)
        with database.write_transaction():
            db.session.execute(statement)
            db.session.commit()

    def succeeded(self, row_id: int, now: datetime, **values) -> None:
        self.record(row_id, **{self.done.key: now}, next_attempt_at=None, last_error=None, **values)

    def failed(
        self, row: sa.Row, now: datetime, *, deadline: datetime, give_up: bool = False, **values
    ) -> datetime | None:
        """Record a failed attempt: due again after the backoff (the last try falls at the deadline rather than
        after it), or given up (failed_at) when give_up or once the deadline has come. Returns the next attempt,
        None when given up."""
        if give_up or now >= deadline:
            self.record(row.id, failed_at=now, next_attempt_at=None, **values)
            return None
        next_attempt_at = min(now + self.retry_delay(row.attempts + 1), deadline)
        self.record(row.id, next_attempt_at=next_attempt_at, **values)
        return next_attempt_at
