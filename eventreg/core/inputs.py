"""Input that no page could hold, refused once for every route before any view sees it.

PostgreSQL cannot store a NUL character in text and raises when asked to compare with one, so a NUL in
a path, a query parameter or a form field is a 400, whatever the route. Integer path segments are ids,
kept within the database's INTEGER range, so a huge one is a plain 404 rather than an overflow."""

from flask import Flask, abort, request
from werkzeug.routing import IntegerConverter

MAX_ID = 2**31 - 1  # PostgreSQL's INTEGER; SQLite's is wider, and both must answer alike


class IdConverter(IntegerConverter):
    """`<int:...>` in every route: a non-negative integer no larger than MAX_ID, else the route does not match."""

    def __init__(self, map, *args, **kwargs):
        kwargs.setdefault("max", MAX_ID)
        super().__init__(map, *args, **kwargs)


def has_nul(values) -> bool:
    return any("\x00" in key or any("\x00" in value for value in values.getlist(key)) for key in values)


def refuse_nul_bytes() -> None:
    if "\x00" in request.path or has_nul(request.args):
        abort(400)
    is_form = request.mimetype in ("application/x-www-form-urlencoded", "multipart/form-data")
    if request.method == "POST" and is_form and has_nul(request.form):
        abort(400)


def init_app(app: Flask) -> None:
    """Before the blueprints: the converter applies to rules as they are added, and the check must run
    before every other before_request hook."""
    app.url_map.converters["int"] = IdConverter
    app.before_request(refuse_nul_bytes)
