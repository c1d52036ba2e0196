"""Pages of a query without counting the whole result: one row more than a page tells whether another
follows, so a page costs the same in a catalog of a thousand events or a hundred thousand."""

from dataclasses import dataclass

import sqlalchemy as sa
from flask import abort

from eventreg.extensions import db


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


def paginate(query: sa.Select, *, page: int, per_page: int) -> Page:
    """That page of the query's rows; 404 for a page below 1 or past the end (page 1 may be empty)."""
    if page < 1:
        abort(404)
    rows = list(db.session.scalars(query.limit(per_page + 1).offset((page - 1) * per_page)))
    if page > 1 and not rows:
        abort(404)
    return Page(items=rows[:per_page], page=page, has_next=len(rows) > per_page)
