"""Opaque cursors for keyset paging: a page starts after the last row of the one before, so a page costs the
same however deep it is, and rows added meanwhile neither repeat nor vanish from the pages still to come.

A cursor is the last row's sort key, JSON in URL-safe base64. Clients must treat it as opaque; we may change
what is inside."""

import base64
import binascii
import json
from datetime import datetime

import pytz
import sqlalchemy as sa

from eventreg.core.inputs import MAX_ID, load_json


class InvalidCursor(ValueError):
    pass


def encode(*values) -> str:
    plain = [v.astimezone(pytz.utc).isoformat() if isinstance(v, datetime) else v for v in values]
    return base64.urlsafe_b64encode(json.dumps(plain, separators=(",", ":")).encode()).decode().rstrip("=")


def _decode(cursor: str) -> list:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        values = load_json(raw)  # raw bytes: not UTF-8 is UnreadableJSON too, a ValueError
    except (binascii.Error, ValueError) as error:
        raise InvalidCursor(cursor) from error
    if not isinstance(values, list):
        raise InvalidCursor(cursor)
    return values


def _id(value) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= MAX_ID:
        raise InvalidCursor(value)
    return value


def decode_instant_and_id(cursor: str) -> tuple[datetime, int]:
    values = _decode(cursor)
    if len(values) != 2 or not isinstance(values[0], str):
        raise InvalidCursor(cursor)
    try:
        instant = datetime.fromisoformat(values[0])
        # An offset at the calendar's edge (0001-01-01T00:00+01:00) has no UTC instant: OverflowError.
        instant = instant.astimezone(pytz.utc) if instant.tzinfo is not None else None
    except (ValueError, OverflowError) as error:
        raise InvalidCursor(cursor) from error
    if instant is None:
        raise InvalidCursor(cursor)
    return instant, _id(values[1])


def decode_id(cursor: str) -> int:
    values = _decode(cursor)
    if len(values) != 1:
        raise InvalidCursor(cursor)
    return _id(values[0])


def after(instant_column, id_column, cursor: str, *, descending: bool = False):
    """The condition for rows after the cursor in (instant, id) order, ascending or descending."""
    instant, row_id = decode_instant_and_id(cursor)
    if descending:
        return sa.or_(instant_column < instant, sa.and_(instant_column == instant, id_column < row_id))
    return sa.or_(instant_column > instant, sa.and_(instant_column == instant, id_column > row_id))
