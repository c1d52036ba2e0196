"""The transcript behind the link: every event attended, minutes, hours, the year each counts in, and the
same as CSV and PDF."""

import csv
import io
import logging
import subprocess
from datetime import datetime
from decimal import Decimal

import pytest

from eventreg.transcripts import records


def wall(*parts: int) -> datetime:
    """A wall-clock time, read in the event's zone by past_event."""
    return datetime(*parts)  # noqa: DTZ001 - wall-clock time, no zone on purpose


EMAIL = "zoe@library.example.org"


@pytest.fixture
def history(past_event, attended, db_session):
    """Zoë's record across years and zones, plus someone else's attendance that must never show."""
    new_years_eve = past_event(  # 11:30 PM on 31 December in New York is 04:30 on 1 January in UTC
        wall(2024, 12, 31, 23, 30),
        title="Year-end reference desk review",
        contact_hours="1.5",
    )
    new_year_kolkata = past_event(  # 00:30 on 1 January in Kolkata is still 31 December (19:00) in UTC
        wall(2025, 1, 1, 0, 30),
        zone="Asia/Kolkata",
        title="New year, new catalogue",
        contact_hours="1",
    )
    short_stay = past_event(
        wall(2025, 3, 10, 10),
        zone="Europe/Berlin",
        title='=HYPERLINK("http://evil.example")',
        contact_hours="2",
    )
    ticked = past_event(wall(2025, 6, 2, 9), zone="America/Los_Angeles", title="Story time skills", contact_hours=None)
    missed = past_event(wall(2025, 7, 1, 9), title="Never came")
    attended(new_years_eve, name="Zoë Ångström", email=EMAIL, minutes=58)
    attended(new_year_kolkata, name="Zoë Ångström", email="Zoe@Library.Example.org", minutes=45)
    attended(short_stay, name="Zoë Ångström", email=EMAIL, minutes=20)  # 20 of the 45 required: no credit
    attended(ticked, name="Zoë Ångström", email=EMAIL, minutes=None)  # the host's tick, no minutes
    registration = attended(missed, name="Zoë Ångström", email=EMAIL, minutes=0)
    registration.attended = False
    attended(new_years_eve, name="Someone Else", email="else@library.example.org", minutes=60)
    db_session.commit()


def test_the_year_is_the_events_own_date_not_utcs(past_event, attended, db_session):
    eve = past_event(wall(2024, 12, 31, 23, 30))
    registration = attended(eve, email=EMAIL)
    assert eve.starts_at.year == 2025  # in UTC it is already next year
    assert records.attendance_of(registration).year == 2024


def test_transcript_lists_every_event_attended_with_minutes_hours_and_totals_per_year(
    client, history, transcript_path, text_of
):
    page = text_of(client.get(transcript_path(EMAIL)))
    assert "For Zoë Ångström, zoe@library.example.org" in page
    assert "Year Events attended Contact hours earned 2024 1 1.5 2025 3 1" in page
    assert "Year-end reference desk review" in page
    assert "31 December 2024, 11:30 PM EST" in page
    assert "1 January 2025, 12:30 AM IST" in page
    assert "Yes 58 of 45 required 1.5" in page
    assert "No 20 of 45 required 0 (credit needs 45 minutes)" in page
    assert "Yes Marked attended by the host None offered" in page
    assert "Total 2024 1.5 hours" in page
    assert "Total 2025 1 hours" in page
    assert "Never came" not in page  # marked absent with no minutes: not attended
    assert "Someone Else" not in page
    assert "else@library" not in page


def test_dates_also_show_in_the_visitors_zone_when_known(client, history, transcript_path, text_of):
    page = text_of(client.get(transcript_path(EMAIL) + "?tz=Asia/Tokyo"))
    assert "31 December 2024, 11:30 PM EST 1 January 2025, 1:30 PM JST your time" in page
    assert "in yours (Asia/Tokyo)" in page


def test_an_address_without_attendance_says_so(client, db_session, transcript_path, text_of):
    page = client.get(transcript_path("new@library.example.org"))
    assert page.status_code == 200
    assert "No attendance is recorded for this address yet." in text_of(page)
    assert "Download PDF" not in text_of(page)


def test_the_certificate_column_links_each_certificate_not_revoked(
    client, past_event, attended, make_host, clock, db_session, transcript_path
):
    from eventreg.certificates import operations as certificates

    host = make_host()
    kept = past_event(wall(2024, 11, 5, 15), title="Kept")
    withdrawn = past_event(wall(2024, 11, 6, 15), title="Withdrawn")
    attended(kept, name="Zoë Ångström", email=EMAIL)
    attended(withdrawn, name="Zoë Ångström", email=EMAIL)
    [valid] = certificates.finalise(kept, host=host, now=clock.now())
    [revoked] = certificates.finalise(withdrawn, host=host, now=clock.now())
    certificates.revoke(revoked, reason="Issued in error", host=host, now=clock.now())
    db_session.commit()

    path = transcript_path(EMAIL)
    html = client.get(path).get_data(as_text=True)
    assert f'<a href="http://eventreg.test/certificates/{valid.grouped_code}">Verify certificate' in html
    assert revoked.grouped_code not in html
    rows = list(csv.reader(io.StringIO(client.get(f"{path}/transcript.csv").get_data(as_text=True))))
    assert [row[rows[0].index("Certificate")] for row in rows[1:]] == [
        f"http://eventreg.test/certificates/{valid.grouped_code}",
        "",
    ]


