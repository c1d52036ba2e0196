"""Hosts' messages: send one now, schedule one, change or cancel a scheduled one, and deliver one (now, or when the
cron finds it due: sending.py). Recipients are read from the audience when the message goes, never before."""

import re
from datetime import datetime

import sqlalchemy as sa
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError

from eventreg.core.extensions import db
from eventreg.events.models import Event
from eventreg.hosts.models import Host
from eventreg.messages import audiences, merge, notifications
from eventreg.messages.audiences import Audience
from eventreg.messages.models import HostMessage, MessageRecipient, MessageStatus
from eventreg.messages.rules import MessageError, check_send_at

CANCELLED_WITH_EVENT = _l("Cancelled with the event.")
# A message keeps its audience's label and its note in English (the log's record), shown in the page's language.
STORED_LANGUAGE = "en"


def stored_label(audience: Audience) -> str:
    with force_locale(STORED_LANGUAGE):
        return str(audience.label)[:200]


def audience_label(message: HostMessage) -> str:
    """The message's audience as the page's language names it."""
    return audiences.label_of(message.audience, message.audience_label)


_GONE = re.compile(r"The audience “(.*)” is gone\.", re.DOTALL)
_NOBODY = re.compile(r"Nobody was in “(.*)” when it was due\.", re.DOTALL)
_NOT_ENDED = re.compile(r"Available once the event has ended \((.*)\) and attendance is recorded\.", re.DOTALL)


def note_of(message: HostMessage) -> str | None:
    """Why it was not sent, or was cancelled, in the page's language."""
    note = message.note
    if not note:
        return note
    if match := _GONE.fullmatch(note):
        return _("The audience “%(label)s” is gone.", label=audiences.label_of(message.audience, match.group(1)))
    if match := _NOBODY.fullmatch(note):
        return _(
            "Nobody was in “%(label)s” when it was due.", label=audiences.label_of(message.audience, match.group(1))
        )
    if match := _NOT_ENDED.fullmatch(note):
        return _("Available once the event has ended (%(ends)s) and attendance is recorded.", ends=match.group(1))
    return _(note)  # a fixed note (cancelled with the event, attendance not recorded, ...) if the catalogs know it


