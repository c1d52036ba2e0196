"""The course certificate: finalised once for the whole course from each person's course credit, mailed as a
link, verified by its code, rendered as a PDF listing the sessions attended (looked at as a PNG); a course's
sessions issue no certificate of their own. On SQLite and PostgreSQL."""

import re
import subprocess
from datetime import date, time, timedelta
from decimal import Decimal

import pytest
import sqlalchemy as sa

from eventreg.certificates import operations, rendering
from eventreg.certificates.models import Certificate, CourseCertificate
from eventreg.certificates.operations import CertificateError
from eventreg.series.models import CreditRule, SeriesKind
from tests.series import credit_fixtures

enrol_directly = credit_fixtures.enrol_directly  # fixtures shared with the credit and transcript tests
after_course = credit_fixtures.after_course
SHOTS = "/tmp/shots-credit"
ATTENDED, ABSENT, TICKED, PARTLY = (True, 60), (False, 0), (True, None), (False, 40)


@pytest.fixture
def course(make_series, make_host, login, enrol_directly, after_course, deliver_and_clear):
    """A four-Tuesday course, 3 of 4 sessions for 4 contact hours, its host signed in, after its last session:
    {"series", "host", "ana" (all four), "ben" (three, one absent), "chen" (two), "dee" (late: the last three),
    "eve" (cancelled, attended all)}."""
    host = login(make_host("course-host@library.example.org"))
    series = make_series(host=host, credit_rule=CreditRule.SOME_SESSIONS, credit_sessions=3, contact_hours=Decimal("4"))
    people = {"series": series, "host": host}
    people["ana"] = enrol_directly(series, name="Ana Lopez", email="ana@library.example.org", timezone="Asia/Tokyo",
                                   attendance=[ATTENDED] * 4)  # fmt: skip
    people["ben"] = enrol_directly(series, name="Ben Okafor", email="ben@library.example.org",
                                   attendance=[ATTENDED, ABSENT, TICKED, ATTENDED])  # fmt: skip
    people["chen"] = enrol_directly(series, name="Chen Wei", email="chen@library.example.org",
                                    attendance=[ATTENDED, PARTLY, ABSENT, ATTENDED])  # fmt: skip
    people["dee"] = enrol_directly(series, name="Dee Late", email="dee@library.example.org",
                                   attendance=[ATTENDED] * 3, skip=1)  # fmt: skip
    people["eve"] = enrol_directly(series, name="Eve Cancelled", email="eve@library.example.org",
                                   attendance=[ATTENDED] * 4, status="cancelled")  # fmt: skip
    deliver_and_clear()
    after_course(series)
    return people


def pdf_text(path) -> str:
    """The PDF's text with its line breaks and runs of spaces as single spaces."""
    run = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True)
    return " ".join(run.stdout.split())


def issued(db_session):
    db_session.commit()  # reads what the requests committed
    return {c.enrolment.email.split("@")[0]: c for c in db_session.scalars(sa.select(CourseCertificate))}


def test_confirmation_page_lists_who_qualifies_and_issues_nothing(client, course, db_session, text_of):
    page = client.get(f"/host/series/{course['series'].id}/certificates/finalise")
    assert page.status_code == 200
    text = text_of(page)
    assert "3 people will get a course certificate for 4 contact hours" in text
    assert "Ben Okafor (ben@library.example.org): 3 sessions attended, 180 minutes" in text
    assert "Dee Late (dee@library.example.org): 3 sessions attended" in text
    assert "Chen Wei" not in text
    assert "Eve Cancelled" not in text
    assert issued(db_session) == {}


