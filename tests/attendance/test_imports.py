"""Upload, preview, apply and apply again, through the host pages, on each database."""

import csv
import io
from datetime import timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa

from eventreg.attendance import operations
from eventreg.attendance.models import AttendanceImport
from eventreg.registrations import operations as registration_operations
from eventreg.registrations.models import Registration

SAMPLES = Path(__file__).parent / "samples"


@pytest.fixture
def hosted(make_event, make_host, login, register, clock, db_session):
    """A 3-4 PM New York webinar on 30 January 2025 with four registrants, signed in as its host, after it."""
    host = make_host()
    event = make_event()
    event.hosts = [host]
    register(event, name="Ana Lopez", email="ana.lopez@library.example.org")
    register(event, name="Ben Okafor", email="ben.okafor@library.example.org")
    register(event, name="Chen Wei", email="Chen.Wei@library.example.org")
    register(event, name="Dee Absent", email="dee.absent@library.example.org", wants_recording=True)
    db_session.commit()
    login(host)
    clock.set(event.ends_at + timedelta(hours=2))
    return event


def upload(client, event, name, zone="America/New_York", data=None):
    body = data if data is not None else (SAMPLES / name).read_bytes()
    return client.post(
        f"/host/events/{event.id}/attendance/import",
        data={"report": (io.BytesIO(body), name), "zone": zone},
        content_type="multipart/form-data",
    )


def registrations(db_session, event):
    db_session.expire_all()
    rows = db_session.scalars(sa.select(Registration).where(Registration.event_id == event.id))
    return {r.email: (r.status, r.minutes_attended, r.attended) for r in rows}


def html_of(response):
    return response.get_data(as_text=True)


@pytest.mark.parametrize(
    "name",
    ["zoom_meeting_participants.csv", "zoom_webinar_attendees.csv", "teams_attendance.csv",
     "goto_webinar_attendees.csv", "webex_attendees.csv"],
)  # fmt: skip
def test_upload_preview_apply_then_apply_again_changes_nothing(client, hosted, db_session, name):
    response = upload(client, hosted, name)
    assert response.status_code == 303, html_of(response)
    preview_url = response.headers["Location"]
    before = registrations(db_session, hosted)
    page = html_of(client.get(preview_url))
    assert "Matched registrants (3, 2 attended)" in page
    assert "dana.walkin@county.example.org" in page
    assert "Dee Absent" in page
    assert registrations(db_session, hosted) == before  # the preview saved nothing

    imported = db_session.scalars(sa.select(AttendanceImport)).one()
    dana = next(p for p in operations.matching.gather(operations.rows_of(imported)) if p.email.startswith("dana"))
    form = {"mark_absent": "y", operations.decision_field(dana): "walk_in"}
    applied = client.post(f"{preview_url}/apply", data=form)
    assert applied.status_code == 303
    expected = {
        "ana.lopez@library.example.org": ("confirmed", 63, True),
        "ben.okafor@library.example.org": ("confirmed", 25, False),
        "chen.wei@library.example.org": ("confirmed", 50, True),
        "dee.absent@library.example.org": ("confirmed", 0, False),
        "dana.walkin@county.example.org": ("confirmed", 57, True),
    }
    assert registrations(db_session, hosted) == expected
    assert "1 walk-in added" in html_of(client.get(applied.headers["Location"]))

    again = client.post(f"{preview_url}/apply", data=form)
    assert "nothing changed" in html_of(client.get(again.headers["Location"]))
    assert registrations(db_session, hosted) == expected
    # The same file uploaded again: the preview says so, and applying it changes nothing either.
    second = upload(client, hosted, name)
    assert "This same file was applied" in html_of(client.get(second.headers["Location"]))
    client.post(second.headers["Location"] + "/apply", data={"mark_absent": "y"})
    assert registrations(db_session, hosted) == expected


def test_generic_csv_is_mapped_on_the_preview_and_remembered_only_once_applied(client, hosted, db_session):
    response = upload(client, hosted, "generic_times_with_offsets.csv")
    preview_url = response.headers["Location"]
    assert preview_url.endswith(f"/imports/{db_session.scalars(sa.select(AttendanceImport.id)).one()}")
    page = html_of(client.get(preview_url))
    assert "not one we recognise" in page
    assert '<option selected value="Session start">' in page or 'value="Session start" selected' in page
    columns = {"email": "Email", "name": "Attendee", "minutes": "", "joined": "Session start", "left": "Session end"}
    mapped = client.post(preview_url + "/columns", data=columns)
    assert mapped.status_code == 303
    page = html_of(client.get(mapped.headers["Location"]))
    assert "Matched registrants (3, 2 attended)" in page
    assert "from “Session start” to “Session end” on each row, 1 further visit merged" in page
    # Tried on a preview but not applied: the next upload of the same layout asks again.
    again = upload(client, hosted, "generic_times_with_offsets.csv")
    assert "not one we recognise" in html_of(client.get(again.headers["Location"]))
    assert client.post(preview_url + "/apply", data={}).status_code == 303
    # Applied: the same columns next time are read at once with the host's mapping.
    third = upload(client, hosted, "generic_times_with_offsets.csv")
    assert "Matched registrants (3, 2 attended)" in html_of(client.get(third.headers["Location"]))


