"""Registering for a course (an enrolment) and what follows it: cancelling, the waiting list, the host's approval,
sessions added later. Operations add and flush, never commit.

The seat decision is the course's, made while holding the series row's lock (a row lock on PostgreSQL, the write
lock taken at BEGIN on SQLite; see eventreg/core/database.py), so two workers never both take the last seat. Each
session the enrolment covers gets an ordinary Registration with `enrolment_id` set and the enrolment's status:
reminders, invitations, feeds and attendance then work per session as for any event. A late registrant joins the
sessions that have not started."""

from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa

from eventreg.core import languages, signals
from eventreg.core.extensions import db
from eventreg.events.models import Event, Status
from eventreg.mail import queries as mail_queries
from eventreg.mail.models import OutboxMessage
from eventreg.registrations import operations as registration_operations
from eventreg.registrations.models import Registration, RegistrationStatus, new_token
from eventreg.series import notifications, queries
from eventreg.series.models import Enrolment, Series
from eventreg.series.operations import lock_series
from eventreg.series.rules import SeriesError

# As for a single event (registrations.operations): registering an address again re-sends its state to that
# address only, and not so often that the form becomes a way to flood a stranger's mailbox.
RESEND_INTERVAL = timedelta(minutes=15)
RESENDS_PER_ADDRESS_PER_DAY = 3
RESEND_KINDS = ("course_confirmation_again", "course_waiting_again", "course_pending_again")


class EnrolmentError(SeriesError):
    """A SeriesError that also carries the enrolment already holding the place ("already_registered")."""

    def __init__(self, code: str, enrolment: Enrolment | None = None, **values):
        super().__init__(code, **values)
        self.enrolment = enrolment


def open_sessions(series: Series, *, now: datetime) -> list[Event]:
    """The sessions a new enrolment covers: published and not yet started, by start."""
    return open_among(queries.sessions(series, include_cancelled=False), now=now)


def open_among(sessions: list[Event], *, now: datetime) -> list[Event]:
    """open_sessions among sessions already read (every published one of the series, by start)."""
    return [e for e in sessions if e.status == Status.PUBLISHED and now < e.starts_at]


def count_confirmed(series: Series) -> int:
    return db.session.scalar(
        sa.select(sa.func.count())
        .select_from(Enrolment)
        .where(Enrolment.series_id == series.id, Enrolment.status == RegistrationStatus.CONFIRMED)
    )


def has_free_seat(series: Series) -> bool:
    return series.capacity is None or count_confirmed(series) < series.capacity


def seats_left(series: Series) -> int | None:
    """Free seats of a course, None when it has no limit."""
    return None if series.capacity is None else max(series.capacity - count_confirmed(series), 0)


def waiting_list(series: Series) -> sa.Select:
    return (
        sa.select(Enrolment)
        .where(Enrolment.series_id == series.id, Enrolment.status == RegistrationStatus.WAITING)
        .order_by(Enrolment.waiting_since, Enrolment.id)
    )


def count_waiting(series: Series) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(waiting_list(series).order_by(None).subquery()))


def list_enrolments(series: Series) -> list[Enrolment]:
    """A course's registrations for its hosts, in the order they came."""
    query = sa.select(Enrolment).where(Enrolment.series_id == series.id).order_by(Enrolment.created_at, Enrolment.id)
    return list(db.session.scalars(query))


def get_enrolment_of(series: Series, enrolment_id: int) -> Enrolment | None:
    return db.session.scalar(sa.select(Enrolment).where(Enrolment.id == enrolment_id, Enrolment.series_id == series.id))


def waiting_position(enrolment: Enrolment) -> int | None:
    if enrolment.status != RegistrationStatus.WAITING:
        return None
    ids = list(db.session.scalars(waiting_list(enrolment.series).with_only_columns(Enrolment.id)))
    return ids.index(enrolment.id) + 1 if enrolment.id in ids else None


