"""The hosts' series editor, through its real pages: a course from a pattern across a clock change, the refusals
on the form, who may see a series, one more session, publishing after a confirmation, moving one session."""

from datetime import date, datetime, time
from decimal import Decimal
from email.utils import parseaddr

import pytest
import pytz
import sqlalchemy as sa

from eventreg.events.models import Event
from eventreg.mail import outbox, sending
from eventreg.registrations.models import RegistrationStatus
from eventreg.series import queries
from eventreg.series.models import Enrolment, Series, SeriesKind

NEW_YORK = pytz.timezone("America/New_York")


@pytest.fixture
def series_form():
    """The new-series page's fields for four Tuesdays at 3:00 PM New York from 4 March 2025, across the change to
    daylight time on 9 March, as a browser posts them."""
    return {
        "kind": "course",
        "title": "Four Tuesdays of readers' advisory",
        "summary": "Readers' advisory in four live sessions.",
        "description": "## Outline\n\nOne theme a week.",
        "timezone": "America/New_York",
        "first_day": "2025-03-04",
        "start_time": "15:00",
        "minutes": "60",
        "sessions_count": "4",
        "every_weeks": "1",
        "format": "webinar",
        "join_url": "https://meet.example.org/j/ra-course",
        "host_name": "WebJunction",
        "capacity": "30",
        "credit_rule": "some",
        "credit_sessions": "3",
        "contact_hours": "4",
        "create": "1",
    }


def local(event: Event) -> datetime:
    return event.starts_at.astimezone(NEW_YORK)


def test_a_host_previews_then_creates_a_course_whose_sessions_keep_3_pm_across_the_clock_change(
    client, make_host, login, series_form, db_session, text_of
):
    host = login(make_host())
    preview = client.post("/host/series/new", data={**series_form, "create": "", "preview": "1"})
    assert preview.status_code == 200
    page = text_of(preview)
    # Both sides of 9 March: the same 3:00 PM, an hour apart in UTC.
    assert "4 March 2025, 3:00 PM EST" in page
    assert "4 March 2025, 8:00 PM UTC" in page
    assert "25 March 2025, 3:00 PM EDT" in page
    assert "25 March 2025, 7:00 PM UTC" in page
    assert db_session.scalar(sa.select(sa.func.count()).select_from(Series)) == 0  # a preview saves nothing

    response = client.post("/host/series/new", data=series_form)
    assert response.status_code == 303
    series = db_session.scalars(sa.select(Series)).one()
    assert response.headers["Location"].endswith(f"/host/series/{series.id}")
    assert (series.kind, series.capacity, series.credit_rule, series.credit_sessions) == ("course", 30, "some", 3)
    assert series.contact_hours == Decimal("4")
    assert series.created_by_id == host.id
    sessions = queries.sessions(series)
    assert [local(s).strftime("%Y-%m-%d %H:%M %Z") for s in sessions] == [
        "2025-03-04 15:00 EST",
        "2025-03-11 15:00 EDT",
        "2025-03-18 15:00 EDT",
        "2025-03-25 15:00 EDT",
    ]
    assert [s.starts_at.hour for s in sessions] == [20, 19, 19, 19]  # UTC
    assert all(s.status == "draft" and s.capacity is None for s in sessions)
    assert {(s.ends_at - s.starts_at).total_seconds() for s in sessions} == {3600}
    assert all(s.join_url == "https://meet.example.org/j/ra-course" and host in s.hosts for s in sessions)

    shown = text_of(client.get(f"/host/series/{series.id}"))
    assert "Tuesday 4 March 2025" in shown
    assert "3:00 PM – 4:00 PM EST" in shown
    assert "3:00 PM – 4:00 PM EDT" in shown
    assert "Attend 3 of the sessions; 4 contact hours" in shown
    assert "Publish all drafts (4)" in shown
    dashboard = client.get("/host/")
    assert f'href="/host/series/{series.id}"' in dashboard.get_data(as_text=True)
    assert "Course, 4 sessions (4 drafts)" in text_of(dashboard)


