"""Each change a host or registrant makes emits its type, through the real pages and operations."""

import io
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import sqlalchemy as sa

from eventreg.attendance.models import AttendanceImport
from eventreg.certificates.models import Certificate
from eventreg.registrations.models import RegistrationStatus
from eventreg.webhooks import operations as webhook_operations
from eventreg.webhooks import sending

SAMPLES = Path(__file__).parent.parent / "attendance" / "samples"


def test_host_cancel_and_promote_emit_cancelled_and_promoted(
    client, hosted_event, make_endpoint, register, receiver, db_session, clock
):
    event = hosted_event(capacity=1)
    endpoint = make_endpoint(event.hosts[0], receiver.url)
    first = register(event, name="Ana Lopez")
    second = register(event, name="Ben Okafor")  # waiting
    db_session.commit()
    sending.send_queued(clock.now())
    assert receiver.types() == ["registration.created", "registration.created"]
    assert [p["data"]["registration"]["status"] for p in receiver.payloads()] == ["confirmed", "waiting"]
    receiver.requests.clear()

    assert client.post(f"/host/events/{event.id}/attendees/{first.id}/cancel").status_code == 303
    assert receiver.types() == ["registration.cancelled", "registration.promoted"]
    cancelled, promoted = receiver.payloads()
    assert (
        cancelled["data"]["registration"] | {"id": first.id, "status": "cancelled"} == cancelled["data"]["registration"]
    )
    assert promoted["data"]["registration"]["id"] == second.id
    assert promoted["data"]["registration"]["status"] == "confirmed"

    # A host confirming one person from the waiting list by hand.
    event.capacity = None
    third = register(event, name="Chen Wei")
    third.status, third.confirmed_at = RegistrationStatus.WAITING, None
    db_session.commit()
    receiver.requests.clear()
    webhook_operations.take_queued_ids()  # its registration.created is not what this part is about
    assert client.post(f"/host/events/{event.id}/attendees/{third.id}/promote").status_code == 303
    assert receiver.types() == ["registration.promoted"]
    receiver.check_signatures(endpoint.secret)


def test_publish_update_and_cancel_emit_event_types(client, hosted_event, make_endpoint, receiver, db_session):
    event = hosted_event(status="draft")
    make_endpoint(event.hosts[0], receiver.url, types=["event.published", "event.updated", "event.cancelled"])
    db_session.commit()

    client.post(f"/host/events/{event.id}/publish")
    form = client.get(f"/host/events/{event.id}/edit")
    assert form.status_code == 200
    data = {
        "title": "A new title",
        "summary": event.summary,
        "format": "webinar",
        "timezone": "America/New_York",
        "start_date": "2025-01-30",
        "start_time": "16:00",
        "end_time": "17:00",
        "capacity": "",
        "join_url": event.join_url,
        "reminder_hours": "24, 1",
    }
    assert client.post(f"/host/events/{event.id}/edit", data=data).status_code == 303
    client.post(f"/host/events/{event.id}/cancel")

    assert receiver.types() == ["event.published", "event.updated", "event.cancelled"]
    published, updated, cancelled = receiver.payloads()
    assert published["data"]["event"]["status"] == "published"
    assert set(updated["data"]["changed"]) >= {"title", "starts_at", "ends_at"}
    assert updated["data"]["event"]["title"] == "A new title"
    assert updated["data"]["event"]["starts_at"] == "2025-01-30T21:00:00Z"
    assert cancelled["data"]["event"]["status"] == "cancelled"
    # Saving again without a change, or cancelling again, sends nothing more.
    client.post(f"/host/events/{event.id}/cancel")
    assert len(receiver.requests) == 3


