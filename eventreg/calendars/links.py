"""Add-to-calendar links for Google Calendar and Outlook on the web (Outlook.com and Microsoft 365)."""

from functools import lru_cache
from urllib.parse import urlencode

import pytz

from eventreg.events.models import Event


def _utc_stamp(instant) -> str:
    return instant.astimezone(pytz.utc).strftime("%Y%m%dT%H%M%SZ")


def _details(summary: str, page_url: str) -> str:
    return f"{summary}\n\n{page_url}".strip()


def google_url(event: Event, page_url: str) -> str:
    return _google_url(event.title, event.starts_at, event.ends_at, event.timezone, event.summary,
                       event.location if event.has_place else None, page_url)  # fmt: skip


def outlook_url(event: Event, page_url: str, *, office365: bool = False) -> str:
    return _outlook_url(event.title, event.starts_at, event.ends_at, event.summary,
                        event.location if event.has_place else None, page_url, office365)  # fmt: skip


# Cached on the fields they show: list pages build four links for each of twenty events on every request.
@lru_cache(maxsize=8192)
def _google_url(title, starts_at, ends_at, timezone, summary, location, page_url) -> str:
    params = {
        "action": "TEMPLATE",
        "text": title,
        "dates": f"{_utc_stamp(starts_at)}/{_utc_stamp(ends_at)}",
        "ctz": timezone,
        "details": _details(summary, page_url),
    }
    if location:
        params["location"] = location
    return "https://calendar.google.com/calendar/render?" + urlencode(params)


@lru_cache(maxsize=8192)
def _outlook_url(title, starts_at, ends_at, summary, location, page_url, office365) -> str:
    params = {
        "path": "/calendar/action/compose",
        "rru": "addevent",
        "subject": title,
        "startdt": starts_at.astimezone(pytz.utc).isoformat().replace("+00:00", "Z"),
        "enddt": ends_at.astimezone(pytz.utc).isoformat().replace("+00:00", "Z"),
        "body": _details(summary, page_url),
    }
    if location:
        params["location"] = location
    host = "outlook.office.com" if office365 else "outlook.live.com"
    return f"https://{host}/calendar/0/deeplink/compose?" + urlencode(params)
