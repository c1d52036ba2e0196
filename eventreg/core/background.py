"""Sending after the response: one daemon thread per app, process and kind of row (mail, webhooks), handed
the ids a request queued once it has committed, so a slow SMTP server or receiver never holds a page."""

import atexit
import logging
import os
import queue
import threading
from collections.abc import Callable

from flask import Flask

from eventreg.core.extensions import db

log = logging.getLogger(__name__)
_lock = threading.Lock()


class BackgroundSender:
    """Hands batches of row ids to send(now, ids=...) in the order they were submitted. Batches already
    waiting are merged, up to batch_size, so under load one claim serves many requests."""

    def __init__(self, app: Flask, name: str, send: Callable[..., object], *, batch_size: int, drain_timeout: float):
        self.app, self.name, self.send, self.batch_size = app, name, send, batch_size
        self.pid = os.getpid()
        self.queue: queue.Queue[list[int] | threading.Event] = queue.Queue()
        self.thread = threading.Thread(target=self._run, name=f"eventreg-{name}", daemon=True)
        self.thread.start()
        # A worker stopping gracefully sends what it has before it goes.
        atexit.register(self.drain, timeout=drain_timeout)

    @classmethod
    def of(cls, app: Flask, name: str, send: Callable[..., object], **options) -> "BackgroundSender":
        """The app's sender of this name in this process, started on first use."""
        key = f"eventreg.{name}_sender"
        sender = app.extensions.get(key)
        # A sender made before a fork (gunicorn --preload) has no thread in the child: make the child its own.
        if sender is None or sender.pid != os.getpid():
            with _lock:
                sender = app.extensions.get(key)
                if sender is None or sender.pid != os.getpid():
                    sender = app.extensions[key] = cls(app, name, send, **options)
        return sender

    def submit(self, ids: list[int]) -> None:
        self.queue.put(ids)

    def drain(self, timeout: float | None = None) -> bool:
        """Wait until everything submitted so far has been tried; True if that happened within the timeout."""
        reached = threading.Event()
        self.queue.put(reached)
        return reached.wait(timeout)

    def _run(self) -> None:
        from eventreg import clock

        while True:
            ids, marker = self._take()
            if ids:
                with self.app.app_context():
                    try:
                        self.send(clock.now(), ids=ids)
                    except Exception:
                        # The rows stay due (or claimed, then due after the claim times out) for the cron command.
                        log.exception(f"background {self.name} delivery failed", extra={"ids": ids})
                    finally:
                        db.session.remove()
            if marker is not None:
                marker.set()

    def _take(self) -> tuple[list[int], threading.Event | None]:
        """The next batch: what the first waiting request queued, plus whatever more is already waiting, up
        to a drain() marker or batch_size ids."""
        ids: list[int] = []
        item = self.queue.get()
        while True:
            if isinstance(item, threading.Event):
                return ids, item
            ids.extend(item)
            if len(ids) >= self.batch_size:
                return ids, None
            try:
                item = self.queue.get_nowait()
            except queue.Empty:
                return ids, None