def enrol(
    series: Series,
    *,
    name: str,
    email: str,
    organization: str,
    now: datetime,
    job_role: str = "",
    timezone: str | None = None,
    form_key: str | None = None,
    notify: bool = True,
    locale: str | None = None,
) -> Enrolment:
    """Register one person for a course: pending when the course requires approval, else confirmed while seats
    last (capacity None: no limit), else waiting in order. Each published session not yet started gets a session
    registration with the same status, and the person is mailed one course message (every session, both times,
    the manage link) and, when confirmed, one invitation per session.

    EnrolmentError("closed") when no session is open; ("already_registered", enrolment) when the address holds a
    place (active or declined). Someone who cancelled earlier gets their enrolment back, at the end of the queue."""
    series = lock_series(series.id)
    if not series.is_course:
        raise EnrolmentError("not_a_course")
    sessions = open_sessions(series, now=now)
    if not sessions:
        raise EnrolmentError("closed")
    email = registration_operations.normalise_email(email)
    enrolment = queries.get_enrolment(series, email)
    if enrolment is not None and enrolment.status != RegistrationStatus.CANCELLED:
        raise EnrolmentError("already_registered", enrolment)
    if series.requires_approval:
        status = RegistrationStatus.PENDING
    else:
        status = RegistrationStatus.CONFIRMED if has_free_seat(series) else RegistrationStatus.WAITING
    if enrolment is None:
        enrolment = Enrolment(series_id=series.id, email=email)
        db.session.add(enrolment)
    else:
        enrolment.token = new_token()  # links to the cancelled enrolment must not open this one
    enrolment.name = name
    enrolment.organization = organization
    enrolment.job_role = job_role
    enrolment.timezone = timezone
    enrolment.locale = locale if languages.is_known(locale) else languages.default()  # its mail's language
    enrolment.form_key = form_key
    enrolment.status = status
    enrolment.created_at = now
    enrolment.confirmed_at = now if status == RegistrationStatus.CONFIRMED else None
    enrolment.waiting_since = now if status == RegistrationStatus.WAITING else None
    enrolment.cancelled_at = None
    enrolment.declined_at = None
    db.session.flush()
    registration_operations.ensure_personal_feed(email, now=now)
    registrations = [_session_registration(enrolment, event, now=now) for event in sessions]
    if notify:
        notifications.queue_enrolment(enrolment, registrations, now=now, position=waiting_position(enrolment))
    return enrolment


def _session_registration(enrolment: Enrolment, event: Event, *, now: datetime) -> Registration:
    """The enrolment's registration for one session, with its status; a cancelled one of the same address is
    taken back (new token, SEQUENCE above the CANCEL its calendar applied)."""
    registration = registration_operations.get_registration(event, enrolment.email)
    if registration is None:
        registration = Registration(event=event, email=enrolment.email)
        db.session.add(registration)
    elif registration.is_cancelled or registration.is_declined:
        registration.token = new_token()
        registration.sequence += 1
    registration.enrolment_id = enrolment.id
    registration.name = enrolment.name
    registration.organization = enrolment.organization
    registration.job_role = enrolment.job_role
    registration.timezone = enrolment.timezone
    registration.locale = enrolment.locale
    registration.status = enrolment.status
    registration.created_at = now
    registration.confirmed_at = now if enrolment.status == RegistrationStatus.CONFIRMED else None
    registration.waiting_since = now if enrolment.status == RegistrationStatus.WAITING else None
    registration.cancelled_at = None
    registration.declined_at = None
    db.session.flush()
    signals.registration_changed.send(registration, change="created", now=now)
    return registration


@dataclass
class Submission:
    """What a visitor's course form led to: "registered", "replayed" (the same form sent twice) or "repeated" (an
    address already holding a place; `resent` says whether its state was mailed to it again)."""

    enrolment: Enrolment
    outcome: str
    resent: bool = False


def submit_enrolment(series: Series, *, form_key: str | None, now: datetime, **details) -> Submission:
    """A visitor's course form, sent: enrol. The same form sent again answers with its enrolment; another form for
    an address holding a place re-sends that place's state to the address (within resend's limits), never to
    whoever typed it. Other EnrolmentErrors propagate."""
    try:
        return Submission(enrol(series, form_key=form_key, now=now, **details), "registered")
    except EnrolmentError as error:
        if error.code != "already_registered":
            raise
        existing = error.enrolment
        if form_key and existing.form_key == form_key:
            return Submission(existing, "replayed")
        return Submission(existing, "repeated", resent=resend(existing, now=now))


