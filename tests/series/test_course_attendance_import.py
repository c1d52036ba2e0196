"""A course session's attendance report (a real Zoom webinar export) marks that session's registrations, the ones
the course's enrolments hold, and no other session's; the course credit then reads it. Both databases."""

import io
from datetime import date, time, timedelta
from decimal import Decimal
from pathlib import Path

import sqlalchemy as sa

from eventreg.registrations.models import Registration
from eventreg.series import credit
from eventreg.series.models import CreditRule
from tests.series import credit_fixtures

enrol_directly = credit_fixtures.enrol_directly  # a fixture shared with the credit and certificate tests
SAMPLE = Path(__file__).parent.parent / "attendance" / "samples" / "zoom_webinar_attendees.csv"


def test_a_session_report_marks_that_sessions_registrations_only(
    client, make_series, make_host, login, enrol_directly, db_session, clock
):
    # The sample is a 3-4 PM New York webinar on Thursday 30 January 2025: the course's first session.
    host = make_host()
    series = make_series(host=host, first_day=date(2025, 1, 30), starts=time(15), credit_rule=CreditRule.SOME_SESSIONS,
                         credit_sessions=3, contact_hours=Decimal("4"))  # fmt: skip
    people = {
        email: enrol_directly(series, name=name, email=email)
        for name, email in (
            ("Ana Lopez", "ana.lopez@library.example.org"),
            ("Ben Okafor", "ben.okafor@library.example.org"),
            ("Chen Wei", "chen.wei@library.example.org"),
            ("Dee Absent", "dee.absent@library.example.org"),
        )
    }
    db_session.commit()
    login(host)
    first = series.sessions[0]
    clock.set(first.ends_at + timedelta(hours=2))

    response = client.post(
        f"/host/events/{first.id}/attendance/import",
        data={"report": (io.BytesIO(SAMPLE.read_bytes()), SAMPLE.name), "zone": "America/New_York"},
        content_type="multipart/form-data",
    )
    assert response.status_code == 303, response.get_data(as_text=True)[:1000]
    preview = response.headers["Location"]
    assert "Matched registrants (3, 2 attended)" in client.get(preview).get_data(as_text=True)
    assert client.post(f"{preview}/apply", data={"mark_absent": "y"}).status_code == 303

    db_session.expire_all()
    rows = db_session.execute(
        sa.select(
            Registration.email, Registration.event_id, Registration.minutes_attended, Registration.attended
        ).where(Registration.enrolment_id.is_not(None))
    ).all()
    marked = {(email, minutes, attended) for email, event_id, minutes, attended in rows if event_id == first.id}
    assert marked == {
        ("ana.lopez@library.example.org", 63, True),
        ("ben.okafor@library.example.org", 25, False),
        ("chen.wei@library.example.org", 50, True),
        ("dee.absent@library.example.org", 0, False),
    }
    assert {(m, a) for _, event_id, m, a in rows if event_id != first.id} == {(None, None)}  # other sessions untouched

    ana = people["ana.lopez@library.example.org"]
    result = credit.judge(series, series.sessions, ana.registrations)
    assert [s.event.id for s in result.attended] == [first.id]
    assert result.total_minutes == 60  # 63 minutes in the meeting, counted up to the session's hour
    assert not result.met
