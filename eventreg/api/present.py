"""What the API shows of an event or a registration, as plain dicts for the schemas in schemas.py to write.

Public output is what the public pages show: times in UTC with the event's zone and the same time line the pages
print, seats while registration is open, the archive link once the event has passed, and never the join link."""

import re
from datetime import datetime

from flask import has_request_context, request, url_for

from eventreg import timezones
from eventreg.events.models import Event, State, Status
from eventreg.registrations.models import Registration, RegistrationStatus
from eventreg.series import links as series_links
from eventreg.series.links import SessionPart
from eventreg.series.models import Series

# A slug of these characters goes into a URL as it is, so a list builds its entries' two links from one
# url_for each per request instead of two per entry; any other slug goes through url_for.
_PLAIN_SLUG = re.compile(r"[a-z0-9-]+")
_SLOT = "slug-slot"


def _page_urls(slug: str) -> tuple[str, str]:
    if not (has_request_context() and _PLAIN_SLUG.fullmatch(slug)):
        return url_for("events.show", slug=slug, _external=True), url_for(
            "calendars.download", slug=slug, _external=True
        )
    patterns = request.environ.get("eventreg.event_url_patterns")  # this request's: its host, its prefix
    if patterns is None:
        patterns = request.environ["eventreg.event_url_patterns"] = tuple(
            url_for(endpoint, slug=_SLOT, _external=True).rpartition(_SLOT)
            for endpoint in ("events.show", "calendars.download")
        )
    (before, _, after), (ics_before, _, ics_after) = patterns
    return before + slug + after, ics_before + slug + ics_after


def _external(endpoint: str, **values) -> str:
    return url_for(endpoint, _external=True, **values)


def series_field(part: SessionPart | None) -> dict | None:
    """An event's `series`: null, or the series it is a session of and its part (series.links.series_data)."""
    return series_links.series_data(part, build=_external)


def public_event(
    event: Event,
    *,
    now: datetime,
    seats: tuple[int | None, int] | None,
    topics=None,
    part: SessionPart | None = None,
) -> dict:
    """`seats`: (free seats or None for no limit, waiting) while registration is open (registrations.operations.
    seat_counts_of), else None. `topics`: the event's, when read for a whole list at once. `part`: its series and
    place there (series.links.sessions_series), None for an event of no series."""
    state = event.state(now)
    url, calendar_url = _page_urls(event.slug)
    free = seats[0] if seats else None
    return {
        "id": event.id,
        "slug": event.slug,
        "url": url,
        "calendar_url": calendar_url,
        "title": event.title,
        "summary": event.summary,
        "description": event.description,
        "language": event.language,
        "format": event.format,
        "format_label": event.format_label,
        "location": event.location,
        "host_name": event.host_name,
        "topics": [{"slug": topic.slug, "name": topic.name} for topic in (event.topics if topics is None else topics)],
        "status": event.status,
        "state": state,
        "starts_at": event.starts_at,
        "ends_at": event.ends_at,
        "timezone": event.timezone,
        "date": timezones.format_long_date(timezones.to_zone(event.starts_at, event.timezone)),
        "time_line": timezones.time_range(event.starts_at, event.ends_at, event.timezone),
        "registration_open": seats is not None,
        "registration_closes_at": event.registration_closes_at,
        "capacity": event.capacity,
        "requires_approval": event.requires_approval,
        "seats_left": free,
        "is_full": seats is not None and free == 0,
        "archive_url": event.archive_url if state == State.PASSED else None,
        "contact_hours": event.contact_hours,
        "certificate": event.offers_certificate,
        "updated_at": event.updated_at,
        "series": series_field(part),
    }


def host_event(event: Event, *, now: datetime, seats, counts: dict[str, int], part: SessionPart | None = None) -> dict:
    """The event for its hosts: the public fields (the archive link at any time), plus what only they see."""
    shown = public_event(event, now=now, seats=seats, part=part)
    shown.update(
        archive_url=event.archive_url,
        join_url=event.join_url,
        registration_deadline_at=event.registration_deadline_at,
        reminder_hours=event.reminder_hours,
        credit_min_minutes=event.credit_min_minutes,
        hosts=[host.email for host in event.hosts],
        registrations={status: counts[status] for status in RegistrationStatus.ALL},
    )
    return shown


def registration(registration: Registration, *, position: int | None = None, answers: list[dict] = ()) -> dict:
    """A registration for the event's hosts. Never its token: that is the key of the registrant's manage link.
    `answers`: its answers to the event's questions (questions.queries.shown_answers_of)."""
    return {
        "id": registration.id,
        "event_id": registration.event_id,
        "name": registration.name,
        "email": registration.email,
        "organization": registration.organization,
        "job_role": registration.job_role,
        "status": registration.status,
        "waiting_position": position,
        "accessibility": registration.accessibility,
        "accessibility_details": registration.accessibility_details,
        "wants_recording": registration.wants_recording,
        "timezone": registration.timezone,
        "attended": registration.attended,
        "minutes_attended": registration.minutes_attended,
        "created_at": registration.created_at,
        "confirmed_at": registration.confirmed_at,
        "cancelled_at": registration.cancelled_at,
        "declined_at": registration.declined_at,
        "updated_at": registration.updated_at,
        "answers": list(answers),
    }


def series(series: Series, sessions: list[Event], *, now: datetime, confirmed: int = 0) -> dict:
    """A series with its public sessions (published and cancelled, by start); `confirmed`: a course's confirmed
    registrations (api.queries.confirmed_enrolments). Parts count published sessions, as the pages do."""
    counted = [session for session in sessions if session.status != Status.CANCELLED]
    numbers = {session.id: n for n, session in enumerate(counted, start=1)}
    seats_left = max(series.capacity - confirmed, 0) if series.is_course and series.capacity is not None else None
    return {
        "slug": series.slug,
        "title": series.title,
        "kind": series.kind,
        "kind_label": series.kind_label,
        "summary": series.summary or "",
        "description": series.description or "",
        "timezone": series.timezone,
        "url": series_links.series_url(series.slug, external=True),
        "capacity": series.capacity if series.is_course else None,
        "seats_left": seats_left,
        "is_full": seats_left == 0,
        "requires_approval": series.requires_approval,
        "credit_rule": series.credit_rule,
        "credit_sessions": series.credit_sessions,
        "credit_minutes": series.credit_minutes,
        "contact_hours": series.contact_hours,
        "certificate": series.offers_certificate,
        "sessions": [
            {
                "id": session.id,
                "slug": session.slug,
                "title": session.title,
                "part": numbers.get(session.id),
                "status": session.status,
                "state": session.state(now),
                "starts_at": session.starts_at,
                "ends_at": session.ends_at,
                "timezone": session.timezone,
                "date": timezones.format_long_date(timezones.to_zone(session.starts_at, session.timezone)),
                "time_line": timezones.time_range(session.starts_at, session.ends_at, session.timezone),
                "url": url_for("events.show", slug=session.slug, _external=True),
                "links": {"api": url_for("api.get_event", slug=session.slug, _external=True)},
            }
            for session in sessions
        ],
        "updated_at": series.updated_at,
    }