def test_a_pattern_with_a_session_in_the_spring_gap_is_refused_naming_the_day(
    client, make_host, login, series_form, db_session, text_of
):
    login(make_host())
    form = {**series_form, "first_day": "2025-03-02", "start_time": "02:30", "sessions_count": "2"}
    response = client.post("/host/series/new", data=form)
    assert response.status_code == 400
    assert "2:30 AM does not exist on 9 March 2025 in America/New_York" in text_of(response)
    assert db_session.scalar(sa.select(sa.func.count()).select_from(Series)) == 0


def test_a_pattern_starting_in_the_past_is_refused_on_the_first_date(client, make_host, login, series_form, text_of):
    login(make_host())
    response = client.post("/host/series/new", data={**series_form, "first_day": "2025-01-14"})
    assert response.status_code == 400
    assert "The first session must start in the future." in text_of(response)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"credit_sessions": "5"}, "Choose between 1 and 4 sessions (the course has 4)."),
        ({"credit_sessions": ""}, "Choose between 1 and 4 sessions (the course has 4)."),
        ({"credit_rule": "minutes", "credit_minutes": ""}, "Enter between 1 and 100,000 minutes."),
        ({"contact_hours": "-1"}, "Enter contact hours above 0 and at most 999"),
        ({"capacity": "-3"}, "Seats must be between 0 and 100,000."),
        ({"credit_rule": "everything"}, "Not a valid choice."),
    ],
    ids=["n-over-m", "n-missing", "minutes-missing", "contact-hours", "capacity", "unknown-rule"],
)
def test_a_course_credit_rule_that_cannot_be_met_is_refused_on_the_form(
    client, make_host, login, series_form, db_session, text_of, changes, message
):
    login(make_host())
    response = client.post("/host/series/new", data={**series_form, **changes})
    assert response.status_code == 400
    assert message in text_of(response)
    assert db_session.scalar(sa.select(sa.func.count()).select_from(Series)) == 0


def test_a_program_keeps_no_course_seats_or_credit_whatever_the_form_says(
    client, make_host, login, series_form, db_session
):
    login(make_host())
    form = {**series_form, "kind": "program", "title": "Office hours", "every_weeks": "4", "credit_sessions": "9"}
    assert client.post("/host/series/new", data=form).status_code == 303
    series = db_session.scalars(sa.select(Series)).one()
    assert (series.kind, series.capacity, series.credit_sessions, series.contact_hours) == ("program", None, None, None)
    assert [local(s).date().isoformat() for s in queries.sessions(series)] == [
        "2025-03-04",
        "2025-04-01",
        "2025-04-29",
        "2025-05-27",
    ]


def series_pages(series_id: int) -> list[tuple[str, str]]:
    base = f"/host/series/{series_id}"
    return [("GET", base), ("GET", f"{base}/edit"), ("POST", f"{base}/edit"), ("GET", f"{base}/sessions/new"),
            ("POST", f"{base}/sessions/new"), ("GET", f"{base}/publish"), ("POST", f"{base}/publish")]  # fmt: skip


def test_a_series_is_for_its_creator_its_session_hosts_and_admins_only(
    client, make_host, login, make_series, db_session
):
    creator = make_host("creator@library.example.org")
    series = make_series(host=creator, publish=False)
    cohost = make_host("cohost@library.example.org")
    third = queries.sessions(series)[2]
    third.hosts.append(cohost)
    stranger = make_host("stranger@library.example.org")
    admin = make_host("admin@library.example.org", admin=True)
    db_session.commit()

    login(stranger)
    for method, url in series_pages(series.id):
        assert client.open(url, method=method, data={"title": "Taken"}).status_code == 404, (method, url)
    assert client.get("/host/series/999999").status_code == 404
    assert "Four Tuesdays" not in client.get("/host/").get_data(as_text=True)
    db_session.refresh(series)
    assert series.title == "Four Tuesdays of readers' advisory"
    assert all(s.status == "draft" for s in queries.sessions(series))

    for host in (creator, cohost, admin):
        login(host)
        assert client.get(f"/host/series/{series.id}").status_code == 200
        assert f"/host/series/{series.id}" in client.get("/host/").get_data(as_text=True)


