"""A host's message as each person gets it: merged for them, queued in the outbox (which sends it as every other
mail), and the same copy for the host's preview and test, with a stand-in for the personal link."""

from dataclasses import dataclass
from datetime import datetime

from flask import render_template
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from markupsafe import Markup

from eventreg.core import languages
from eventreg.core.links import external_url
from eventreg.events.models import Event
from eventreg.mail import outbox
from eventreg.mail.models import OutboxMessage
from eventreg.messages import merge
from eventreg.registrations import notifications as registration_notifications
from eventreg.registrations.models import Registration

KIND = "host_message"
TEST_KIND = "host_message_test"
SUBJECT_LENGTH = 300  # the outbox's subject column
# The host sees this where each person's own link goes: a mailed manage link also opens the person's private feed
# of every event they registered for, which is theirs alone, so no preview or test shows a real one.
LINK_STAND_IN = _l("(each person’s own link to manage their registration)")


@dataclass(frozen=True)
class Copy:
    """One person's copy: the subject as sent, the plain text and the HTML of what the host wrote."""

    subject: str
    text: str
    html: Markup


def values_for(event: Event, registration: Registration | None, *, manage_link: str) -> dict[str, str]:
    """Each merge field's value for the person; for nobody (an audience empty as yet), what the fields stand for."""
    return {
        "first_name": merge.first_name(registration.name) if registration else _("(first name)"),
        "event_title": event.title,
        "event_time": merge.event_time(event, registration.timezone if registration else None),
        "manage_link": manage_link,
    }


def copy_for(event: Event, subject: str, body: str, values: dict[str, str]) -> Copy:
    """The message merged with the values. The event's title follows the subject, as on every mail about an event,
    unless the host put {event_title} in it. MessageError if a field is unknown (the form has said so already)."""
    subject_parts = merge.parse(subject, allowed=merge.SUBJECT_FIELDS)
    body_parts = merge.parse(body)
    merged_subject = merge.render(subject_parts, values)
    if not any(part.field == "event_title" for part in subject_parts):
        merged_subject = f"{merged_subject} — {event.title}"
    merged_subject = " ".join(merged_subject.split())  # one header line, whatever the values held
    if len(merged_subject) > SUBJECT_LENGTH:
        merged_subject = merged_subject[: SUBJECT_LENGTH - 1] + "…"
    return Copy(merged_subject, merge.render(body_parts, values), merge.render_html(body_parts, values))


def preview(event: Event, registration: Registration | None, *, subject: str, body: str) -> Copy:
    """What the host sees: the copy `registration` would get, with the stand-in for their link."""
    return copy_for(event, subject, body, values_for(event, registration, manage_link=str(LINK_STAND_IN)))


def preview_text(event: Event, copy: Copy) -> str:
    """The preview's plain text exactly as a copy is sent: what the host wrote, merged, and our lines after "--"."""
    return render_template("mail/host_message.txt", **_context(event, copy, str(LINK_STAND_IN)))


def _context(event: Event, copy: Copy, manage_url: str) -> dict:
    return {
        "event": event,
        "body": copy.text,
        "body_html": copy.html,
        "manage_url": manage_url,
        "event_url": external_url("events.show", slug=event.slug),
    }


def queue_to(
    registration: Registration, *, subject: str, body: str, reply_to: str | None, now: datetime
) -> OutboxMessage:
    """The person's own copy, in the outbox: sent as written, no greeting of ours before the host's. Answers go to
    reply_to (the host), not to the no-reply sender. Our frame around it (and the event's time) is in the person's
    language; what the host wrote is as they wrote it."""
    with languages.speaking(registration.locale):
        return _queue_to(registration, subject=subject, body=body, reply_to=reply_to, now=now)


def _queue_to(
    registration: Registration, *, subject: str, body: str, reply_to: str | None, now: datetime
) -> OutboxMessage:
    event = registration.event
    manage_url = registration_notifications.manage_url(registration)
    copy = copy_for(event, subject, body, values_for(event, registration, manage_link=manage_url))
    return outbox.queue(
        kind=KIND,
        to_address=registration.email,
        to_name=registration.name,
        subject=copy.subject,
        template="host_message",
        context=_context(event, copy, manage_url),
        registration_id=registration.id,
        reply_to=reply_to,
        now=now,
    )


def queue_test(
    event: Event,
    registration: Registration | None,
    *,
    to_address: str,
    to_name: str,
    subject: str,
    body: str,
    reply_to: str | None,
    now: datetime,
) -> OutboxMessage:
    """The host's own copy before sending: as `registration` would get it, with the stand-in for their link."""
    copy = preview(event, registration, subject=subject, body=body)
    return outbox.queue(
        kind=TEST_KIND,
        to_address=to_address,
        to_name=to_name,
        subject=_("[Test] %(subject)s", subject=copy.subject)[:SUBJECT_LENGTH],
        template="host_message",
        context=_context(event, copy, str(LINK_STAND_IN)),
        reply_to=reply_to,
        now=now,
    )
