"""The e-mails of a course registration. One course message (confirmed, waiting, pending, declined, cancelled)
lists every session it covers with both times and holds the course's manage link, and carries no calendar part;
then each session's calendar message is a mail of its own carrying that session's per-registration invitation
(registrations.notifications.invitation: the session's UID, its SEQUENCE), because iMIP clients act on one UID
per message."""

import functools
from datetime import datetime

from babel.dates import format_date
from flask_babel import gettext as _

from eventreg import timezones
from eventreg.core import languages
from eventreg.core.extensions import db
from eventreg.core.links import external_url
from eventreg.mail import outbox
from eventreg.registrations import notifications as registration_notifications
from eventreg.registrations.models import Registration, RegistrationStatus
from eventreg.series import queries, tokens
from eventreg.series.models import Enrolment


def manage_url(enrolment: Enrolment) -> str:
    return external_url("series.manage", signed=tokens.manage_token(enrolment))


def series_url(enrolment: Enrolment) -> str:
    return external_url("series.show", slug=enrolment.series.slug)


def _queue_course(enrolment: Enrolment, *, kind: str, subject: str, template: str, now: datetime, **context):
    return outbox.queue(
        kind=kind,
        to_address=enrolment.email,
        to_name=enrolment.name,
        subject=subject,
        template=template,
        context={
            "enrolment": enrolment,
            "series": enrolment.series,
            "manage_url": manage_url(enrolment),
            "series_url": series_url(enrolment),
            "kind": kind,
            **context,
        },
        now=now,
    )


def in_their_language(build):
    """Build a course mail in the language its person registered in (the enrolment's, or a session
    registration's, which is the same), whatever the request's."""

    @functools.wraps(build)
    def in_language(person, *args, **kwargs):
        with languages.speaking(person.locale):
            return build(person, *args, **kwargs)

    return in_language


def _course_subject(status: str, title: str, *, promoted: bool, approved: bool) -> str:
    """The course message's subject, each variant a whole sentence for translators."""
    if status == RegistrationStatus.CONFIRMED:
        if promoted:
            return _("A seat opened up — you’re registered for the course: %(title)s", title=title)
        if approved:
            return _("Approved — you’re registered for the course: %(title)s", title=title)
        return _("You’re registered for the course: %(title)s", title=title)
    if status == RegistrationStatus.WAITING:
        if approved:
            return _("Approved — you’re on the waiting list for the course: %(title)s", title=title)
        return _("You’re on the waiting list for the course: %(title)s", title=title)
    if approved:
        return _("Approved — awaiting approval: %(title)s", title=title)
    return _("Awaiting approval: %(title)s", title=title)


@in_their_language
def queue_enrolment(
    enrolment: Enrolment,
    registrations: list[Registration],
    *,
    now: datetime,
    position: int | None = None,
    promoted: bool = False,
    approved: bool = False,
    again: bool = False,
    note: str = "",
    invitations: bool = True,
) -> None:
    """The course message for the enrolment's state (its sessions, both times, the manage link); when confirmed,
    then one invitation per session (unless invitations is False: a resend, whose invitations went before)."""
    status = enrolment.status
    subject = _course_subject(status, enrolment.series.title, promoted=promoted, approved=approved)
    kind = f"course_{'confirmation' if status == RegistrationStatus.CONFIRMED else status}"
    _queue_course(
        enrolment,
        kind=f"{kind}_again" if again else kind,
        subject=subject,
        template="course_confirmation",
        now=now,
        registrations=registrations,
        parts=queries.parts_of([r.event for r in registrations]),
        position=position,
        promoted=promoted,
        approved=approved,
        again=again,
        note=note,
    )
    if invitations and status == RegistrationStatus.CONFIRMED:
        for registration in registrations:
            queue_session_calendar(registration, method="REQUEST", now=now)


@in_their_language
def queue_cancelled(enrolment: Enrolment, registrations: list[Registration], *, now: datetime):
    """The course registration is cancelled (the sessions' CANCELs follow, one mail each)."""
    return _queue_course(
        enrolment,
        kind="course_cancellation",
        subject=_("Course registration cancelled: %(title)s", title=enrolment.series.title),
        template="course_cancelled",
        now=now,
        registrations=registrations,
        parts=queries.parts_of([r.event for r in registrations]),
    )


@in_their_language
def queue_declined(enrolment: Enrolment, *, now: datetime, note: str = ""):
    return _queue_course(
        enrolment,
        kind="course_declined",
        subject=_("Registration not approved: %(title)s", title=enrolment.series.title),
        template="course_declined",
        now=now,
        note=note,
    )


def part_label(registration: Registration) -> str:
    """ "part 2 of 4, 11 March": which session, and its day in the session's own zone."""
    event = registration.event
    day = format_date(timezones.to_zone(event.starts_at, event.timezone).date(), "d MMMM", locale=timezones.language())
    part = queries.parts_of([event]).get(event.id)
    return _("part %(number)d of %(total)d, %(day)s", number=part[0], total=part[1], day=day) if part else day


@in_their_language
def queue_session_calendar(registration: Registration, *, method: str, now: datetime):
    """One session's calendar message: METHOD:REQUEST (the invitation, or its update) or METHOD:CANCEL, with the
    session's times and, for a request, its join link."""
    event = registration.event
    enrolment = db.session.get(Enrolment, registration.enrolment_id) if registration.enrolment_id else None
    label = part_label(registration)
    if method == "CANCEL":
        subject = _("Calendar: cancelled — %(title)s — %(label)s", title=event.title, label=label)
    else:
        subject = _("Calendar invitation: %(title)s — %(label)s", title=event.title, label=label)
    return outbox.queue(
        kind="course_invitation" if method == "REQUEST" else "course_invitation_cancel",
        to_address=registration.email,
        to_name=registration.name,
        subject=subject,
        template="course_invitation",
        context={
            "registration": registration,
            "event": event,
            "label": label,
            "cancelling": method == "CANCEL",
            "event_url": external_url("events.show", slug=event.slug),
            "manage_url": manage_url(enrolment) if enrolment else registration_notifications.manage_url(registration),
        },
        calendar=registration_notifications.invitation(registration, method=method),
        calendar_method=method,
        registration_id=registration.id,
        now=now,
    )
