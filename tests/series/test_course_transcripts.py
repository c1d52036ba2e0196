"""A course on a learner's transcript and in the hosts' CE report: one line for the course with its sessions under
it, the course's hours counted once (never the sessions' own), and CSVs that still sum. Both databases."""

import csv
import io
from datetime import datetime, timedelta
from decimal import Decimal

import pytest
import pytz

from eventreg.certificates import operations as certificate_operations
from eventreg.series.models import CreditRule
from tests.series import credit_fixtures

enrol_directly = credit_fixtures.enrol_directly  # fixtures shared with the credit and certificate tests
after_course = credit_fixtures.after_course
ATTENDED, ABSENT, TICKED = (True, 60), (False, 0), (True, None)


@pytest.fixture
def transcript_path(app):
    """transcript_path(email): the path of a freshly signed transcript link, as the mail carries it."""
    from eventreg.transcripts import tokens

    def make(email: str) -> str:
        with app.test_request_context():
            return f"/transcript/{tokens.transcript_token(email)}"

    return make


@pytest.fixture
def learner(make_series, make_host, make_event, register, enrol_directly, after_course, db_session, clock):
    """Ana took the four-Tuesday course (3 of 4 needed, 4 contact hours) and met it with three sessions, and one
    single webinar (1.5 hours); Chen attended two sessions only. The course certificates are issued."""
    host = make_host("course-host@library.example.org")
    series = make_series(title="Four Tuesdays of readers advisory", host=host, credit_rule=CreditRule.SOME_SESSIONS,
                         credit_sessions=3, contact_hours=Decimal("4"))  # fmt: skip
    for session in series.sessions:
        session.contact_hours = Decimal("1")  # set by hand on the sessions: never counted for a course
    ana = enrol_directly(series, name="Ana Lopez", email="ana@library.example.org",
                         attendance=[ATTENDED, ABSENT, ATTENDED, TICKED])  # fmt: skip
    chen = enrol_directly(series, name="Chen Wei", email="chen@library.example.org",
                          attendance=[ATTENDED, ABSENT, ABSENT, (True, 50)])  # fmt: skip
    webinar = make_event(title="Weeding the collection", contact_hours=Decimal("1.5"),
                         starts_at=datetime(2025, 4, 10, 15, tzinfo=pytz.utc))  # fmt: skip
    webinar.hosts = [host]
    single = register(webinar, name="Ana Lopez", email="ana@library.example.org")
    single.attended, single.minutes_attended = True, 58
    after_course(series)
    clock.set(webinar.ends_at + timedelta(days=1))
    certificate_operations.finalise_course(series, host=host, now=clock.now())
    db_session.commit()
    return {"series": series, "host": host, "ana": ana, "chen": chen, "webinar": webinar}


def test_the_transcript_shows_the_course_once_with_its_sessions(client, learner, transcript_path, text_of):
    page = client.get(transcript_path("ana@library.example.org"))
    assert page.status_code == 200
    text = text_of(page)
    title = learner["series"].title
    assert f"Course: {title} 3 of 4 sessions attended" in text
    assert "4 March 2025 to 25 March 2025" in text
    assert "4 for the course" in text
    assert text.count("Session of the course") == 3  # those with attendance on record; the absent one is not
    assert text.count("Counted in the course") == 3
    # 2025: the course (4 hours) and the webinar (1.5): 5.5, not 4 + 3 sessions x 1 hour.
    assert "2025 2 5.5" in text
    assert "Total 2025 5.5 hours" in text
    assert text.index(f"Course: {title}") < text.index("Weeding the collection")  # by date: March, then April
    assert "/certificates/" in page.get_data(as_text=True)  # the course certificate's verification link


def test_the_transcript_csv_sums_to_the_course_hours_once(client, learner, transcript_path):
    rows = list(csv.DictReader(io.StringIO(client.get(f"{transcript_path('ana@library.example.org')}/transcript.csv")
                                           .get_data(as_text=True).lstrip("\ufeff"))))  # fmt: skip
    assert [(r["Kind"], r["Course"]) for r in rows] == [
        ("course", ""),
        ("course session", learner["series"].title),
        ("course session", learner["series"].title),
        ("course session", learner["series"].title),
        ("event", ""),
    ]
    course = rows[0]
    assert (course["Event"], course["Credit rule met"], course["Contact hours earned"]) == (
        learner["series"].title, "yes", "4"
    )  # fmt: skip
    assert course["Minutes attended"] == "180"
    assert course["Certificate"].startswith("http://eventreg.test/certificates/")
    assert sum(Decimal(r["Contact hours earned"] or 0) for r in rows) == Decimal("5.5")


def test_a_course_not_met_earns_nothing_and_says_so(client, learner, transcript_path, text_of):
    text = text_of(client.get(transcript_path("chen@library.example.org")))
    assert "2 of 4 sessions attended" in text
    assert "0 (course rule not met)" in text
    assert "Total 2025 0 hours" in text


def test_the_ce_report_has_the_course_rows_after_its_sessions(client, learner, login):
    login(learner["host"])
    response = client.get("/host/ce-report.csv?start=2025-03-01&end=2025-03-31")
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    sessions = [r for r in rows if r["Kind"] == "course session"]
    courses = [r for r in rows if r["Kind"] == "course"]
    assert len(sessions) == 8  # two people, four sessions each
    assert {r["Hours earned"] for r in sessions} == {"0"}  # the sessions' own hour is not counted
    assert [(r["Name"], r["Credit rule met"], r["Hours earned"]) for r in courses] == [
        ("Ana Lopez", "yes", "4"),
        ("Chen Wei", "no", "0"),
    ]
    assert courses[0]["Attendance record"] == "course: 3 of 4 sessions attended, 180 minutes"
    assert rows.index(courses[0]) > max(rows.index(r) for r in sessions)
    assert sum(Decimal(r["Hours earned"]) for r in rows) == Decimal("4")


def test_the_ce_report_lists_a_course_with_the_range_holding_its_last_session(client, learner, login):
    login(learner["host"])
    rows = list(csv.DictReader(io.StringIO(
        client.get("/host/ce-report.csv?start=2025-03-01&end=2025-03-12").get_data(as_text=True).lstrip("\ufeff")
    )))  # fmt: skip
    assert {r["Kind"] for r in rows} == {"course session"}  # the first two sessions; the course ends later
    last = learner["series"].sessions[-1]
    rows = list(csv.DictReader(io.StringIO(
        client.get(f"/host/ce-report.csv?event_id={last.id}").get_data(as_text=True).lstrip("\ufeff")
    )))  # fmt: skip
    assert [r["Kind"] for r in rows].count("course") == 2