def test_unmatched_row_counts_towards_the_registrant_the_host_chooses(client, hosted, db_session):
    data = (
        (SAMPLES / "zoom_meeting_participants.csv")
        .read_bytes()
        .replace(b"BEN.OKAFOR@Library.Example.org", b"ben.home@example.net")
    )
    response = upload(client, hosted, "zoom.csv", data=data)
    imported = db_session.scalars(sa.select(AttendanceImport)).one()
    ben_home = next(
        p for p in operations.matching.gather(operations.rows_of(imported)) if p.email == "ben.home@example.net"
    )
    ben = db_session.scalars(sa.select(Registration).filter_by(email="ben.okafor@library.example.org")).one()
    client.post(
        response.headers["Location"] + "/apply", data={operations.decision_field(ben_home): f"registration-{ben.id}"}
    )
    assert registrations(db_session, hosted)["ben.okafor@library.example.org"] == ("confirmed", 25, False)
    # Not ticked: registrants missing from the report keep what they had.
    assert registrations(db_session, hosted)["dee.absent@library.example.org"] == ("confirmed", None, None)


def test_a_bad_choice_saves_nothing(client, hosted, db_session):
    response = upload(client, hosted, "zoom_meeting_participants.csv")
    imported = db_session.scalars(sa.select(AttendanceImport)).one()
    people = operations.matching.gather(operations.rows_of(imported))
    dana = next(p for p in people if p.email.startswith("dana"))
    nameless = next(p for p in people if not p.email)
    before = registrations(db_session, hosted)
    walk_in, unknown = "walk_in", "registration-999999"
    for choice in (walk_in, unknown):
        form = {operations.decision_field(dana): "walk_in", operations.decision_field(nameless): choice}
        refused = client.post(response.headers["Location"] + "/apply", data={"mark_absent": "y", **form})
        assert refused.status_code == 400
        assert "Nothing was saved" in html_of(refused)
        assert registrations(db_session, hosted) == before


@pytest.mark.parametrize(
    ("data", "words"),
    [
        (b"Name (Original Name),User Email,Join Time,Leave Time\r\nAna,ana@x.example.org,01/30/2025 03:00 PM,"
         b"01/30/2025 3pm-ish\r\n", "Line 2: “01/30/2025 3pm-ish” in the Leave Time column"),
        (b"PK\x03\x04", "looks like an Excel workbook"),
        (b"\xff\xfe" + "Name\tEmail\n".encode("utf-16-le") + b"\x00\xd8\x41\x00", "Line 2 is not valid UTF-16"),
        (b"Name (Original Name),User Email,Join Time,Leave Time\r\nAna,ana@x.example.org,01/23/2025 03:00 PM,"
         b"01/23/2025 04:00 PM\r\n", "Line 2: "),
    ],
)  # fmt: skip
def test_bad_files_are_shown_on_the_form_and_nothing_is_kept(client, hosted, db_session, data, words):
    response = upload(client, hosted, "bad.csv", data=data)
    assert response.status_code == 400
    assert words in html_of(response)
    assert db_session.scalars(sa.select(AttendanceImport)).all() == []


def test_a_20_mb_file_is_refused_on_the_form_by_its_size(client, hosted, db_session):
    # Built by hand: the test client would spool a body this size to a temporary file it never closes.
    body = (
        b'--b\r\nContent-Disposition: form-data; name="report"; filename="huge.csv"\r\n\r\n'
        + b"a,b\r\n" * (4 * 1024 * 1024)
        + b"\r\n--b--\r\n"
    )
    response = client.post(
        f"/host/events/{hosted.id}/attendance/import", data=body, content_type="multipart/form-data; boundary=b"
    )
    assert response.status_code == 413
    page = html_of(response)
    assert "The file is 20.0 MB; reports up to 5.0 MB are accepted" in page
    assert 'enctype="multipart/form-data"' in page  # the form again, to try another file


def test_reports_cannot_be_imported_before_the_event_starts(client, hosted, clock, db_session):
    clock.set(hosted.starts_at - timedelta(minutes=1))
    response = upload(client, hosted, "zoom_meeting_participants.csv")
    assert response.status_code == 400
    assert "once the event has started" in html_of(response)


def test_other_hosts_cannot_see_or_apply_an_import(client, hosted, make_host, login, db_session):
    response = upload(client, hosted, "zoom_meeting_participants.csv")
    login(make_host("other@library.example.org"))
    assert client.get(response.headers["Location"]).status_code == 404
    assert client.post(response.headers["Location"] + "/apply", data={}).status_code == 404


