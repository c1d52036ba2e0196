import csv
import io
import re
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
import sqlalchemy as sa

from eventreg.certificates.models import Certificate
from eventreg.hosts.exports import neutralise
from eventreg.mail.models import OutboxMessage
from eventreg.registrations.models import Registration


@pytest.fixture
def hosted(hosted_event, make_host):
    return hosted_event(make_host(timezone="Europe/Berlin"), capacity=2)


def rows(client, event) -> list[dict]:
    response = client.get(f"/host/events/{event.id}/attendees.csv")
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert response.data.startswith(b"\xef\xbb\xbf")  # the BOM that makes Excel read UTF-8
    return list(csv.DictReader(io.StringIO(response.data.decode("utf-8-sig"))))


def test_list_shows_status_position_accessibility_and_times_in_the_hosts_zone(
    client, hosted, register, db_session, text_of
):
    register(hosted, name="Ana", accessibility="interpreter", accessibility_details="ASL please")
    register(hosted, name="Ben")
    register(hosted, name="Cy")
    db_session.commit()
    response = client.get(f"/host/events/{hosted.id}/attendees")
    page = text_of(response)
    assert "waiting (position 1)" in page
    assert "Sign language interpreter" in page
    assert "ASL please" in page
    assert 'class="needs-access"' in response.get_data(as_text=True)
    assert "15 January 2025, 6:00 PM CET" in page  # 17:00 UTC in Berlin
    assert "Confirmed: 2 of 2" in page


def test_search_sort_and_paginate(client, hosted, register, db_session, text_of):
    hosted.capacity = None
    for n in range(55):
        register(hosted, name=f"Person {n:02d}", organization="Metro Library" if n % 2 else "County Library")
    db_session.commit()
    first = client.get(f"/host/events/{hosted.id}/attendees?sort=name")
    assert "Page 1 of 2" in text_of(first)
    assert "(55 in all)" in text_of(first)  # from the status counts
    assert "Person 00" in text_of(first)
    assert "Person 54" in text_of(client.get(f"/host/events/{hosted.id}/attendees?sort=name&page=2"))
    metro = text_of(client.get(f"/host/events/{hosted.id}/attendees?q=metro"))
    assert "Person 01" in metro
    assert "Person 02" not in metro
    assert "(27 in all)" in metro  # counted for the search
    assert client.get(f"/host/events/{hosted.id}/attendees?page=9").status_code == 404


def test_promote_cancel_and_bulk_attendance(
    client, hosted, register, db_session, clock, mailbox, deliver_and_clear, text_of
):
    a, b, c = register(hosted), register(hosted), register(hosted)
    deliver_and_clear()
    response = client.post(f"/host/events/{hosted.id}/attendees/{c.id}/promote")
    assert response.status_code == 409  # refused: the list again, with the reason, and nothing kept
    assert "There is no free seat" in text_of(response)
    client.post(f"/host/events/{hosted.id}/attendees/{a.id}/cancel")
    db_session.expire_all()
    assert db_session.get(Registration, a.id).is_cancelled
    assert db_session.get(Registration, c.id).is_confirmed  # the freed seat went to the first waiting
    assert sorted(m["Subject"].split(":")[0] for m in mailbox) == [
        "A seat opened up — you’re registered",
        "Registration cancelled",
    ]
    clock.set(hosted.starts_at)
    response = client.post(
        f"/host/events/{hosted.id}/attendance", data={"mark": "attended", "registration": [str(b.id), str(c.id)]}
    )
    assert "2 registrants marked attended." in text_of(client.get(response.headers["Location"]))
    db_session.expire_all()
    assert db_session.get(Registration, b.id).attended is True
    assert db_session.get(Registration, c.id).attended is True
    client.post(f"/host/events/{hosted.id}/attendance", data={"mark": "absent", "registration": [str(c.id)]})
    db_session.expire_all()
    assert db_session.get(Registration, c.id).attended is False
    assert "Attended: 1 (50% attendance)" in text_of(client.get(f"/host/events/{hosted.id}/attendees"))