def test_a_host_adds_one_session_as_a_draft_copying_the_latest_one(client, make_host, login, make_series, text_of):
    host = login(make_host())
    series = make_series(host=host, session_fields={"join_url": "https://meet.example.org/j/ra", "format": "hybrid",
                                                    "location": "Central Library"})  # fmt: skip
    response = client.post(f"/host/series/{series.id}/sessions/new", data={"day": "2025-04-01", "start_time": "15:00",
                                                                           "minutes": "90"})  # fmt: skip
    assert response.status_code == 303
    added = queries.sessions(series)[-1]
    assert local(added).strftime("%Y-%m-%d %H:%M %Z") == "2025-04-01 15:00 EDT"
    assert (added.ends_at - added.starts_at).total_seconds() == 90 * 60
    assert (added.status, added.title, added.format, added.location) == (
        "draft",
        series.title,
        "hybrid",
        "Central Library",
    )
    assert added.join_url == "https://meet.example.org/j/ra"
    assert host in added.hosts
    assert len(queries.sessions(series)) == 5
    assert "A draft session on 1 April 2025, 3:00 PM EDT was added" in text_of(client.get(response.headers["Location"]))


def test_one_session_in_the_gap_or_the_past_is_refused_and_a_fold_asks_which(
    client, make_host, login, make_series, text_of, db_session
):
    host = login(make_host())
    series = make_series(host=host)
    db_session.commit()  # a refused post rolls its transaction back
    url = f"/host/series/{series.id}/sessions/new"
    gap = client.post(url, data={"day": "2025-03-09", "start_time": "02:30", "minutes": "60"})
    assert gap.status_code == 400
    assert "2:30 AM does not exist on 9 March 2025" in text_of(gap)
    past = client.post(url, data={"day": "2025-01-02", "start_time": "15:00", "minutes": "60"})
    assert past.status_code == 400
    assert "A new session must start in the future." in text_of(past)
    fold = client.post(url, data={"day": "2025-11-02", "start_time": "01:30", "minutes": "60"})
    assert fold.status_code == 400
    assert "1:30 AM happens twice on 2 November 2025" in text_of(fold)
    assert len(queries.sessions(series)) == 4
    second = client.post(
        url, data={"day": "2025-11-02", "start_time": "01:30", "minutes": "60", "start_occurrence": "second"}
    )
    assert second.status_code == 303
    assert queries.sessions(series)[-1].starts_at == datetime(2025, 11, 2, 6, 30, tzinfo=pytz.utc)  # 1:30 EST


def test_publishing_all_drafts_asks_first_and_lists_their_dates(
    client, make_host, login, make_series, db_session, text_of
):
    host = login(make_host())
    series = make_series(host=host, publish=False)
    db_session.commit()
    confirm = client.get(f"/host/series/{series.id}/publish")
    assert confirm.status_code == 200
    page = text_of(confirm)
    assert "4 draft sessions will go on the public pages" in page
    assert "11 March 2025, 3:00 PM EDT" in page
    assert "Publish 4 sessions" in page
    assert {s.status for s in queries.sessions(series)} == {"draft"}  # asking publishes nothing

    response = client.post(f"/host/series/{series.id}/publish")
    assert response.status_code == 303
    db_session.expire_all()
    assert {s.status for s in queries.sessions(series)} == {"published"}
    assert "Published 4 sessions" in text_of(client.get(response.headers["Location"]))
    assert "There are no drafts to publish." in text_of(client.get(f"/host/series/{series.id}/publish"))


def test_publishing_without_the_form_token_publishes_nothing(app, client, make_host, login, make_series, db_session):
    host = login(make_host())
    series = make_series(host=host, publish=False)
    db_session.commit()
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        assert client.post(f"/host/series/{series.id}/publish").status_code == 400
    finally:
        app.config["WTF_CSRF_ENABLED"] = False
    db_session.expire_all()
    assert {s.status for s in queries.sessions(series)} == {"draft"}