def lock_message(message_id: int) -> HostMessage:
    """The message row, locked until the transaction ends and read afresh: a cron run's claim and a host's change
    of the same message wait for each other, and each sees what the other left."""
    query = (
        sa.select(HostMessage)
        .where(HostMessage.id == message_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    return db.session.execute(query).scalar_one()


def chosen_audience(event: Event, key: str, now: datetime) -> Audience:
    """The audience `key` names, if it can be chosen now: MessageError("unknown_audience") or
    ("unavailable_audience") with the audience's own reason (attendance not recorded yet, ...)."""
    audience = audiences.get(event, key or "")
    if audience is None:
        raise MessageError("unknown_audience")
    reason = audience.unavailable(event, now)
    if reason:
        raise MessageError("unavailable_audience", label=audience.label, reason=reason)
    return audience


def check_text(subject: str, body: str) -> None:
    """MessageError for the first unknown merge field or stray brace, subject first."""
    merge.parse(subject, allowed=merge.SUBJECT_FIELDS)
    merge.parse(body)


def send_now(
    event: Event,
    *,
    author: Host,
    audience: str,
    subject: str,
    body: str,
    reply_to: str | None,
    form_key: str | None,
    now: datetime,
) -> HostMessage:
    """Send the message to everyone in the audience now: one outbox row each, in this transaction. MessageError
    ("nobody") for an empty audience, ("duplicate", message=...) for a form sent twice (nothing more is sent)."""
    chosen = chosen_audience(event, audience, now)
    check_text(subject, body)
    if not audiences.count(chosen, event, now):
        raise MessageError("nobody", label=chosen.label)
    message = _add(event, author, chosen, subject, body, reply_to, form_key, send_at=now, zone=event.timezone, now=now)
    deliver(message, now=now)
    return message


def schedule(
    event: Event,
    *,
    author: Host,
    audience: str,
    subject: str,
    body: str,
    reply_to: str | None,
    send_at: datetime,
    zone: str,
    form_key: str | None,
    now: datetime,
) -> HostMessage:
    """Keep the message to go at send_at (written in `zone`), to whoever is in the audience then. MessageError
    ("in_the_past"), ("duplicate", message=...)."""
    chosen = chosen_audience(event, audience, now)
    check_text(subject, body)
    check_send_at(send_at, zone, now=now)
    return _add(event, author, chosen, subject, body, reply_to, form_key, send_at=send_at, zone=zone, now=now)


def _add(
    event: Event,
    author: Host,
    audience: Audience,
    subject: str,
    body: str,
    reply_to: str | None,
    form_key: str | None,
    *,
    send_at: datetime,
    zone: str,
    now: datetime,
) -> HostMessage:
    """A new message, scheduled; the form's key makes a second "Send" of the same form find the first."""
    existing = _by_form_key(form_key)
    if existing is not None:
        raise MessageError("duplicate", message=existing)
    message = HostMessage(
        event_id=event.id,
        author_id=author.id,
        audience=audience.key,
        audience_label=stored_label(audience),
        subject=subject,
        body=body,
        reply_to=reply_to,
        status=MessageStatus.SCHEDULED,
        send_at=send_at,
        zone=zone,
        form_key=form_key or None,
        created_at=now,
        updated_at=now,
    )
    try:
        with db.session.begin_nested():  # another request with the same key may have committed in between
            db.session.add(message)
            db.session.flush()
    except IntegrityError:
        raise MessageError("duplicate", message=_by_form_key(form_key)) from None
    return message


def _by_form_key(form_key: str | None) -> HostMessage | None:
    return db.session.scalar(sa.select(HostMessage).where(HostMessage.form_key == form_key)) if form_key else None


def change_scheduled(
    message: HostMessage,
    *,
    audience: str,
    subject: str,
    body: str,
    reply_to: str | None,
    send_at: datetime | None,
    zone: str,
    now: datetime,
) -> HostMessage:
    """Change a message that has not gone yet; send_at None sends it now. MessageError("not_scheduled") once a cron
    run has taken it (or it was sent or cancelled), and the others of send_now and schedule."""
    message = _scheduled(message.id)
    event = message.event
    chosen = chosen_audience(event, audience, now)
    check_text(subject, body)
    if send_at is None and not audiences.count(chosen, event, now):
        raise MessageError("nobody", label=chosen.label)
    if send_at is not None:
        check_send_at(send_at, zone, now=now)
    message.audience, message.audience_label = chosen.key, stored_label(chosen)
    message.subject, message.body, message.reply_to = subject, body, reply_to
    message.send_at, message.zone, message.updated_at = send_at or now, zone, now
    db.session.flush()
    if send_at is None:
        deliver(message, now=now)
    return message


def cancel_scheduled(message: HostMessage, *, now: datetime, note: str | None = None) -> HostMessage:
    """Keep a message that has not gone yet from going. MessageError("not_scheduled") once it is taken or done."""
    message = _scheduled(message.id)
    message.status = MessageStatus.CANCELLED
    message.cancelled_at = message.updated_at = now
    message.note = note
    db.session.flush()
    return message


def status_words(message: HostMessage) -> str:
    """The message's status as it reads inside a sentence ("This message is sent and ...")."""
    return _("being sent") if message.status == MessageStatus.SENDING else str(message.status_label).lower()


def _scheduled(message_id: int) -> HostMessage:
    message = lock_message(message_id)
    if not message.is_scheduled:
        status = status_words(message)
        raise MessageError("not_scheduled", status=status, message=message)
    return message


def cancel_with_event(event: Event, *, now: datetime) -> int:
    """The event was cancelled: its scheduled messages (written for an event that was going ahead) do not go.
    Returns how many were cancelled. A message scheduled after the cancellation is the host's choice, and goes."""
    scheduled = db.session.scalars(
        sa.select(HostMessage.id).where(HostMessage.event_id == event.id, HostMessage.status == MessageStatus.SCHEDULED)
    ).all()
    with force_locale(STORED_LANGUAGE):
        note = str(CANCELLED_WITH_EVENT)
    for message_id in scheduled:
        cancel_scheduled(db.session.get(HostMessage, message_id), now=now, note=note)
    return len(scheduled)


def deliver(message: HostMessage, *, now: datetime) -> int:
    """Send the message to its audience as it is now: each person's merged copy in the outbox and a recipient row
    (whose key refuses a second copy to one person), then mark it sent. An audience that cannot be chosen any more,
    or is empty, marks it not sent with the reason instead. Returns how many it went to."""
    event = message.event
    audience = audiences.get(event, message.audience)
    with force_locale(STORED_LANGUAGE):
        if audience is None:
            reason = _("The audience “%(label)s” is gone.", label=message.audience_label)
        else:
            reason = audience.unavailable(event, now)
        people = [] if reason else audiences.recipients(audience, event, now)
        if not reason and not people:
            reason = _("Nobody was in “%(label)s” when it was due.", label=message.audience_label)
        reason = str(reason) if reason else reason
    if reason:
        message.status, message.note, message.claim_token = MessageStatus.NOT_SENT, reason[:500], None
        message.recipient_count = 0
        db.session.flush()
        return 0
    for registration in people:
        mail = notifications.queue_to(
            registration, subject=message.subject, body=message.body, reply_to=message.reply_to, now=now
        )
        db.session.add(
            MessageRecipient(
                message_id=message.id,
                registration_id=registration.id,
                outbox_id=mail.id,
                name=registration.name,
                email=registration.email,
            )
        )
    message.status, message.sent_at, message.claim_token = MessageStatus.SENT, now, None
    message.recipient_count = len(people)
    db.session.flush()
    return len(people)
