"""Every artifact parsed back with icalendar and with vobject, times checked against zoneinfo."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import icalendar
import pytest
import pytz
import vobject
from hypothesis import given, settings
from hypothesis import strategies as st

from eventreg.calendars import ics
from eventreg.events import operations
from eventreg.events.models import Format, Status
from eventreg.models import Event, Topic  # every model, so the mappers configure without an app

ZONE_CASES = [
    ("America/New_York", 2024, 2027),
    ("Europe/Berlin", 2024, 2027),
    ("Australia/Sydney", 2024, 2027),  # southern hemisphere: daylight time over new year
    ("Australia/Lord_Howe", 2024, 2026),  # a half-hour DST shift
    ("America/St_Johns", 2024, 2026),  # a half-hour zone with DST
    ("Asia/Kolkata", 2024, 2026),  # half-hour, no DST
    ("Asia/Kathmandu", 2024, 2026),  # 45 minutes
    ("Pacific/Kiritimati", 2024, 2026),  # UTC+14, far side of the date line
    ("Pacific/Apia", 2012, 2015),  # the far side of the date line since 30 December 2011, with DST then
    ("Asia/Tehran", 2021, 2024),  # abolished DST in 2022: a rule that ends
    ("America/Sao_Paulo", 2017, 2021),  # DST dropped in 2019
    ("Africa/Casablanca", 2024, 2026),  # irregular, tied to Ramadan
    ("Pacific/Apia", 2010, 2013),  # skipped 30 December 2011: a 24-hour jump
    ("UTC", 2024, 2026),
]


def instants(first_year: int, last_year: int, zone: str):
    """Every six hours through the years, plus a minute either side of each offset change."""
    start = datetime(first_year, 1, 1, tzinfo=pytz.utc)
    end = datetime(last_year, 12, 31, 18, tzinfo=pytz.utc)
    moment = start
    while moment <= end:
        yield moment
        moment += timedelta(hours=6)
    from eventreg.timezones import transitions

    for change in transitions(zone, start, end):
        yield change - timedelta(minutes=1)
        yield change
        yield change + timedelta(minutes=1)


# dateutil, which vobject uses, cannot hold Apia's 24-hour jump of 2011 (it raises) and misplaces the hour
# after one of Morocco's negative-DST changes; icalendar still checks these against zoneinfo.
DATEUTIL_CANNOT = {("Africa/Casablanca", 2024, 2026), ("Pacific/Apia", 2010, 2013), ("Pacific/Apia", 2012, 2015)}


@pytest.mark.parametrize(("zone", "first", "last"), ZONE_CASES)
def test_vtimezone_matches_zoneinfo_at_every_instant(zone, first, last):
    text = ics.vtimezone(zone, first, last)
    assert b"RDATE" not in text
    vtimezone = icalendar.Timezone.from_ical(text)
    by_icalendar = vtimezone.to_tz()
    wrapped = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:test\r\n" + text.decode() + "END:VCALENDAR\r\n"
    by_vobject = vobject.readOne(wrapped).vtimezone.gettzinfo()
    reference = ZoneInfo(zone)
    for moment in instants(first, last, zone):
        expected = moment.astimezone(reference).utcoffset()
        assert moment.astimezone(by_icalendar).utcoffset() == expected, (zone, moment, "icalendar")
        if (zone, first, last) not in DATEUTIL_CANNOT:
            assert moment.astimezone(by_vobject).utcoffset() == expected, (zone, moment, "vobject")


def test_vtimezone_uses_yearly_rrules_for_regular_rules():
    text = ics.vtimezone("America/New_York", 2024, 2027).decode()
    assert "RRULE:FREQ=YEARLY;BYDAY=2SU;BYMONTH=3" in text
    assert "RRULE:FREQ=YEARLY;BYDAY=1SU;BYMONTH=11" in text
    assert "DTSTART:20240310T020000" in text  # the onset in local time, before the change
    ended = ics.vtimezone("America/Sao_Paulo", 2016, 2021).decode()
    assert "UNTIL=" in ended  # a rule that stopped (Brazil dropped DST in 2019) says when


@pytest.fixture
def event(make_event, make_topic, clock):
    return make_event(
        description="Hear **three** libraries.",
        topics=[make_topic("community-engagement", "Community engagement")],
        archive_url=None,
    )


def download(event, clock, page_url="http://eventreg.test/events/x"):
    return ics.download(event, now=clock.now(), domain="eventreg.test", page_url=page_url)


def every_file(event, clock) -> dict[str, bytes]:
    """The event as each kind of file carries it: a download, a feed entry and an invitation."""
    url = "http://eventreg.test/e"
    entry = ics.event_vevent(event, now=clock.now(), domain="eventreg.test", page_url=url)
    return {
        "download": download(event, clock, page_url=url),
        "feed": ics.feed([entry], ics.zone_years([event]), name="All", description="All"),
        "invitation": ics.invitation(
            event,
            uid="u@eventreg.test",
            sequence=1,
            method="REQUEST",
            attendee_email="ana@library.example.org",
            attendee_name="Ana",
            organizer_email="events@x.org",
            organizer_name="Host",
            join_url=None,
            description="See you",
        ),
    }


@pytest.mark.parametrize(
    ("zone", "local"),
    [
        ("America/New_York", (2025, 3, 9, 15)),  # US spring-forward day
        ("America/New_York", (2025, 11, 2, 15)),  # US fall-back day
        ("Europe/Berlin", (2025, 3, 30, 15)),  # EU change day
        ("Asia/Kolkata", (2025, 2, 3, 19, 30)),
        ("Asia/Kathmandu", (2025, 2, 3, 9)),
        ("Pacific/Kiritimati", (2025, 1, 1, 9)),
        ("Pacific/Pago_Pago", (2025, 1, 1, 9)),
        ("Australia/Sydney", (2025, 4, 6, 15)),  # Sydney's change day
    ],
)
def test_download_times_read_the_same_in_icalendar_vobject_and_zoneinfo(make_event, clock, zone, local):
    local = datetime(*local)  # noqa: DTZ001 - wall-clock time in `zone`
    event = make_event(timezone=zone, local_start=local)
    body = download(event, clock)
    expected = local.replace(tzinfo=ZoneInfo(zone))
    calendar = icalendar.Calendar.from_ical(body)
    (vevent,) = calendar.walk("VEVENT")
    assert vevent["DTSTART"].params["TZID"] == zone
    assert vevent.decoded("DTSTART") == expected
    assert vevent.decoded("DTEND") == expected + timedelta(hours=1)
    parsed = vobject.readOne(body.decode())
    assert parsed.vevent.dtstart.value == expected
    assert parsed.vevent.dtend.value == expected + timedelta(hours=1)
    assert [tz["TZID"] for tz in calendar.walk("VTIMEZONE")] == [zone]


def test_public_download_has_no_method_attendee_or_join_link(event, clock):
    body = download(event, clock)
    calendar = icalendar.Calendar.from_ical(body)
    assert "METHOD" not in calendar
    (vevent,) = calendar.walk("VEVENT")
    assert "ATTENDEE" not in vevent
    assert b"secret-room" not in body
    assert vevent["UID"] == f"event-{event.id}@eventreg.test"
    assert vevent.decoded("DTSTAMP") == event.updated_at
    assert vevent["CATEGORIES"].cats == ["Community engagement"]
    assert "X-ALT-DESC" not in vevent  # plain text only: Markdown reads fine as it is
    assert "Hear **three** libraries." in str(vevent["DESCRIPTION"])
    assert str(vevent["DESCRIPTION"]).startswith("A webinar for library staff.")


def test_lines_end_in_crlf_and_fold_at_75_octets(make_event, clock):
    event = make_event(title="Ünïcödé " * 24, summary="Ä" * 200)
    body = download(event, clock)
    lines = body.split(b"\r\n")
    assert lines[-1] == b""
    assert all(b"\n" not in line for line in lines)
    assert all(len(line) <= 75 for line in lines)
    assert icalendar.Calendar.from_ical(body).walk("VEVENT")[0]["SUMMARY"] == event.title


def test_bodies_are_deterministic(event, clock):
    first = download(event, clock)
    clock.advance(minutes=10)
    assert download(event, clock) == first


def test_passed_events_point_to_the_archive(make_event, clock):
    event = make_event(archive_url="https://archive.example.org/hiring")
    clock.set(event.ends_at)
    vevent = icalendar.Calendar.from_ical(download(event, clock)).walk("VEVENT")[0]
    assert str(vevent["DESCRIPTION"]).startswith(
        "This event has passed. Watch the recording: https://archive.example.org/hiring"
    )
    assert str(vevent["URL"]) == "https://archive.example.org/hiring"


def test_passed_events_without_recording_say_it_is_coming(make_event, clock):
    event = make_event()
    clock.set(event.ends_at + timedelta(days=1))
    vevent = icalendar.Calendar.from_ical(download(event, clock, page_url="http://eventreg.test/e")).walk("VEVENT")[0]
    assert str(vevent["DESCRIPTION"]).startswith(
        "This event has passed. The recording will be posted here: http://eventreg.test/e"
    )


def test_cancelled_events_say_so_and_take_no_time(make_event, clock):
    event = make_event(status=Status.CANCELLED)
    vevent = icalendar.Calendar.from_ical(download(event, clock)).walk("VEVENT")[0]
    assert vevent["STATUS"] == "CANCELLED"
    assert vevent["TRANSP"] == "TRANSPARENT"  # a client that still shows it must not count the time as busy
    live = make_event(title="On")
    assert icalendar.Calendar.from_ical(download(live, clock)).walk("VEVENT")[0]["TRANSP"] == "OPAQUE"
    withdrawn = ics.invitation(
        event,
        uid="u@eventreg.test",
        sequence=2,
        method="CANCEL",
        attendee_email="a@x.org",
        attendee_name="A",
        organizer_email="e@x.org",
        organizer_name="H",
        join_url=None,
        description="Cancelled",
        status="CANCELLED",
    )
    assert icalendar.Calendar.from_ical(withdrawn).walk("VEVENT")[0]["TRANSP"] == "TRANSPARENT"


def test_a_description_that_opens_with_the_summary_says_it_once(make_event, clock):
    event = make_event(summary="A practical session.", description="A practical session.\n\n## What you will learn")
    vevent = icalendar.Calendar.from_ical(download(event, clock, page_url="http://eventreg.test/e")).walk("VEVENT")[0]
    assert str(vevent["DESCRIPTION"]) == (
        "A practical session.\n\n## What you will learn\n\nDetails and registration: http://eventreg.test/e"
    )


def test_a_time_change_bumps_sequence_and_last_modified(event, clock, db_session):
    before = icalendar.Calendar.from_ical(download(event, clock)).walk("VEVENT")[0]
    clock.advance(hours=1)
    operations.update_event(
        event,
        now=clock.now(),
        starts_at=event.starts_at + timedelta(hours=1),
        ends_at=event.ends_at + timedelta(hours=1),
    )
    after = icalendar.Calendar.from_ical(download(event, clock)).walk("VEVENT")[0]
    assert after["UID"] == before["UID"]
    assert int(after["SEQUENCE"]) == int(before["SEQUENCE"]) + 1
    assert after.decoded("LAST-MODIFIED") > before.decoded("LAST-MODIFIED")
    assert after.decoded("DTSTAMP") == clock.now()


def test_feed_assembles_one_vtimezone_per_zone_and_names_itself(make_event, clock):
    events = [make_event(title="A"), make_event(title="B"), make_event(title="C", timezone="Asia/Kolkata")]
    entries = [
        ics.event_vevent(e, now=clock.now(), domain="eventreg.test", page_url=f"http://eventreg.test/{e.id}")
        for e in events
    ]
    body = ics.feed(entries, ics.zone_years(events), name="All events", description="Everything")
    calendar = icalendar.Calendar.from_ical(body)
    assert sorted(tz["TZID"] for tz in calendar.walk("VTIMEZONE")) == ["America/New_York", "Asia/Kolkata"]
    assert len(calendar.walk("VEVENT")) == 3
    assert calendar["X-WR-CALNAME"] == "All events"
    assert b"REFRESH-INTERVAL;VALUE=DURATION:PT1H" in body
    assert "METHOD" not in calendar
    assert len(list(vobject.readComponents(body.decode()))) == 1


def test_invitation_carries_method_attendee_and_join_link(event, clock):
    body = ics.invitation(
        event,
        uid="registration-1@eventreg.test",
        sequence=3,
        method="REQUEST",
        attendee_email="ana@library.example.org",
        attendee_name="Ana",
        organizer_email="events@x.org",
        organizer_name="WebJunction",
        join_url="https://meet.example.org/j/room",
        description="See you",
    )
    calendar = icalendar.Calendar.from_ical(body)
    assert calendar["METHOD"] == "REQUEST"
    vevent = calendar.walk("VEVENT")[0]
    assert int(vevent["SEQUENCE"]) == 3
    assert str(vevent["ATTENDEE"]) == "mailto:ana@library.example.org"
    assert str(vevent["LOCATION"]) == "https://meet.example.org/j/room"
    assert vobject.readOne(body.decode()).vevent.organizer.params["CN"] == ["WebJunction"]


# Text that lands escapes, multi-byte characters and line ends on and around the fold points.
FOLD_TEXT = st.lists(st.sampled_from(list('ab ,;:\\^\n"é€😀') + ["x" * 20]), max_size=60).map("".join)


@given(summary=FOLD_TEXT, description=FOLD_TEXT, location=FOLD_TEXT)
@settings(max_examples=300, deadline=None)
def test_serialize_writes_exactly_what_icalendar_writes(summary, description, location):
    vevent = icalendar.Event()
    vevent.add("UID", "event-1@eventreg.test")
    vevent.add("SUMMARY", summary)
    vevent.add("DESCRIPTION", description)
    vevent.add("LOCATION", location)
    vevent.add("URL", "https://events.example.org/events/" + "a-long-slug-" * 12)
    calendar = icalendar.Calendar()
    calendar.add_component(vevent)
    assert ics.serialize(calendar) == calendar.to_ical()


EVENT_ZONES = ["America/New_York", "Asia/Kolkata", "Pacific/Apia", "Australia/Lord_Howe", "Europe/Berlin", "UTC"]
# st.datetimes wants naive bounds; every value is then made a UTC instant.
INSTANTS = st.datetimes(datetime(2020, 1, 1), datetime(2030, 12, 31)).map(pytz.utc.localize)  # noqa: DTZ001


@given(
    text=st.tuples(FOLD_TEXT, FOLD_TEXT, FOLD_TEXT, FOLD_TEXT),
    zone=st.sampled_from(EVENT_ZONES),
    starts_at=INSTANTS,
    minutes=st.integers(1, 600),
    changed=st.tuples(INSTANTS, INSTANTS),
    sequence=st.integers(0, 10_000),
    status=st.sampled_from([Status.PUBLISHED, Status.CANCELLED]),
    event_format=st.sampled_from(Format.ALL),
    archive_url=st.sampled_from([None, "https://archive.example.org/recording?a=1,b=2;c"]),
    topic_names=st.lists(FOLD_TEXT, max_size=3),
    now_offset=st.sampled_from([-timedelta(days=1), timedelta(minutes=1), timedelta(days=3)]),
)
@settings(max_examples=300, deadline=None)
def test_public_vevent_writes_exactly_what_icalendar_writes(
    text, zone, starts_at, minutes, changed, sequence, status, event_format, archive_url, topic_names, now_offset
):
    title, summary, description, location = text
    event = Event(
        id=42,
        slug="a-long-slug-" * 6,
        title=title,
        summary=summary,
        description=description,
        location=location,
        format=event_format,
        timezone=zone,
        starts_at=starts_at,
        ends_at=starts_at + timedelta(minutes=minutes),
        created_at=min(changed),
        updated_at=max(changed),
        sequence=sequence,
        status=status,
        archive_url=archive_url,
    )
    event.topics = [Topic(slug=f"t{n}", name=name) for n, name in enumerate(topic_names)]
    arguments = {"now": starts_at + now_offset, "domain": "eventreg.test", "page_url": "https://e.org/" + "p" * 80}
    assert ics.public_vevent(event, **arguments) == ics.serialize(ics.build_vevent(event, **arguments))


def test_serialize_folds_ascii_at_74_and_never_after_an_escape_backslash():
    vevent = icalendar.Event()
    vevent.add("DESCRIPTION", "x" * 61 + ",y")  # "DESCRIPTION:" is 12 characters: the 74th is the "\" of "\,"
    lines = ics.serialize(vevent).split(b"\r\n")
    assert lines[1] == b"DESCRIPTION:" + b"x" * 61  # 73 characters: the escape moved whole to the next line
    assert lines[2] == b" \\,y"
    assert all(len(line) <= 75 for line in lines)


# --- Wall-clock times that happen twice ---------------------------------------------------------------

# (zone, a wall-clock time that happens twice there): the host chose the first or the second.
FOLDS = [
    ("America/New_York", (2027, 11, 7, 1, 30)),
    ("Europe/London", (2027, 10, 31, 1, 30)),
    ("Australia/Lord_Howe", (2027, 4, 4, 1, 45)),  # back half an hour
    ("Asia/Almaty", (2024, 2, 29, 23, 30)),  # Kazakhstan moved from UTC+6 to +5 for good: no DST rule involved
    ("Europe/Volgograd", (2020, 12, 27, 1, 30)),  # back from +4 to Moscow time for good
]


def instants_read(body: bytes) -> list[tuple[str, datetime, datetime]]:
    """Each parser's (name, DTSTART, DTEND) of the body's one VEVENT, as UTC instants."""
    (vevent,) = icalendar.Calendar.from_ical(body).walk("VEVENT")
    by_vobject = vobject.readOne(body.decode()).vevent
    return [
        ("icalendar", vevent.decoded("DTSTART").astimezone(pytz.utc), vevent.decoded("DTEND").astimezone(pytz.utc)),
        ("vobject", by_vobject.dtstart.value.astimezone(pytz.utc), by_vobject.dtend.value.astimezone(pytz.utc)),
    ]


@pytest.mark.parametrize("first", [True, False], ids=["first", "second"])
@pytest.mark.parametrize(("zone", "wall"), FOLDS)
def test_a_repeated_time_reads_as_the_instant_the_host_chose_everywhere(
    make_event, clock, db_session, zone, wall, first
):
    from eventreg.timezones import to_utc_choosing

    starts_at = to_utc_choosing(datetime(*wall), zone, first=first)  # noqa: DTZ001 - wall-clock time in `zone`
    event = make_event(timezone=zone, starts_at=starts_at, duration=timedelta(hours=1))
    db_session.commit()
    db_session.refresh(event)  # the instants as stored
    assert event.starts_at == starts_at
    bodies = every_file(event, clock)
    for kind, body in bodies.items():
        assert f"DTSTART:{starts_at:%Y%m%dT%H%M%S}Z".encode() in body, kind  # no local time to read two ways
        for parser, start, end in instants_read(body):
            assert (start, end) == (event.starts_at, event.ends_at), (kind, parser)


def last_fold(zone: str) -> tuple[datetime, timedelta] | None:
    """The zone's last offset drop from 2020 to 2030: its UTC instant and how far the clocks went back."""
    tz = pytz.timezone(zone)
    times, infos = getattr(tz, "_utc_transition_times", []), getattr(tz, "_transition_info", [])
    found = None
    for index in range(1, len(times)):
        drop = infos[index - 1][0] - infos[index][0]
        if drop > timedelta(0) and datetime(2020, 1, 1) <= times[index] < datetime(2031, 1, 1):  # noqa: DTZ001
            found = (pytz.utc.localize(times[index]), drop)
    return found