def test_add_a_registrant_by_hand_even_after_registration_closed(client, hosted, db_session, clock, mailbox, text_of):
    clock.set(hosted.starts_at + timedelta(minutes=5))
    response = client.post(
        f"/host/events/{hosted.id}/attendees/add",
        data={"name": "Walk-in", "email": "walkin@library.example.org", "organization": "Branch"},
    )
    assert response.status_code == 303
    assert db_session.scalars(sa.select(Registration)).one().is_confirmed
    assert mailbox[0]["To"].addresses[0].addr_spec == "walkin@library.example.org"
    bad = client.post(f"/host/events/{hosted.id}/attendees/add", data={"name": "", "email": "x", "organization": "B"})
    assert "Please enter a name." in text_of(client.get(bad.headers["Location"]))


def test_csv_export_has_the_expected_columns_accents_and_no_formulas(client, hosted, register, db_session):
    register(hosted, name="Zoë Ångström", organization='=HYPERLINK("http://evil.example","x")', job_role="+1 librarian")
    register(hosted, name="@SUM(A1)", organization="-2+3")
    register(hosted, name="Waiting One")
    db_session.commit()
    exported = rows(client, hosted)
    assert list(exported[0]) == [
        "Name",
        "Email",
        "Organization",
        "Job role",
        "Status",
        "Waiting position",
        "Registered at",
        "Registrant time zone",
        "Accessibility request",
        "Accessibility details",
        "Wants recording",
        "Attended",
        "Minutes attended",
    ]
    assert exported[0]["Name"] == "Zoë Ångström"
    assert exported[0]["Organization"] == '\'=HYPERLINK("http://evil.example","x")'
    assert exported[0]["Job role"] == "'+1 librarian"
    assert exported[1]["Name"] == "'@SUM(A1)"
    assert exported[1]["Organization"] == "'-2+3"
    assert exported[2]["Status"] == "waiting"
    assert exported[2]["Waiting position"] == "1"
    assert exported[0]["Registered at"] == "2025-01-15 18:00 CET"


@pytest.mark.parametrize("value", ["=1+1", "+1", "-1", "@x", "\tx", "\rx", "|x", "%x"])
def test_neutralise_formula_starts(value):
    assert neutralise(value) == "'" + value


def test_neutralise_leaves_ordinary_text():
    assert neutralise("Springfield Library") == "Springfield Library"
    assert neutralise(None) == ""
    assert neutralise(3) == "3"


def test_attendance_report(client, hosted, register, db_session, clock):
    a = register(hosted)
    register(hosted)
    a.attended = True
    a.minutes_attended = 50
    db_session.commit()
    clock.set(hosted.ends_at + timedelta(days=1))
    report = list(csv.DictReader(io.StringIO(client.get("/host/attendance.csv").data.decode("utf-8-sig"))))
    assert report == [
        {
            "Event": hosted.title,
            "Date": "30 January 2025",
            "Registered": "2",
            "Attended": "1",
            "Attendance rate": "50%",
            "Average minutes attended": "50",
        }
    ]


def test_attendance_goes_back_to_the_same_list_view_and_ignores_other_query_keys(
    client, hosted, register, db_session, clock
):
    a = register(hosted)
    db_session.commit()
    clock.set(hosted.starts_at)
    junk = "event_id=999&_external=1&_scheme=javascript&_anchor=x&next=//evil.example"
    response = client.post(
        f"/host/events/{hosted.id}/attendance?q=Reader&sort=name&page=1&{junk}",
        data={"mark": "attended", "registration": [str(a.id)]},
    )
    assert response.status_code == 303
    location = urlsplit(response.headers["Location"])
    assert (location.scheme, location.netloc, location.fragment) == ("", "", "")
    assert location.path == f"/host/events/{hosted.id}/attendees"
    assert parse_qs(location.query) == {"q": ["Reader"], "sort": ["name"], "page": ["1"]}
    db_session.expire_all()
    assert db_session.get(Registration, a.id).attended is True


def test_the_attendance_form_posts_the_lists_own_view(client, hosted, register, db_session):
    register(hosted)
    db_session.commit()
    html = client.get(f"/host/events/{hosted.id}/attendees?q=Reader&sort=name&event_id=7").get_data(as_text=True)
    assert f'action="/host/events/{hosted.id}/attendance?q=Reader&amp;sort=name"' in html


def test_page_links_ignore_query_keys_that_are_not_the_lists(client, hosted, register, db_session):
    hosted.capacity = None
    for _ in range(51):
        register(hosted)
    db_session.commit()
    response = client.get(f"/host/events/{hosted.id}/attendees?sort=name&event_id=999&_external=1&_scheme=javascript")
    assert response.status_code == 200
    assert f'href="/host/events/{hosted.id}/attendees?sort=name&amp;page=2"' in response.get_data(as_text=True)


