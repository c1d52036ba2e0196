"""One commit point per request, as Indico's request handler has. A view that may write (anything but GET,
HEAD, OPTIONS; reads never write, see eventreg/core/database.py) returns; then the answer's status decides:

- below 400, the session is committed once, what waited for the commit runs (log lines that must say only
  what was saved), and the deliveries it queued are handed to the senders the factory gave init_app (mail
  and webhooks; core knows no domain package, so it is told them);
- 400 or above, the session is rolled back: a refusal after an operation wrote leaves nothing behind, its
  queued mail and webhooks included, and nothing waiting for the commit runs. No view rolls back by hand.

The one kind of view whose refusal must keep a write (a failed sign-in's recorded attempt, which the limit
on attempts counts) says so by calling keep_on_error() before it answers; its 4xx is then committed like a
2xx. A view that raises (abort and CSRF failures included) commits nothing: the session is rolled back when
the request ends."""

import functools
from collections.abc import Callable, Iterable
from datetime import datetime

from flask import Flask, current_app, g, request

from eventreg import clock
from eventreg.core.database import READ_ONLY_METHODS
from eventreg.core.extensions import db

Sender = Callable[[datetime], object]
EXTENSION = "eventreg.requests"


def after_commit(callback: Callable[[], None]) -> None:
    """Run callback once this request's changes are committed (never, if they are not)."""
    g.setdefault("after_commit", []).append(callback)


def keep_on_error() -> None:
    """Commit this request's writes even though its answer is an error: for a refusal that must be remembered
    (a failed sign-in's attempt row). Without it, an answer of 400 or more is rolled back."""
    g.keep_on_error = True


def commit_after(view: Callable) -> Callable:
    """The view, followed by the request's one commit (or rollback, for an error answer) and the hand-over of
    queued deliveries."""

    @functools.wraps(view)  # keeps the view's own flags (caching.public)
    def committing_view(*args, **kwargs):
        answer = view(*args, **kwargs)
        if request.method in READ_ONLY_METHODS:
            return answer
        response = current_app.make_response(answer)  # a tuple, a string or a Response: its status, once
        if response.status_code >= 400 and not g.pop("keep_on_error", False):
            db.session.rollback()
            g.pop("after_commit", None)
            return response
        db.session.commit()
        for callback in g.pop("after_commit", []):
            callback()
        for deliver_queued in current_app.extensions[EXTENSION]:
            deliver_queued(clock.now())  # after the commit: the rows must exist for the sender
        return response

    return committing_view


def init_app(app: Flask, *, senders: Iterable[Sender] = ()) -> None:
    """Call after the blueprints are registered, so every view is wrapped. Each sender is called with the time
    after every commit, to send what the request queued."""
    app.extensions[EXTENSION] = list(senders)
    for endpoint, view in app.view_functions.items():
        if endpoint != "static":
            app.view_functions[endpoint] = commit_after(view)