def test_csv_download_is_labelled_formula_safe_and_private(client, history, transcript_path):
    response = client.get(transcript_path(EMAIL) + "/transcript.csv")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert response.headers["Content-Disposition"] == 'attachment; filename="transcript.csv"'
    assert response.headers["Cache-Control"] == "private, no-store"
    assert response.headers["Referrer-Policy"] == "no-referrer"
    assert response.data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(response.data.decode("utf-8-sig"))))
    assert list(rows[0]) == [
        "Event",
        "Event date (event's time zone)",
        "Event time zone",
        "Starts (event's time zone)",
        "Minutes attended",
        "Minutes required",
        "Credit rule met",
        "Contact hours earned",
        "Certificate",
        "Kind",  # event, course, course session (tests/series/test_course_transcripts.py)
        "Course",
    ]
    assert [r["Event date (event's time zone)"] for r in rows] == [
        "2024-12-31",
        "2025-01-01",
        "2025-03-10",
        "2025-06-02",
    ]
    assert rows[0]["Starts (event's time zone)"] == "2024-12-31 23:30 EST"
    assert rows[1]["Event time zone"] == "Asia/Kolkata"
    assert [r["Contact hours earned"] for r in rows] == ["1.5", "1", "0", ""]
    assert [r["Credit rule met"] for r in rows] == ["yes", "yes", "no", "yes"]
    assert rows[2]["Event"] == '\'=HYPERLINK("http://evil.example")'
    assert rows[3]["Minutes attended"] == ""


def pdf_text(data: bytes) -> str:
    """The PDF's text as poppler's pdftotext reads it, whitespace collapsed."""
    result = subprocess.run(["pdftotext", "-enc", "UTF-8", "-", "-"], input=data, capture_output=True, check=True)
    return " ".join(result.stdout.decode("utf-8").split())


def test_pdf_download_holds_the_same_record(client, history, transcript_path):
    response = client.get(transcript_path(EMAIL) + "/transcript.pdf?tz=Europe/Paris")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/pdf"
    assert response.headers["Content-Disposition"] == 'attachment; filename="transcript.pdf"'
    assert response.headers["Cache-Control"] == "private, no-cache"  # kept by the browser, asked again with its ETag
    assert response.headers["Referrer-Policy"] == "no-referrer"
    assert response.data.startswith(b"%PDF-")
    text = pdf_text(response.data)
    assert "Attendance transcript" in text
    assert "Zoë Ångström, zoe@library.example.org" in text
    assert "made on 15 January 2025 (Europe/Paris)" in text
    assert "Year-end reference desk review" in text
    assert '=HYPERLINK("http://' in text  # text in a PDF runs nothing
    assert "Total 2024 1.5 hours" in text
    assert "Total 2025 1 hours" in text
    assert "Someone Else" not in text


def test_pdf_renders_names_and_titles_in_other_scripts(client, past_event, attended, db_session, transcript_path):
    event = past_event(wall(2024, 5, 1, 10), title="Службы для читателей — 图书馆服务")
    attended(event, name="Nguyễn Thị Hoa", email=EMAIL)
    db_session.commit()
    text = pdf_text(client.get(transcript_path(EMAIL) + "/transcript.pdf").data)
    assert "Nguyễn Thị Hoa" in text
    assert "Службы для читателей" in text


def test_hours_are_written_without_trailing_zeros():
    assert [records.format_hours(Decimal(v)) for v in ("1.50", "2.00", "0.75", "0", "10")] == [
        "1.5",
        "2",
        "0.75",
        "0",
        "10",
    ]
    assert records.format_hours(None) == ""


def test_asking_again_for_an_unchanged_transcript_pdf_gets_a_304_without_rendering(
    client, history, transcript_path, caplog, past_event, attended, db_session
):
    path = transcript_path(EMAIL) + "/transcript.pdf"
    with caplog.at_level(logging.DEBUG, logger="eventreg.core.pdf"):
        first = client.get(path)
        assert rendered(caplog) == 1
        etag = first.headers["ETag"]
        again = client.get(path, headers={"If-None-Match": etag})
        assert again.status_code == 304
        assert again.data == b""
        assert again.headers["ETag"] == etag
        assert rendered(caplog) == 1  # not rendered again
        # Another event attended changes what the PDF shows, so the old version is not good any more.
        attended(past_event(wall(2025, 1, 10, 10), title="A later workshop"), name="Zoë Ångström", email=EMAIL)
        db_session.commit()
        changed = client.get(path, headers={"If-None-Match": etag})
        assert changed.status_code == 200
        assert changed.headers["ETag"] != etag
        assert "A later workshop" in pdf_text(changed.data)
        assert rendered(caplog) == 2


def rendered(caplog) -> int:
    return sum(r.name == "eventreg.core.pdf" and r.getMessage() == "pdf rendered" for r in caplog.records)
