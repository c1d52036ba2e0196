"""Registering, cancelling and the waiting list. Operations add and flush, never commit.

Seats are counted while holding the event's lock (a row lock on PostgreSQL, the write lock taken at
BEGIN on SQLite; see eventreg/core/database.py), so two workers can never both take the last seat."""

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from sqlalchemy.dialects import postgresql, sqlite

from eventreg.core import languages, signals
from eventreg.core.errors import CodedError
from eventreg.core.extensions import db
from eventreg.events.models import Event, Status
from eventreg.events.operations import EventUpdate
from eventreg.mail import queries as mail_queries
from eventreg.mail.models import OutboxMessage
from eventreg.questions import operations as question_operations
from eventreg.questions.rules import Given
from eventreg.registrations import notifications, queries
from eventreg.registrations.models import PersonalFeed, Registration, RegistrationStatus, new_token

# Registering an address that is already registered re-sends its current state to that address. Anyone
# can type anyone's address, so this must not become a way to flood a mailbox from our server.
RESEND_INTERVAL = timedelta(minutes=15)  # per registration, counting the first confirmation
RESENDS_PER_ADDRESS_PER_DAY = 3
RESEND_KINDS = ("confirmation_again", "waiting_again", "pending_again", "declined_again")


class RegistrationError(CodedError):
    MESSAGES = {
        "closed": _l("Registration for this event has closed."),
        "event_cancelled": _l("This event has been cancelled, so registration is closed."),
        "already_registered": _l("You’re already registered for this event."),
        "course_session": _l(
            "This is a session of the course “{course}”: register for the course, which covers each of its sessions."
        ),
        "capacity_below_confirmed": _l("Capacity cannot be less than the number of people already confirmed."),
        "not_waiting": _l("Only someone on the waiting list can be promoted."),
        "no_free_seat": _l("There is no free seat. Raise the capacity first, then promote."),
        "cannot_approve": _l("Only a registration awaiting approval, or one that was declined, can be approved."),
        "cannot_decline": _l("Only a registration awaiting approval can be declined."),
        "approval_ended": _l("The event has ended, so registrations can no longer be approved."),
        # A plural: the sentence comes whole from ngettext in __init__ (this entry is the English fallback).
        "pending_left": "{count} registration{s} still await{verb} your approval. Approve or decline {them} on the "
        "registrant list first, then turn approval off.",
        # Why a registrant's details can no longer be changed (registrations/changes.py).
        "details_started": _l(
            "The event has started, so your details can no longer be changed here. If something "
            "needs correcting, please contact the host."
        ),
        "details_event_cancelled": _l("This event has been cancelled, so there is nothing to change."),
        "details_cancelled": _l(
            "This registration is cancelled, so its details can no longer be changed. Register again to take part."
        ),
    }

    def __init__(self, code: str, registration: Registration | None = None, **values):
        super().__init__(code, **values)
        if code == "pending_left":
            self.message = ngettext(
                "%(num)d registration still awaits your approval. Approve or decline it on the registrant list "
                "first, then turn approval off.",
                "%(num)d registrations still await your approval. Approve or decline them on the registrant list "
                "first, then turn approval off.",
                values["count"],
            )
        self.registration = registration  # the one already holding the place ("already_registered")


def lock_event(event_id: int) -> Event:
    """The event row, locked until the transaction ends, and refreshed from the database."""
    query = (
        sa.select(Event)
        .where(Event.id == event_id)
        .with_for_update()
        .options(sa.orm.lazyload(Event.topics))  # the refresh needs the row, not its topics again
        .execution_options(populate_existing=True)
    )
    return db.session.execute(query).scalar_one()


def normalise_email(email: str) -> str:
    return email.strip().lower()


