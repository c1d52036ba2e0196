"""Add-to-calendar links for Google Calendar and Outlook on the web (Outlook.com and Microsoft 365).

Public pages' links carry no join link; a registrant's (the manage page) carry it, as their own .ics does."""

from functools import lru_cache
from urllib.parse import urlencode

import pytz
from flask_babel import gettext as _

from eventreg.calendars import ics
from eventreg.events.models import Event
from eventreg.timezones import language


def _details(summary: str, page_url: str, join_url: str | None) -> str:
    text = f"{summary}\n\n{page_url}".strip()
    if not join_url:
        return text
    join = _("Join: %(url)s", url=join_url)
    return f"{join}\n\n{text}"


def _location(event: Event, join_url: str | None) -> str | None:
    # As in the invitation: the place if there is one, else the join link.
    return event.location if event.has_place else join_url


def google_url(event: Event, page_url: str, *, join_url: str | None = None) -> str:
    """join_url only for the registrant's own links, never on a public page."""
    return _google_url(
        event.title,
        event.starts_at,
        event.ends_at,
        event.timezone,
        event.summary,
        _location(event, join_url),
        page_url,
        join_url,
        language(),
    )


def outlook_url(event: Event, page_url: str, *, office365: bool = False, join_url: str | None = None) -> str:
    """join_url only for the registrant's own links, never on a public page."""
    return _outlook_url(
        event.title,
        event.starts_at,
        event.ends_at,
        event.summary,
        _location(event, join_url),
        page_url,
        office365,
        join_url,
        language(),
    )


# Cached on the fields they show (and the language of "Join:"): list pages build four links for each of twenty
# events on every request.
@lru_cache(maxsize=8192)
def _google_url(title, starts_at, ends_at, timezone, summary, location, page_url, join_url, language) -> str:
    params = {
        "action": "TEMPLATE",
        "text": title,
        "dates": f"{ics.utc_stamp(starts_at)}/{ics.utc_stamp(ends_at)}",
        "ctz": timezone,
        "details": _details(summary, page_url, join_url),
    }
    if location:
        params["location"] = location
    return "https://calendar.google.com/calendar/render?" + urlencode(params)


@lru_cache(maxsize=8192)
def _outlook_url(title, starts_at, ends_at, summary, location, page_url, office365, join_url, language) -> str:
    params = {
        "path": "/calendar/action/compose",
        "rru": "addevent",
        "subject": title,
        "startdt": starts_at.astimezone(pytz.utc).isoformat().replace("+00:00", "Z"),
        "enddt": ends_at.astimezone(pytz.utc).isoformat().replace("+00:00", "Z"),
        "body": _details(summary, page_url, join_url),
    }
    if location:
        params["location"] = location
    host = "outlook.office.com" if office365 else "outlook.live.com"
    return f"https://{host}/calendar/0/deeplink/compose?" + urlencode(params)
