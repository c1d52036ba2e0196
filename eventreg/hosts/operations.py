"""Host accounts: creating them, signing in (with a limit on failed attempts), passwords, access."""

import re
import secrets
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from eventreg.core import signals
from eventreg.core.errors import CodedError
from eventreg.core.extensions import db
from eventreg.events import operations as event_operations
from eventreg.events import rules as event_rules
from eventreg.events.models import Event, Status, Topic
from eventreg.events.operations import EventUpdate
from eventreg.hosts.models import MIN_PASSWORD_LENGTH, Host, HostSession, LoginAttempt, password_matches
from eventreg.registrations import operations as registration_operations
from eventreg.registrations.models import Registration

FAILURES_PER_EMAIL = 5
FAILURES_PER_ADDRESS = 20
FAILURE_WINDOW = timedelta(minutes=15)


class HostError(CodedError):
    MESSAGES = {
        "email_taken": _l("A host with this email already exists."),
        "password_too_short": _l("Passwords need at least %(num)d characters.", num=MIN_PASSWORD_LENGTH),
        "bad_credentials": _l("That email and password don’t match an account."),
        "too_many_attempts": _l("Too many failed sign-in attempts. Please wait 15 minutes and try again."),
        "wrong_password": _l("Your current password is not right."),
        "unknown_host": _l("There is no host with the email {email}."),
    }


def get_host_by_email(email: str) -> Host | None:
    return db.session.scalar(sa.select(Host).where(Host.email == email.strip().lower()))


def create_host(*, email: str, password: str, now: datetime, name: str = "", is_admin: bool = False) -> Host:
    if get_host_by_email(email) is not None:
        raise HostError("email_taken")
    if len(password) < MIN_PASSWORD_LENGTH:
        raise HostError("password_too_short")
    host = Host(email=email.strip().lower(), name=name, is_admin=is_admin, created_at=now)
    host.set_password(password)
    db.session.add(host)
    db.session.flush()
    return host


def authenticate(email: str, password: str, *, address: str, now: datetime) -> Host:
    """The host with these credentials, or HostError. Failures are counted per email and per client
    address over FAILURE_WINDOW; past the limit even the right password is refused until it passes."""
    email = email.strip().lower()
    since = now - FAILURE_WINDOW
    by_email = _count_failures(LoginAttempt.email == email, since)
    by_address = _count_failures(LoginAttempt.address == address, since)
    if by_email >= FAILURES_PER_EMAIL or by_address >= FAILURES_PER_ADDRESS:
        raise HostError("too_many_attempts")
    host = get_host_by_email(email)
    if not password_matches(host, password):  # checks a hash even when there is no such host
        db.session.add(LoginAttempt(email=email[:254], address=address[:64], attempted_at=now))
        db.session.flush()
        raise HostError("bad_credentials")
    return host


def _count_failures(condition, since: datetime) -> int:
    return db.session.scalar(
        sa.select(sa.func.count()).select_from(LoginAttempt).where(condition, LoginAttempt.attempted_at > since)
    )


def change_password(host: Host, *, current: str, new: str) -> None:
    """Set a new password and end every other sign-in of the host (the one in host.session_id stays):
    whoever might have known the old password, or holds a copy of another sign-in's cookie, is out."""
    if not host.check_password(current):
        raise HostError("wrong_password")
    if len(new) < MIN_PASSWORD_LENGTH:
        raise HostError("password_too_short")
    host.set_password(new)
    db.session.execute(
        sa.delete(HostSession).where(HostSession.host_id == host.id, HostSession.id != (host.session_id or ""))
    )
    db.session.flush()


def set_language(host: Host, locale: str | None) -> None:
    """The host's own language ("en", "es", "fr"): their pages when signed in, and the mail sent to them; None
    gives their pages back to their browser's language."""
    host.locale = locale
    db.session.flush()


SESSION_ID = re.compile(r"[A-Za-z0-9_-]{43}")  # what secrets.token_urlsafe(32) makes


def start_session(host: Host, *, now: datetime, max_age: timedelta) -> HostSession:
    """A new sign-in for the host, named by a random id; host.session_id is set to it for Flask-Login. The
    host's sign-ins older than max_age, which open nothing any more, are deleted on the way."""
    db.session.execute(
        sa.delete(HostSession).where(HostSession.host_id == host.id, HostSession.created_at <= now - max_age)
    )
    host_session = HostSession(id=secrets.token_urlsafe(32), host_id=host.id, created_at=now)
    db.session.add(host_session)
    db.session.flush()
    host.session_id = host_session.id
    return host_session


