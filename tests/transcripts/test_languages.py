"""Transcripts in Spanish and French: the request page, the mail and the transcript behind its link (page and PDF)
speak the language of the request that asks for them, and so do the hosts' CE report page and its errors. The CSV
files stay English: their columns and values are for people's spreadsheets and scripts."""

import re
import subprocess
from datetime import datetime
from decimal import Decimal

import pytest

from eventreg.series.models import CreditRule
from tests.series import credit_fixtures
from tests.series.conftest import make_series  # noqa: F401 - the course fixture below needs it

enrol_directly = credit_fixtures.enrol_directly
after_course = credit_fixtures.after_course

URL = re.compile(r"https?://[^\s<>\"]+")
EMAIL = "ana@library.example.org"
# Another area's words on these pages: the e-mail field (eventreg/core/forms.py) and the error summary's heading
# (templates/_forms.html) are the public area's, translated on its branch.
OTHER_AREAS = ("Email address", "Please check the form")
SPOKEN = {
    "es": {
        "date": "5 de noviembre de 2024",
        "time": "14:00",
        "page": "Página 1 de 1",
        "subject": "Su historial de formación",
    },
    "fr": {"date": "5 novembre 2024", "time": "14:00", "page": "Page 1 sur 1", "subject": "Votre relevé de formation"},
}
LANGUAGES = sorted(SPOKEN)


def wall(*parts: int) -> datetime:
    """A wall-clock time, read in the event's zone by past_event."""
    return datetime(*parts)  # noqa: DTZ001 - wall-clock time, no zone on purpose


@pytest.fixture
def record(past_event, attended, deliver_and_clear):
    """Ana's record: a webinar she stayed at (2 PM New York, 5 November 2024), one she left early, and one the host
    ticked that offers no hours."""
    events = [
        past_event(wall(2024, 11, 5, 14), title="Weeding the collection"),
        past_event(wall(2024, 12, 3, 10), zone="Europe/Paris", title="Story time skills", contact_hours="2"),
        past_event(wall(2025, 2, 4, 9), title="Cataloguing clinic", contact_hours=None),
    ]
    attended(events[0], name="Ana Lima", email=EMAIL, minutes=60)
    attended(events[1], name="Ana Lima", email=EMAIL, minutes=20)
    attended(events[2], name="Ana Lima", email=EMAIL, minutes=None)
    deliver_and_clear()  # the confirmations: the tests read only what asking for a transcript sends
    return [e.title for e in events]


def assert_no_english(english_left, page: str, *content: str) -> None:
    """english_left(page, *content) is empty; else the failure shows the words and the text they are in."""
    left = english_left(page, *content)
    assert left == [], (left, " ".join(re.sub(r"<[^>]+>", " ", page).split()))


def own_part(html: str) -> str:
    """A page's own content: its <main>, without the host menu (hosts/_nav.html, another area's text)."""
    main = html[html.index("<main") : html.index("</main>")]
    return re.sub(r'<nav class="host-nav".*?</nav>', " ", main, flags=re.S)


def pdf_text(data: bytes) -> str:
    run = subprocess.run(["pdftotext", "-enc", "UTF-8", "-", "-"], input=data, capture_output=True, check=True)
    return " ".join(run.stdout.decode("utf-8").split())


@pytest.mark.parametrize("language", LANGUAGES)
def test_asking_for_a_transcript_speaks_the_askers_language(client, record, mailbox, link_in, english_left, language):
    headers = {"Accept-Language": language}
    page = client.get("/transcript", headers=headers).get_data(as_text=True)
    assert f'<html lang="{language}">' in page
    assert_no_english(english_left, own_part(page), *OTHER_AREAS)

    refused = client.post("/transcript", data={"email": "", "website": ""}, headers=headers)
    assert refused.status_code == 400
    assert_no_english(
        english_left, own_part(refused.get_data(as_text=True)), *OTHER_AREAS, "Please enter your email address."
    )

    answer = client.post("/transcript", data={"email": EMAIL, "website": ""}, headers=headers)
    assert_no_english(english_left, own_part(answer.get_data(as_text=True)))
    client.post("/transcript", data={"email": "nobody@elsewhere.example.org", "website": ""}, headers=headers)

    by_address = {m["X-Envelope-To"]: m for m in mailbox}
    link = by_address[EMAIL]
    assert link["Subject"] == SPOKEN[language]["subject"]
    none = by_address["nobody@elsewhere.example.org"]
    for message in (link, none):
        for kind in ("plain", "html"):
            body = message.get_body((kind,)).get_content()
            assert_no_english(english_left, body, "Ana Lima", "eventreg", *URL.findall(body))
    assert (
        "3 eventos" in link.get_body(("plain",)).get_content()
        or "3 événements" in link.get_body(("plain",)).get_content()
    )

    # The transcript behind the link speaks the language of whoever opens it: here, the same person.
    path = link_in(link)
    html = client.get(f"{path}?tz=Asia/Tokyo", headers=headers).get_data(as_text=True)
    assert f'<html lang="{language}">' in html
    assert SPOKEN[language]["date"] in html
    assert SPOKEN[language]["time"] in html
    assert "1,5" in html  # the hours, with the language's decimal comma
    content = [*record, "Ana Lima", EMAIL, "Asia/Tokyo"]
    assert_no_english(english_left, own_part(html), *content, *URL.findall(html))

    pdf = client.get(f"{path}/transcript.pdf", headers=headers)
    assert pdf.status_code == 200
    text = pdf_text(pdf.data)
    assert SPOKEN[language]["page"] in text
    assert SPOKEN[language]["date"] in text
    assert_no_english(english_left, text, *content, "eventreg", "UTC", *URL.findall(text))

    # The spreadsheet keeps its English columns and values, whatever the language.
    csv_text = client.get(f"{path}/transcript.csv", headers=headers).data.decode("utf-8-sig")
    assert csv_text.startswith("Event,Event date (event's time zone),Event time zone,")
    assert ",yes," in csv_text