@pytest.mark.parametrize("page", ["9223372036854775807", "99999999999999999999", "42949673", "0", "-1"])
def test_a_page_number_beyond_any_list_is_a_404(client, hosted, db_session, page):
    db_session.commit()
    response = client.get(f"/host/events/{hosted.id}/attendees?page={page}")
    assert response.status_code == 404
    assert "<h1>Page not found</h1>" in response.get_data(as_text=True)


def test_public_lists_share_the_page_limit(client):
    assert client.get("/?page=9223372036854775807").status_code == 404


def stored(db_session) -> tuple:
    """What a refused request must leave as it was: each registration's status and attendance, and the outbox."""
    db_session.rollback()  # read afresh, after the request's own transaction
    registrations = db_session.scalars(sa.select(Registration).order_by(Registration.id))
    return [(r.status, r.attended) for r in registrations], db_session.scalar(
        sa.select(sa.func.count()).select_from(OutboxMessage)
    )


@pytest.mark.parametrize("rid", ["99999999999999999999", "9223372036854775808", "2147483648", "-1", "abc", "1.0"])
@pytest.mark.parametrize("action", ["promote", "cancel"])
def test_a_registration_id_that_names_no_row_is_a_404_and_changes_nothing(
    client, hosted, register, db_session, rid, action
):
    register(hosted), register(hosted), register(hosted)
    db_session.commit()
    before = stored(db_session)
    response = client.post(f"/host/events/{hosted.id}/attendees/{rid}/{action}")
    assert response.status_code == 404
    assert "<h1>Page not found</h1>" in response.get_data(as_text=True)
    assert stored(db_session) == before


@pytest.mark.parametrize(
    ("value", "status"),
    [
        ("99999999999999999999", 400),
        ("9999999999", 404),
        ("2147483648", 404),
        ("-1", 400),
        ("abc", 400),
        ("", 400),
        ("²", 400),  # str.isdigit() says yes, int() says no
        ("١٢", 400),  # Arabic-Indic digits: int() would read 12
        ("0", 404),
    ],
)
def test_a_bad_id_in_the_attendance_form_marks_nobody(client, hosted, register, db_session, value, status):
    a = register(hosted)
    db_session.commit()
    before = stored(db_session)
    response = client.post(
        f"/host/events/{hosted.id}/attendance", data={"mark": "attended", "registration": [str(a.id), value]}
    )
    assert response.status_code == status
    assert stored(db_session) == before


@pytest.mark.parametrize("event_id", ["99999999999999999999", "2147483648", "0"])
def test_an_event_id_that_names_no_row_is_a_404(client, hosted, db_session, event_id):
    db_session.commit()
    for url in (f"/host/events/{event_id}/attendees", f"/host/events/{event_id}/edit"):
        assert client.get(url).status_code == 404
    assert client.post(f"/host/events/{event_id}/publish").status_code == 404


# Back-filling: people added to an event that has ended are not emailed, now or later.

RECORDING = "https://archive.example.org/hiring"


def add(client, event, **extra):
    data = {"name": "Walk In", "email": "walkin@library.example.org", "organization": "Branch", **extra}
    return client.post(f"/host/events/{event.id}/attendees/add", data=data)


def test_adding_before_the_event_emails_the_join_link_unless_the_host_says_not_to(
    client, hosted, db_session, mailbox, text_of
):
    db_session.commit()
    form = text_of(client.get(f"/host/events/{hosted.id}/attendees"))
    assert "Don’t email this person" in form
    response = add(client, hosted)
    flashed = text_of(client.get(response.headers["Location"]))
    assert "(walkin@library.example.org) as confirmed; a confirmation with the join link was emailed." in flashed
    assert [m["To"].addresses[0].addr_spec for m in mailbox] == ["walkin@library.example.org"]
    assert hosted.join_url in mailbox[0].get_body(("plain",)).get_content()

    mailbox.clear()
    response = add(client, hosted, email="quiet@library.example.org", dont_email="y")
    assert "Added Walk In (quiet@library.example.org) as confirmed; no email was sent." in text_of(
        client.get(response.headers["Location"])
    )
    assert mailbox == []
    assert db_session.scalar(sa.select(sa.func.count()).select_from(OutboxMessage)) == 1  # the first one only