def register(
    event: Event,
    *,
    name: str,
    email: str,
    organization: str,
    now: datetime,
    job_role: str = "",
    accessibility: str = "",
    accessibility_details: str = "",
    wants_recording: bool = False,
    timezone: str | None = None,
    form_key: str | None = None,
    by_host: bool = False,
    notify: bool = True,
    answers: list[Given] | None = None,
    locale: str | None = None,
) -> Registration:
    """Register one person: confirmed while seats last, then on the waiting list in order, and mail them their
    confirmation or place in the queue (unless notify is False: see add_registrant). For an event that requires
    approval the registration is pending instead, holding no seat and no place in the queue until a host decides
    (approve, decline), and the mail says so, without the join link or an invitation; a host's own addition
    (by_host) needs no approval.

    RegistrationError("closed"/"event_cancelled") when registration is not open;
    RegistrationError("already_registered", registration) when the e-mail already holds a place. Someone
    who cancelled earlier gets their registration back, at the end of the queue. A host adding someone
    by hand (by_host) may do so after registration has closed, but not for a cancelled event; once the event
    has ended, the host is recording who was there, so the person is confirmed whatever the seats. `answers`, the
    event's questions answered on the form (questions.rules.read_answer), replace any the registration had; None
    (a host adding someone) leaves them as they are. `locale`: the language the person registered in (a page's),
    which every mail to them is written in; None (a host adding someone) is the site's default."""
    event = lock_event(event.id)
    if event.series is not None and event.series.is_course:
        # A course's seats are the course's (series/enrolments.py makes its session registrations).
        raise RegistrationError("course_session", course=event.series.title)
    if event.status == Status.CANCELLED:
        raise RegistrationError("event_cancelled")
    if not by_host and not event.is_open_for_registration(now):
        raise RegistrationError("closed")
    email = normalise_email(email)
    registration = get_registration(event, email)
    if registration is not None and not registration.is_cancelled:
        raise RegistrationError("already_registered", registration)
    pending = event.requires_approval and not by_host
    # Count before adding the new row, so the count cannot include it.
    confirmed = not pending and ((by_host and event.has_ended(now)) or has_free_seat(event))
    taken_back = registration is not None  # may hold answers from before it was cancelled
    if registration is None:
        registration = Registration(event=event, email=email)
        db.session.add(registration)
    else:
        # A new registration gets a new link: links to the cancelled one must not open this one.
        registration.token = new_token()
        registration.sequence += 1  # above the CANCEL this person's calendar applied, or it stays cancelled
    registration.name = name
    registration.organization = organization
    registration.job_role = job_role
    registration.accessibility = accessibility
    registration.accessibility_details = accessibility_details
    registration.wants_recording = wants_recording
    registration.timezone = timezone
    registration.locale = locale if languages.is_known(locale) else languages.default()
    registration.form_key = form_key
    registration.created_at = now
    registration.cancelled_at = None
    registration.declined_at = None
    if pending:
        registration.status = RegistrationStatus.PENDING
    else:
        registration.status = RegistrationStatus.CONFIRMED if confirmed else RegistrationStatus.WAITING
    registration.confirmed_at = now if confirmed else None
    registration.waiting_since = now if registration.is_waiting else None
    ensure_personal_feed(email, now=now)
    db.session.flush()
    if answers is not None and (answers or taken_back):  # before the signal: a webhook's payload carries them
        question_operations.save_answers(registration, answers, now=now)
    if notify and registration.is_confirmed:
        notifications.queue_confirmation(registration, now=now)
    elif notify and registration.is_pending:
        notifications.queue_pending(registration, now=now)
    elif notify:
        notifications.queue_waiting(registration, position=waiting_position(registration), now=now)
    signals.registration_changed.send(registration, change="created", now=now)
    return registration


def mails_added_person(event: Event, *, email_them: bool, now: datetime) -> bool:
    """Whether someone a host adds to an event is emailed (their confirmation with the join link, or their place
    in the queue): only when the host asks for it, and never once the event has ended. Adding people to a past
    event records who was there; a confirmation, an invitation or a join link for it would only surprise them.
    (Walk-ins from an attendance report are never mailed either: attendance.operations.add_walk_in.)"""
    return email_them and not event.has_ended(now)


@dataclass
class Added:
    """What a host's "add a registrant" led to: the registration, and whether it was emailed."""

    registration: Registration
    emailed: bool