@pytest.mark.parametrize("language", LANGUAGES)
def test_an_expired_link_speaks_the_readers_language(client, record, transcript_path, clock, english_left, language):
    path = transcript_path(EMAIL)
    clock.advance(days=8)
    response = client.get(path, headers={"Accept-Language": language})
    assert response.status_code == 410
    assert_no_english(english_left, own_part(response.get_data(as_text=True)), *OTHER_AREAS, EMAIL)


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_ce_report_page_speaks_the_hosts_language(client, record, make_host, login, english_left, language):
    host = login(make_host("admin@library.example.org", admin=True))
    headers = {"Accept-Language": language}
    content = [host.email, *record]
    page = client.get("/host/ce-report", headers=headers).get_data(as_text=True)
    assert f'<html lang="{language}">' in page
    assert_no_english(english_left, own_part(page), *content)

    backwards = client.get("/host/ce-report?start=2025-02-01&end=2025-01-01", headers=headers)
    assert backwards.status_code == 400
    assert_no_english(english_left, own_part(backwards.get_data(as_text=True)), *content, *OTHER_AREAS)
    neither = client.get("/host/ce-report?event_id=&start=&end=2025-01-01", headers=headers)
    assert neither.status_code == 400
    assert_no_english(english_left, own_part(neither.get_data(as_text=True)), *content, *OTHER_AREAS)

    report = client.get("/host/ce-report.csv?start=2024-11-01&end=2025-03-01", headers=headers)
    assert report.data.decode("utf-8-sig").startswith("Event,Event date (event's time zone),Event time zone,Name,")


@pytest.fixture
def course_learner(make_series, make_host, enrol_directly, after_course, clock, db_session):  # noqa: F811
    """Ana met a four-Tuesday course (3 of 4 sessions, 4 contact hours) and holds its certificate."""
    from eventreg.certificates import operations as certificate_operations

    host = make_host("course-host@library.example.org")
    series = make_series(host=host, credit_rule=CreditRule.SOME_SESSIONS, credit_sessions=3, contact_hours=Decimal("4"))
    enrol_directly(series, name="Ana Lopez", email=EMAIL, attendance=[(True, 60), (False, 0), (True, 60), (True, None)])
    after_course(series)
    certificate_operations.finalise_course(series, host=host, now=clock.now())
    db_session.commit()
    return series


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_course_on_the_transcript_speaks_the_readers_language(
    client, course_learner, transcript_path, english_left, language
):
    series = course_learner
    path = transcript_path(EMAIL)
    content = [series.title, "Ana Lopez", EMAIL, "eventreg", "UTC", *(e.title for e in series.sessions)]
    html = client.get(path, headers={"Accept-Language": language}).get_data(as_text=True)
    dates = {"es": "del 4 de marzo de 2025 al 25 de marzo de 2025", "fr": "du 4 mars 2025 au 25 mars 2025"}[language]
    assert dates in html
    assert_no_english(english_left, own_part(html), *content, *URL.findall(html))
    text = pdf_text(client.get(f"{path}/transcript.pdf", headers={"Accept-Language": language}).data)
    # The certificate's verification address, which the PDF's narrow column breaks over two lines.
    text = re.sub(r"http://eventreg\.test/ ?certificates/ ?[A-Z0-9-]+", " ", text)
    # The narrow column breaks titles too, where its words fall: each word of a title is content as well.
    titles = [series.title, *(e.title for e in series.sessions)]
    assert_no_english(english_left, text, *content, *(word for title in titles for word in title.split()))
