"""Rendered list and event pages, kept per process and served again while they are still right.

A list page, and an event page less its registration form, shows only catalog data, so it is right while
(a) the catalog has not changed and (b) no public event has started or ended, nor has registration closed
at a deadline, since it was rendered (an entry moves from upcoming to "Happening now" to the on-demand list
by the clock alone). (a) is the `catalog_version` row, bumped in the same transaction as any change to an
event or topic, so every process and server sees a change at its commit; (b) is the earliest such moment
after the render, stored with the page. Checking both costs two index lookups, against twenty events'
worth of queries and template work."""

from collections import OrderedDict
from datetime import datetime
from threading import Lock

import sqlalchemy as sa
from flask import current_app, request, session

from eventreg.events.models import CatalogVersion, Event, Status, Topic
from eventreg.events.queries import PUBLIC_STATUSES
from eventreg.extensions import db
from eventreg.timezones import UTCDateTime

MAX_PAGES = 512
CHANGED_IN = "eventreg.catalog_changed_in"


BUMP = sa.update(CatalogVersion).where(CatalogVersion.id == 1).values(version=CatalogVersion.version + 1)
READ = sa.select(CatalogVersion.version).where(CatalogVersion.id == 1)


def _next_boundary_statement() -> sa.Select:
    after = sa.bindparam("after", type_=UTCDateTime())
    # One probe of (status, starts_at) and (status, ends_at) per public status: with an IN list the database
    # would read the whole range instead of the first entry. Registration closes at a deadline too, which
    # only published events have open.
    probes = [(status, column) for status in PUBLIC_STATUSES for column in (Event.starts_at, Event.ends_at)]
    probes.append((Status.PUBLISHED, Event.registration_deadline_at))
    return sa.select(
        *(
            sa.type_coerce(
                sa.select(sa.func.min(column)).where(Event.status == status, column > after).scalar_subquery(),
                UTCDateTime(),
            )  # fmt: skip
            for status, column in probes
        )
    )


NEXT_BOUNDARY = _next_boundary_statement()


def bump_if_catalog_changed(session: sa.orm.Session, flush_context, instances) -> None:
    """before_flush: a new, deleted or really modified event or topic moves the catalog version on."""
    changed = any(isinstance(obj, Event | Topic) for obj in (*session.new, *session.deleted)) or any(
        isinstance(obj, Event | Topic) and session.is_modified(obj) for obj in session.dirty
    )
    if changed:
        session.execute(BUMP)
        # Until this transaction commits, what it sees is not what version N+1 will be for everyone else
        # (and a rollback would hand N+1 to another change): pages rendered inside it are not kept.
        session.info[CHANGED_IN] = session.get_transaction()


def catalog_version() -> int | None:
    # In the request's session, so a change this same session has flushed counts too.
    return db.session.execute(READ).scalar()


def next_boundary(after: datetime) -> datetime | None:
    """The first moment after `after` at which some public event starts or ends."""
    return min(filter(None, db.session.execute(NEXT_BOUNDARY, {"after": after}).one()), default=None)


class PageCache:
    def __init__(self, max_pages: int = MAX_PAGES):
        self.pages: OrderedDict[tuple, tuple[int, datetime | None, object]] = OrderedDict()
        self.max_pages = max_pages
        self.lock = Lock()

    def get(self, key: tuple, version: int, now: datetime):
        with self.lock:
            entry = self.pages.get(key)
            if entry is None:
                return None
            cached_version, valid_until, page = entry
            if cached_version != version or (valid_until is not None and now >= valid_until):
                del self.pages[key]
                return None
            self.pages.move_to_end(key)
            return page

    def put(self, key: tuple, version: int, valid_until: datetime | None, page) -> None:
        with self.lock:
            self.pages[key] = (version, valid_until, page)
            self.pages.move_to_end(key)
            while len(self.pages) > self.max_pages:
                self.pages.popitem(last=False)


def personal() -> bool:
    """Whether this visitor's page differs from everyone else's: signed in, or with messages waiting. A
    session holding only the CSRF token (anyone who has seen a form) is not personal."""
    csrf_key = current_app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token")
    return any(key != csrf_key for key in session) or bool(request.cookies.get("remember_token"))


def cached_page(render, *, visitor_zone: str | None, unknown_zone: str | None, now: datetime):
    """render() the current page, or serve what it returned before (HTML, or an EventPage) if that is still
    right. Personal visitors always get a fresh page."""
    if personal():
        return render()
    current = db.session()  # the request's Session behind the scoped proxy
    if current.info.get(CHANGED_IN) is not None and current.info[CHANGED_IN] is current.get_transaction():
        return render()
    version = catalog_version()
    if version is None:  # no version row: nothing can tell us when a copy goes stale
        return render()
    key = (request.host_url, request.full_path, visitor_zone, unknown_zone)
    pages = current_app.extensions["eventreg.pages"]  # each app its own: versions count per database
    page = pages.get(key, version, now)
    if page is None:
        valid_until = next_boundary(now)
        page = render()
        # If the catalog changed while we rendered, the page may mix old and new: don't keep it.
        if catalog_version() == version:
            pages.put(key, version, valid_until, page)
    return page


def init_app(app) -> None:
    app.extensions["eventreg.pages"] = PageCache()
    if not sa.event.contains(sa.orm.Session, "before_flush", bump_if_catalog_changed):
        sa.event.listen(sa.orm.Session, "before_flush", bump_if_catalog_changed)
