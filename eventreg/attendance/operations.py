"""Keeping an uploaded report for its preview, applying it, and the credit rule. Add and flush, never commit."""

import contextlib
import dataclasses
import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from eventreg.attendance import credit, matching, reports
from eventreg.attendance.models import AttendanceImport
from eventreg.core import signals
from eventreg.core.errors import CodedError
from eventreg.core.extensions import db
from eventreg.events import operations as event_operations
from eventreg.events import rules as event_rules
from eventreg.events.models import Event
from eventreg.hosts.models import Host
from eventreg.registrations import operations as seats
from eventreg.registrations.models import Registration, RegistrationStatus


class AttendanceError(CodedError):
    MESSAGES = {
        "not_mapped": _l("Choose the report's columns first."),
        "unknown_choice": _l("Something in the form was not one of the choices. Please look at the preview again."),
        "walk_in_needs_email": _l(
            "{name} has no email in the report, so cannot be added as a walk-in. "
            "Match them to a registrant or ignore them."
        ),
        "applied": _l(
            "This report has been applied and its file is no longer kept. To read it with other columns, "
            "upload the file again."
        ),
    }


IGNORE, WALK_IN, REGISTRANT = "ignore", "walk_in", "registration-"

# An upload never applied is kept this long for its preview, then deleted with the next upload to its event:
# the file names people who never registered, and nothing else needs it.
UNAPPLIED_KEPT_FOR = timedelta(days=14)


def decision_field(person: matching.Person) -> str:
    """The form field carrying the host's choice for an unmatched person: stable for the same report."""
    return "person-" + hashlib.sha256(person.key.encode()).hexdigest()[:16]


def store_import(event: Event, *, host: Host, filename: str, data: bytes, zone: str, now: datetime) -> AttendanceImport:
    """Read a report and keep it, with what was read, for the preview. Nothing about attendance changes.

    ReportError when the file cannot be read. A recognised layout is read with its own columns. An unrecognised
    one is read with the columns this host applied before for the same header (remembered only from an applied
    import); otherwise it is kept unread until the host chooses its columns on the preview (map_columns).
    EventError("not_started") before the event starts."""
    event_rules.check_attendance_open(event, now)
    window = (event.starts_at, event.ends_at)
    report = reports.parse(data, zone=zone, event_window=window)
    if report.format == reports.Format.GENERIC:
        mapping = _remembered_mapping(host, report.columns_key)
        if mapping is not None:
            # When the file differs after all, the host maps it on the preview and sees the error there.
            with contextlib.suppress(reports.ReportError):
                report = reports.parse(data, zone=zone, event_window=window, mapping=mapping)
    db.session.execute(
        sa.delete(AttendanceImport).where(
            AttendanceImport.event_id == event.id,
            AttendanceImport.applied_at.is_(None),
            AttendanceImport.created_at < now - UNAPPLIED_KEPT_FOR,
        )
    )
    imported = AttendanceImport(
        event_id=event.id,
        host_id=host.id,
        filename=(filename or "report.csv")[-255:],
        sha256=reports.file_hash(data),
        content=data,
        format=report.format,
        encoding=report.encoding,
        delimiter=report.delimiter,
        zone=zone,
        columns=report.columns,
        columns_key=report.columns_key,
        mapping=_mapping_json(report),
        rows=[row.to_json() for row in report.rows] if report.rows else None,
        warnings=report.warnings,
        created_at=now,
    )
    db.session.add(imported)
    db.session.flush()
    return imported


MAPPING_FIELDS = tuple(f.name for f in dataclasses.fields(reports.Mapping))  # email, name, minutes, joined, left


def _remembered_mapping(host: Host, columns_key: str) -> reports.Mapping | None:
    """The columns this host applied last for a report with this header: only an applied import counts, so a
    choice merely tried on a preview is never offered again."""
    previous = db.session.scalar(
        sa.select(AttendanceImport.mapping)
        .where(
            AttendanceImport.host_id == host.id,
            AttendanceImport.columns_key == columns_key,
            AttendanceImport.applied_at.is_not(None),
            AttendanceImport.mapping.is_not(None),
        )
        .order_by(AttendanceImport.applied_at.desc(), AttendanceImport.id.desc())
        .limit(1)
    )
    return mapping_of(previous)


def mapping_of(stored: dict | None) -> reports.Mapping | None:
    if not stored:
        return None
    return reports.Mapping(**{key: stored.get(key, "") for key in MAPPING_FIELDS})


def _mapping_json(report: reports.Report) -> dict | None:
    if report.mapping is None:
        return None
    stored = dataclasses.asdict(report.mapping)
    stored["stated_zones"] = report.stated_zones
    return stored


def map_columns(imported: AttendanceImport, event: Event, mapping: reports.Mapping) -> None:
    """Read a kept report with the host's choice of columns, for the preview; the choice is remembered for
    later uploads only once this import is applied. ReportError as reports.parse; AttendanceError("applied")
    once applied, as the file is gone."""
    if imported.applied_at is not None:
        raise AttendanceError("applied")
    report = reports.parse(
        imported.content, zone=imported.zone, event_window=(event.starts_at, event.ends_at), mapping=mapping
    )
    imported.mapping = _mapping_json(report)
    imported.rows = [row.to_json() for row in report.rows]
    imported.warnings = report.warnings
    db.session.flush()