def test_finalise_issues_one_certificate_per_enrolment_and_mails_a_link(client, course, db_session, mailbox, app):
    series = course["series"]
    response = client.post(f"/host/series/{series.id}/certificates/finalise")
    assert response.status_code == 303
    certificates = issued(db_session)
    assert set(certificates) == {"ana", "ben", "dee"}
    ben = certificates["ben"]
    assert (ben.name, ben.series_title, ben.contact_hours) == ("Ben Okafor", series.title, Decimal("4"))
    assert [(s["part"], s["of"]) for s in ben.sessions] == [(1, 4), (3, 4), (4, 4)]  # the absent second is left out
    assert ben.total_minutes == 180
    assert re.fullmatch(rf"C2025-{series.id:04d}-000[123]", ben.number)
    assert certificates["ana"].zone == "Asia/Tokyo"
    assert [s["part"] for s in certificates["dee"].sessions] == [2, 3, 4]
    # No per-session certificates for a course.
    assert db_session.scalar(sa.select(sa.func.count()).select_from(Certificate)) == 0

    assert sorted(m["To"] for m in mailbox) == [
        "Ana Lopez <ana@library.example.org>",
        "Ben Okafor <ben@library.example.org>",
        "Dee Late <dee@library.example.org>",
    ]
    message = next(m for m in mailbox if "ben@" in m["To"])
    assert message["Subject"] == f"Your course certificate: {series.title}"
    body = message.get_body(("plain",)).get_content()
    assert "4 contact hours and the 3 sessions you attended" in body
    assert f"http://eventreg.test/certificates/{ben.grouped_code}" in body
    link = re.search(r"http://eventreg\.test(/c/\S+/certificate\.pdf)", body).group(1)
    client.post("/host/logout")
    download = client.get(link)
    assert download.status_code == 200
    assert download.data.startswith(b"%PDF-")
    assert client.get(link.replace("/c/", "/c/x")).status_code == 404  # a link we did not sign

    verify = client.get(f"/certificates/{ben.grouped_code.lower()}")
    assert verify.status_code == 200
    page = verify.get_data(as_text=True)
    assert "This certificate is valid" in page
    assert series.title.replace("'", "&#39;") in page
    assert "4 contact hours for the course" in page
    assert "Part 3 of 4" in page
    assert "Part 2 of 4" not in page


def test_finalising_again_issues_only_to_the_newly_qualified(client, course, db_session, mailbox, clock):
    series = course["series"]
    client.post(f"/host/series/{series.id}/certificates/finalise")
    mailbox.clear()
    again = client.post(f"/host/series/{series.id}/certificates/finalise")
    assert again.status_code == 409
    assert "Nobody new qualifies for a course certificate" in again.get_data(as_text=True)
    assert mailbox == []
    # A corrected report for the third session gives Chen 55 minutes: now 3 of 4.
    chen_third = next(r for r in course["chen"].registrations if r.event_id == series.sessions[2].id)
    chen_third.attended, chen_third.minutes_attended = True, 55
    db_session.commit()
    assert client.post(f"/host/series/{series.id}/certificates/finalise").status_code == 303
    assert set(issued(db_session)) == {"ana", "ben", "chen", "dee"}
    assert [m["To"] for m in mailbox] == ["Chen Wei <chen@library.example.org>"]


def test_finalise_waits_for_the_last_session_and_needs_contact_hours(course, db_session, clock):
    series, host = course["series"], course["host"]
    clock.set(series.sessions[-1].ends_at - timedelta(minutes=1))
    with pytest.raises(CertificateError) as refused:
        operations.finalise_course(series, host=host, now=clock.now())
    assert refused.value.code == "course_not_ended"
    series.contact_hours = None
    db_session.flush()
    with pytest.raises(CertificateError) as refused:
        operations.finalise_course(series, host=host, now=series.sessions[-1].ends_at)
    assert refused.value.code == "course_no_contact_hours"


def test_a_course_session_issues_no_certificate_of_its_own(client, course, db_session, text_of):
    session = course["series"].sessions[0]
    session.contact_hours = Decimal("1")  # even if a session were given hours by hand
    db_session.commit()
    with pytest.raises(CertificateError) as refused:
        operations.finalise(session, host=course["host"], now=session.ends_at + timedelta(days=30))
    assert refused.value.code == "course_session"
    page = client.get(f"/host/events/{session.id}/certificates/finalise")
    assert "counts towards one course certificate" in text_of(page)
    assert "will get a certificate" not in text_of(page)
    assert client.post(f"/host/events/{session.id}/certificates/finalise").status_code == 409
    index = client.get(f"/host/events/{session.id}/certificates")
    assert f"/host/series/{course['series'].id}/certificates" in index.get_data(as_text=True)