def end_session(host: Host) -> None:
    """End the sign-in in host.session_id: the cookie naming it, and any copy, loads nobody from now on."""
    db.session.execute(sa.delete(HostSession).where(HostSession.id == (host.session_id or "")))
    db.session.flush()


def host_for_session(session_id: str, *, now: datetime, max_age: timedelta) -> Host | None:
    """The host signed in as session_id, or None when that sign-in has ended, is older than max_age (a stolen
    or forgotten cookie, the remember cookie included, opens nothing for longer than that), or never was."""
    if not SESSION_ID.fullmatch(session_id):
        return None
    host = db.session.scalar(
        sa.select(Host).join(HostSession).where(HostSession.id == session_id, HostSession.created_at > now - max_age)
    )
    if host is not None:
        host.session_id = session_id
    return host


def record_attendance(event: Event, registrations: list, attended: bool | None, *, now: datetime) -> int:
    """Mark confirmed registrants as attended (True), absent (False) or not recorded (None). EventError
    ("not_started") before the event starts: nobody can have attended yet. Returns how many were marked."""
    event_rules.check_attendance_open(event, now)
    marked = [registration for registration in registrations if registration.is_confirmed]
    for registration in marked:
        registration.attended = attended
    db.session.flush()
    if marked:
        signals.attendance_recorded.send(event, registrations=marked, now=now)
    return len(marked)


def needs_past_confirmation(event: Event | None, starts_at: datetime, *, now: datetime) -> bool:
    """Whether saving this start must be confirmed first: it is in the past, and it is new (a new event, or a
    moved one). Registrants are not emailed about an event that has ended, so the host should know."""
    return starts_at < now and (event is None or starts_at != event.starts_at)


def hosts_by_emails(emails: list[str]) -> list[Host]:
    """The hosts with these emails; HostError("unknown_host") names the first that has no account."""
    hosts = []
    for email in emails:
        host = get_host_by_email(email)
        if host is None:
            raise HostError("unknown_host", email=email)
        hosts.append(host)
    return hosts


def create_event(
    host: Host,
    *,
    cohost_emails: list[str],
    topics: list[Topic],
    slug: str | None,
    capacity: int | None,
    now: datetime,
    **fields,
) -> Event:
    """A new draft hosted by `host` and the co-hosts named, with its topics; the host's next new event starts in
    the same zone. HostError("unknown_host") for a co-host without an account, EventError for the slug."""
    cohosts = hosts_by_emails(cohost_emails)
    if slug:
        event_operations.check_slug(slug, None)
    event = event_operations.create_event(slug=slug, capacity=capacity, now=now, status=Status.DRAFT, **fields)
    event.topics = topics
    event.hosts = [host, *[h for h in cohosts if h.id != host.id]]
    host.timezone = fields["timezone"]
    db.session.flush()
    return event


def save_event(
    event: Event,
    editor: Host,
    *,
    cohost_emails: list[str],
    topics: list[Topic],
    capacity: int | None,
    now: datetime,
    **fields,
) -> tuple[EventUpdate, list[Registration]]:
    """Save a host's edits of an event with its co-hosts, topics and capacity, and tell its registrants what
    changed. The co-hosts named replace all but the editor, who stays a host if they were one. Raising the
    capacity promotes people waiting. Returns what changed and who was emailed, and those promoted.
    HostError("unknown_host"), RegistrationError("capacity_below_confirmed") or ("pending_left": approval turned
    off while registrations await it), EventError for the slug: each refused before the first write, so a refused
    save promotes nobody and mails nobody."""
    cohosts = hosts_by_emails(cohost_emails)
    locked = registration_operations.lock_event(event.id)
    registration_operations.check_capacity(locked, capacity)
    registration_operations.check_approval_change(locked, fields.get("requires_approval", locked.requires_approval))
    if fields.get("slug", event.slug) != event.slug:
        event_operations.check_slug(fields["slug"], event.id)
    # update_event still refuses a slug another save took since the check, at its first write (a SAVEPOINT);
    # the commit point rolls that back. Promotions and their mail come after it.
    update = event_operations.update_event(event, now=now, topics=topics, **fields)
    promoted = registration_operations.change_capacity(event, capacity, now=now)
    registration_operations.tell_of_event_update(event, update, now=now)
    keep = [h for h in event.hosts if h.id == editor.id]
    event.hosts = keep + [h for h in cohosts if h.id != editor.id]
    editor.timezone = fields["timezone"]
    db.session.flush()
    return update, promoted
