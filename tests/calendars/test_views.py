import gzip
import uuid
from datetime import datetime, timedelta

import icalendar
import sqlalchemy as sa
import vobject

from eventreg.core.extensions import db
from eventreg.events import operations
from eventreg.events.models import Event, Status


def events_in(response) -> list[str]:
    return [str(v["SUMMARY"]) for v in icalendar.Calendar.from_ical(response.data).walk("VEVENT")]


def test_event_download(client, make_event):
    event = make_event()
    response = client.get(f"/events/{event.slug}.ics")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/calendar; charset=utf-8"
    assert response.headers["Content-Disposition"] == f'attachment; filename="{event.slug}.ics"'
    assert events_in(response) == [event.title]
    assert b"secret-room" not in response.data
    assert client.get("/events/no-such-event.ics").status_code == 404
    draft = make_event(title="Draft", status=Status.DRAFT)
    assert client.get(f"/events/{draft.slug}.ics").status_code == 404


def test_event_pages_link_to_every_way_of_adding_it(client, make_event):
    event = make_event()
    for url in ("/", f"/events/{event.slug}"):
        html = client.get(url).get_data(as_text=True)
        assert f'href="/events/{event.slug}.ics"' in html
        assert "https://calendar.google.com/calendar/render?action=TEMPLATE" in html
        assert "dates=20250130T200000Z%2F20250130T210000Z" in html
        assert "https://outlook.live.com/calendar/0/deeplink/compose?" in html
        assert "https://outlook.office.com/calendar/0/deeplink/compose?" in html


def test_public_feed_lists_published_and_cancelled_events_from_90_days_back(client, make_event, clock):
    make_event(title="Upcoming")
    make_event(title="Called off", status=Status.CANCELLED)
    make_event(title="Draft", status=Status.DRAFT)
    make_event(title="Recent", local_start=datetime(2024, 12, 5, 15))  # noqa: DTZ001
    make_event(title="Long ago", local_start=datetime(2024, 9, 1, 15))  # noqa: DTZ001
    response = client.get("/calendar.ics")
    assert response.status_code == 200
    assert sorted(events_in(response)) == ["Called off", "Recent", "Upcoming"]
    calendar = icalendar.Calendar.from_ical(response.data)
    assert calendar["X-WR-CALNAME"] == "eventreg: webinars and events"
    assert "METHOD" not in calendar
    assert len(list(vobject.readComponents(response.data.decode()))) == 1
    assert response.headers["Content-Type"] == "text/calendar; charset=utf-8"


def test_topic_feed(client, make_event, make_topic):
    teens = make_topic("teens-youth", "Teens & youth")
    make_event(title="Gaming club", topics=[teens])
    make_event(title="Budget basics")
    assert events_in(client.get("/topics/teens-youth/calendar.ics")) == ["Gaming club"]
    assert client.get("/topics/nope/calendar.ics").status_code == 404


def test_feed_is_byte_identical_and_answers_304_to_its_validators(client, make_event, clock, db_session):
    make_event()
    db_session.commit()  # validators read committed rows on a connection of their own
    first = client.get("/calendar.ics")
    clock.advance(minutes=5)
    second = client.get("/calendar.ics")
    assert first.data == second.data
    etag = first.headers["ETag"]
    assert etag == second.headers["ETag"]
    assert client.get("/calendar.ics", headers={"If-None-Match": etag}).status_code == 304
    not_modified = client.get("/calendar.ics", headers={"If-Modified-Since": first.headers["Last-Modified"]})
    assert not_modified.status_code == 304
    assert not_modified.data == b""
    assert client.get("/calendar.ics", headers={"If-None-Match": '"other"'}).status_code == 200


