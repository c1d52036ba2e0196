from datetime import datetime

import pytest
import pytz
import sqlalchemy as sa

from eventreg.events.models import Event, Status

FORM = {
    "title": "Teen tech week planning",
    "summary": "Plan a week of making.",
    "description": "## Agenda\n\n- ideas",
    "format": "webinar",
    "timezone": "Asia/Kolkata",
    "start_date": "2025-02-10",
    "start_time": "19:30",
    "end_time": "20:30",
    "capacity": "30",
    "join_url": "https://meet.example.org/j/teen-tech",
    "reminder_hours": "24, 1",
}


def events(db_session) -> list[Event]:
    db_session.expire_all()
    return list(db_session.scalars(sa.select(Event).order_by(Event.id)))


def test_host_creates_a_draft_in_the_events_own_zone(client, make_host, login, db_session, make_topic, text_of):
    topic = make_topic("teens-youth", "Teens & youth")
    host = login(make_host(timezone="America/New_York"))
    response = client.post("/host/events/new", data={**FORM, "topics": [str(topic.id)]})
    assert response.status_code == 303
    (event,) = events(db_session)
    assert event.starts_at == datetime(2025, 2, 10, 14, tzinfo=pytz.utc)
    assert event.timezone == "Asia/Kolkata"
    assert event.status == Status.DRAFT
    assert event.slug == "teen-tech-week-planning"
    assert [h.id for h in event.hosts] == [host.id]
    assert [t.slug for t in event.topics] == ["teens-youth"]
    assert event.reminder_offsets == [24, 1]
    db_session.refresh(host)
    assert host.timezone == "Asia/Kolkata"  # the next new event starts in the same zone
    assert '<option selected value="Asia/Kolkata">' in client.get("/host/events/new").get_data(as_text=True) or (
        'value="Asia/Kolkata" selected' in client.get("/host/events/new").get_data(as_text=True)
    )
    # Drafts are not public until published; the preview shows the page.
    assert client.get(f"/events/{event.slug}").status_code == 404
    assert "Preview" in text_of(client.get(f"/host/events/{event.id}/preview"))
    client.post(f"/host/events/{event.id}/publish")
    page = text_of(client.get(f"/events/{event.slug}"))
    assert "Time: 7:30 PM – 8:30 PM India Standard Time, Asia [UTC +5:30]" in page


def test_a_time_in_the_spring_forward_gap_is_refused_with_the_valid_times(
    client, make_host, login, db_session, text_of
):
    login(make_host())
    response = client.post(
        "/host/events/new",
        data={
            **FORM,
            "timezone": "America/New_York",
            "start_date": "2025-03-09",
            "start_time": "02:30",
            "end_time": "04:00",
        },
    )
    assert response.status_code == 400
    page = text_of(response)
    assert "2:30 AM does not exist on 9 March 2025 in America/New_York" in page
    assert "the clocks jump forward from 2:00 AM to 3:00 AM" in page
    assert "Choose 1:59 AM or earlier, or 3:00 AM or later." in page
    assert events(db_session) == []


def test_a_time_that_happens_twice_asks_which_one(client, make_host, login, db_session, text_of):
    login(make_host())
    data = {
        **FORM,
        "timezone": "America/New_York",
        "start_date": "2025-11-02",
        "start_time": "01:30",
        "end_time": "03:00",
    }
    response = client.post("/host/events/new", data=data)
    assert response.status_code == 400
    page = text_of(response)
    assert "1:30 AM happens twice on 2 November 2025 in America/New_York" in page
    assert "first in Eastern Daylight Time, North America [UTC -4], then in Eastern Standard Time" in page
    assert 'name="repeated_time"' in response.get_data(as_text=True)
    assert client.post("/host/events/new", data={**data, "repeated_time": "second"}).status_code == 303
    assert events(db_session)[0].starts_at == datetime(2025, 11, 2, 6, 30, tzinfo=pytz.utc)
    assert (
        client.post("/host/events/new", data={**data, "title": "Earlier", "repeated_time": "first"}).status_code == 303
    )
    assert events(db_session)[1].starts_at == datetime(2025, 11, 2, 5, 30, tzinfo=pytz.utc)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"end_time": "19:00"}, "The event must end after it starts."),
        ({"end_date": "2025-03-10"}, "An event can last at most 14 days."),
        ({"title": ""}, "Please give the event a title."),
        ({"title": "x" * 201}, "Field cannot be longer than 200 characters."),
        ({"slug": "Not A Slug"}, "Use lower-case letters"),
        ({"timezone": "Mars/Base"}, "Not a valid choice"),
        ({"capacity": "-1"}, "Seats must be between 0 and 100,000."),
        ({"join_url": "javascript:alert(1)"}, "Please enter a full web address"),
        ({"reminder_hours": "soon"}, "Use whole hours separated by commas"),
        ({"start_time": "25:00"}, "Please enter the start time, like 15:00."),
        ({"cohosts": "nobody@library.example.org"}, "There is no host with the email nobody@library.example.org."),
    ],
)
def test_bad_editor_input_gets_a_specific_message(client, make_host, login, db_session, changes, message):
    login(make_host())
    response = client.post("/host/events/new", data={**FORM, **changes})
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert events(db_session) == []