def add_registrant(event: Event, *, email_them: bool, now: datetime, **details) -> Added:
    """A host adds one person by hand (see register, by_host), emailing them only as mails_added_person says.
    RegistrationErrors propagate."""
    emailed = mails_added_person(event, email_them=email_them, now=now)
    registration = register(event, now=now, by_host=True, notify=emailed, **details)
    return Added(registration, emailed)


@dataclass
class Submission:
    """What a visitor's registration form led to: "registered" (or waitlisted), "replayed" (the same form sent
    twice, a double click: its first registration), "repeated" (an address already registered; `resent` says
    whether its current state was mailed to it again)."""

    registration: Registration
    outcome: str
    resent: bool = False


def submit_registration(event: Event, *, form_key: str | None, now: datetime, **details) -> Submission:
    """A visitor's registration form, sent: register (see register). The same form (form_key) sent again
    answers with the registration it made; another form for an address that holds a place re-sends that
    place's current state to the address (within resend_confirmation's limits), never to whoever typed it.
    Other RegistrationErrors propagate."""
    try:
        registration = register(event, form_key=form_key, now=now, **details)
    except RegistrationError as error:
        if error.code != "already_registered":
            raise
        existing = error.registration
        if form_key and existing.form_key == form_key:
            return Submission(existing, "replayed")
        return Submission(existing, "repeated", resent=resend_confirmation(existing, now=now))
    return Submission(registration, "registered")


def cancel_registration(registration: Registration, *, now: datetime) -> list[Registration]:
    """Cancel and tell the person; a freed seat goes to the first people waiting. Returns those promoted. A pending
    registration is withdrawn the same way (it held no seat, so nobody is promoted).

    Cancelling twice changes nothing and sends nothing, and so does cancelling a declined registration: it stays
    declined, so the address cannot register again past the host's decision."""
    event = lock_event(registration.event_id)
    db.session.refresh(registration)
    if registration.is_cancelled or registration.is_declined:
        return []
    was_confirmed = registration.is_confirmed
    registration.status = RegistrationStatus.CANCELLED
    registration.cancelled_at = now
    registration.sequence += 1  # the calendar must replace the entry, not keep it
    db.session.flush()
    notifications.queue_cancellation(registration, had_invitation=was_confirmed, now=now)
    signals.registration_changed.send(registration, change="cancelled", now=now)
    return promote_waiting(event, now=now) if was_confirmed else []


def change_capacity(event: Event, capacity: int | None, *, now: datetime) -> list[Registration]:
    """Set the capacity (None: unlimited). Never below those confirmed; raising it promotes people waiting."""
    event = lock_event(event.id)
    check_capacity(event, capacity)
    event.capacity = capacity
    db.session.flush()
    return promote_waiting(event, now=now)


def check_capacity(event: Event, capacity: int | None) -> None:
    """RegistrationError("capacity_below_confirmed") when capacity is below those confirmed; under lock_event, so
    that no one is confirmed between this check and the change."""
    if capacity is not None and capacity < count_confirmed(event):
        raise RegistrationError("capacity_below_confirmed")


def tell_of_event_update(event: Event, update: EventUpdate, *, now: datetime) -> EventUpdate:
    """Tell registrants what a host's save changed (update_event's answer) and fill in who was emailed. When a
    published event's time, place or join link changed, every confirmed registrant gets an updated invitation,
    unless the event has ended; a new recording link goes out as send_recording_followup says."""
    told = update.told
    if told and event.status == Status.PUBLISHED and now < event.ends_at:
        previous = notifications.EventBefore.of(event, update.before)
        for registration in queries.list_confirmed(event):
            notifications.queue_update(registration, changes=told, previous=previous, now=now)
            update.invited += 1
    if told and not update.invited:
        update.not_invited = (
            event.status if event.status != Status.PUBLISHED else "ended" if now >= event.ends_at else "nobody"
        )
    if "archive_url" in update.changed and event.archive_url:
        update.recording = send_recording_followup(event, now=now)
        if not update.recording:
            update.recording_held = "not_ended" if now < event.ends_at else "nobody"
    return update


