"""The e-mails a registrant gets, each queued in the outbox with its calendar invitation."""

import functools
from dataclasses import dataclass
from datetime import datetime

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import pgettext

from eventreg import timezones
from eventreg.calendars import ics
from eventreg.core import languages
from eventreg.core.links import external_url
from eventreg.events.models import Event, shows_place
from eventreg.mail import outbox
from eventreg.registrations import tokens
from eventreg.registrations.models import Registration


def in_their_language(build):
    """Build a registrant's mail or invitation in the language they registered in, whatever the request's."""

    @functools.wraps(build)
    def in_language(registration: Registration, *args, **kwargs):
        with languages.speaking(registration.locale):
            return build(registration, *args, **kwargs)

    return in_language


@in_their_language
def invitation(registration: Registration, *, method: str | None, manage_link: str | None = None) -> bytes:
    """The registrant's own calendar entry: METHOD:REQUEST while confirmed, METHOD:CANCEL once cancelled,
    and None for the manage page's download (see download).

    Its description links to the manage page: the mailed link by default; a download passes the link it
    was fetched with, so it never hands out more than its holder had."""
    event = registration.event
    cancelling = method == "CANCEL"
    domain = current_app.config["CALENDAR_UID_DOMAIN"]
    return ics.invitation(
        event,
        uid=ics.invitation_uid(event.id, registration.id, domain, legacy=registration.legacy_calendar_uid),
        sequence=ics.invitation_sequence(event.sequence, registration.sequence),
        method=method,
        attendee_email=registration.email,
        attendee_name=registration.name,
        organizer_email=current_app.config["MAIL_SENDER_ADDRESS"],
        organizer_name=event.host_name or current_app.config["SITE_NAME"],
        join_url=None if cancelling else event.join_url,
        description=_invitation_description(registration, cancelling, manage_link or manage_url(registration)),
        status="CANCELLED" if cancelling else "CONFIRMED",
    )


def download(registration: Registration, *, manage_link: str) -> bytes:
    """The manage page's "Add to calendar": the confirmed registrant's invitation, join link included, as a
    plain file (no METHOD), with the invitation's UID and SEQUENCE so the two make one entry."""
    return invitation(registration, method=None, manage_link=manage_link)


def _invitation_description(registration: Registration, cancelling: bool, manage_link: str) -> str:
    event = registration.event
    if cancelling:
        return _("Your registration for %(title)s is cancelled.", title=event.title)
    lines = [event.summary or event.title]
    if event.join_url:
        lines.append(_("Join: %(url)s", url=event.join_url))
    lines.append(_("Manage or cancel your registration: %(url)s", url=manage_link))
    return "\n\n".join(lines)


def manage_url(registration: Registration) -> str:
    """The registrant's link in mail: it also opens their private feed, which the page after registering
    (a link anyone who typed the address has) does not."""
    return external_url("registrations.manage", signed=tokens.mailed_manage_token(registration))


def _context(registration: Registration, **extra) -> dict:
    return {
        "registration": registration,
        "event": registration.event,
        "manage_url": manage_url(registration),
        "event_url": external_url("events.show", slug=registration.event.slug),
        **extra,
    }


def _queue(
    registration: Registration,
    *,
    kind: str,
    subject: str,
    template: str,
    now: datetime,
    calendar_method: str | None = None,
    reply_to: str | None = None,
    **context,
):
    """One mail to the registrant about their registration, with the invitation when calendar_method says so.
    Its template reads the registration, the event, the links and `kind` (the recording mail's wording)."""
    return outbox.queue(
        kind=kind,
        to_address=registration.email,
        to_name=registration.name,
        subject=subject,
        template=template,
        context=_context(registration, kind=kind, **context),
        calendar=invitation(registration, method=calendar_method) if calendar_method else None,
        calendar_method=calendar_method,
        registration_id=registration.id,
        reply_to=reply_to,
        now=now,
    )


@in_their_language
def queue_confirmation(
    registration: Registration,
    *,
    now: datetime,
    promoted: bool = False,
    again: bool = False,
    approved: bool = False,
    note: str = "",
):
    """The confirmation with the join link and the calendar invitation: on registering, on promotion from the
    waiting list, and on a host's approval (with the host's note, if any)."""
    title = registration.event.title
    if approved:
        subject = _("Approved — you’re registered: %(title)s", title=title)
    elif promoted:
        subject = _("A seat opened up — you’re registered: %(title)s", title=title)
    else:
        subject = _("You’re registered: %(title)s", title=title)
    return _queue(
        registration,
        kind="confirmation_again" if again else "confirmation",
        subject=subject,
        template="confirmation",
        calendar_method="REQUEST",
        now=now,
        promoted=promoted,
        again=again,
        approved=approved,
        note=note,
    )