def test_minutes_appear_in_the_list_and_the_export_with_formulas_neutralised(client, hosted, db_session):
    response = upload(client, hosted, "zoom_meeting_participants.csv")
    imported = db_session.scalars(sa.select(AttendanceImport)).one()
    page = html_of(client.get(response.headers["Location"]))
    assert "=HYPERLINK(&#34;http://evil.example&#34;" in page  # shown as text, escaped
    nameless = next(p for p in operations.matching.gather(operations.rows_of(imported)) if not p.email)
    assert nameless.name.startswith("=HYPERLINK")
    client.post(response.headers["Location"] + "/apply", data={"mark_absent": "y"})
    listing = html_of(client.get(f"/host/events/{hosted.id}/attendees"))
    assert '<td data-label="Minutes">63</td>' in listing
    assert "Import attendance report" in listing
    exported = list(
        csv.DictReader(io.StringIO(client.get(f"/host/events/{hosted.id}/attendees.csv").data.decode("utf-8-sig")))
    )
    assert {r["Email"]: r["Minutes attended"] for r in exported}["ana.lopez@library.example.org"] == "63"


def test_walk_in_with_a_formula_name_is_exported_as_text(client, hosted, db_session):
    data = (SAMPLES / "zoom_meeting_participants.csv").read_bytes().replace(b"Dana Walker", b"@SUM(A1:A9)")
    response = upload(client, hosted, "zoom.csv", data=data)
    imported = db_session.scalars(sa.select(AttendanceImport)).one()
    dana = next(p for p in operations.matching.gather(operations.rows_of(imported)) if p.email.startswith("dana"))
    client.post(response.headers["Location"] + "/apply", data={operations.decision_field(dana): "walk_in"})
    exported = client.get(f"/host/events/{hosted.id}/attendees.csv").data.decode("utf-8-sig")
    assert "'@SUM(A1:A9)" in exported


def test_credit_rule_sets_the_minimum_and_contact_hours(client, hosted, db_session):
    assert "45 minutes" in html_of(client.get(f"/host/events/{hosted.id}/attendance/import"))
    bad = client.post(f"/host/events/{hosted.id}/attendance/credit", data={"min_minutes": "61", "contact_hours": ""})
    assert bad.status_code == 400
    assert "between 0 and 60" in html_of(bad)
    saved = client.post(
        f"/host/events/{hosted.id}/attendance/credit", data={"min_minutes": "20", "contact_hours": "1.5"}
    )
    assert saved.status_code == 303
    response = upload(client, hosted, "zoom_meeting_participants.csv")
    client.post(response.headers["Location"] + "/apply", data={})
    assert registrations(db_session, hosted)["ben.okafor@library.example.org"] == ("confirmed", 25, True)
    assert "1.50 contact hours" in html_of(client.get(response.headers["Location"]))


def test_recording_follow_up_uses_the_imported_attendance(client, hosted, db_session, clock, mailbox):
    response = upload(client, hosted, "zoom_meeting_participants.csv")
    client.post(response.headers["Location"] + "/apply", data={"mark_absent": "y"})
    hosted = db_session.get(type(hosted), hosted.id)
    hosted.archive_url = "https://video.example.org/recording"
    db_session.flush()
    assert sum(registration_operations.send_recording_followup(hosted, now=clock.now()).values()) == 4
    kinds = dict(
        db_session.execute(sa.text("SELECT to_address, kind FROM outbox WHERE kind IN ('thanks', 'missed')")).all()
    )
    assert kinds == {
        "ana.lopez@library.example.org": "thanks",
        "chen.wei@library.example.org": "thanks",
        "ben.okafor@library.example.org": "missed",
        "dee.absent@library.example.org": "missed",
    }


def test_applying_drops_the_file_and_keeps_the_rows_it_applied(client, hosted, db_session):
    preview_url = upload(client, hosted, "generic_times_with_offsets.csv").headers["Location"]
    columns = {"email": "Email", "name": "Attendee", "minutes": "", "joined": "Session start", "left": "Session end"}
    preview_url = client.post(preview_url + "/columns", data=columns).headers["Location"]
    assert client.post(f"{preview_url}/apply", data={}).status_code == 303
    db_session.expire_all()
    imported = db_session.scalars(sa.select(AttendanceImport)).one()
    assert (imported.content, len(imported.rows) > 0) == (b"", True)
    # Other columns would need the file again: the form says so, and nothing changes.
    refused = client.post(f"/host/events/{hosted.id}/attendance/imports/{imported.id}/columns", data=columns)
    assert refused.status_code == 400
    assert "This report has been applied and its file is no longer kept" in html_of(refused)


def test_an_upload_never_applied_is_deleted_with_the_next_upload_after_two_weeks(client, hosted, db_session, clock):
    forgotten = upload(client, hosted, "zoom_meeting_participants.csv").headers["Location"]
    clock.advance(timedelta(days=13))
    recent = upload(client, hosted, "zoom_meeting_participants.csv").headers["Location"]
    assert client.get(forgotten).status_code == 200  # 13 days: still there
    clock.advance(timedelta(days=2))
    upload(client, hosted, "zoom_meeting_participants.csv")
    assert client.get(forgotten).status_code == 404
    assert client.get(recent).status_code == 200