def test_adding_to_an_ended_event_emails_nobody_whatever_is_chosen_and_the_form_says_so(
    client, hosted, register, db_session, clock, mailbox, deliver_and_clear, text_of
):
    register(hosted), register(hosted)  # full: capacity 2
    deliver_and_clear()
    clock.set(hosted.ends_at + timedelta(days=2))
    page = text_of(client.get(f"/host/events/{hosted.id}/attendees"))
    assert "This event has ended: people added here are not emailed" in page
    assert "Don’t email this person" not in page
    response = add(client, hosted)  # "don't email" not ticked
    assert "Added Walk In (walkin@library.example.org) as confirmed; no email was sent (the event has ended)." in (
        text_of(client.get(response.headers["Location"]))
    )
    add(client, hosted, email="second@library.example.org", dont_email="y")
    db_session.expire_all()
    added = db_session.scalars(sa.select(Registration).where(Registration.email.like("%walkin%"))).one()
    assert added.is_confirmed  # whatever the seats: the event has happened
    to_them = OutboxMessage.to_address.in_(["walkin@library.example.org", "second@library.example.org"])
    assert db_session.scalar(sa.select(sa.func.count()).select_from(OutboxMessage).where(to_them)) == 0
    assert mailbox == []


def test_someone_back_filled_gets_no_reminder_or_update_later_and_the_recording_only_when_posted_after(
    client, hosted, db_session, clock, mailbox, editor_form
):
    """What may still reach a person added after the event: nothing by itself. Reminders are for events that
    have not started, updates for events that have not ended; the recording mail goes out only when the host
    posts (or changes) the recording afterwards, and then as to every attendee."""
    from eventreg.mail import sending
    from eventreg.registrations import reminders

    hosted.reminder_hours = "24,1"
    db_session.commit()
    clock.set(hosted.ends_at + timedelta(hours=1))
    add(client, hosted)
    db_session.expire_all()
    person = db_session.scalars(sa.select(Registration)).one()
    client.post(f"/host/events/{hosted.id}/attendance", data={"mark": "attended", "registration": [str(person.id)]})
    for later in (timedelta(hours=2), timedelta(days=1), timedelta(days=8)):
        clock.set(hosted.ends_at + later)
        assert reminders.send_reminders(clock.now()) == 0
        assert reminders.send_recording_followups(clock.now()) == 0
        db_session.commit()
        sending.send_pending(clock.now())
    # The host edits the past event (its summary and time zone's text only): no "event updated" to anyone.
    editor = {**editor_form, "summary": "Edited after the event", "past_ok": "y"}
    assert client.post(f"/host/events/{hosted.id}/edit", data=editor).status_code == 303
    assert mailbox == []
    assert db_session.scalar(sa.select(sa.func.count()).select_from(OutboxMessage)) == 0

    client.post(f"/host/events/{hosted.id}/edit", data={**editor, "archive_url": RECORDING})
    assert [(m["To"].addresses[0].addr_spec, m["Subject"]) for m in mailbox] == [
        ("walkin@library.example.org", f"Thank you for joining: {hosted.title}")
    ]


# A Zoom participants report (its current layout, without the preamble): Ana registered, Dana did not.
ZOOM_REPORT = """Name (Original Name),User Email,Join Time,Leave Time,Duration (Minutes),Guest
Ana Lopez,ana.lopez@library.example.org,01/30/2025 03:00:05 PM,01/30/2025 04:00:10 PM,61,No
Dana Walker,dana.walkin@county.example.org,01/30/2025 03:02:00 PM,01/30/2025 03:59:00 PM,57,Yes
"""


