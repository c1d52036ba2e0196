"""The attendance pages (import, preview, credit rule) in Spanish and French leave no English outside what people
typed and what the report itself holds (names, addresses, its column headers, the file's name)."""

import csv
import io
import re
from datetime import timedelta
from pathlib import Path

import pytest

SAMPLES = Path(__file__).parent / "samples"
TITLE = "Building community connections by hiring for cultural knowledge"


def ours(html: str) -> str:
    """The page's own part: <main> without the host navigation (the header, footer and host menu are other
    templates' text), the time zone list (hosts.forms.zone_choices), and what is code, not words: IANA zone ids
    and addresses (URLs)."""
    main = re.search(r"<main\b.*?</main>", html, flags=re.S)[0]
    main = re.sub(r'<nav class="host-nav".*?</nav>', " ", main, flags=re.S)
    main = re.sub(r'<select[^>]*\bid="zone".*?</select>', " ", main, flags=re.S)
    return re.sub(r"\b[A-Z][A-Za-z_]+/[A-Za-z_/+-]+|https?://[^\s<\"]+", " ", main)


@pytest.fixture
def hosted(make_event, make_host, login, register, clock, db_session):
    """The 3-4 PM New York webinar of 30 January 2025 with three registrants (one not in the reports), signed in as
    its host, after it."""
    host = make_host()
    event = make_event(contact_hours=1)
    event.hosts = [host]
    register(event, name="Ana Lopez", email="ana.lopez@library.example.org")
    register(event, name="Ben Okafor", email="ben.okafor@library.example.org")
    register(event, name="Dee Absent", email="dee.absent@library.example.org")
    db_session.commit()
    login(host)
    clock.set(event.ends_at + timedelta(hours=2))
    return event


def report_content(name: str) -> tuple[str, ...]:
    """Everything a sample report holds: its cells (names, addresses, headers, times) and its file name."""
    text = (SAMPLES / name).read_text(encoding="utf-8-sig")
    delimiter = ";" if text.count(";") > text.count(",") else ","
    cells = {cell.strip() for row in csv.reader(io.StringIO(text), delimiter=delimiter) for cell in row}
    return (name, *sorted(cells - {""}))


def upload(client, event, name, language):
    return client.post(
        f"/host/events/{event.id}/attendance/import?lang={language}",
        data={"report": (io.BytesIO((SAMPLES / name).read_bytes()), name), "zone": "America/New_York"},
        content_type="multipart/form-data",
    )


PEOPLE = ("Ana Lopez", "Ben Okafor", "Dee Absent", "ana.lopez@library.example.org", "ben.okafor@library.example.org")
PEOPLE += ("dee.absent@library.example.org",)


@pytest.mark.parametrize("language", ["es", "fr"])
@pytest.mark.parametrize("name", ["zoom_meeting_participants.csv", "generic_minutes_semicolon.csv"])
def test_attendance_pages_leave_no_english(client, hosted, english_left, language, name):
    content = (TITLE, *PEOPLE, *report_content(name))
    for url in (f"/host/events/{hosted.id}/attendance/import", f"/host/events/{hosted.id}/attendance/credit"):
        page = client.get(url, headers={"Accept-Language": language})
        assert page.status_code == 200
        html = page.get_data(as_text=True)
        assert f'<html lang="{language}"' in html
        assert english_left(ours(html), *content) == [], url
    uploaded = upload(client, hosted, name, language)
    assert uploaded.status_code == 303
    preview = client.get(uploaded.headers["Location"], headers={"Accept-Language": language})
    html = preview.get_data(as_text=True)
    assert f'<html lang="{language}"' in html
    assert english_left(ours(html), *content) == []
    # The list of uploads, with its dates in the page's language.
    listed = client.get(f"/host/events/{hosted.id}/attendance/import", headers={"Accept-Language": language})
    assert english_left(ours(listed.get_data(as_text=True)), *content) == []
    assert {"es": " de enero de 2025, ", "fr": " janvier 2025"}[language] in listed.get_data(as_text=True)


@pytest.mark.parametrize("language", ["es", "fr"])
def test_a_report_refused_says_why_in_the_page_language(client, hosted, english_left, language):
    response = client.post(
        f"/host/events/{hosted.id}/attendance/import",
        data={"report": (io.BytesIO(b"%PDF-1.7 not a report"), "report.pdf"), "zone": "America/New_York"},
        content_type="multipart/form-data",
        headers={"Accept-Language": language},
    )
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert {"es": "no es un archivo de texto", "fr": "n’est pas un fichier texte"}[language] in html
    errors = re.search(r'<p class="error".*?</p>', html, flags=re.S)[0]
    assert english_left(errors, "report.pdf", "PDF", "CSV") == []


@pytest.mark.parametrize(("language", "said"), [("es", "Asistencia aplicada: "), ("fr", "Présence appliquée : ")])
def test_applying_a_report_says_what_changed_in_the_page_language(client, hosted, english_left, language, said):
    uploaded = upload(client, hosted, "zoom_meeting_participants.csv", language)
    applied = client.post(
        uploaded.headers["Location"] + "/apply",
        data={"mark_absent": "y"},
        headers={"Accept-Language": language},
        follow_redirects=True,
    )
    flash = re.search(r'<p class="flash[^"]*" role="status">(.*?)</p>', applied.get_data(as_text=True), flags=re.S)
    assert flash[1].startswith(said)
    assert english_left(f"<p>{flash[1]}</p>") == [], flash[1]
