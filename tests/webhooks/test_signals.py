"""Each domain signal, sent by its operation, becomes a delivery whose payload shows the row as the change left it
(the receivers in eventreg/webhooks/receivers.py, connected by the factory, write it in the same transaction)."""

import json
from datetime import timedelta
from decimal import Decimal

import pytest

from eventreg.certificates import operations as certificate_operations
from eventreg.events import operations as event_operations
from eventreg.hosts import operations as host_operations
from eventreg.registrations import changes as registration_changes
from eventreg.registrations import operations as registration_operations
from eventreg.webhooks import receivers


@pytest.fixture
def hosted(make_event, make_host, make_endpoint, receiver):
    """hosted(**fields): an event whose host has an endpoint for every type."""

    def make(**fields):
        host = make_host()
        event = make_event(**fields)
        event.hosts = [host]
        make_endpoint(host, receiver.url)
        return event

    return make


@pytest.fixture
def sent(deliveries):
    """sent(): (type, data) of each delivery written, oldest first."""

    def read():
        return [(d.kind, json.loads(d.payload)["data"]) for d in deliveries()]

    return read


def test_event_published_carries_the_published_status(hosted, sent, clock):
    event = hosted(status="draft")
    event_operations.publish(event, now=clock.now())
    [(kind, data)] = sent()
    assert (kind, data["event"]["status"]) == ("event.published", "published")


def test_event_updated_carries_the_new_values_and_what_changed(hosted, sent, clock):
    event = hosted()
    event_operations.update_event(event, now=clock.now(), title="Searching the catalogue, again")
    event_operations.unpublish(event, now=clock.now())
    (kind, saved), (_, unpublished) = sent()
    assert kind == "event.updated"
    assert (saved["changed"], saved["event"]["title"]) == (["title"], "Searching the catalogue, again")
    assert (unpublished["changed"], unpublished["event"]["status"]) == (["status"], "draft")


def test_event_cancelled_carries_the_cancelled_status_once(hosted, sent, clock):
    event = hosted()
    assert event_operations.cancel_event(event, now=clock.now())
    assert not event_operations.cancel_event(event, now=clock.now())
    [(kind, data)] = sent()
    assert (kind, data["event"]["status"]) == ("event.cancelled", "cancelled")


def test_registration_changes_carry_the_registration_as_each_left_it(hosted, register, sent, clock):
    event = hosted(capacity=1)
    first = register(event)
    second = register(event)
    clock.advance(minutes=5)
    promoted = registration_operations.cancel_registration(first, now=clock.now())
    assert promoted == [second]
    stamp = clock.now().strftime("%Y-%m-%dT%H:%M:%SZ")
    assert [(kind, data["registration"]["id"], data["registration"]["status"]) for kind, data in sent()] == [
        ("registration.created", first.id, "confirmed"),
        ("registration.created", second.id, "waiting"),
        ("registration.cancelled", first.id, "cancelled"),
        ("registration.promoted", second.id, "confirmed"),
    ]
    cancelled, promoted_data = sent()[2][1]["registration"], sent()[3][1]["registration"]
    assert cancelled["cancelled_at"] == stamp
    assert promoted_data["confirmed_at"] == stamp


def test_registration_updated_carries_the_new_details_and_what_changed(hosted, register, sent, clock):
    event = hosted()
    ana = register(event, organization="Springfield", job_role="")
    clock.advance(minutes=5)
    registration_changes.change_details(ana, now=clock.now(), organization="Shelbyville", job_role="Archivist")
    registration_changes.change_details(ana, now=clock.now(), organization="Shelbyville")  # nothing changed
    [(kind, data)] = [item for item in sent() if item[0] == "registration.updated"]
    assert data["changed"] == ["organization", "job_role"]
    shown = data["registration"]
    assert (shown["id"], shown["organization"], shown["job_role"]) == (ana.id, "Shelbyville", "Archivist")


def test_attendance_recorded_carries_the_attendance_just_written(hosted, register, sent, clock):
    event = hosted()
    ana = register(event)
    clock.set(event.ends_at + timedelta(hours=1))
    assert host_operations.record_attendance(event, [ana], True, now=clock.now()) == 1
    [(kind, data)] = [item for item in sent() if item[0] == "attendance.recorded"]
    assert [(r["id"], r["attended"]) for r in data["registrations"]] == [(ana.id, True)]


def test_certificate_issued_carries_the_certificate_as_issued_and_reissued(hosted, register, sent, clock, make_host):
    event = hosted(contact_hours=Decimal("1.5"))
    ana = register(event, name="Ana Lopez")
    ana.attended, ana.minutes_attended = True, 60
    clock.set(event.ends_at + timedelta(hours=1))
    host = event.hosts[0]
    [certificate] = certificate_operations.finalise(event, host=host, now=clock.now())
    clock.advance(hours=1)
    certificate_operations.reissue(certificate, name="Ana López", host=host, now=clock.now())
    issued, reissued = [data["certificate"] for kind, data in sent() if kind == "certificate.issued"]
    assert (issued["number"], issued["name"], issued["reissued_at"]) == (certificate.number, "Ana Lopez", None)
    assert (reissued["number"], reissued["name"]) == (certificate.number, "Ana López")
    assert reissued["reissued_at"] == clock.now().strftime("%Y-%m-%dT%H:%M:%SZ")


def test_connecting_again_delivers_each_change_once(hosted, sent, clock):
    receivers.connect()  # as a second create_app in the same process does
    event = hosted(status="draft")
    event_operations.publish(event, now=clock.now())
    assert len(sent()) == 1
