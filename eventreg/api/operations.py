"""API tokens (made, used, revoked) and the few API verbs that are not already a host operation. They add and
flush but never commit."""

import hashlib
import secrets
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from eventreg.api.models import ApiToken
from eventreg.attendance import credit
from eventreg.core.errors import CodedError
from eventreg.core.extensions import db
from eventreg.core.inputs import MAX_ID
from eventreg.events import rules
from eventreg.events.models import Event
from eventreg.hosts import operations as host_operations
from eventreg.hosts.models import Host
from eventreg.registrations.models import Registration

# A recognisable prefix lets secret scanners (and people) spot a leaked token; 32 random bytes make it unguessable.
PREFIX = "ereg_"
HINT_LENGTH = len(PREFIX) + 4
MAX_TOKENS_PER_HOST = 50
# "Last used" is a guide for the host, not an audit log: written at most this often, so reads stay cheap.
USE_RESOLUTION = timedelta(minutes=1)


class ApiError(CodedError):
    MESSAGES = {
        "too_many_tokens": _l("You have {count} tokens. Revoke one you no longer use first."),
        "not_confirmed": _l("Attendance is recorded for confirmed registrants only."),
        "unknown_language": _l("Use one of the languages en, es or fr."),
    }


def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8", "surrogatepass")).hexdigest()


def create_token(host: Host, *, name: str, can_write: bool, now: datetime) -> tuple[ApiToken, str]:
    """A new token for the host and its secret, which is stored only as a hash: the caller shows it once.
    ApiError("too_many_tokens") past MAX_TOKENS_PER_HOST active ones."""
    if len(list_tokens(host)) >= MAX_TOKENS_PER_HOST:
        raise ApiError("too_many_tokens", count=MAX_TOKENS_PER_HOST)
    secret = PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(
        host_id=host.id,
        name=name,
        hint=secret[:HINT_LENGTH],
        token_hash=hash_secret(secret),
        can_write=can_write,
        created_at=now,
    )
    db.session.add(token)
    db.session.flush()
    return token, secret


def list_tokens(host: Host) -> list[ApiToken]:
    """The host's tokens that still work, newest first."""
    query = sa.select(ApiToken).where(ApiToken.host_id == host.id, ApiToken.revoked_at.is_(None))
    return list(db.session.scalars(query.order_by(ApiToken.created_at.desc(), ApiToken.id.desc())))


def get_host_token(host: Host, token_id: int) -> ApiToken | None:
    """The host's own working token with this id, else None (the caller answers 404)."""
    if not 0 < token_id <= MAX_ID:
        return None
    token = db.session.get(ApiToken, token_id)
    return token if token is not None and token.host_id == host.id and not token.is_revoked else None


def revoke_token(token: ApiToken, *, now: datetime) -> None:
    """The token stops working at once; the row stays (revoked_at) so its use can still be traced."""
    if token.revoked_at is None:
        token.revoked_at = now
        db.session.flush()


def authenticate(secret: str, *, now: datetime, reading: bool) -> ApiToken | None:
    """The working token with this secret, or None; its use is recorded (see note_use). Only the secret's hash is
    looked up, so its text never reaches a query."""
    if not secret.startswith(PREFIX) or len(secret) > 200:
        return None
    digest = hash_secret(secret)
    if reading:
        note_use_beside(digest, now=now)
    token = db.session.scalar(sa.select(ApiToken).where(ApiToken.token_hash == digest))
    if token is None or token.is_revoked:
        return None
    if not reading and _use_is_due(token.last_used_at, now):
        token.last_used_at = now  # saved with the request's own changes
    return token


def _use_is_due(last_used_at: datetime | None, now: datetime) -> bool:
    return last_used_at is None or now - last_used_at >= USE_RESOLUTION


def note_use_beside(digest: str, *, now: datetime) -> None:
    """Record a read's use of the token in a short transaction of its own, before the request reads anything:
    a GET never writes in its own transaction (core/database.py). "Last used" is a guide for the host, written at
    most once per USE_RESOLUTION; the conditional UPDATE is the transaction's first statement, so on SQLite it
    takes the write lock at once rather than upgrading a read."""
    due = sa.or_(ApiToken.last_used_at.is_(None), ApiToken.last_used_at <= now - USE_RESOLUTION)
    with db.engine.begin() as connection:
        connection.execute(
            sa.update(ApiToken)
            .where(ApiToken.token_hash == digest, ApiToken.revoked_at.is_(None), due)
            .values(last_used_at=now)
        )


def get_registration(event: Event, registration_id: int) -> Registration | None:
    """The event's registration with this id, else None (the caller answers 404)."""
    if not 0 < registration_id <= MAX_ID:
        return None
    registration = db.session.get(Registration, registration_id)
    return registration if registration is not None and registration.event_id == event.id else None


def mark_attendance(
    event: Event,
    registration: Registration,
    *,
    attended: bool | None,
    minutes: int | None,
    now: datetime,
    attended_given: bool = True,
) -> None:
    """Record one confirmed registrant's attendance, as the attendee list does, with the minutes they stayed.
    Without `attended` (attended_given false) the event's credit rule decides from the minutes.
    EventError("not_started") before the start; ApiError("not_confirmed") for anyone not confirmed."""
    if not registration.is_confirmed:
        rules.check_attendance_open(event, now)  # the first refusal, as for someone confirmed
        raise ApiError("not_confirmed")
    if not attended_given:
        attended = credit.has_attended(event, minutes)
    # The minutes first: record_attendance writes attended and then queues attendance.recorded, whose payload is
    # read then and must carry these minutes, not the ones before. (A refusal rolls both back.)
    registration.minutes_attended = minutes
    host_operations.record_attendance(event, [registration], attended, now=now)