def test_slug_is_editable_and_unique(client, make_host, login, make_event, db_session):
    make_event(title="Taken", slug="taken")
    login(make_host())
    response = client.post("/host/events/new", data={**FORM, "slug": "taken"})
    assert response.status_code == 400
    assert "Another event already uses this address" in response.get_data(as_text=True)
    assert client.post("/host/events/new", data={**FORM, "slug": "my-own-slug"}).status_code == 303
    assert events(db_session)[-1].slug == "my-own-slug"


def test_capacity_never_below_those_confirmed(client, make_host, login, make_event, register, db_session):
    host = login(make_host())
    event = make_event(capacity=5)
    event.hosts = [host]
    for _ in range(3):
        register(event)
    db_session.commit()
    data = {
        **FORM,
        "timezone": "America/New_York",
        "start_date": "2025-01-30",
        "start_time": "15:00",
        "end_time": "16:00",
    }
    response = client.post(f"/host/events/{event.id}/edit", data={**data, "capacity": "2"})
    assert response.status_code == 400
    assert "Capacity cannot be less than the number of people already confirmed." in response.get_data(as_text=True)
    assert client.post(f"/host/events/{event.id}/edit", data={**data, "capacity": "3"}).status_code == 303


def test_duplicate_runs_it_again_a_week_later_at_the_same_local_time(client, make_host, login, make_event, db_session):
    host = login(make_host())
    # 6 March 2025 3 PM EST; a week later New York is on daylight time, still 3 PM local.
    event = make_event(local_start=datetime(2025, 3, 6, 15), capacity=40)  # noqa: DTZ001
    event.hosts = [host]
    db_session.commit()
    response = client.post(f"/host/events/{event.id}/duplicate")
    assert response.status_code == 303
    copy = events(db_session)[-1]
    assert copy.id != event.id
    assert copy.status == Status.DRAFT
    assert copy.starts_at == datetime(2025, 3, 13, 19, tzinfo=pytz.utc)
    assert copy.capacity == 40
    assert copy.slug != event.slug
    assert [h.id for h in copy.hosts] == [host.id]


def test_edit_form_shows_the_local_times(client, make_host, login, make_event, db_session):
    host = login(make_host())
    event = make_event(timezone="Asia/Kolkata", local_start=datetime(2025, 2, 10, 19, 30))  # noqa: DTZ001
    event.hosts = [host]
    db_session.commit()
    html = client.get(f"/host/events/{event.id}/edit").get_data(as_text=True)
    assert 'value="19:30"' in html
    assert 'value="2025-02-10"' in html


@pytest.mark.parametrize(
    "dates",
    [
        {"start_date": "9999-12-31"},
        {"start_date": "9999-12-30", "end_date": "9999-12-31"},
        {"start_date": "0001-01-01"},
        {"start_date": "1999-12-31"},
        {"start_date": "2101-01-01"},
        {"start_date": "2100-12-31", "end_date": "2101-01-01"},
    ],
)
def test_dates_outside_2000_to_2100_are_refused_with_a_message(
    client, make_host, login, make_event, db_session, dates, text_of
):
    host = login(make_host())
    event = make_event()
    event.hosts = [host]
    db_session.commit()
    form = {**FORM, "timezone": "Pacific/Kiritimati", "start_time": "23:00", "end_time": "23:30", **dates}
    for url in ("/host/events/new", f"/host/events/{event.id}/edit"):
        response = client.post(url, data=form)
        assert response.status_code == 400
        assert "Please enter a date between the years 2000 and 2100." in text_of(response)
    assert [e.id for e in events(db_session)] == [event.id]
    assert events(db_session)[0].starts_at == event.starts_at


def test_the_first_and_last_days_of_the_range_are_accepted(client, make_host, login, db_session):
    login(make_host())
    for day in ("2000-01-01", "2100-12-31"):
        form = {
            **FORM,
            "timezone": "America/Los_Angeles",
            "start_date": day,
            "start_time": "23:00",
            "end_time": "23:30",
            "past_ok": "y",  # 2000 is in the past
        }
        assert client.post("/host/events/new", data={**form, "title": f"Edge {day}"}).status_code == 303
    assert len(events(db_session)) == 2
