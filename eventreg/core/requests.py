"""One commit point per request, as Indico's request handler has. A view that may write (anything but GET,
HEAD, OPTIONS; reads never write, see eventreg/core/database.py) returns; then its session is committed once, what
waited for the commit runs (log lines that must say only what was saved), and the mail and webhook deliveries it
queued are handed to their senders. No view commits or starts delivery by hand.

A view that raises (abort and CSRF failures included) commits nothing: the session is rolled back when the
request ends. A view that refuses something after an operation wrote rolls back before it answers; what is
still in the session when it returns, a 401 sign-in failure's recorded attempt for one, is kept."""

import functools
from collections.abc import Callable

from flask import Flask, g, request

from eventreg import clock
from eventreg.core.database import READ_ONLY_METHODS
from eventreg.core.extensions import db
from eventreg.mail import sending
from eventreg.webhooks import sending as webhook_sending


def after_commit(callback: Callable[[], None]) -> None:
    """Run callback once this request's changes are committed (never, if they are not)."""
    g.setdefault("after_commit", []).append(callback)


def commit_after(view: Callable) -> Callable:
    """The view, followed by the request's one commit and the hand-over of queued mail."""

    @functools.wraps(view)  # keeps the view's own flags (caching.public)
    def committing_view(*args, **kwargs):
        response = view(*args, **kwargs)
        if request.method not in READ_ONLY_METHODS:
            db.session.commit()
            for callback in g.pop("after_commit", []):
                callback()
            sending.deliver_queued(clock.now())  # after the commit: the rows must exist for the sender
            webhook_sending.deliver_queued(clock.now())
        return response

    return committing_view


def init_app(app: Flask) -> None:
    """Call after the blueprints are registered, so every view is wrapped."""
    for endpoint, view in app.view_functions.items():
        if endpoint != "static":
            app.view_functions[endpoint] = commit_after(view)