FOLDING_ZONES = [zone for zone in pytz.common_timezones if last_fold(zone)]


def test_every_zone_we_offer_with_a_repeated_hour_is_checked():
    assert {"America/New_York", "Europe/London", "Australia/Lord_Howe", "Asia/Almaty"} <= set(FOLDING_ZONES)
    assert len(FOLDING_ZONES) > 100


@pytest.mark.parametrize("zone", FOLDING_ZONES)
def test_every_zones_repeated_hour_reads_as_the_chosen_instant(zone):
    change, drop = last_fold(zone)
    for starts_at in (change - drop / 2, change + drop / 2):  # the first and the second occurrence
        event = Event(
            id=7,
            slug="s",
            title="T",
            summary="",
            description="",
            format=Format.WEBINAR,
            timezone=zone,
            starts_at=starts_at,
            ends_at=starts_at + drop / 4,
            created_at=change - timedelta(days=9),
            updated_at=change - timedelta(days=9),
            sequence=0,
            status=Status.PUBLISHED,
        )
        event.topics = []
        arguments = {"now": change - timedelta(days=1), "domain": "eventreg.test", "page_url": "https://e.org/p"}
        piece = ics.public_vevent(event, **arguments)
        assert piece == ics.serialize(ics.build_vevent(event, **arguments))  # both paths write it the same way
        body = ics.assemble({}, ics.zone_years([event]), [piece])
        for parser, start, end in instants_read(body):
            assert (start, end) == (event.starts_at, event.ends_at), (zone, starts_at, parser)