def tell_of_event_cancelled(event: Event, *, now: datetime) -> int:
    """Tell everyone registered that the host cancelled the event (a METHOD:CANCEL for those holding an
    invitation). Returns how many were told."""
    registrations = queries.list_active(event)
    for registration in registrations:
        notifications.queue_event_cancelled(registration, had_invitation=registration.is_confirmed, now=now)
    return len(registrations)


def promote(registration: Registration, *, now: datetime) -> None:
    """A host confirms one particular person from the waiting list, if a seat is free."""
    event = lock_event(registration.event_id)
    db.session.refresh(registration)
    if not registration.is_waiting:
        raise RegistrationError("not_waiting")
    if not has_free_seat(event):
        raise RegistrationError("no_free_seat")
    registration.status = RegistrationStatus.CONFIRMED
    registration.confirmed_at = now
    db.session.flush()
    notifications.queue_confirmation(registration, now=now, promoted=True)
    signals.registration_changed.send(registration, change="promoted", now=now)


def promote_waiting(event: Event, *, now: datetime) -> list[Registration]:
    """Confirm people from the front of the waiting list while seats are free. The caller holds the lock. A course
    session's registrations wait on their enrolment's seat (series/enrolments.py), never on the session's."""
    query = queries.waiting_list(event).where(Registration.enrolment_id.is_(None))
    if event.capacity is not None:
        free = event.capacity - count_confirmed(event)
        if free <= 0:
            return []
        query = query.limit(free)
    promoted = list(db.session.scalars(query))
    for registration in promoted:
        registration.status = RegistrationStatus.CONFIRMED
        registration.confirmed_at = now
    db.session.flush()
    for registration in promoted:
        notifications.queue_confirmation(registration, now=now, promoted=True)
        signals.registration_changed.send(registration, change="promoted", now=now)
    return promoted


@dataclass
class Decisions:
    """What a host's approve or decline did: those given a seat, put on the waiting list, declined, and those
    left as they were because they were not awaiting that decision (already decided, cancelled meanwhile)."""

    confirmed: list[Registration] = field(default_factory=list)
    waiting: list[Registration] = field(default_factory=list)
    declined: list[Registration] = field(default_factory=list)
    skipped: list[Registration] = field(default_factory=list)

    @property
    def approved(self) -> list[Registration]:
        return self.confirmed + self.waiting


def _in_line(event: Event, registrations: list[Registration]) -> list[Registration]:
    """The event's registrations among these, re-read under the lock (another host may have decided or the person
    cancelled meanwhile), in the order they registered: when the seats run out, the first to ask get them."""
    for registration in registrations:
        if registration.event_id != event.id:
            raise ValueError(f"registration {registration.id} is not of event {event.id}")
        db.session.refresh(registration)
    return sorted(registrations, key=lambda r: (r.created_at, r.id))


def approve(event: Event, registrations: list[Registration], *, note: str = "", now: datetime) -> Decisions:
    """A host approves these registrations (pending, or declined earlier), under the event's lock and by the seat
    rules of register: each takes a seat while one is free, earliest registered first, and the rest join the end of
    the waiting list. Each is mailed once: a seat's confirmation with the join link and the calendar invitation, or
    their place in the queue, with the host's note. Others are skipped, unchanged and not mailed.
    RegistrationError("event_cancelled") for a cancelled event, ("approval_ended") once it has ended."""
    event = lock_event(event.id)
    if event.status == Status.CANCELLED:
        raise RegistrationError("event_cancelled")
    if event.has_ended(now):
        raise RegistrationError("approval_ended")
    decisions = Decisions()
    for registration in _in_line(event, registrations):
        if not (registration.is_pending or registration.is_declined):
            decisions.skipped.append(registration)
            continue
        seated = has_free_seat(event)  # counted again for each: the one before may have taken the last seat
        registration.status = RegistrationStatus.CONFIRMED if seated else RegistrationStatus.WAITING
        registration.confirmed_at = now if seated else None
        registration.waiting_since = None if seated else now
        registration.declined_at = None
        db.session.flush()
        if seated:
            decisions.confirmed.append(registration)
            notifications.queue_confirmation(registration, now=now, approved=True, note=note)
        else:
            decisions.waiting.append(registration)
            position = waiting_position(registration)
            notifications.queue_waiting(registration, position=position, now=now, approved=True, note=note)
        signals.registration_changed.send(registration, change="approved", note=note or None, now=now)
    return decisions


