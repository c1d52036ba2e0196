"""Small helpers the templates call: dates in the event's zone and in the visitor's."""

import unicodedata
from dataclasses import dataclass
from functools import cache, lru_cache

from babel.dates import get_timezone_location
from flask import current_app, request, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from markupsafe import Markup, escape

from eventreg import timezones
from eventreg.calendars.ics import PieceCache
from eventreg.events.models import Event

# What a list entry (events/_macros.html's `entry`) reads of its event. With the entry's other arguments, the
# event's state and whether registration is open at `now`, and where the app is served from, its cache key.
ENTRY_COLUMNS = (
    "id",
    "slug",
    "updated_at",
    "title",
    "summary",
    "description",
    "format",
    "location",
    "starts_at",
    "ends_at",
    "timezone",
    "language",
    "status",
    "archive_url",
    "contact_hours",
    "requires_approval",
    "registration_deadline_at",
)
ENTRIES_KEPT = 4096


def content_lang(event) -> Markup:
    """' lang="es"' for an element holding what the host wrote (title, summary, description) when the event's
    language is not the page's, so screen readers and hyphenation read it as written; else nothing."""
    language = getattr(event, "language", None)
    if not language or language == timezones.language():
        return Markup("")
    return Markup(' lang="%s"') % language


def event_date(event: Event) -> str:
    """The event's date in its own zone: "30 January 2025"."""
    return timezones.local_date(event.starts_at, event.timezone)


@dataclass
class VisitorTimes:
    zone: str
    time_range: str
    date: str
    shift: str  # "the next day", "the previous day" or ""


def visitor_times(event: Event, zone: str | None) -> VisitorTimes | None:
    """The event's times in the visitor's zone, or None when that is the event's own zone."""
    if not zone or zone == event.timezone:
        return None
    local = timezones.to_zone(event.starts_at, zone)
    return VisitorTimes(
        zone=zone,
        time_range=timezones.time_range(event.starts_at, event.ends_at, zone),
        date=timezones.format_long_date(local),
        shift=timezones.day_shift_text(timezones.day_shift(event.starts_at, event.timezone, zone)),
    )


def list_entry(event: Event, now, visitor_zone: str | None, seats=None, part=None) -> Markup:
    """A list page's entry for the event: the `entry` macro's output, rendered once per version of what it
    shows and kept per process (a pure function of its key, read afresh on every request, so a change made by
    another process shows at once). Rendering twenty entries with their links, times and calendar links was
    most of a list page's cost."""
    key = (
        *(getattr(event, name) for name in ENTRY_COLUMNS),
        event.state(now),
        event.is_open_for_registration(now),
        seats,
        part,
        visitor_zone,
        timezones.language(),
        request.url_root,  # the host and prefix the entry's links are built on
    )
    entries = current_app.extensions.get("list_entries")
    if entries is None:
        entries = current_app.extensions.setdefault("list_entries", PieceCache(ENTRIES_KEPT))
    entry = entries.get(key)
    if entry is None:
        macros = current_app.jinja_env.get_template("events/_macros.html").module
        entry = entries.put(key, macros.entry(event, now, visitor_zone, seats, part))
    return entry


def page_url(page: int) -> str:
    """This page's URL with another page number, keeping its other query parameters."""
    view_args = request.view_args or {}
    # Not the path's own values (?event_id=… would be passed twice) nor url_for's (?_external=1&_scheme=…).
    args = {key: value for key, value in request.args.items() if key not in view_args and not key.startswith("_")}
    args.pop("tz", None)  # the zone lives in its cookie once chosen
    if page > 1:
        args["page"] = page
    else:
        args.pop("page", None)
    return url_for(request.endpoint, **view_args, **args)


def zone_options(selected: str | None) -> Markup:
    """The <optgroup>s of every zone for "Show times in": 400-odd options, rendered once per chosen zone and
    language instead of on every page."""
    return _zone_options(selected, timezones.language())


def _area_labels() -> dict[str, str]:
    return {
        "Common": _("Common"),
        "Africa": _("Africa"),
        "America": _("America"),
        "Antarctica": _("Antarctica"),
        "Arctic": _("Arctic"),
        "Asia": _("Asia"),
        "Atlantic": _("Atlantic"),
        "Australia": _("Australia"),
        "Europe": _("Europe"),
        "Indian": _("Indian"),
        "Pacific": _("Pacific"),
    }


@cache
def zone_groups(language: str) -> list[tuple[str, list[tuple[str, str]]]]:
    """timezones.zone_groups() in a language: English as it is; in another, each place named by CLDR
    ("Nueva York", "Honolulú"), sorted by that name, and each group's label translated."""
    groups = timezones.zone_groups()
    if language == "en":
        return groups
    with force_locale(language):  # the cache's key is the language: translate in it, whoever calls
        labels = _area_labels()
    translated = []
    for area, zones in groups:
        places = [(zone, _place(zone, language)) for zone, _english in zones]
        if area != "Common":
            places.sort(key=lambda pair: _sort_key(pair[1]))
        translated.append((labels.get(area, area), places))
    return translated


def _place(zone: str, language: str) -> str:
    if "/" not in zone:
        return zone  # UTC
    name = get_timezone_location(zone, locale=language, return_city=True)
    return name.replace("_", " ").replace("/", " – ")


def _sort_key(label: str) -> str:
    return unicodedata.normalize("NFKD", label).encode("ascii", "ignore").decode().casefold()


@lru_cache(maxsize=1024)
def _zone_options(selected: str | None, language: str) -> Markup:
    parts = []
    for area, zones in zone_groups(language):
        options = "".join(
            f'<option value="{escape(zone)}"{" selected" if zone == selected else ""}>{escape(label)}'
            f"{'' if area == 'UTC' else f' ({escape(zone)})'}</option>"
            for zone, label in zones
        )
        parts.append(f'<optgroup label="{escape(area)}">{options}</optgroup>')
    return Markup("\n".join(parts))