def resend(enrolment: Enrolment, *, now: datetime) -> bool:
    """The course message again (no invitations: those went with the first), to the enrolment's address only, at
    most once per RESEND_INTERVAL and RESENDS_PER_ADDRESS_PER_DAY. Returns whether one was queued."""
    recent = db.session.scalar(
        sa.select(sa.func.count())
        .select_from(OutboxMessage)
        .where(
            OutboxMessage.to_address == enrolment.email,
            OutboxMessage.kind.like("course_%"),
            OutboxMessage.created_at > now - RESEND_INTERVAL,
        )
    )
    if recent or mail_queries.has_had_daily(enrolment.email, RESEND_KINDS, RESENDS_PER_ADDRESS_PER_DAY, now=now):
        return False
    if not enrolment.is_active:
        return False
    registrations = active_registrations(enrolment)
    notifications.queue_enrolment(
        enrolment, registrations, now=now, position=waiting_position(enrolment), again=True, invitations=False
    )
    return True


def active_registrations(enrolment: Enrolment) -> list[Registration]:
    """The enrolment's session registrations that still count (not cancelled, declined), by session start."""
    rows = db.session.scalars(
        sa.select(Registration)
        .join(Event, Registration.event_id == Event.id)
        .where(Registration.enrolment_id == enrolment.id, Registration.status.in_(RegistrationStatus.ACTIVE))
        .order_by(Event.starts_at, Event.id)
    )
    return list(rows)


def cancel_enrolment(enrolment: Enrolment, *, now: datetime) -> list[Enrolment]:
    """Cancel a course registration: its registrations of sessions not yet ended are cancelled, each that held an
    invitation gets a METHOD:CANCEL of its own, and one course message confirms it. A freed seat goes to the
    first enrolments waiting. Returns those promoted. Cancelling twice, or a declined enrolment, does nothing."""
    series = lock_series(enrolment.series_id)
    db.session.refresh(enrolment)
    if enrolment.status in (RegistrationStatus.CANCELLED, RegistrationStatus.DECLINED):
        return []
    was_confirmed = enrolment.status == RegistrationStatus.CONFIRMED
    enrolment.status = RegistrationStatus.CANCELLED
    enrolment.cancelled_at = now
    withdrawn = []
    for registration in active_registrations(enrolment):
        if registration.event.has_ended(now):
            continue  # a past session stays on record (attendance, credit)
        had_invitation = registration.is_confirmed
        registration.status = RegistrationStatus.CANCELLED
        registration.cancelled_at = now
        registration.sequence += 1  # the calendar must replace the entry, not keep it
        withdrawn.append((registration, had_invitation))
    db.session.flush()
    notifications.queue_cancelled(enrolment, [r for r, _ in withdrawn], now=now)
    for registration, had_invitation in withdrawn:
        if had_invitation:
            notifications.queue_session_calendar(registration, method="CANCEL", now=now)
        signals.registration_changed.send(registration, change="cancelled", now=now)
    return promote_waiting(series, now=now) if was_confirmed else []


def _confirm(enrolment: Enrolment, *, now: datetime) -> list[Registration]:
    """Seat a waiting or pending enrolment and its registrations of sessions not yet ended."""
    enrolment.status = RegistrationStatus.CONFIRMED
    enrolment.confirmed_at = now
    enrolment.waiting_since = None
    enrolment.declined_at = None
    confirmed = []
    for registration in active_registrations(enrolment):
        if registration.event.has_ended(now) or registration.event.status != Status.PUBLISHED:
            continue
        registration.status = RegistrationStatus.CONFIRMED
        registration.confirmed_at = now
        registration.waiting_since = None
        confirmed.append(registration)
    db.session.flush()
    return confirmed


def promote_waiting(series: Series, *, now: datetime) -> list[Enrolment]:
    """Confirm enrolments from the front of the waiting list while seats are free (after a cancellation, or when
    the host raises the capacity), each mailed its confirmation and its invitations. Takes the series' lock."""
    series = lock_series(series.id)
    query = waiting_list(series)
    if series.capacity is not None:
        free = series.capacity - count_confirmed(series)
        if free <= 0:
            return []
        query = query.limit(free)
    promoted = list(db.session.scalars(query))
    for enrolment in promoted:
        registrations = _confirm(enrolment, now=now)
        notifications.queue_enrolment(enrolment, registrations, now=now, promoted=True)
        for registration in registrations:
            signals.registration_changed.send(registration, change="promoted", now=now)
    return promoted