def test_moving_one_session_in_the_event_editor_moves_only_that_session(
    client, make_host, login, make_series, register, db_session, deliver_and_clear, mailbox, editor_form, clock
):
    host = login(make_host())
    series = make_series(SeriesKind.PROGRAM, title="Office hours", host=host)
    first, second, third, fourth = queries.sessions(series)
    before = {s.id: (s.starts_at, s.ends_at) for s in (first, third, fourth)}
    register(second, email="second@library.example.org")
    register(third, email="third@library.example.org")
    deliver_and_clear()

    editor = client.get(f"/host/events/{second.id}/edit").get_data(as_text=True)
    assert "A session of the recurring program" in editor
    assert f"/host/series/{series.id}" in editor
    moved = {"start_date": "2025-03-13", "start_time": "16:00", "end_time": "17:00"}
    form = {**editor_form, "title": second.title, **moved}
    response = client.post(f"/host/events/{second.id}/edit", data=form)
    assert response.status_code == 303
    db_session.expire_all()
    assert local(second).strftime("%Y-%m-%d %H:%M") == "2025-03-13 16:00"
    assert second.series_id == series.id
    assert {s.id: (s.starts_at, s.ends_at) for s in (first, third, fourth)} == before
    db_session.commit()
    outbox.take_queued_ids()
    sending.send_pending(clock.now())
    # The moved session's registrant only.
    assert [parseaddr(m["To"])[1] for m in mailbox] == ["second@library.example.org"]


def confirmed_enrolments(db_session, series, n, status=RegistrationStatus.CONFIRMED):
    for i in range(n):
        db_session.add(
            Enrolment(
                series_id=series.id,
                name=f"Reader {i}",
                email=f"reader{i}-{status}@library.example.org",
                organization="Springfield Public Library",
                status=status,
                created_at=datetime(2025, 1, 15, tzinfo=pytz.utc),
            )
        )
    db_session.flush()


def settings_form(series, **changes):
    return {
        "title": series.title,
        "summary": series.summary,
        "description": series.description,
        "timezone": series.timezone,
        "capacity": "" if series.capacity is None else str(series.capacity),
        "credit_rule": series.credit_rule,
        **changes,
    }


def test_a_course_cannot_have_fewer_seats_than_people_confirmed(client, make_host, login, make_series, db_session,
                                                                 text_of):  # fmt: skip
    host = login(make_host())
    series = make_series(host=host, capacity=5)
    confirmed_enrolments(db_session, series, 3)
    db_session.commit()
    refused = client.post(f"/host/series/{series.id}/edit", data=settings_form(series, capacity="2"))
    assert refused.status_code == 400
    assert "Capacity cannot be less than the number of people already confirmed." in text_of(refused)
    db_session.expire_all()
    assert series.capacity == 5
    saved = client.post(f"/host/series/{series.id}/edit", data=settings_form(series, capacity="3", title="RA course"))
    assert saved.status_code == 303
    db_session.expire_all()
    assert (series.capacity, series.title) == (3, "RA course")


def test_approval_stays_on_while_course_registrations_await_it(client, make_host, login, make_series, db_session,
                                                                text_of):  # fmt: skip
    host = login(make_host())
    series = make_series(host=host, requires_approval=True)
    confirmed_enrolments(db_session, series, 1, status=RegistrationStatus.PENDING)
    db_session.commit()
    response = client.post(f"/host/series/{series.id}/edit", data=settings_form(series))  # the box unticked
    assert response.status_code == 400
    assert "still await your approval" in text_of(response)
    db_session.expire_all()
    assert series.requires_approval is True


def test_editing_a_course_checks_its_credit_rule_against_its_sessions(
    client, make_host, login, make_series, db_session, text_of
):
    host = login(make_host())
    series = make_series(host=host, count=3, first_day=date(2025, 3, 4), starts=time(15))
    db_session.commit()
    response = client.post(
        f"/host/series/{series.id}/edit", data=settings_form(series, credit_rule="some", credit_sessions="4")
    )
    assert response.status_code == 400
    assert "Choose between 1 and 3 sessions (the course has 3)." in text_of(response)


def test_a_course_sessions_preview_links_the_course_instead_of_offering_its_own_form(
    client, make_series, login, db_session
):
    series = make_series(publish=False)
    session = series.sessions[0]
    login(session.hosts[0])
    page = client.get(f"/host/events/{session.id}/preview").get_data(as_text=True)
    assert "This session is part of a course: one registration covers every session." in page
    assert f'href="/series/{series.slug}"' in page
    assert 'name="email"' not in page
    assert "A session of" in page  # a draft is numbered once published
