"""Small helpers the templates call: dates in the event's zone and in the visitor's."""

from dataclasses import dataclass
from functools import lru_cache

from flask import request, url_for
from markupsafe import Markup, escape

from eventreg import timezones
from eventreg.events.models import Event


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


@lru_cache(maxsize=1024)
def zone_options(selected: str | None) -> Markup:
    """The <optgroup>s of every zone for "Show times in": 400-odd options, rendered once per chosen zone
    instead of on every page."""
    parts = []
    for area, zones in timezones.zone_groups():
        options = "".join(
            f'<option value="{escape(zone)}"{" selected" if zone == selected else ""}>{escape(label)}'
            f"{'' if area == 'UTC' else f' ({escape(zone)})'}</option>"
            for zone, label in zones
        )
        parts.append(f'<optgroup label="{escape(area)}">{options}</optgroup>')
    return Markup("\n".join(parts))