def test_a_walk_in_from_an_applied_report_is_mailed_nothing_now_or_when_the_queue_runs(
    client, hosted, register, db_session, clock, mailbox, deliver_and_clear, text_of
):
    from eventreg.attendance import operations as attendance
    from eventreg.attendance.models import AttendanceImport
    from eventreg.mail import sending

    register(hosted, name="Ana Lopez", email="ana.lopez@library.example.org")
    deliver_and_clear()
    clock.set(hosted.ends_at + timedelta(hours=2))
    uploaded = client.post(
        f"/host/events/{hosted.id}/attendance/import",
        data={"report": (io.BytesIO(ZOOM_REPORT.encode()), "participants.csv"), "zone": "America/New_York"},
        content_type="multipart/form-data",
    )
    assert uploaded.status_code == 303, text_of(uploaded)
    imported = db_session.scalars(sa.select(AttendanceImport)).one()
    dana = next(p for p in attendance.matching.gather(attendance.rows_of(imported)) if p.email.startswith("dana"))
    applied = client.post(f"{uploaded.headers['Location']}/apply", data={attendance.decision_field(dana): "walk_in"})
    assert "1 walk-in added" in text_of(client.get(applied.headers["Location"]))
    db_session.expire_all()
    walk_in = db_session.scalars(sa.select(Registration).where(Registration.email.like("dana%"))).one()
    assert (walk_in.status, walk_in.minutes_attended, walk_in.attended) == ("confirmed", 57, True)
    db_session.commit()
    sending.send_pending(clock.now())
    assert mailbox == []
    assert (
        db_session.scalar(
            sa.select(sa.func.count()).select_from(OutboxMessage).where(OutboxMessage.to_address == walk_in.email)
        )
        == 0
    )


def test_each_row_shows_attended_minutes_and_the_certificate_state(client, hosted, register, db_session, clock):
    from decimal import Decimal

    from eventreg.certificates import operations as certificates

    hosted.capacity, hosted.contact_hours = None, Decimal("1")
    people = {key: register(hosted, name=key) for key in ("Issued", "Earned", "Short", "Unrecorded")}
    for key, attended, minutes in (("Issued", True, 58), ("Short", False, 20)):
        people[key].attended, people[key].minutes_attended = attended, minutes
    clock.set(hosted.ends_at + timedelta(hours=1))
    certificates.finalise(hosted, host=hosted.hosts[0], now=clock.now())
    people["Earned"].attended = True  # ticked after the certificates went out
    db_session.commit()
    html = client.get(f"/host/events/{hosted.id}/attendees").get_data(as_text=True)

    def cells(name) -> dict:
        row = html[html.index(f'<td data-label="Name">{name}</td>') :]
        row = row[: row.index("</tr>")]
        found = re.findall(r'<td data-label="(Attended|Minutes|Certificate)">(.*?)</td>', row, flags=re.S)
        return {label: " ".join(re.sub(r"<[^>]+>", " ", value).split()) for label, value in found}

    number = db_session.scalars(sa.select(Certificate.number)).one()
    assert cells("Issued") == {"Attended": "yes", "Minutes": "58", "Certificate": f"issued {number}"}
    assert cells("Earned") == {"Attended": "yes", "Minutes": "–", "Certificate": "earned, not issued yet"}
    assert cells("Short") == {"Attended": "no", "Minutes": "20", "Certificate": "not earned"}
    assert cells("Unrecorded") == {"Attended": "–", "Minutes": "–", "Certificate": "–"}  # nothing to judge yet


def test_someone_back_filled_after_the_recording_mail_gets_the_ordinary_message_not_a_correction(
    client, hosted, register, db_session, clock, mailbox, deliver_and_clear, editor_form
):
    came = register(hosted, email="came@library.example.org")
    clock.set(hosted.ends_at + timedelta(hours=1))
    came.attended = True
    deliver_and_clear()
    editor = {**editor_form, "past_ok": "y"}
    client.post(f"/host/events/{hosted.id}/edit", data={**editor, "archive_url": RECORDING})
    assert [m["To"].addresses[0].addr_spec for m in mailbox] == ["came@library.example.org"]
    mailbox.clear()

    add(client, hosted)  # back-filled after the recording went out: nothing now
    db_session.expire_all()
    late = db_session.scalars(sa.select(Registration).where(Registration.email == "walkin@library.example.org")).one()
    client.post(f"/host/events/{hosted.id}/attendance", data={"mark": "attended", "registration": [str(late.id)]})
    assert mailbox == []

    client.post(f"/host/events/{hosted.id}/edit", data={**editor, "archive_url": RECORDING + "-fixed"})
    assert sorted((m["To"].addresses[0].addr_spec, m["Subject"]) for m in mailbox) == [
        ("came@library.example.org", f"Corrected recording link: {hosted.title}"),
        ("walkin@library.example.org", f"Thank you for joining: {hosted.title}"),
    ]