@in_their_language
def queue_waiting(
    registration: Registration,
    *,
    position: int,
    now: datetime,
    again: bool = False,
    approved: bool = False,
    note: str = "",
):
    """Their place in the queue: on registering for a full event, and on a host's approval when no seat is free."""
    title = registration.event.title
    if approved:
        subject = _("Approved — you’re on the waiting list: %(title)s", title=title)
    else:
        subject = _("You’re on the waiting list: %(title)s", title=title)
    return _queue(
        registration,
        kind="waiting_again" if again else "waiting",
        subject=subject,
        template="waiting",
        now=now,
        position=position,
        again=again,
        approved=approved,
        note=note,
    )


@in_their_language
def queue_pending(registration: Registration, *, now: datetime, again: bool = False):
    """The event requires approval: the registration awaits the host's decision. No join link and no calendar
    invitation: they come with the approval (queue_confirmation)."""
    return _queue(
        registration,
        kind="pending_again" if again else "pending",
        subject=_("Awaiting approval: %(title)s", title=registration.event.title),
        template="pending",
        now=now,
        again=again,
    )


@in_their_language
def queue_declined(registration: Registration, *, note: str, now: datetime, again: bool = False):
    """The host declined the registration, with their note. No calendar message: a pending registration was never
    sent an invitation."""
    return _queue(
        registration,
        kind="declined_again" if again else "declined",
        subject=_("Registration not approved: %(title)s", title=registration.event.title),
        template="declined",
        now=now,
        note=note,
        again=again,
    )


@in_their_language
def queue_cancellation(registration: Registration, *, had_invitation: bool, now: datetime):
    return _queue(
        registration,
        kind="cancellation",
        subject=_("Registration cancelled: %(title)s", title=registration.event.title),
        template="cancellation",
        calendar_method="CANCEL" if had_invitation else None,
        now=now,
    )


@dataclass(frozen=True)
class EventBefore:
    """What the update mail says the event was ("Was: 3:00 PM – 4:00 PM ..."): its time and place before a
    save, read by the same filters as an Event (event_date, time_range, visitor_times)."""

    starts_at: datetime
    ends_at: datetime
    timezone: str
    format: str
    location: str | None

    @classmethod
    def of(cls, event: Event, before: dict) -> "EventBefore":
        """The event as it was: `before` holds the old value of each field the save changed."""
        return cls(**{name: before.get(name, getattr(event, name)) for name in cls.__dataclass_fields__})

    @property
    def has_place(self) -> bool:
        return shows_place(self.format, self.location)


def _change_name(change: str) -> str:
    """What changed, as the update mail names it (events.operations.NOTIFIED_CHANGES' words)."""
    names = {
        "time": pgettext("changed", "time"),
        "place": pgettext("changed", "place"),
        "join link": pgettext("changed", "join link"),
    }
    return names.get(change, change)


@in_their_language
def queue_update(registration: Registration, *, changes: list[str], now: datetime, previous: EventBefore | None = None):
    """The event changed (time, place or link): an updated invitation with the same UID, higher SEQUENCE. The
    mail says what the time and place were (previous), beside what they are now."""
    return _queue(
        registration,
        kind="update",
        subject=_("Updated: %(title)s", title=registration.event.title),
        template="update",
        calendar_method="REQUEST",
        now=now,
        changes=changes,
        changed_names=[_change_name(change) for change in changes],
        previous=previous,
    )


@in_their_language
def queue_event_cancelled(registration: Registration, *, had_invitation: bool, now: datetime):
    return _queue(
        registration,
        kind="event_cancelled",
        subject=_("Cancelled: %(title)s", title=registration.event.title),
        template="event_cancelled",
        calendar_method="CANCEL" if had_invitation else None,
        now=now,
    )


RECORDING_SUBJECTS = {
    "recording": _l("The recording is ready: {title}"),
    "thanks": _l("Thank you for joining: {title}"),
    "missed": _l("Sorry we missed you: {title}"),
    "recording_correction": _l("Corrected recording link: {title}"),
}


@in_their_language
def queue_recording(registration: Registration, *, kind: str, now: datetime):
    """After the event: the recording link, as a thank-you, a sorry-we-missed-you, or a correction."""
    return _queue(
        registration,
        kind=kind,
        subject=RECORDING_SUBJECTS[kind].format(title=registration.event.title),
        template="recording",
        now=now,
    )


@in_their_language
def queue_reminder(registration: Registration, *, hours_before: int, now: datetime):
    when = timezones.reminder_when(hours_before)
    return _queue(
        registration,
        kind=f"reminder_{hours_before}h",
        subject=_("Reminder: %(title)s starts %(when)s", title=registration.event.title, when=when),
        template="reminder",
        now=now,
        when=when,
    )
