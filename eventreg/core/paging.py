"""Pages of a query without counting the whole result: one row more than a page tells whether another
follows, so a page costs the same in a catalog of a thousand events or a hundred thousand."""

from dataclasses import dataclass

import sqlalchemy as sa
from flask import abort

from eventreg.core.extensions import db


@dataclass
class Page:
    items: list
    page: int
    has_next: bool

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def prev_num(self) -> int:
        return self.page - 1

    @property
    def next_num(self) -> int:
        return self.page + 1


# No list reaches this many rows; an OFFSET near 2**63 overflows SQLite's driver and PostgreSQL's bigint.
MAX_OFFSET = 2**31 - 1


def check_page(page: int, *, per_page: int) -> None:
    """404 for a page number below 1, or so far on that no list reaches it (?page=9223372036854775807):
    its offset would only overflow the database's integers."""
    if page < 1 or (page - 1) * per_page > MAX_OFFSET:
        abort(404)


def paginate(query: sa.Select, *, page: int, per_page: int) -> Page:
    """That page of the query's rows; 404 for a page below 1, past the end (page 1 may be empty) or beyond
    any list's reach (check_page)."""
    check_page(page, per_page=per_page)
    rows = list(db.session.scalars(query.limit(per_page + 1).offset((page - 1) * per_page)))
    if page > 1 and not rows:
        abort(404)
    return Page(items=rows[:per_page], page=page, has_next=len(rows) > per_page)
