"""Add-to-calendar links for Google Calendar and Outlook on the web (Outlook.com and Microsoft 365)."""

from urllib.parse import urlencode

import pytz

from eventreg.events.models import Event


def _utc_stamp(instant) -> str:
    return instant.astimezone(pytz.utc).strftime("%Y%m%dT%H%M%SZ")


def _details(event: Event, page_url: str) -> str:
    return f"{event.summary}\n\n{page_url}".strip()


def google_url(event: Event, page_url: str) -> str:
    params = {
        "action": "TEMPLATE",
        "text": event.title,
        "dates": f"{_utc_stamp(event.starts_at)}/{_utc_stamp(event.ends_at)}",
        "ctz": event.timezone,
        "details": _details(event, page_url),
    }
    if event.has_place:
        params["location"] = event.location
    return "https://calendar.google.com/calendar/render?" + urlencode(params)


def outlook_url(event: Event, page_url: str, *, office365: bool = False) -> str:
    params = {
        "path": "/calendar/action/compose",
        "rru": "addevent",
        "subject": event.title,
        "startdt": event.starts_at.astimezone(pytz.utc).isoformat().replace("+00:00", "Z"),
        "enddt": event.ends_at.astimezone(pytz.utc).isoformat().replace("+00:00", "Z"),
        "body": _details(event, page_url),
    }
    if event.has_place:
        params["location"] = event.location
    host = "outlook.office.com" if office365 else "outlook.live.com"
    return f"https://{host}/calendar/0/deeplink/compose?" + urlencode(params)