def decline(event: Event, registrations: list[Registration], *, note: str = "", now: datetime) -> Decisions:
    """A host declines these pending registrations: each is declined (it held no seat, so nobody moves) and mailed
    once that it was not approved, with the host's note. Others are skipped, unchanged and not mailed."""
    event = lock_event(event.id)
    decisions = Decisions()
    for registration in _in_line(event, registrations):
        if not registration.is_pending:
            decisions.skipped.append(registration)
            continue
        registration.status = RegistrationStatus.DECLINED
        registration.declined_at = now
        db.session.flush()
        decisions.declined.append(registration)
        notifications.queue_declined(registration, note=note, now=now)
        signals.registration_changed.send(registration, change="declined", note=note or None, now=now)
    return decisions


def approve_one(registration: Registration, *, note: str = "", now: datetime) -> Registration:
    """approve for one registration; RegistrationError("cannot_approve") unless it is pending or declined."""
    decisions = approve(registration.event, [registration], note=note, now=now)
    if decisions.skipped:
        raise RegistrationError("cannot_approve")
    return registration


def decline_one(registration: Registration, *, note: str = "", now: datetime) -> Registration:
    """decline for one registration; RegistrationError("cannot_decline") unless it is pending."""
    decisions = decline(registration.event, [registration], note=note, now=now)
    if decisions.skipped:
        raise RegistrationError("cannot_decline")
    return registration


def check_approval_change(event: Event, requires_approval: bool) -> None:
    """Turning approval off while registrations await it is refused: approving them all at once would mail people
    (and take seats) the host never chose, and leaving them pending would strand them. So the host decides each
    first. RegistrationError("pending_left"); under lock_event, so no one registers pending between the check and
    the change."""
    if event.requires_approval and not requires_approval:
        count = queries.count_pending(event)
        if count:
            plural = count != 1
            raise RegistrationError(
                "pending_left",
                count=count,
                s="s" if plural else "",
                verb="" if plural else "s",
                them="them" if plural else "it",
            )


def resend_confirmation(registration: Registration, *, now: datetime) -> bool:
    """Someone registered again with the same address: send the current state to that address only, at
    most once per RESEND_INTERVAL per registration and RESENDS_PER_ADDRESS_PER_DAY per address. Returns
    whether a message was queued."""
    recent = db.session.scalar(
        sa.select(sa.func.count())
        .select_from(OutboxMessage)
        .where(OutboxMessage.registration_id == registration.id, OutboxMessage.created_at > now - RESEND_INTERVAL)
    )
    if recent or mail_queries.has_had_daily(registration.email, RESEND_KINDS, RESENDS_PER_ADDRESS_PER_DAY, now=now):
        return False
    if registration.is_confirmed:
        notifications.queue_confirmation(registration, now=now, again=True)
    elif registration.is_waiting:
        notifications.queue_waiting(registration, position=waiting_position(registration), now=now, again=True)
    elif registration.is_pending:
        notifications.queue_pending(registration, now=now, again=True)
    elif registration.is_declined:
        notifications.queue_declined(registration, note="", now=now, again=True)
    else:
        return False
    return True


def ensure_personal_feed(email: str, *, now: datetime) -> None:
    """Give the address a private feed if it has none; safe when two registrations of it race."""
    dialect = db.session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    statement = insert(PersonalFeed).values(email=email, token=new_token(), created_at=now)
    db.session.execute(statement.on_conflict_do_nothing(index_elements=["email"]))


def get_personal_feed(email: str) -> PersonalFeed | None:
    return db.session.scalar(sa.select(PersonalFeed).where(PersonalFeed.email == email))


def replace_personal_feed(email: str, *, now: datetime) -> PersonalFeed:
    """A new private feed URL for the address; the old one stops working at once."""
    ensure_personal_feed(email, now=now)
    feed = get_personal_feed(email)
    feed.token = new_token()
    db.session.flush()
    return feed


