"""iCalendar artifacts. (Interim: only the registrant invitation; the calendars branch replaces this module.)"""

from datetime import timedelta

import icalendar

from eventreg.events.models import Event

PRODID = "-//eventreg//eventreg//EN"


def invitation(
    event: Event,
    *,
    uid: str,
    sequence: int,
    method: str,
    attendee_email: str,
    attendee_name: str,
    organizer_email: str,
    organizer_name: str,
    join_url: str | None,
    description: str,
    status: str = "CONFIRMED",
) -> bytes:
    calendar = icalendar.Calendar()
    calendar.add("PRODID", PRODID)
    calendar.add("VERSION", "2.0")
    calendar.add("METHOD", method)
    vevent = icalendar.Event()
    vevent.add("UID", uid)
    vevent.add("SEQUENCE", sequence)
    vevent.add("DTSTAMP", event.updated_at)
    vevent.add("DTSTART", event.starts_at.astimezone(_zoneinfo(event.timezone)))
    vevent.add("DTEND", event.ends_at.astimezone(_zoneinfo(event.timezone)))
    vevent.add("SUMMARY", event.title)
    vevent.add("DESCRIPTION", description)
    vevent.add("STATUS", status)
    organizer = icalendar.vCalAddress(f"mailto:{organizer_email}")
    organizer.params["CN"] = organizer_name
    vevent.add("ORGANIZER", organizer)
    attendee = icalendar.vCalAddress(f"mailto:{attendee_email}")
    attendee.params.update(CN=attendee_name, ROLE="REQ-PARTICIPANT", PARTSTAT="ACCEPTED", RSVP="FALSE")
    vevent.add("ATTENDEE", attendee)
    if join_url:
        vevent.add("LOCATION", join_url)
        vevent.add("URL", join_url)
    calendar.add_component(vevent)
    year = event.starts_at.year
    calendar.add_missing_timezones(first_date=event.starts_at.date() - timedelta(days=366), last_date=_date(year + 2))
    return calendar.to_ical()


def _zoneinfo(zone: str):
    from zoneinfo import ZoneInfo

    return ZoneInfo(zone)


def _date(year: int):
    from datetime import date

    return date(year, 1, 1)
