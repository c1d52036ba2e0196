"""Self-service: a registrant changes their own details from the mailed manage link until the event starts. Each
save that changed something leaves one RegistrationChange (who, when, each field before and after) for the event's
hosts, moves the registration's updated_at, and is announced as signals.registration_changed(change="updated"), so
webhooks send registration.updated in the same transaction.

More fields (answers to a host's own questions) join a save through `extra`: a function of their owner's, called
once the save may go ahead, that writes them and returns what changed as FieldChanges, so one save still makes one
record and one signal, and nothing is written once the details are closed."""

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from eventreg.core import signals
from eventreg.core.extensions import db
from eventreg.events.models import Status
from eventreg.registrations.models import Accessibility, ChangedBy, Registration, RegistrationChange
from eventreg.registrations.operations import RegistrationError

# The registration's own columns a registrant may change, in the order the form shows them. The e-mail address
# is not among them: it is who the registration belongs to (one per address per event, and the manage link's
# mailbox), so another address means cancelling and registering with it.
DETAIL_FIELDS = ("name", "organization", "job_role", "accessibility", "accessibility_details", "wants_recording")
# What hosts read in the change record; the API's field names are the keys (webhooks' `changed` lists them).
LABELS = {
    "name": "Name",
    "organization": "Organization",
    "job_role": "Job role",
    "accessibility": "Accessibility request",
    "accessibility_details": "Accessibility details",
    "wants_recording": "Recording email",
}
# The same labels as the registrant reads them, in their language, after a save ("Changed: Name, Job role.").
SHOWN_LABELS = {
    "name": _l("Name"),
    "organization": _l("Organization"),
    "job_role": _l("Job role"),
    "accessibility": _l("Accessibility request"),
    "accessibility_details": _l("Accessibility details"),
    "wants_recording": _l("Recording email"),
}


def shown_label(change: "FieldChange") -> str:
    """A change's label for the registrant: ours translated, a host's question as the host wrote it."""
    return str(SHOWN_LABELS.get(change.field, change.label))


@dataclass(frozen=True)
class FieldChange:
    """One field of one save: `field` a stable key (a column's name; answers add their own, e.g. "question:12"),
    `label` and the values as a person reads them."""

    field: str
    label: str
    old: str
    new: str

    def as_record(self) -> dict:
        return {"field": self.field, "label": self.label, "old": self.old, "new": self.new}


def shown(field: str, value) -> str:
    """A detail's value as the registrant chose it on the form."""
    if field == "accessibility":
        return Accessibility.LABELS.get(value, value)
    if field == "wants_recording":
        return "Yes" if value else "No"
    return value or ""


def why_closed(registration: Registration, *, now: datetime) -> str | None:
    """The RegistrationError code saying why these details can no longer be changed, or None while they can: until
    the event starts, unless the event or the registration was cancelled (registering again is the way back)."""
    if registration.event.status == Status.CANCELLED:
        return "details_event_cancelled"
    if registration.is_cancelled:
        return "details_cancelled"
    if registration.event.has_started(now):
        return "details_started"
    return None


def change_details(
    registration: Registration,
    *,
    now: datetime,
    by: str = ChangedBy.REGISTRANT,
    extra: Callable[[], Sequence[FieldChange]] | None = None,
    **details,
) -> list[FieldChange]:
    """Set the details given (keywords of DETAIL_FIELDS, normalised by the form) and record what changed; returns
    those changes, the registration's own first, then what `extra()` returned (it is called after the checks, to
    write fields kept elsewhere). Nothing changed: nothing is written or sent.

    RegistrationError(why_closed's code) once the details are closed. The registration's row is locked and read
    again first, so a cancellation that got there first is seen and one that comes after waits for this save."""
    unknown = set(details) - set(DETAIL_FIELDS)
    if unknown:
        raise TypeError(f"not a detail a registrant changes: {sorted(unknown)}")
    _lock(registration)
    code = why_closed(registration, now=now)
    if code:
        raise RegistrationError(code)
    changes = []
    for field in DETAIL_FIELDS:
        if field in details and details[field] != getattr(registration, field):
            old, new = getattr(registration, field), details[field]
            changes.append(FieldChange(field, LABELS[field], shown(field, old), shown(field, new)))
            setattr(registration, field, new)
    if extra is not None:
        changes.extend(extra())
    if changes:
        record_changes(registration, changes, by=by, now=now)
    return changes


def _lock(registration: Registration) -> None:
    """Read the registration's row again under a row lock (SQLite: the write lock its transaction began with)."""
    db.session.execute(
        sa.select(Registration)
        .where(Registration.id == registration.id)
        .with_for_update()
        .options(sa.orm.lazyload(Registration.event))  # PostgreSQL locks no row of an outer join's nullable side
        .execution_options(populate_existing=True)
    ).scalar_one()


def record_changes(registration: Registration, changes: Iterable[FieldChange], *, by: str, now: datetime) -> None:
    """Write the record of one save and tell the other areas, after the last write. updated_at is set here rather
    than left to the column's onupdate: a save that changed only answers (rows of their own) changes the
    registration too."""
    changes = list(changes)
    db.session.add(
        RegistrationChange(
            registration_id=registration.id,
            changed_by=by,
            changed_at=now,
            fields=[change.as_record() for change in changes],
        )
    )
    registration.updated_at = now
    db.session.flush()
    changed = list(dict.fromkeys(change.field for change in changes))  # "answers" once, however many changed
    signals.registration_changed.send(registration, change="updated", changed=changed, now=now)


def list_changes(registrations: Iterable[Registration]) -> dict[int, list[RegistrationChange]]:
    """Registration id -> its changes since it was made (a registration made again after cancelling starts a new
    record), oldest first, in one query: the host's attendee list shows them beside each row."""
    made = {registration.id: registration.created_at for registration in registrations}
    found: dict[int, list[RegistrationChange]] = {}
    if not made:
        return found
    rows = db.session.scalars(
        sa.select(RegistrationChange)
        .where(RegistrationChange.registration_id.in_(made))
        .order_by(RegistrationChange.registration_id, RegistrationChange.id)
    )
    for change in rows:
        if change.changed_at >= made[change.registration_id]:
            found.setdefault(change.registration_id, []).append(change)
    return found
