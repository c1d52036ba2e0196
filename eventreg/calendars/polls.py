"""Polls of the public feed, answered before Flask.

Calendar apps fetch /calendar.ics every few minutes for years, and nearly every fetch is answered with a
304 or with a body this process has built already. Through Flask, its extensions, the ORM session and their
hooks, such an answer cost about three times what a minimal Flask view costs, while the database read it
needs costs almost nothing (`benchmarks.calendar_feed`, "floor" row). So this WSGI layer answers those
polls itself: the same validator, read from the database on every poll, and the same response
(eventreg/calendars/feeds.py), through one Core statement on a pooled connection.

Everything else goes on to Flask, which answers it the same way: other methods and paths, topic feeds, a
query string (?tz= sets a cookie), a Cookie header (a browser, whose session Flask may refresh), a body not
built yet, a database error (Flask reports it), and apps with TRUSTED_HOSTS (Flask checks the host)."""

import sqlalchemy as sa
from flask import Flask
from werkzeug.wrappers import Request

from eventreg import security
from eventreg.calendars import feeds
from eventreg.extensions import db

PATH = "/calendar.ics"


class FeedPolls:
    def __init__(self, app: Flask, wsgi_app):
        self.app = app
        self.wsgi_app = wsgi_app
        self.hsts = security.wants_hsts(app)
        with app.app_context():
            engine = db.engine
        if engine.dialect.name == "postgresql":
            # The pool's connections, in autocommit for this one read: no BEGIN and ROLLBACK round trips.
            # (SQLite's are in process, and its driver would leave autocommit in the wrong mode.)
            engine = engine.execution_options(isolation_level="AUTOCOMMIT")
        self.engine = engine

    def __call__(self, environ, start_response):
        if not self._is_poll(environ):
            return self.wsgi_app(environ, start_response)
        request = Request(environ)
        try:
            with self.engine.connect() as connection:
                current = feeds.validator(connection, None, request.host, self.app.config["CLOCK"].now())
        except sa.exc.SQLAlchemyError:
            return self.wsgi_app(environ, start_response)
        response = feeds.answer(request, current, feeds.bodies(self.app))
        if response is None:  # no body kept for this version: the view builds it
            return self.wsgi_app(environ, start_response)
        security.secure(response.headers, PATH, hsts=self.hsts)
        response.vary.add("Cookie")  # as on Flask's answers, where the session adds it
        return response(environ, start_response)

    def _is_poll(self, environ) -> bool:
        return (
            environ["REQUEST_METHOD"] == "GET"
            and environ.get("PATH_INFO") == PATH
            and not environ.get("QUERY_STRING")
            and "HTTP_COOKIE" not in environ
            and not self.app.config.get("TRUSTED_HOSTS")
        )


def init_app(app: Flask) -> None:
    """Call before anything wraps app.wsgi_app in middleware that rewrites the environ (ProxyFix), so that
    polls see the host Flask sees."""
    app.wsgi_app = FeedPolls(app, app.wsgi_app)
