"""Every message a host sees says what actually happened, and the editor asks before surprising anyone."""

from datetime import datetime, timedelta

import pytest
import pytz
import sqlalchemy as sa

from eventreg.events.models import Event
from eventreg.registrations.models import Registration


@pytest.fixture
def hosted(hosted_event):
    return hosted_event(capacity=2)


@pytest.fixture
def save(text_of, editor_form):
    """save(client, event, **changes): post the editor form; the response and the text of the page it leads to."""

    def post(client, event, **changes):
        response = client.post(f"/host/events/{event.id}/edit", data={**editor_form, **changes})
        return response, text_of(client.get(response.headers["Location"])) if response.status_code == 303 else ""

    return post


def test_a_time_change_says_how_many_were_sent_an_updated_invitation(
    client, hosted, register, db_session, mailbox, deliver_and_clear, save
):
    register(hosted), register(hosted), register(hosted)  # the third waits and is not sent one
    deliver_and_clear()
    _, page = save(client, hosted, start_time="16:00", end_time="17:00")
    assert "Saved. 2 confirmed registrants were emailed an updated invitation (time changed)." in page
    assert len(mailbox) == 2


def test_moving_an_event_into_the_past_asks_first_and_then_says_nobody_was_emailed(
    client, hosted, register, db_session, clock, mailbox, deliver_and_clear, text_of, save
):
    register(hosted)
    db_session.commit()
    clock.set(datetime(2025, 2, 1, 12, tzinfo=pytz.utc))  # the event (30 January) has passed
    deliver_and_clear()
    response, _ = save(client, hosted, start_date="2025-01-29")
    assert response.status_code == 400
    page = text_of(response)
    assert "This start, 29 January 2025, is in the past." in page
    assert "Registrants are not emailed about changes to an event that has ended." in page
    assert 'name="past_ok"' in response.get_data(as_text=True)
    db_session.expire_all()
    assert db_session.get(Event, hosted.id).starts_at == datetime(2025, 1, 30, 20, tzinfo=pytz.utc)  # unchanged

    response, page = save(client, hosted, start_date="2025-01-29", past_ok="y")
    assert response.status_code == 303
    assert "Saved. Nobody was emailed: the event has ended." in page
    assert "updated invitation" not in page
    assert mailbox == []


def test_an_upcoming_event_moved_into_the_past_is_asked_about(client, hosted, db_session, text_of, save):
    db_session.commit()
    response, _ = save(client, hosted, start_date="2025-01-10")  # the clock says 15 January
    assert response.status_code == 400
    assert "is in the past" in text_of(response)


def test_editing_an_event_already_in_the_past_without_moving_it_asks_nothing(client, hosted, db_session, clock, save):
    db_session.commit()
    clock.set(hosted.ends_at + timedelta(days=1))
    response, page = save(client, hosted, title="Hiring for cultural knowledge")
    assert response.status_code == 303
    assert "Saved." in page


def test_a_new_event_in_the_past_is_asked_about(client, make_host, login, db_session, text_of, editor_form):
    login(make_host())
    response = client.post("/host/events/new", data={**editor_form, "start_date": "2024-12-01"})
    assert response.status_code == 400
    assert "This start, 1 December 2024, is in the past." in text_of(response)
    assert db_session.scalar(sa.select(sa.func.count()).select_from(Event)) == 0


def test_a_draft_change_says_nobody_was_emailed(client, hosted, register, db_session, mailbox, deliver_and_clear, save):
    register(hosted)
    hosted.status = "draft"
    deliver_and_clear()
    _, page = save(client, hosted, join_url="https://meet.example.org/j/other")
    assert "Saved. Nobody was emailed: the event is a draft." in page
    assert mailbox == []


def test_attendance_is_refused_before_the_event_starts(client, hosted, register, db_session, clock, text_of):
    a = register(hosted)
    db_session.commit()
    listing = client.get(f"/host/events/{hosted.id}/attendees")
    page = text_of(listing)
    assert "Attendance can be recorded here once the event has started." in page
    assert "% attendance" not in page
    assert 'name="mark"' not in listing.get_data(as_text=True)
    response = client.post(f"/host/events/{hosted.id}/attendance", data={"mark": "attended", "registration": [a.id]})
    assert "Attendance can be recorded once the event has started. Nothing was recorded." in text_of(
        client.get(response.headers["Location"])
    )
    db_session.expire_all()
    assert db_session.get(Registration, a.id).attended is None

    clock.set(hosted.starts_at)
    response = client.post(f"/host/events/{hosted.id}/attendance", data={"mark": "attended", "registration": [a.id]})
    page = text_of(client.get(response.headers["Location"]))
    assert "1 registrant marked attended." in page
    assert "Attended: 1 (100% attendance)" in page


