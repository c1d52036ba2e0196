"""Domain signals, as Indico has them: an operation announces a change after its last write, and whoever listens
(webhooks/receivers.py, connected by the factory) acts on it in the same transaction. The sender never imports
the listener, so a new listener needs no change in the areas it listens to.

Each signal is sent with the changed row as its sender and `now` (the operation's instant) among its keywords;
a receiver that writes adds and flushes, never commits, like the operation that sent it."""

from blinker import Namespace

_signals = Namespace()

event_published = _signals.signal(
    "event-published",
    doc="""An event went onto the public pages (events.operations.publish).
    sender: the Event; now: datetime.""",
)

event_updated = _signals.signal(
    "event-updated",
    doc="""A save changed an event (events.operations.update_event), or it went back to draft (unpublish).
    sender: the Event; changed: list[str], the fields that changed ("status" for unpublish); now: datetime.""",
)

event_cancelled = _signals.signal(
    "event-cancelled",
    doc="""A host cancelled an event (events.operations.cancel_event; sent once, not when cancelled again).
    sender: the Event; now: datetime.""",
)

registration_changed = _signals.signal(
    "registration-changed",
    doc="""A registration was made, cancelled, promoted, approved, declined or changed (registrations.operations,
    registrations.changes). sender: the Registration; change: "created" (confirmed, waiting or pending approval;
    also someone who had cancelled and came back), "cancelled", "promoted" (from the waiting list to confirmed),
    "approved" (by a host: now confirmed or waiting, as the seats allowed), "declined" (by a host) or "updated" (its
    registrant changed their details); note: the host's note to the person (approved and declined only; None
    without one); changed: list[str] (updated only: the fields that changed, as the API names them); now: datetime.""",
)

attendance_recorded = _signals.signal(
    "attendance-recorded",
    doc="""Attendance was written: ticked on the attendee list or through the API (hosts.operations.
    record_attendance), or applied from a report (attendance.operations.apply_import). Not sent when nobody's
    was written. sender: the Event; registrations: list of the Registrations written, with their minutes and
    attended as stored now; now: datetime.""",
)

certificate_issued = _signals.signal(
    "certificate-issued",
    doc="""A certificate was issued, or reissued under the same number and code (certificates.operations).
    sender: the Certificate (reissued_at set when reissued); now: datetime.""",
)
