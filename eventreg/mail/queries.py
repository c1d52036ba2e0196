"""Reads over the outbox for other areas' pages."""

from datetime import datetime, timedelta

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from eventreg.core.extensions import db
from eventreg.mail.models import OutboxMessage

# What a host calls each kind of message (in the page's language); a kind not named here shows as its own words.
KIND_LABELS = {
    "confirmation": _l("Confirmation"),
    "confirmation_again": _l("Repeated confirmation"),
    "waiting": _l("Waiting-list notice"),
    "waiting_again": _l("Repeated waiting-list notice"),
    "pending": _l("Awaiting-approval notice"),
    "pending_again": _l("Repeated awaiting-approval notice"),
    "declined": _l("Decline notice"),
    "declined_again": _l("Repeated decline notice"),
    "cancellation": _l("Cancellation notice"),
    "update": _l("Event update"),
    "event_cancelled": _l("Event cancellation notice"),
    "recording": _l("Recording link"),
    "thanks": _l("Thank-you"),
    "missed": _l("Sorry-we-missed-you"),
    "recording_correction": _l("Recording correction"),
    "host_message": _l("Host message"),
}


# The window of the per-address caps: anyone can type anyone's address into a form, so what one address is sent
# of some kinds (repeated confirmations, transcript links) is capped per day.
CAP_WINDOW = timedelta(days=1)


def has_had_daily(address: str, kinds: tuple[str, ...], limit: int, *, now: datetime) -> bool:
    """Whether `address` (as stored: lower-case) was queued `limit` or more messages of these kinds in the
    CAP_WINDOW before `now`: the one count of every per-address mail cap."""
    count = db.session.scalar(
        sa.select(sa.func.count())
        .select_from(OutboxMessage)
        .where(
            OutboxMessage.to_address == address,
            OutboxMessage.created_at > now - CAP_WINDOW,
            OutboxMessage.kind.in_(kinds),
        )
    )
    return count >= limit


def kind_label(kind: str) -> str:
    if kind.startswith("reminder_"):
        return _("Reminder (%(offset)s before)", offset=kind.removeprefix("reminder_"))
    label = KIND_LABELS.get(kind)
    return str(label) if label else kind.replace("_", " ").capitalize()


def list_failed_kinds(registration_ids: list[int]) -> dict[int, list[str]]:
    """Registration id -> labels of the messages given up for it (refused, or undelivered for days), in
    the order they were queued: for the rows a page shows, in one query on the registration index."""
    if not registration_ids:
        return {}
    query = (
        sa.select(OutboxMessage.registration_id, OutboxMessage.kind)
        .where(OutboxMessage.registration_id.in_(registration_ids), OutboxMessage.failed_at.is_not(None))
        .order_by(OutboxMessage.registration_id, OutboxMessage.id)
    )
    failed: dict[int, list[str]] = {}
    for registration_id, kind in db.session.execute(query):
        labels = failed.setdefault(registration_id, [])
        if kind_label(kind) not in labels:
            labels.append(kind_label(kind))
    return failed