def get_registration(event: Event, email: str) -> Registration | None:
    return db.session.scalar(
        sa.select(Registration).where(Registration.event_id == event.id, Registration.email == normalise_email(email))
    )


def get_by_token(token: str) -> Registration | None:
    return db.session.scalar(sa.select(Registration).where(Registration.token == token))


def get_by_id(registration_id: int) -> Registration | None:
    return db.session.get(Registration, registration_id)


def count_confirmed(event: Event) -> int:
    return _count(event, RegistrationStatus.CONFIRMED)


def has_free_seat(event: Event) -> bool:
    return event.capacity is None or count_confirmed(event) < event.capacity


def seat_counts(event: Event) -> tuple[int | None, int]:
    """(free seats, or None when the event has no limit; people waiting), in at most one query."""
    if event.capacity is None:
        return None, 0  # nobody waits without a limit: removing one promotes everyone (change_capacity)
    return _seats(event, queries.counts_by_status([event.id])[event.id])


def _seats(event: Event, counts: dict[str, int]) -> tuple[int, int]:
    """(free seats, people waiting) of an event with a capacity, from its counts_by_status entry."""
    return max(event.capacity - counts[RegistrationStatus.CONFIRMED], 0), counts[RegistrationStatus.WAITING]


def seat_counts_of(events: list[Event], *, now: datetime) -> dict[int, tuple[int | None, int]]:
    """seat_counts for each event open for registration, in one query for the lot (a list page)."""
    open_events = [event for event in events if event.is_open_for_registration(now)]
    counts = queries.counts_by_status([event.id for event in open_events if event.capacity is not None])
    return {e.id: (None, 0) if e.capacity is None else _seats(e, counts[e.id]) for e in open_events}


def waiting_position(registration: Registration) -> int | None:
    """1 for the first person waiting; None for anyone not waiting."""
    if not registration.is_waiting:
        return None
    line = queries.waiting_list(registration.event, Registration.id).where(queries.ahead_in_line(registration))
    return db.session.scalar(sa.select(sa.func.count()).select_from(line.order_by(None).subquery())) + 1


def _count(event: Event, status: str) -> int:
    return db.session.scalar(
        sa.select(sa.func.count())
        .select_from(Registration)
        .where(Registration.event_id == event.id, Registration.status == status)
    )


def send_recording_followup(event: Event, *, now: datetime) -> Counter:
    """Tell registrants the recording is posted: once. Attendees get a thank-you, recorded no-shows a
    "sorry we missed you", and others who asked to hear get the link. A later change of URL sends a short
    correction to those who had the first link, and the ordinary message to anyone added or marked since (a
    person back-filled after the event hears of the recording only when the host posts or changes it after
    adding them). Before the event has ended nothing is sent. Returns how many messages were queued, by kind
    ("thanks", "missed", "recording", "recording_correction")."""
    sent = Counter()
    if not event.archive_url or now < event.ends_at or event.archive_url == event.recording_notified_url:
        return sent
    registrations = queries.list_confirmed(event)
    # A correction only to those who had the first link: someone added since (back-filled after the event, or
    # newly marked) gets the ordinary message, not a correction of one they never had.
    told = _had_recording_mail(event)
    for registration in registrations:
        if registration.attended is True:
            kind = "thanks"
        elif registration.attended is False:
            kind = "missed"
        elif registration.wants_recording:
            kind = "recording"
        else:
            continue
        kind = "recording_correction" if registration.id in told else kind
        notifications.queue_recording(registration, kind=kind, now=now)
        sent[kind] += 1
    event.recording_notified_url = event.archive_url
    db.session.flush()
    return sent


RECORDING_KINDS = ("thanks", "missed", "recording", "recording_correction")


def _had_recording_mail(event: Event) -> set[int]:
    """The ids of the event's registrations that were sent a recording message."""
    of_event = sa.select(Registration.id).where(Registration.event_id == event.id)
    return set(
        db.session.scalars(
            sa.select(OutboxMessage.registration_id).where(
                OutboxMessage.registration_id.in_(of_event), OutboxMessage.kind.in_(RECORDING_KINDS)
            )
        )
    )