def change_capacity(series: Series, capacity: int | None, *, now: datetime) -> list[Enrolment]:
    """Set a course's capacity (None: no limit); never below those confirmed; raising it promotes people waiting."""
    series = lock_series(series.id)
    if capacity is not None and capacity < count_confirmed(series):
        raise SeriesError("capacity_below_confirmed")
    series.capacity = capacity
    db.session.flush()
    return promote_waiting(series, now=now)


def approve(enrolment: Enrolment, *, now: datetime, note: str = "") -> Enrolment:
    """A host approves a pending (or declined) enrolment: confirmed while a seat is free, else waiting at the end of
    the queue; mailed once (with the invitations when seated). SeriesError("cannot_approve") otherwise."""
    series = lock_series(enrolment.series_id)
    db.session.refresh(enrolment)
    if enrolment.status not in (RegistrationStatus.PENDING, RegistrationStatus.DECLINED):
        raise SeriesError("cannot_approve")
    if enrolment.status == RegistrationStatus.DECLINED:
        _reopen(enrolment, now=now)
    if has_free_seat(series):
        registrations = _confirm(enrolment, now=now)
        notifications.queue_enrolment(enrolment, registrations, now=now, approved=True, note=note)
    else:
        enrolment.status = RegistrationStatus.WAITING
        enrolment.waiting_since = now
        enrolment.declined_at = None
        for registration in active_registrations(enrolment):
            registration.status = RegistrationStatus.WAITING
            registration.waiting_since = now
        db.session.flush()
        notifications.queue_enrolment(
            enrolment, active_registrations(enrolment), now=now, approved=True, note=note,
            position=waiting_position(enrolment),
        )  # fmt: skip
    for registration in active_registrations(enrolment):
        signals.registration_changed.send(registration, change="approved", note=note or None, now=now)
    return enrolment


def _reopen(enrolment: Enrolment, *, now: datetime) -> None:
    """A declined enrolment's registrations of sessions not yet started become pending again, to be decided."""
    enrolment.status = RegistrationStatus.PENDING
    rows = db.session.scalars(sa.select(Registration).where(Registration.enrolment_id == enrolment.id))
    for registration in rows:
        if registration.is_declined and not registration.event.has_started(now):
            registration.status = RegistrationStatus.PENDING
            registration.declined_at = None
    db.session.flush()


def decline(enrolment: Enrolment, *, now: datetime, note: str = "") -> Enrolment:
    """A host declines a pending enrolment: it and its session registrations are declined (they held no seat, so
    nobody moves) and it is mailed once. SeriesError("cannot_decline") unless it is pending."""
    lock_series(enrolment.series_id)
    db.session.refresh(enrolment)
    if enrolment.status != RegistrationStatus.PENDING:
        raise SeriesError("cannot_decline")
    enrolment.status = RegistrationStatus.DECLINED
    enrolment.declined_at = now
    registrations = active_registrations(enrolment)
    for registration in registrations:
        registration.status = RegistrationStatus.DECLINED
        registration.declined_at = now
    db.session.flush()
    notifications.queue_declined(enrolment, now=now, note=note)
    for registration in registrations:
        signals.registration_changed.send(registration, change="declined", note=note or None, now=now)
    return enrolment


def enrol_in_new_sessions(series: Series, sessions: list[Event], *, now: datetime) -> list[Registration]:
    """Sessions added to a course that already has enrolments: each active enrolment gets a registration for each
    of these that is published and not yet started, with its status, and a confirmed one its invitation. Call it
    once the sessions are published (a draft is skipped: nothing of it may reach a calendar yet). Returns the
    registrations made."""
    series = lock_series(series.id)
    if not series.is_course:
        return []
    new = [e for e in sessions if e.series_id == series.id and e.status == Status.PUBLISHED and now < e.starts_at]
    enrolments = db.session.scalars(
        sa.select(Enrolment)
        .where(Enrolment.series_id == series.id, Enrolment.status.in_(RegistrationStatus.ACTIVE))
        .order_by(Enrolment.id)
    )
    made = []
    for enrolment in enrolments:
        for event in new:
            existing = registration_operations.get_registration(event, enrolment.email)
            if existing is not None and existing.enrolment_id == enrolment.id and existing.is_active:
                continue  # already covered: calling twice mails nobody twice
            registration = _session_registration(enrolment, event, now=now)
            made.append(registration)
            if registration.is_confirmed:
                notifications.queue_session_calendar(registration, method="REQUEST", now=now)
    return made
