"""Feeds hold each session of a series once, as its own entry (never an RRULE): the public feed, a topic's, and
a registrant's personal feed. Public entries open their DESCRIPTION with "Part 2 of 4 of <series>: <page>"; the
SUMMARY stays the session's title, as in the registrant's invitation."""

import uuid
from collections import Counter
from datetime import timedelta

import icalendar

from eventreg.events import operations as event_operations
from eventreg.registrations.models import PersonalFeed, Registration, RegistrationStatus
from eventreg.series.models import Enrolment


def entries(response) -> list:
    assert response.status_code == 200
    calendar = icalendar.Calendar.from_ical(response.data)
    assert not any("RRULE" in v for v in calendar.walk("VEVENT"))
    return list(calendar.walk("VEVENT"))


def by_uid(vevents) -> dict:
    uids = Counter(str(v["UID"]) for v in vevents)
    assert all(n == 1 for n in uids.values()), uids  # each entry exactly once
    return {str(v["UID"]): v for v in vevents}


def uid(event) -> str:
    return f"event-{event.id}@"


def session_entries(vevents, series) -> list:
    ids = {s.id for s in series.sessions}
    return [v for v in vevents if int(str(v["UID"]).split("-")[1].split("@")[0]) in ids]


def test_public_and_topic_feeds_hold_each_session_once_with_its_part(
    client, make_series, make_topic, make_event, db_session
):
    topic = make_topic("advisory", "Readers' advisory")
    title = f"Four Tuesdays {uuid.uuid4().hex[:8]}"  # the feed's pieces are kept per process: a fresh text
    series = make_series(title=title)
    for session in series.sessions:
        session.topics.append(topic)
    make_event(title="Not a session")
    db_session.commit()
    for url in ("/calendar.ics", f"/topics/{topic.slug}/calendar.ics"):
        vevents = entries(client.get(url))
        by_uid(vevents)
        sessions = session_entries(vevents, series)
        assert len(sessions) == 4
        assert [str(v["SUMMARY"]) for v in sessions] == [title] * 4  # the SUMMARY stays the session's title
        for number, vevent in enumerate(sessions, start=1):
            assert str(vevent["DESCRIPTION"]).startswith(
                f"Part {number} of 4 of {title}: http://eventreg.test/series/{series.slug}"
            )
        # Each keeps 3:00 PM New York across the change to daylight time.
        assert {v.decoded("DTSTART").hour for v in sessions} == {15}
    # The one-off event's entry says nothing of a series.
    (other,) = [v for v in entries(client.get("/calendar.ics")) if str(v["SUMMARY"]) == "Not a session"]
    assert "Part " not in str(other["DESCRIPTION"])