def zones_named_and_declared(body: bytes) -> tuple[set[str], list[str]]:
    """The TZIDs the body's properties name, and the VTIMEZONEs it carries, in order."""
    calendar = icalendar.Calendar.from_ical(body)
    named = {
        value.params["TZID"]
        for vevent in calendar.walk("VEVENT")
        for values in vevent.values()
        for value in (values if isinstance(values, list) else [values])
        if "TZID" in getattr(value, "params", {})
    }
    return named, [str(vtimezone["TZID"]) for vtimezone in calendar.walk("VTIMEZONE")]


NEW_YORK_FALL_BACK = datetime(2025, 11, 2, 6, tzinfo=pytz.utc)  # 2:00 AM EDT becomes 1:00 AM EST


@pytest.mark.parametrize(
    ("starts_at", "ends_at", "named"),
    [
        (NEW_YORK_FALL_BACK - timedelta(minutes=30), NEW_YORK_FALL_BACK + timedelta(minutes=15), set()),  # 1:30-1:15
        (NEW_YORK_FALL_BACK - timedelta(minutes=30), NEW_YORK_FALL_BACK + timedelta(minutes=30), set()),  # 1:30-1:30
        (NEW_YORK_FALL_BACK + timedelta(minutes=30), NEW_YORK_FALL_BACK + timedelta(minutes=90), {"America/New_York"}),
        (NEW_YORK_FALL_BACK - timedelta(minutes=90), NEW_YORK_FALL_BACK - timedelta(minutes=15), {"America/New_York"}),
    ],
    ids=["wholly-in-the-repeated-hour", "first-to-second-occurrence", "starts-in-it", "ends-in-it"],
)
def test_a_vtimezone_only_for_a_zone_some_time_is_written_in(make_event, clock, starts_at, ends_at, named):
    """Times in a repeated hour are written in UTC: a zone no property names gets no VTIMEZONE."""
    event = make_event(timezone="America/New_York", starts_at=starts_at, ends_at=ends_at)
    bodies = every_file(event, clock)
    for kind, body in bodies.items():
        assert zones_named_and_declared(body) == (named, sorted(named)), kind
        for parser, start, end in instants_read(body):
            assert (start, end) == (starts_at, ends_at), (kind, parser)


def test_a_feed_declares_each_zone_its_entries_name_once_and_no_other(make_event, clock):
    in_the_fold = {"starts_at": NEW_YORK_FALL_BACK - timedelta(minutes=30), "duration": timedelta(minutes=45)}
    cases = {
        ("America/New_York",): [make_event(title="A", **in_the_fold), make_event(title="B")],
        ("Asia/Kolkata",): [make_event(title="C", **in_the_fold), make_event(title="D", timezone="Asia/Kolkata")],
        (): [make_event(title="E", **in_the_fold), make_event(title="F", **in_the_fold)],
    }
    for declared, events in cases.items():
        entries = [
            ics.event_vevent(e, now=clock.now(), domain="eventreg.test", page_url=f"http://eventreg.test/{e.id}")
            for e in events
        ]
        body = ics.feed(entries, ics.zone_years(events), name="All", description="All")
        assert zones_named_and_declared(body) == (set(declared), list(declared))