def test_attendance_ticks_and_an_applied_report_emit_attendance_recorded(
    client, hosted_event, make_endpoint, register, receiver, db_session, clock
):
    event = hosted_event()
    host = event.hosts[0]
    make_endpoint(host, receiver.url, types=["attendance.recorded"])
    ana = register(event, name="Ana Lopez", email="ana.lopez@library.example.org")
    register(event, name="Ben Okafor", email="ben.okafor@library.example.org")
    db_session.commit()
    clock.set(event.ends_at + timedelta(hours=1))

    response = client.post(
        f"/host/events/{event.id}/attendance", data={"mark": "attended", "registration": [str(ana.id)]}
    )
    assert response.status_code == 303
    [ticked] = receiver.payloads()
    assert ticked["type"] == "attendance.recorded"
    assert [(r["email"], r["attended"]) for r in ticked["data"]["registrations"]] == [
        ("ana.lopez@library.example.org", True)
    ]

    body = (SAMPLES / "zoom_meeting_participants.csv").read_bytes()
    uploaded = client.post(
        f"/host/events/{event.id}/attendance/import",
        data={"report": (io.BytesIO(body), "zoom.csv"), "zone": "America/New_York"},
        content_type="multipart/form-data",
    )
    assert uploaded.status_code == 303
    imported = db_session.scalars(sa.select(AttendanceImport)).one()
    assert imported.rows is not None
    # attendance.operations.apply_import, through its page
    applied = client.post(uploaded.headers["Location"] + "/apply", data={"mark_absent": "y"})
    assert applied.status_code == 303
    assert receiver.types() == ["attendance.recorded", "attendance.recorded"]
    recorded = {
        r["email"]: (r["attended"], r["minutes_attended"]) for r in receiver.payloads()[1]["data"]["registrations"]
    }
    assert recorded == {"ana.lopez@library.example.org": (True, 63), "ben.okafor@library.example.org": (False, 25)}


def test_issuing_and_reissuing_a_certificate_emit_certificate_issued(
    client, hosted_event, make_endpoint, register, receiver, db_session, clock
):
    event = hosted_event(contact_hours=Decimal("1.5"))
    make_endpoint(event.hosts[0], receiver.url, types=["certificate.issued"])
    ana = register(event, name="Ana Lopez", email="ana.lopez@library.example.org")
    ana.attended, ana.minutes_attended = True, 60
    absent = register(event, name="Ben Okafor", email="ben.okafor@library.example.org")
    absent.attended, absent.minutes_attended = False, 5
    db_session.commit()
    clock.set(event.ends_at + timedelta(hours=1))

    assert client.post(f"/host/events/{event.id}/certificates/finalise").status_code == 303
    [issued] = receiver.payloads()
    certificate = db_session.scalar(sa.select(Certificate))
    assert issued["type"] == "certificate.issued"
    assert issued["data"]["registration"]["email"] == "ana.lopez@library.example.org"
    assert issued["data"]["certificate"] == {
        "id": certificate.id,
        "number": certificate.number,
        "name": "Ana Lopez",
        "contact_hours": "1.50",
        "issued_at": issued["timestamp"],
        "reissued_at": None,
        "verification_url": f"http://eventreg.test/certificates/{certificate.grouped_code}",
    }

    path = f"/host/events/{event.id}/certificates/{certificate.id}/reissue"
    assert client.post(path, data={"name": "Ana López"}).status_code == 303
    reissued = receiver.payloads()[1]
    assert reissued["type"] == "certificate.issued"
    assert (reissued["data"]["certificate"]["number"], reissued["data"]["certificate"]["name"]) == (
        certificate.number,
        "Ana López",
    )
    assert reissued["data"]["certificate"]["reissued_at"] is not None


def test_attendance_recorded_from_the_api_carries_the_minutes_just_written(
    client, hosted_event, make_endpoint, register, receiver, db_session, clock
):
    from eventreg.api import operations as api_operations

    event = hosted_event()
    host = event.hosts[0]
    make_endpoint(host, receiver.url, types=["attendance.recorded"])
    ana = register(event, email="ana.lopez@library.example.org")
    _token, secret = api_operations.create_token(host, name="Library website", can_write=True, now=clock.now())
    db_session.commit()
    clock.set(event.ends_at + timedelta(hours=1))
    url = f"/api/v1/host/events/{event.id}/registrations/{ana.id}/attendance"
    for minutes in (55, 70):
        response = client.put(url, json={"minutes": minutes}, headers={"Authorization": f"Bearer {secret}"})
        assert response.status_code == 200, response.get_data(as_text=True)
    recorded = [
        (p["data"]["registrations"][0]["minutes_attended"], p["data"]["registrations"][0]["attended"])
        for p in receiver.payloads()
    ]
    assert recorded == [(55, True), (70, True)]
