"""Input that no page could hold, refused once for every route before any view sees it.

PostgreSQL cannot store a NUL character in text and raises when asked to compare with one, so a NUL in
a path, a query parameter or a form field is a 400, whatever the route. Integer path segments are ids,
kept within the database's INTEGER range, so a huge one is a plain 404 rather than an overflow.

JSON (the API's bodies, its cursors) is read by load_json alone, which refuses what no value of ours can be
and what Python or the database would choke on: nesting deeper than MAX_JSON_DEPTH (json.loads recurses, and
50,000 levels raise RecursionError), an integer longer than MAX_JSON_DIGITS (int() refuses over 4,300 digits),
a NUL (as in forms), a lone surrogate such as "\\ud800" (it cannot be encoded as UTF-8, so the database and even
the error document answering it would fail), and NaN or Infinity, which are not JSON."""

import json

from flask import Flask, abort, request
from flask_babel import gettext as _
from werkzeug.routing import IntegerConverter

MAX_ID = 2**31 - 1  # PostgreSQL's INTEGER; SQLite's is wider, and both must answer alike


class IdConverter(IntegerConverter):
    """`<int:...>` in every route: a non-negative integer. One larger than MAX_ID names no row: refuse_huge_ids
    answers 404 once the route is chosen. (A converter's own bound would be checked by werkzeug only after the
    method, so a PATCH to /events/99999999999 would be a 405 "use GET" instead of a 404.)"""


MAX_JSON_DEPTH = 32  # our deepest body is an object holding a list of strings
MAX_JSON_DIGITS = 30  # far beyond any count or id of ours; larger ones are refused by the schemas' ranges


class UnreadableJSON(ValueError):
    """JSON we will not read; the message says why, in a sentence for whoever sent it."""


def load_json(data: bytes | str):
    """The value of a JSON text, strictly: UTF-8, no deeper than MAX_JSON_DEPTH, integers of at most
    MAX_JSON_DIGITS digits, no lone surrogates, no NaN or Infinity. UnreadableJSON otherwise."""
    try:
        text = data.decode("utf-8") if isinstance(data, bytes) else data
    except UnicodeDecodeError as error:
        unreadable = _("The body is not UTF-8 text (byte %(byte)d cannot be read).", byte=error.start)
        raise UnreadableJSON(unreadable) from None
    try:
        value = json.loads(text, parse_int=_integer, parse_constant=_no_constant)
    except RecursionError:
        raise UnreadableJSON(_too_deep()) from None
    except json.JSONDecodeError as error:
        # error.msg is Python's own English ("Expecting value"): a developer's clue, kept as it is.
        raise UnreadableJSON(
            _(
                "The body is not JSON: %(problem)s (line %(line)d, column %(column)d).",
                problem=error.msg,
                line=error.lineno,
                column=error.colno,
            )
        ) from None
    _check_depth_and_text(value)
    return value


def _too_deep() -> str:
    return _("The JSON nests deeper than %(most)d levels.", most=MAX_JSON_DEPTH)


def _integer(digits: str) -> int:
    if len(digits.lstrip("-")) > MAX_JSON_DIGITS:
        raise UnreadableJSON(_("A number in the JSON has more than %(most)d digits.", most=MAX_JSON_DIGITS))
    return int(digits)


def _no_constant(name: str):
    raise UnreadableJSON(_("%(name)s is not a JSON number.", name=name))


def _check_depth_and_text(value) -> None:
    # Iterative, so a value json.loads could read is never too deep for this walk.
    pending = [(value, 1)]
    while pending:
        item, depth = pending.pop()
        if isinstance(item, str):
            _check_text(item)
        elif isinstance(item, dict | list):
            if depth > MAX_JSON_DEPTH:
                raise UnreadableJSON(_too_deep())
            if isinstance(item, dict):
                for key in item:
                    _check_text(key)
                item = item.values()
            pending.extend((child, depth + 1) for child in item)


def _check_text(text: str) -> None:
    if "\x00" in text:  # as in a form: PostgreSQL cannot store it
        raise UnreadableJSON(_("The JSON holds a NUL character (\\u0000), which no field accepts."))
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as error:
        raise UnreadableJSON(
            _(
                "The JSON holds a lone surrogate (%(code)s), which is not a character: send a whole surrogate "
                "pair or the character itself.",
                code=f"\\u{ord(text[error.start]):04x}",
            )
        ) from None


def has_nul(values) -> bool:
    return any("\x00" in key or any("\x00" in value for value in values.getlist(key)) for key in values)


def refuse_nul_bytes() -> None:
    if "\x00" in request.path or has_nul(request.args):
        abort(400)
    is_form = request.mimetype in ("application/x-www-form-urlencoded", "multipart/form-data")
    if request.method == "POST" and is_form and has_nul(request.form):
        abort(400)


def refuse_huge_ids() -> None:
    if any(isinstance(value, int) and value > MAX_ID for value in (request.view_args or {}).values()):
        abort(404)


def init_app(app: Flask) -> None:
    """Before the blueprints: the converter applies to rules as they are added, and the check must run
    before every other before_request hook."""
    app.url_map.converters["int"] = IdConverter
    app.before_request(refuse_nul_bytes)
    app.before_request(refuse_huge_ids)
