"""How a session points to its series on the catalog's pages, the embed, the API and webhooks: "Part 2 of 4" and
the series page's address, read for a whole page at once (two queries, however many series it shows)."""

from collections.abc import Callable
from dataclasses import dataclass

import sqlalchemy as sa
from flask import url_for
from flask_babel import gettext as _

from eventreg.core.extensions import db
from eventreg.events.models import Event
from eventreg.series.models import Series, SeriesKind
from eventreg.series.queries import parts_of


def series_url(slug: str, *, external: bool = False, build: Callable[..., str] | None = None) -> str:
    """The series' public page, /series/<slug> (the `series` blueprint's `show`). `build(endpoint, **values)`
    makes an absolute URL another way (core.links.external_url, for what leaves a request)."""
    build = build or (lambda endpoint, **values: url_for(endpoint, _external=external, **values))
    return build("series.show", slug=slug)


@dataclass(frozen=True)
class SessionPart:
    """A session's place in its series, as the pages say it: "Part 2 of 4" of "Four Tuesdays…". number and
    total are None for a session not counted (a draft or a cancelled one): it still belongs to its series."""

    number: int | None
    total: int | None
    series_id: int
    slug: str
    title: str
    kind: str

    @property
    def label(self) -> str:
        """ "Part 2 of 4", in the page's language."""
        return _("Part %(number)d of %(total)d", number=self.number, total=self.total) if self.number else ""

    @property
    def is_course(self) -> bool:
        return self.kind == SeriesKind.COURSE

    @property
    def kind_label(self) -> str:
        """ "Course" or "Recurring program", in the page's language (the API's `kind` stays a code)."""
        return str(SeriesKind.SHOWN.get(self.kind, self.kind))

    def url(self, *, external: bool = False) -> str:
        return series_url(self.slug, external=external)


def sessions_series(events: list[Event]) -> dict[int, SessionPart]:
    """Each session among `events` with its series and its part, by event id, in two queries (parts_of's and
    one for the series), none when no event belongs to a series."""
    series_of = {event.id: event.series_id for event in events if event.series_id is not None}
    if not series_of:
        return {}
    parts = parts_of(events)
    rows = db.session.execute(
        sa.select(Series.id, Series.slug, Series.title, Series.kind).where(Series.id.in_(set(series_of.values())))
    ).all()
    series = {row.id: row for row in rows}
    return {
        event_id: SessionPart(*parts.get(event_id, (None, None)), s.id, s.slug, s.title, s.kind)
        for event_id, series_id in series_of.items()
        if (s := series.get(series_id)) is not None
    }


def parts_shown(events: list[Event]) -> dict[int, SessionPart]:
    """The sessions among `events` that the catalog numbers ("Part 2 of 4"): published ones."""
    return {event_id: part for event_id, part in sessions_series(events).items() if part.number is not None}


def part_of(event: Event) -> SessionPart | None:
    return parts_shown([event]).get(event.id)


def series_data(part: SessionPart | None, *, build: Callable[..., str]) -> dict | None:
    """An event's `series` field in the API and in webhook messages: null for an event of no series.
    `build(endpoint, **values)` makes the absolute links (url_for with _external, or core.links.external_url)."""
    if part is None:
        return None
    return {
        "slug": part.slug,
        "title": part.title,
        "kind": part.kind,
        "part": part.number,
        "of": part.total,
        "links": {
            "page": series_url(part.slug, external=True, build=build),
            "api": build("api.get_series", slug=part.slug),
        },
    }