def test_a_programs_sessions_keep_their_own_certificates(make_series, register, db_session, make_host, clock):
    program = make_series(SeriesKind.PROGRAM, title="Monthly office hours", count=2)
    session = program.sessions[0]
    session.contact_hours = Decimal("1")
    registration = register(session, name="Pat Reader", email="pat@library.example.org")
    registration.attended, registration.minutes_attended = True, 60
    db_session.flush()
    certificates = operations.finalise(session, host=make_host("other@library.example.org"), now=session.ends_at)
    assert [c.name for c in certificates] == ["Pat Reader"]
    with pytest.raises(CertificateError) as refused:
        operations.finalise_course(program, host=make_host("third@library.example.org"), now=clock.now())
    assert refused.value.code == "not_a_course"


def test_the_course_pages_are_the_courses_hosts_only(client, course, make_host, login, text_of):
    series = course["series"]
    page = client.get(f"/host/series/{series.id}/certificates")
    assert page.status_code == 200
    text = text_of(page)
    assert "Attend at least 3 of the 4 sessions" in text
    assert "3 confirmed registrants met the course’s rule" in text
    login(make_host("stranger@library.example.org"))
    for path in ("", "/finalise"):
        assert client.get(f"/host/series/{series.id}/certificates{path}").status_code == 404
    assert client.post(f"/host/series/{series.id}/certificates/finalise").status_code == 404
    assert client.get("/host/series/999999/certificates").status_code == 404


def test_the_course_certificate_pdf_lists_the_sessions_and_hours(app, course, clock, pdf_tools, tmp_path):
    certificates = operations.finalise_course(course["series"], host=course["host"], now=clock.now())
    ben = next(c for c in certificates if c.name == "Ben Okafor")
    with app.test_request_context():
        pdf = rendering.course_certificate_pdf(ben)
    path = tmp_path / "course.pdf"
    path.write_bytes(pdf)
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    assert re.search(r"Pages:\s+1\b", info)
    text = pdf_text(path)
    assert "Ben Okafor" in text
    assert "Four Tuesdays of readers' advisory" in text
    assert "4 March 2025 to 25 March 2025 and is awarded 4 contact hours for the course" in text
    assert "SESSIONS ATTENDED (3)" in text  # set in capitals by the style
    for day, part in (("4 March 2025", 1), ("18 March 2025", 3), ("25 March 2025", 4)):
        assert f"{day} · Part {part} of 4" in text
    assert "Part 2 of 4" not in text
    assert ben.number in text
    subprocess.run(["pdftoppm", "-png", "-r", "60", "-singlefile", str(path), str(tmp_path / "course")], check=True)
    assert (tmp_path / "course.png").stat().st_size > 10_000
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):  # one picture to look at by hand
        import pathlib
        import shutil

        pathlib.Path(SHOTS).mkdir(exist_ok=True)
        shutil.copy(tmp_path / "course.png", f"{SHOTS}/course-certificate.png")


def test_a_long_course_still_fits_one_page(app, make_series, make_host, enrol_directly, after_course, clock,
                                           pdf_tools, tmp_path):  # fmt: skip
    series = make_series(title="A year of Tuesdays: " * 5, count=40, first_day=date(2025, 3, 4), starts=time(15),
                         contact_hours=Decimal("40"))  # fmt: skip
    for n, event in enumerate(series.sessions, start=1):
        event.title = f"Week {n}: readers' advisory for a long-titled topic of the week"
    enrol_directly(series, name="Maximiliana Wolfeschlegelsteinhausen-Bergerdorff", attendance=[ATTENDED] * 40)
    after_course(series)
    [certificate] = operations.finalise_course(series, host=make_host("long@library.example.org"), now=clock.now())
    with app.test_request_context():
        pdf = rendering.course_certificate_pdf(certificate)
    path = tmp_path / "long.pdf"
    path.write_bytes(pdf)
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    assert re.search(r"Pages:\s+1\b", info)
    text = pdf_text(path)
    assert "2 December 2025 · Part 40 of 40" in text  # the last session, on the page
    assert certificate.number in text  # and the foot below the list
    subprocess.run(["pdftoppm", "-png", "-r", "60", "-singlefile", str(path), str(tmp_path / "long")], check=True)
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        import shutil

        shutil.copy(tmp_path / "long.png", f"{SHOTS}/course-certificate-40-sessions.png")
