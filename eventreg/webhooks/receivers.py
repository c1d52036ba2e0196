"""What webhooks make of the domain's signals (eventreg/core/signals.py): the deliveries of each enabled endpoint
that asked for the type, written in the sender's transaction (operations.emit), so a delivery exists exactly
when the change it reports does. The factory calls connect()."""

from datetime import datetime

from eventreg.core import signals
from eventreg.webhooks import operations


def _event_published(event, *, now: datetime, **_) -> None:
    operations.emit("event.published", event, {}, now)


def _event_updated(event, *, changed: list[str], now: datetime, **_) -> None:
    operations.emit("event.updated", event, {"changed": changed}, now)


def _event_cancelled(event, *, now: datetime, **_) -> None:
    operations.emit("event.cancelled", event, {}, now)


# The changes whose message also carries the host's note to the person.
DECISIONS = ("approved", "declined")


def _registration_changed(
    registration, *, change: str, now: datetime, note: str | None = None, changed: list[str] | None = None, **_
) -> None:
    data = {"note": note} if change in DECISIONS else {"changed": changed} if change == "updated" else {}
    operations.emit_registration(f"registration.{change}", registration, now, **data)


def _attendance_recorded(event, *, registrations: list, now: datetime, **_) -> None:
    operations.emit_attendance(event, registrations, now)


def _certificate_issued(certificate, *, now: datetime, **_) -> None:
    operations.emit_certificate(certificate, now)


RECEIVERS = {
    signals.event_published: _event_published,
    signals.event_updated: _event_updated,
    signals.event_cancelled: _event_cancelled,
    signals.registration_changed: _registration_changed,
    signals.attendance_recorded: _attendance_recorded,
    signals.certificate_issued: _certificate_issued,
}


def connect() -> None:
    """Listen to every signal above. Safe to call again (each create_app does): blinker keeps one connection
    per receiver, and these module-level functions are held strongly."""
    for signal, receiver in RECEIVERS.items():
        signal.connect(receiver, weak=False)