def test_cancelling_a_session_renumbers_the_others_in_the_feed(client, make_series, db_session, clock):
    title = f"Renumbered {uuid.uuid4().hex[:8]}"
    series = make_series(title=title)
    db_session.commit()
    first = client.get("/calendar.ics")
    event_operations.cancel_event(series.sessions[1], now=clock.now())
    db_session.commit()
    again = client.get("/calendar.ics", headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 200
    sessions = session_entries(entries(again), series)
    assert len(sessions) == 4  # the cancelled one stays, marked, so that calendars drop it
    assert [str(v["STATUS"]) for v in sessions] == ["CONFIRMED", "CANCELLED", "CONFIRMED", "CONFIRMED"]
    descriptions = [str(v["DESCRIPTION"]) for v in sessions]
    assert descriptions[0].startswith(f"Part 1 of 3 of {title}")
    assert "Part " not in descriptions[1]
    assert descriptions[2].startswith(f"Part 2 of 3 of {title}")
    assert descriptions[3].startswith(f"Part 3 of 3 of {title}")
    # Renaming the series changes no event row, yet the validator and the entries follow it.
    before = client.get("/calendar.ics")
    series.title = f"{title}, renamed"
    db_session.commit()
    renamed = client.get("/calendar.ics", headers={"If-None-Match": before.headers["ETag"]})
    assert renamed.status_code == 200
    assert str(session_entries(entries(renamed), series)[0]["DESCRIPTION"]).startswith(
        f"Part 1 of 3 of {title}, renamed"
    )


def test_a_passed_session_turns_into_its_archive_link(client, make_series, db_session, clock):
    series = make_series(title=f"Archived {uuid.uuid4().hex[:8]}")
    first = series.sessions[0]
    event_operations.update_event(first, now=clock.now(), archive_url="https://video.example.org/part-1")
    db_session.commit()
    clock.advance(days=50)  # 6 March: only the first session has passed (the fixture resets the clock)
    sessions = session_entries(entries(client.get("/calendar.ics")), series)
    assert str(sessions[0]["URL"]) == "https://video.example.org/part-1"
    assert "Watch the recording: https://video.example.org/part-1" in str(sessions[0]["DESCRIPTION"])
    assert "Part 1 of 4" in str(sessions[0]["DESCRIPTION"])
    assert str(sessions[1]["URL"]).endswith(f"/events/{series.sessions[1].slug}")


def test_personal_feed_holds_each_course_session_once(client, make_series, make_event, db_session, clock):
    series = make_series()
    email = "reader@library.example.org"
    now = clock.now()
    enrolment = Enrolment(
        series_id=series.id, name="Reader", email=email, organization="Springfield Public Library",
        status=RegistrationStatus.CONFIRMED, created_at=now, confirmed_at=now,
    )  # fmt: skip
    db_session.add(enrolment)
    db_session.flush()
    for session in series.sessions:
        db_session.add(
            Registration(
                event_id=session.id, enrolment_id=enrolment.id, name="Reader", email=email,
                organization="Springfield Public Library", status=RegistrationStatus.CONFIRMED,
                created_at=now, confirmed_at=now,
            )
        )  # fmt: skip
    other = make_event(title="Something else", local_start=now.replace(tzinfo=None) + timedelta(days=20))
    db_session.add(
        Registration(
            event_id=other.id, name="Reader", email=email, organization="Springfield Public Library",
            status=RegistrationStatus.CONFIRMED, created_at=now, confirmed_at=now,
        )
    )  # fmt: skip
    feed = PersonalFeed(email=email, created_at=now)
    db_session.add(feed)
    db_session.commit()
    vevents = entries(client.get(f"/feeds/{feed.token}.ics"))
    by_uid(vevents)
    assert len(vevents) == 5
    assert len(session_entries(vevents, series)) == 4
    assert sorted(v.decoded("DTSTART").day for v in session_entries(vevents, series)) == [4, 11, 18, 25]
    parts = sorted(str(v["DESCRIPTION"]).split("\n\n")[0] for v in session_entries(vevents, series))
    assert [p.split(" of Four")[0] for p in parts] == ["Part 1 of 4", "Part 2 of 4", "Part 3 of 4", "Part 4 of 4"]
    # A sibling cancelled renumbers the others: the feed's validator changes, so a polling client reads it again.
    first = client.get(f"/feeds/{feed.token}.ics")
    event_operations.cancel_event(series.sessions[1], now=clock.now())
    db_session.commit()
    again = client.get(f"/feeds/{feed.token}.ics", headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 200
    assert "Part 3 of 3" in again.get_data(as_text=True)


def test_session_series_lines_give_a_personal_entry_its_part(app, make_series, make_event):
    from eventreg.calendars import feeds, ics

    series = make_series()
    alone = make_event(title="Alone")
    with app.test_request_context():
        lines = feeds.session_series_lines([*series.sessions, alone])
        assert sorted(lines) == sorted(s.id for s in series.sessions)
        third = series.sessions[2]
        entry = ics.personal_vevent(
            third, now=third.starts_at, domain="eventreg.test", page_url="http://eventreg.test/x",
            join_url="https://meet.example.org/j/1", series_line=lines[third.id],
        )  # fmt: skip
    (vevent,) = icalendar.Calendar.from_ical(b"BEGIN:VCALENDAR\r\n" + entry + b"END:VCALENDAR\r\n").walk("VEVENT")
    description = str(vevent["DESCRIPTION"])
    assert description.startswith("Join: https://meet.example.org/j/1\n\nPart 3 of 4 of ")
    assert f"/series/{series.slug}" in description