def rows_of(imported: AttendanceImport) -> list[reports.Row]:
    return [reports.Row.from_json(row) for row in imported.rows or []]


@dataclass
class Applied:
    updated: int  # registrations whose minutes or attendance changed
    walk_ins: int
    marked_absent: int

    @property
    def changed_nothing(self) -> bool:
        return not (self.updated or self.walk_ins or self.marked_absent)


def apply_import(
    imported: AttendanceImport, event: Event, *, decisions: dict[str, str], mark_absent: bool, now: datetime
) -> Applied:
    """Write the report's minutes and attendance onto the registrations, all or nothing.

    decisions: for each unmatched person's decision_field, IGNORE, WALK_IN, or REGISTRANT + id (their rows
    count towards that confirmed registrant, merged with any of the registrant's own). mark_absent: confirmed
    registrants the report does not mention get 0 minutes and "absent". Every choice is checked before the
    first write. Applying the same report again with the same choices changes nothing."""
    if imported.rows is None:
        raise AttendanceError("not_mapped")
    event = seats.lock_event(event.id)  # one apply at a time per event: two would both add the walk-ins
    plan = matching.plan(event, rows_of(imported))
    confirmed = {m.registration.id: m.registration for m in plan.matched} | {r.id: r for r in plan.absent}
    rows_for = {m.registration.id: list(m.person.rows) for m in plan.matched}
    walk_ins = []
    for item in plan.unmatched:
        choice = decisions.get(decision_field(item.person), IGNORE)
        if choice == IGNORE:
            continue
        if choice == WALK_IN:
            if not item.person.email:
                raise AttendanceError(
                    "walk_in_needs_email", name=item.person.name or _("Line %(line)s", line=item.person.lines[0])
                )
            walk_ins.append(item)
            continue
        registration_id = choice.removeprefix(REGISTRANT)
        if not choice.startswith(REGISTRANT) or not registration_id.isdigit() or int(registration_id) not in confirmed:
            raise AttendanceError("unknown_choice")
        rows_for.setdefault(int(registration_id), []).extend(item.person.rows)

    changed = []  # registrations whose minutes or attendance this apply wrote, for attendance.recorded
    updated = marked_absent = 0
    window = matching.plausible_window(event)
    for registration_id, rows in rows_for.items():
        person = matching.Person(key="", email="", name="", rows=rows, window=window)
        minutes = person.minutes  # cut to the window, so always within the database's INTEGER
        if _record(confirmed[registration_id], minutes, credit.has_attended(event, minutes)):
            updated += 1
            changed.append(confirmed[registration_id])
    if mark_absent:
        for registration in plan.absent:
            if registration.id not in rows_for and _record(registration, 0, False):
                marked_absent += 1
                changed.append(registration)
    for item in walk_ins:
        changed.append(
            add_walk_in(event, name=item.person.name, email=item.person.email, minutes=item.minutes, now=now)
        )
    imported.applied_at = now
    imported.content = b""  # its rows stay, the record of what was applied; the file itself is not needed again
    db.session.flush()
    if changed:
        signals.attendance_recorded.send(event, registrations=changed, now=now)
    return Applied(updated=updated, walk_ins=len(walk_ins), marked_absent=marked_absent)


def _record(registration: Registration, minutes: int, attended: bool) -> int:
    if (registration.minutes_attended, registration.attended) == (minutes, attended):
        return 0
    registration.minutes_attended, registration.attended = minutes, attended
    return 1


def add_walk_in(event: Event, *, name: str, email: str, minutes: int, now: datetime) -> Registration:
    """Someone in the report who had not registered (or whose registration was cancelled or still waiting):
    a confirmed registration with their minutes, whatever the seats (the event has happened), and no mail."""
    email = seats.normalise_email(email)
    registration = seats.get_registration(event, email)
    if registration is None:
        registration = Registration(event=event, email=email, organization="", created_at=now)
        db.session.add(registration)
    registration.name = (name or email.split("@")[0])[:120]
    registration.status = RegistrationStatus.CONFIRMED
    registration.confirmed_at = now
    registration.cancelled_at = None
    registration.minutes_attended = minutes
    registration.attended = credit.has_attended(event, minutes)
    seats.ensure_personal_feed(email, now=now)
    db.session.flush()
    return registration


def set_credit_rule(event: Event, *, min_minutes: int | None, contact_hours: Decimal | None, now: datetime) -> None:
    """The event's minimum minutes (None: 75% of its length) and contact hours (None: none stated), by the
    editor's rules and as its save (events.operations.update_event: an unchanged save changes nothing, a change
    is an event.updated). EventError("bad_minutes") or ("bad_contact_hours"). Attendance already imported is not
    re-judged until a report is applied again."""
    event_rules.check_contact_hours(contact_hours)
    event_rules.check_min_minutes(min_minutes, starts_at=event.starts_at, ends_at=event.ends_at)
    event_operations.update_event(event, now=now, credit_min_minutes=min_minutes, contact_hours=contact_hours)