def test_posting_the_recording_link_says_who_was_emailed(
    client, hosted, register, db_session, clock, mailbox, deliver_and_clear, save
):
    hosted.capacity = None
    came, absent, _ = register(hosted), register(hosted), register(hosted, wants_recording=True)
    register(hosted)  # nothing recorded, did not ask: not emailed
    came.attended, absent.attended = True, False
    deliver_and_clear()
    clock.set(hosted.ends_at + timedelta(hours=1))
    _, page = save(client, hosted, archive_url="https://archive.example.org/hiring")
    assert (
        "Saved. The recording link was emailed to 3 people: 1 attended (a thank-you), "
        "1 marked absent (sorry we missed you), 1 who asked for the recording." in page
    )
    assert len(mailbox) == 3
    _, page = save(client, hosted, archive_url="https://archive.example.org/hiring-2")
    assert "Saved. The corrected recording link was emailed to 3 people." in page


def test_a_recording_link_posted_before_the_end_says_when_it_goes(
    client, hosted, register, db_session, mailbox, deliver_and_clear, save
):
    register(hosted, wants_recording=True)
    deliver_and_clear()
    _, page = save(client, hosted, archive_url="https://archive.example.org/hiring")
    assert "The recording link will be emailed after the event ends" in page
    assert mailbox == []


def test_a_recording_link_nobody_qualifies_for_says_so(client, hosted, register, db_session, clock, mailbox, save):
    register(hosted)
    db_session.commit()
    clock.set(hosted.ends_at + timedelta(hours=1))
    _, page = save(client, hosted, archive_url="https://archive.example.org/hiring")
    assert "Nobody was emailed the recording link: no one attended, was marked absent or asked for it." in page


def test_the_editor_sets_a_registration_deadline_in_the_events_zone(client, hosted, db_session, save):
    db_session.commit()
    response, page = save(client, hosted, deadline_date="2025-01-29", deadline_time="17:00")
    assert response.status_code == 303
    db_session.expire_all()
    assert db_session.get(Event, hosted.id).registration_deadline_at == datetime(2025, 1, 29, 22, tzinfo=pytz.utc)
    form = client.get(f"/host/events/{hosted.id}/edit").get_data(as_text=True)
    assert 'value="2025-01-29"' in form
    assert 'value="17:00"' in form
    # Emptied, registration closes at the start again.
    save(client, hosted)
    db_session.expire_all()
    assert db_session.get(Event, hosted.id).registration_deadline_at is None


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"deadline_date": "2025-01-29"}, "Please enter both the date and the time registration closes, or neither."),
        ({"deadline_time": "17:00"}, "Please enter both the date and the time registration closes, or neither."),
        ({"deadline_date": "2025-01-30", "deadline_time": "15:30"}, "Registration must close before the event starts."),
    ],
)
def test_a_deadline_must_be_whole_and_before_the_start(client, hosted, db_session, fields, message, text_of, save):
    db_session.commit()
    response, _ = save(client, hosted, **fields)
    assert response.status_code == 400
    assert message in text_of(response)


def test_topics_are_checkboxes_and_the_description_box_is_tall(client, make_host, login, make_topic, db_session):
    make_topic("teens-youth", "Teens & youth")
    make_topic("data-technology", "Data & technology")
    login(make_host())
    html = client.get("/host/events/new").get_data(as_text=True)
    assert "<legend>Topics</legend>" in html
    assert html.count('type="checkbox" name="topics"') + html.count('name="topics" type="checkbox"') == 2
    assert "<select multiple" not in html
    assert 'rows="14"' in html


def test_an_event_saved_in_an_alias_zone_can_still_be_edited(
    client, make_event, make_host, login, db_session, editor_form
):
    host = login(make_host())
    event = make_event(timezone="US/Central")
    event.hosts = [host]
    db_session.commit()
    assert 'value="US/Central" selected' in client.get(f"/host/events/{event.id}/edit").get_data(as_text=True) or (
        '<option selected value="US/Central">' in client.get(f"/host/events/{event.id}/edit").get_data(as_text=True)
    )
    assert 'value="US/Central"' not in client.get("/host/events/new").get_data(as_text=True)
    response = client.post(
        f"/host/events/{event.id}/edit", data={**editor_form, "timezone": "US/Central", "title": "Kept"}
    )
    assert response.status_code == 303