def test_feed_is_gzipped_for_clients_that_ask_with_its_own_validator(client, make_event, db_session):
    make_event()
    db_session.commit()
    plain = client.get("/calendar.ics")
    packed = client.get("/calendar.ics", headers={"Accept-Encoding": "gzip, deflate"})
    assert packed.headers["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in packed.headers["Vary"]
    assert "Accept-Encoding" in plain.headers["Vary"]
    assert "Content-Encoding" not in plain.headers
    refused = client.get("/calendar.ics", headers={"Accept-Encoding": "gzip;q=0, identity"})
    assert "Content-Encoding" not in refused.headers
    assert refused.data == plain.data
    assert gzip.decompress(packed.data) == plain.data
    assert packed.data == client.get("/calendar.ics", headers={"Accept-Encoding": "gzip"}).data  # deterministic
    # Two representations, two ETags; either one gets a 304, whichever way the client asks next.
    assert packed.headers["ETag"] != plain.headers["ETag"]
    for etag in (plain.headers["ETag"], packed.headers["ETag"]):
        for encoding in ("gzip", "identity"):
            headers = {"If-None-Match": etag, "Accept-Encoding": encoding}
            assert client.get("/calendar.ics", headers=headers).status_code == 304


def test_validator_changes_when_an_event_changes(client, make_event, clock, db_session):
    event = make_event()
    db_session.commit()
    etag = client.get("/calendar.ics").headers["ETag"]
    clock.advance(minutes=1)
    operations.update_event(event, now=clock.now(), title="New title")
    db_session.commit()
    response = client.get("/calendar.ics", headers={"If-None-Match": etag})
    assert response.status_code == 200
    assert events_in(response) == ["New title"]


def test_validator_changes_when_an_event_is_deleted_behind_the_orm(client, make_event, db_session):
    make_event(title="Stays")
    gone = make_event(title="Goes", local_start=datetime(2025, 1, 29, 15))  # noqa: DTZ001 - not the latest change
    db_session.commit()
    etag = client.get("/calendar.ics").headers["ETag"]
    db_session.execute(sa.delete(Event).where(Event.id == gone.id))
    db_session.commit()
    response = client.get("/calendar.ics", headers={"If-None-Match": etag})
    assert response.status_code == 200
    assert events_in(response) == ["Stays"]


def test_validator_changes_when_an_event_passes_its_end(client, make_event, clock, db_session):
    event = make_event(archive_url="https://archive.example.org/x")
    make_event(title="Later", local_start=datetime(2025, 3, 1, 15))  # noqa: DTZ001
    db_session.commit()
    clock.set(event.ends_at - timedelta(minutes=1))
    etag = client.get("/calendar.ics").headers["ETag"]
    assert client.get("/calendar.ics", headers={"If-None-Match": etag}).status_code == 304
    clock.set(event.ends_at)
    response = client.get("/calendar.ics", headers={"If-None-Match": etag})
    assert response.status_code == 200
    (passed,) = [v for v in icalendar.Calendar.from_ical(response.data).walk("VEVENT") if v["SUMMARY"] == event.title]
    assert str(passed["DESCRIPTION"]).startswith(
        "This event has passed. Watch the recording: https://archive.example.org/x"
    )


def test_events_page_offers_a_webcal_subscription(client):
    html = client.get("/").get_data(as_text=True)
    assert 'href="webcal://eventreg.test/calendar.ics"' in html
    assert 'value="webcal://eventreg.test/calendar.ics"' in html
    assert "Google Calendar" in html
    assert "Apple Calendar" in html


def test_feed_rebuilds_only_what_changed_and_misses_no_change(client, make_event, make_topic, db_session, clock):
    topic = make_topic("data", "Data")
    first, second = make_event(title="First", topics=[topic]), make_event(title="Second")
    db_session.commit()
    assert events_in(client.get("/calendar.ics")) == ["First", "Second"]
    # An edit within the same tick of the clock (updated_at unchanged) still shows.
    # (A title no earlier test used: the pieces are kept per process, and equal content shares a piece.)
    edited = f"Second, edited {uuid.uuid4().hex}"
    operations.update_event(second, now=clock.now(), title=edited)
    db_session.commit()
    loaded = []

    def record(conn, cursor, statement, parameters, *args):
        if "events.join_url" in statement:  # a whole event, not the narrow read of what entries show
            loaded.append(parameters)

    sa.event.listen(db.engine, "before_cursor_execute", record)
    try:
        assert events_in(client.get("/calendar.ics")) == ["First", edited]
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", record)
    assert len(loaded) == 1
    assert list(dict(loaded[0]).values() if isinstance(loaded[0], dict) else loaded[0]) == [second.id]
    # A renamed topic changes no event row, yet the entry's categories follow it.
    topic.name = "Data and technology"
    db_session.commit()
    (entry,) = [
        v
        for v in icalendar.Calendar.from_ical(client.get("/calendar.ics").data).walk("VEVENT")
        if v["SUMMARY"] == first.title
    ]
    assert entry["CATEGORIES"].cats == ["Data and technology"]


def test_moving_an_event_to_the_second_of_two_equal_wall_times_changes_the_feed(client, make_event, db_session):
    from eventreg.timezones import to_utc_choosing

    wall, zone = datetime(2027, 11, 7, 1, 30), "America/New_York"  # noqa: DTZ001 - the fall-back night
    first, second = to_utc_choosing(wall, zone, first=True), to_utc_choosing(wall, zone, first=False)
    event = make_event(title=f"Night owls {uuid.uuid4().hex}", starts_at=first, duration=timedelta(hours=2))
    db_session.commit()

    def start_read_by_each_parser():
        body = client.get("/calendar.ics").data
        (entry,) = [v for v in icalendar.Calendar.from_ical(body).walk("VEVENT") if v["SUMMARY"] == event.title]
        (other,) = [v for v in vobject.readOne(body.decode()).vevent_list if v.summary.value == event.title]
        return {entry.decoded("DTSTART"), other.dtstart.value}

    assert start_read_by_each_parser() == {first}
    # Same wall-clock time, same tick of the clock: only the instant differs, and the entry follows it.
    operations.update_event(event, now=event.updated_at, starts_at=second, ends_at=second + timedelta(hours=1))
    db_session.commit()
    assert start_read_by_each_parser() == {second}


def test_saving_the_editor_without_a_change_moves_nothing(
    client, make_event, make_topic, make_host, login, db_session, clock
):
    topic = make_topic()
    event = make_event(summary="Short.", description="Long.", topics=[topic])
    event.hosts = [login(make_host())]
    db_session.commit()
    before = client.get("/calendar.ics")
    stamp = event.updated_at
    form = {
        "title": event.title,
        "summary": "Short.",
        "description": "Long.",
        "format": "webinar",
        "timezone": "America/New_York",
        "start_date": "2025-01-30",
        "start_time": "15:00",
        "end_time": "16:00",
        "join_url": event.join_url,
        "reminder_hours": "24,1",
        "topics": str(topic.id),
        "slug": event.slug,
    }
    clock.advance(minutes=5)
    assert client.post(f"/host/events/{event.id}/edit", data=form).status_code == 303
    db_session.expire_all()
    assert event.updated_at == stamp
    assert client.get("/calendar.ics", headers={"If-None-Match": before.headers["ETag"]}).status_code == 304
    # A real change still moves them.
    assert client.post(f"/host/events/{event.id}/edit", data={**form, "title": "Renamed"}).status_code == 303
    db_session.expire_all()
    assert event.updated_at == clock.now()
    assert client.get("/calendar.ics", headers={"If-None-Match": before.headers["ETag"]}).status_code == 200
