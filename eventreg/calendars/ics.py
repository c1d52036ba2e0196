"""Every iCalendar artifact: one-event downloads, subscription feeds, and registrants' invitations.

Building blocks, each cached because icalendar is slow at scale:
- vtimezone(zone, first_year, last_year): the zone's rules as yearly RRULE observances (the shape Outlook
  maps to its own zones), derived from the tz database through pytz, one per rule period. Cached per zone
  and year range.
- event_vevent(event, now, ...): one event's serialized VEVENT, cached until anything it shows changes
  (entry_key) or it passes its end (the archive flip). A feed computes the keys from a narrow read of the
  rows and loads and builds only the events whose pieces it does not have.
- assemble(header, zones, vevents): a VCALENDAR from those pieces, with the VTIMEZONEs its TZIDs name.

Public artifacts (downloads and feeds) carry no METHOD, no ATTENDEE and no join link; invitations carry
METHOD:REQUEST or METHOD:CANCEL, the registrant as ATTENDEE and the join link as LOCATION and URL.
Bodies are deterministic: DTSTAMP is the event's last change, never "now"."""

import calendar as month_calendar
from collections import OrderedDict
from collections.abc import Iterable
from contextlib import suppress
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import lru_cache

import icalendar
import pytz
import sqlalchemy as sa
from flask_babel import gettext as _

from eventreg.events.models import Event, State, Status
from eventreg.timezones import UTCDateTime, is_repeated, language, to_zone

PRODID = "-//eventreg//eventreg 1.0//EN"
WEEKDAYS = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"]


# --- Serializing ----------------------------------------------------------------------------------------


def serialize(component: icalendar.cal.Component) -> bytes:
    """component.to_ical(), byte for byte, a good deal faster: icalendar 7 folds every line a character at
    a time, while nearly all our lines are ASCII and can be cut in slices (tests compare the two)."""
    return b"".join(_fold(line).encode("utf-8") + b"\r\n" for line in component.content_lines() if line)


def _fold(line: str) -> str:
    """RFC 5545 folding as icalendar does it: at most 74 characters a segment, continuation lines start with
    a space, and a segment never ends on the backslash or caret that begins an escape."""
    if not line.isascii():  # multi-byte characters: icalendar counts the octets
        return icalendar.parser.Contentline(line).to_ical().decode("utf-8")
    if len(line) < 75:
        return line
    segments, start = [], 0
    while len(line) - start > 74:
        end = start + 74
        if line[end - 1] in "\\^":
            end -= 1
        segments.append(line[start:end])
        start = end
    segments.append(line[start:])
    return "\r\n ".join(segments)


# --- Time zones -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Onset:
    local: datetime  # wall-clock time of the change, in the offset in force before it (RFC 5545 3.6.5)
    offset_from: timedelta
    offset_to: timedelta
    is_dst: bool
    name: str


def _onsets(zone: str, first_year: int, last_year: int) -> tuple[list[_Onset], _Onset]:
    """The zone's offset changes within the years, and the observance in force when they begin."""
    tz = pytz.timezone(zone)
    times = getattr(tz, "_utc_transition_times", None)
    infos = getattr(tz, "_transition_info", None)
    start = datetime(first_year, 1, 1)  # noqa: DTZ001 - pytz keeps transition times as naive UTC
    end = datetime(last_year + 1, 1, 1)  # noqa: DTZ001
    if not times:  # a fixed offset (UTC, Etc/GMT+5)
        offset = tz.utcoffset(start)
        initial = _Onset(datetime(1970, 1, 1), offset, offset, False, tz.tzname(start) or zone)  # noqa: DTZ001
        return [], initial
    # The first entry is the zone's local mean time "since the beginning of time": an onset in 1601 will do.
    offset, dst, name = infos[0]
    initial = _Onset(datetime(1601, 1, 1), offset, offset, bool(dst), name)  # noqa: DTZ001
    onsets = []
    for index in range(1, len(times)):
        offset, dst, name = infos[index]
        previous = infos[index - 1][0]
        onset = _Onset(times[index] + previous, previous, offset, bool(dst), name)
        if times[index] < start:
            initial = onset
        elif times[index] < end:
            onsets.append(onset)
    return onsets, initial


def _rule(onset: _Onset) -> tuple:
    """What stays the same year to year for a recurring change: kind, month, weekday, time, offsets."""
    return (
        onset.is_dst,
        onset.local.month,
        onset.local.weekday(),
        onset.local.time(),
        onset.offset_from,
        onset.offset_to,
        onset.name,
    )


def _expressible(days: list[date]) -> bool:
    """Whether one yearly BYDAY rule can pick exactly these days (see _byday)."""
    weeks = {(d.day - 1) // 7 for d in days}
    all_last = all(d.day > month_calendar.monthrange(d.year, d.month)[1] - 7 for d in days)
    return len(weeks) == 1 or all_last or max(d.day for d in days) - min(d.day for d in days) <= 6


def _byday(days: list[date], weekday: int) -> dict:
    """RRULE parts that pick exactly these days: BYDAY=2SU, BYDAY=-1SU, or BYDAY=SU with BYMONTHDAY."""
    code = WEEKDAYS[weekday]
    weeks = {(d.day - 1) // 7 + 1 for d in days}
    if len(weeks) == 1 and max(d.day for d in days) <= 28:
        return {"BYDAY": f"{weeks.pop()}{code}"}
    if all(d.day > month_calendar.monthrange(d.year, d.month)[1] - 7 for d in days):
        return {"BYDAY": f"-1{code}"}
    first = min(d.day for d in days)
    return {"BYDAY": code, "BYMONTHDAY": list(range(first, first + 7))}


def _observance(onsets: list[_Onset], *, last: bool) -> icalendar.cal.Component:
    first = onsets[0]
    component = icalendar.TimezoneDaylight() if first.is_dst else icalendar.TimezoneStandard()
    component.add("TZNAME", first.name)
    component.add("DTSTART", first.local)
    component.add("TZOFFSETFROM", first.offset_from)
    component.add("TZOFFSETTO", first.offset_to)
    if len(onsets) > 1 or last:
        rule = {"FREQ": "YEARLY", "BYMONTH": first.local.month}
        rule.update(_byday([o.local.date() for o in onsets], first.local.weekday()))
        if not last:
            final = onsets[-1]
            rule["UNTIL"] = pytz.utc.localize(final.local - final.offset_from)
        component.add("RRULE", rule)
    return component


@lru_cache(maxsize=512)
def vtimezone(zone: str, first_year: int, last_year: int) -> bytes:
    """A serialized VTIMEZONE for the zone, exact for every instant from first_year to last_year."""
    onsets, initial = _onsets(zone, first_year, last_year)
    timezone = icalendar.Timezone()
    timezone.add("TZID", zone)
    if not onsets:
        standard = icalendar.TimezoneStandard()
        standard.add("TZNAME", initial.name)
        standard.add("DTSTART", datetime(1970, 1, 1))  # noqa: DTZ001 - a VTIMEZONE onset is local time
        standard.add("TZOFFSETFROM", initial.offset_to)
        standard.add("TZOFFSETTO", initial.offset_to)
        timezone.add_component(standard)
        return serialize(timezone)
    # The observance in force when the range begins, so instants before the first change are covered.
    timezone.add_component(_observance([initial], last=False))
    # Consecutive years that change the same way become one observance with a yearly RRULE.
    groups: dict[bool, list[list[_Onset]]] = {True: [], False: []}
    for onset in onsets:
        runs = groups[onset.is_dst]
        if (
            runs
            and _rule(runs[-1][-1]) == _rule(onset)
            and onset.local.year == runs[-1][-1].local.year + 1
            and _expressible([o.local.date() for o in [*runs[-1], onset]])
        ):
            runs[-1].append(onset)
        else:
            runs.append([onset])
    still_in_force = _rules_in_force(zone, last_year)
    for runs in groups.values():
        for index, run in enumerate(runs):
            last = index == len(runs) - 1 and _rule(run[-1]) in still_in_force and len(run) > 1
            timezone.add_component(_observance(run, last=last))
    return serialize(timezone)


def _rules_in_force(zone: str, last_year: int) -> set[tuple]:
    """Rules that carry on after the range (the next years repeat them), so their RRULE needs no UNTIL."""
    later, _ = _onsets(zone, last_year + 1, last_year + 2)
    return {_rule(o) for o in later}


def zone_years(events: Iterable[Event]) -> dict[str, tuple[int, int]]:
    """For each zone used, the years its VTIMEZONE must cover (a year either side, for clients' sake)."""
    return zone_years_from((event.timezone, event.starts_at, event.ends_at) for event in events)


def zone_years_from(spans: Iterable[tuple[str, datetime, datetime]]) -> dict[str, tuple[int, int]]:
    """zone_years from (zone, a start, an end) triples, such as a query's first start and last end per zone."""
    years: dict[str, tuple[int, int]] = {}
    for zone, start, end in spans:
        low, high = start.year - 1, end.year + 1
        if zone in years:
            low, high = min(low, years[zone][0]), max(high, years[zone][1])
        years[zone] = (low, high)
    return years


# --- Events ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Links:
    """Absolute URLs an event's entry points to, built by the caller (views know the host name)."""

    page: str


# --- Identity: UIDs, SEQUENCEs and response headers ------------------------------------------------------


def event_uid(event_id: int, domain: str) -> str:
    """The UID of every artifact for one event: the public download, the feeds, the personal feed and each
    registrant's invitations (README, "Calendars"), so one event is one entry in a calendar whatever order
    they arrive in. Stable for the event's whole life: never derived from anything a host can edit."""
    return f"event-{event_id}@{domain}"


def invitation_uid(event_id: int, registration_id: int, domain: str, *, legacy: bool) -> str:
    """A registrant's invitation UID: the event's own (event_uid). iTIP messages are applied to the
    recipient's own calendar only, so a CANCEL sent to one registrant removes no one else's entry.
    Registrations invited under the old per-registration UID (legacy) keep it, so their updates and
    cancellations reach the entry they already have."""
    if legacy:
        return f"registration-{registration_id}-event-{event_id}@{domain}"
    return event_uid(event_id, domain)


def invitation_sequence(event_sequence: int, registration_sequence: int) -> int:
    """A registrant's invitation SEQUENCE. The public entry carries the event's own sequence; an invitation
    is above it at every version of the event, so it is never ignored as older than a download the
    registrant made. It grows with every change of the event and with every cancel and re-registration
    (the registration's sequence), so each message for the UID is newer than the one before: a recipient
    must never see a SEQUENCE go down or stand still across two different messages."""
    return event_sequence + registration_sequence + 1


def response_headers(*, filename: str | None = None) -> dict[str, str]:
    """The headers of every calendar answer: a named attachment for a one-event download (filename), else
    an inline calendar.ics, which is what calendar apps subscribing to a feed expect."""
    disposition = f'attachment; filename="{filename}"' if filename else 'inline; filename="calendar.ics"'
    return {"Content-Type": "text/calendar; charset=utf-8", "Content-Disposition": disposition}


def _local(instant: datetime, zone: str) -> datetime:
    return to_zone(instant, zone).replace(tzinfo=None)


def _add_time(vevent: icalendar.Event, name: str, instant: datetime, zone: str) -> None:
    """DTSTART or DTEND in the event's zone, except a wall-clock time that happens twice: RFC 5545 reads
    it as the first occurrence, libical, ical.js and khal as the second, so it is written in UTC."""
    if is_repeated(instant, zone):
        vevent.add(name, instant.astimezone(pytz.utc))
    else:
        vevent.add(name, _local(instant, zone), parameters={"TZID": zone})


def _description(event: Event, state: str, page_url: str, series_line: str = "") -> str:
    # Our sentences are in the language now in force (the request's, or a registrant's mail's): entry keys
    # (piece_key) hold it.
    text = event.summary or ""
    if event.description:
        # A description that already opens with the summary (the demo's do) would say it twice.
        text = event.description if event.description.startswith(text) else f"{text}\n\n{event.description}"
    if series_line:  # "Part 2 of 4 of <series>: <its page>" (feeds.series_lines), first, where a glance finds it
        text = f"{series_line}\n\n{text}".strip()
    if state == State.PASSED:
        if event.archive_url:
            said = _("This event has passed. Watch the recording: %(url)s", url=event.archive_url)
            return f"{said}\n\n{text}".strip()
        said = _("This event has passed. The recording will be posted here: %(url)s", url=page_url)
        return f"{said}\n\n{text}".strip()
    if state == State.CANCELLED:
        said = _("This event has been cancelled.")
        return f"{said}\n\n{text}".strip()
    said = _("Details and registration: %(url)s", url=page_url)
    return f"{text}\n\n{said}".strip()


@dataclass(frozen=True)
class _Shown:
    """What an entry says besides the event's times and title: public entries and invitations differ here."""

    description: str
    status: str  # "CONFIRMED" or "CANCELLED"
    location: str | None
    url: str | None


def _public(event: Event, state: str, page_url: str, series_line: str = "") -> _Shown:
    """The public entry's text: no join link; a passed event's entry points to its archive when it has one."""
    return _Shown(
        description=_description(event, state, page_url, series_line),
        status="CANCELLED" if event.status == Status.CANCELLED else "CONFIRMED",
        location=event.location if event.has_place else None,
        url=event.archive_url if state == State.PASSED and event.archive_url else page_url,
    )


def _vevent(event: Event, *, uid: str, sequence: int, shown: _Shown) -> icalendar.Event:
    """The properties every VEVENT of ours has, public or an invitation. DTSTAMP is the event's last change,
    never "now", so bodies stay byte-identical between polls."""
    vevent = icalendar.Event()
    vevent.add("UID", uid)
    vevent.add("SEQUENCE", sequence)
    vevent.add("DTSTAMP", event.updated_at)
    _add_time(vevent, "DTSTART", event.starts_at, event.timezone)
    _add_time(vevent, "DTEND", event.ends_at, event.timezone)
    vevent.add("SUMMARY", event.title)
    vevent.add("DESCRIPTION", shown.description)
    vevent.add("STATUS", shown.status)
    vevent.add("TRANSP", _transp(shown.status == "CANCELLED"))
    if shown.location:
        vevent.add("LOCATION", shown.location)
    if shown.url:
        vevent.add("URL", shown.url)
    return vevent


def build_vevent(event: Event, *, now: datetime, domain: str, page_url: str, series_line: str = "") -> icalendar.Event:
    """The public VEVENT: no ATTENDEE and no join link."""
    shown = _public(event, event.state(now), page_url, series_line)
    vevent = _vevent(event, uid=event_uid(event.id, domain), sequence=event.sequence, shown=shown)
    vevent.add("CREATED", event.created_at)
    vevent.add("LAST-MODIFIED", event.updated_at)
    if event.topics:
        vevent.add("CATEGORIES", [topic.name for topic in event.topics])
    return vevent


def _transp(cancelled: bool) -> str:
    # A cancelled entry that a client still shows must not count as busy time.
    return "TRANSPARENT" if cancelled else "OPAQUE"


def _text(value: str) -> str:
    return icalendar.vText(value).to_ical().decode("utf-8")


def utc_stamp(instant: datetime) -> str:
    """A UTC DATE-TIME as icalendar writes it: seconds, no fraction, then Z (also Google Calendar's links)."""
    utc = instant.astimezone(pytz.utc)
    return f"{utc:%Y%m%dT%H%M%S}Z"


@lru_cache(maxsize=1024)
def _tzid(zone: str) -> str:
    return icalendar.parser.Parameters({"TZID": zone}).to_ical().decode("utf-8")


def _time_line(name: str, instant: datetime, zone: str, tzid: str) -> str:
    """As _add_time writes it: a repeated wall-clock time in UTC; icalendar drops TZID=UTC and writes such a
    time as UTC ("Z") too; every other time keeps its TZID."""
    if is_repeated(instant, zone):
        return f"{name}:{utc_stamp(instant)}"
    local = _local(instant, zone)
    return f"{name};{tzid}:{local:%Y%m%dT%H%M%S}" if tzid else f"{name}:{local:%Y%m%dT%H%M%S}Z"


def public_vevent(event: Event, *, now: datetime, domain: str, page_url: str, series_line: str = "") -> bytes:
    """serialize(build_vevent(...)), byte for byte, written line by line: building and serializing through
    icalendar's objects was most of a cold feed's time. The lines come in icalendar's order (its canonical
    properties first, then the others by name) and text is escaped by icalendar's vText; a property test
    holds the two equal. `series_line` opens the DESCRIPTION of a session of a series (feeds.series_lines)."""
    shown = _public(event, event.state(now), page_url, series_line)
    tzid = _tzid(event.timezone)
    lines = [
        "BEGIN:VEVENT",
        f"SUMMARY:{_text(event.title)}",
        _time_line("DTSTART", event.starts_at, event.timezone, tzid),
        _time_line("DTEND", event.ends_at, event.timezone, tzid),
        f"DTSTAMP:{utc_stamp(event.updated_at)}",
        f"UID:{_text(event_uid(event.id, domain))}",
        f"SEQUENCE:{event.sequence}",
    ]
    if event.topics:
        lines.append("CATEGORIES:" + ",".join(_text(topic.name) for topic in event.topics))
    lines += [
        f"CREATED:{utc_stamp(event.created_at)}",
        f"DESCRIPTION:{_text(shown.description)}",
        f"LAST-MODIFIED:{utc_stamp(event.updated_at)}",
    ]
    if shown.location:
        lines.append(f"LOCATION:{_text(shown.location)}")
    lines += [
        f"STATUS:{shown.status}",
        f"TRANSP:{_transp(shown.status == 'CANCELLED')}",
        f"URL:{shown.url}",
        "END:VEVENT",
    ]
    return b"".join(_fold(line).encode("utf-8") + b"\r\n" for line in lines)


class PieceCache:
    """A bounded in-process cache. Keys hold everything the value depends on, read from the database on
    each request, so a process can never serve a stale piece after another process changed the event."""

    def __init__(self, size: int):
        self.size = size
        self.items: OrderedDict = OrderedDict()

    def get(self, key):
        value = self.items.get(key)
        if value is not None:
            with suppress(KeyError):  # another thread's put may have just evicted it
                self.items.move_to_end(key)
        return value

    def put(self, key, value):
        self.items[key] = value
        if len(self.items) > self.size:
            self.items.popitem(last=False)
        return value

    def get_or_build(self, key, build):
        value = self.get(key)
        return self.put(key, build()) if value is None else value


_vevents = PieceCache(50_000)

# The columns a public entry shows (created_at, which it shows too, never changes): with whether it has
# passed, the topic names and the links, an entry's cache key.
ENTRY_COLUMNS = (
    "id",
    "slug",
    "updated_at",
    "sequence",
    "starts_at",
    "ends_at",
    "timezone",
    "status",
    "title",
    "summary",
    "description",
    "format",
    "location",
    "archive_url",
)


def entry_key(event: Event, topic_names: Iterable[str], *, now: datetime, domain: str, page_url: str) -> tuple:
    """Everything a public entry shows, so no two versions of an event share a piece (even two edits within
    one tick of the clock). Feeds make their keys from a narrow read of the rows instead (entry_key_columns,
    with times as the database driver returns them), so the two kinds of key seldom meet."""
    passed = event.ends_at <= now  # with the status, this decides what the entry says (build_vevent)
    return piece_key((*(getattr(event, name) for name in ENTRY_COLUMNS), passed), topic_names, domain, page_url)


def entry_key_columns(now: datetime) -> list:
    """What a feed selects to make its entries' keys without loading them: ENTRY_COLUMNS, then whether the
    event has passed, as entry_key reads them. Times stay as the driver returns them: a key only has to
    compare equal from one poll to the next, and making aware datetimes of them is needless work."""
    columns = [
        sa.type_coerce(column, sa.String) if isinstance(column.type, UTCDateTime) else column
        for column in (getattr(Event, name) for name in ENTRY_COLUMNS)
    ]
    return [*columns, Event.ends_at <= now]


def piece_key(values: tuple, topic_names: Iterable[str], domain: str, page_url: str) -> tuple:
    """A cache key from ENTRY_COLUMNS' values followed by whether the event has passed (a row of
    entry_key_columns, or what entry_key reads from an event)."""
    return (*values, tuple(sorted(topic_names)), domain, page_url, language())


def cached_vevent(key: tuple) -> bytes | None:
    return _vevents.get(key)


def keep_vevent(key: tuple, event: Event, *, now: datetime, domain: str, page_url: str, series_line: str = "") -> bytes:
    """Build the event's public VEVENT and keep it under `key` (which must hold the series_line too)."""
    return _vevents.put(key, public_vevent(event, now=now, domain=domain, page_url=page_url, series_line=series_line))


def event_vevent(event: Event, *, now: datetime, domain: str, page_url: str) -> bytes:
    """The serialized public VEVENT, rebuilt only when the event changes or passes its end."""
    key = entry_key(event, (t.name for t in event.topics), now=now, domain=domain, page_url=page_url)
    return cached_vevent(key) or keep_vevent(key, event, now=now, domain=domain, page_url=page_url)


def assemble(properties: dict, zones: dict[str, tuple[int, int]], vevents: Iterable[bytes]) -> bytes:
    """A VCALENDAR from serialized pieces: header properties, a VTIMEZONE for each of the zones that some
    VEVENT names in a TZID, the VEVENTs. A zone whose every time here is written in UTC (each falls in a
    repeated hour) gets none: a VTIMEZONE nothing refers to is noise to every reader."""
    vevents = list(vevents)
    header = icalendar.Calendar()
    header.add("PRODID", PRODID)
    header.add("VERSION", "2.0")
    header.add("CALSCALE", "GREGORIAN")
    for name, value in properties.items():
        header.add(name, value)
    head = serialize(header)
    end = b"END:VCALENDAR\r\n"
    parts = [head[: -len(end)]]
    parts += [vtimezone(zone, *years) for zone, years in sorted(zones.items()) if _is_named(zone, vevents)]
    parts += list(vevents)
    parts.append(end)
    return b"".join(parts)


def _is_named(zone: str, vevents: list[bytes]) -> bool:
    """Whether a property of the VEVENTs carries TZID=zone. Only DTSTART and DTEND carry one, right after
    the property's name, so it always lies within a line's first 75 octets: folding never splits it."""
    tzid = b";" + _tzid(zone).encode("utf-8")
    return any(tzid + b":" in vevent or tzid + b";" in vevent for vevent in vevents)


def download(event: Event, *, now: datetime, domain: str, page_url: str) -> bytes:
    """ "Add to calendar" for one event: no METHOD (a METHOD:PUBLISH makes some clients ask to subscribe)."""
    return assemble({}, zone_years([event]), [event_vevent(event, now=now, domain=domain, page_url=page_url)])


def feed(vevents: list[bytes], zones: dict[str, tuple[int, int]], *, name: str, description: str) -> bytes:
    """A subscription feed from serialized entries, with the name and refresh hints calendar apps read."""
    properties = {
        "NAME": name,
        "X-WR-CALNAME": name,
        "DESCRIPTION": description,
        "X-WR-CALDESC": description,
        "REFRESH-INTERVAL": icalendar.vDuration(timedelta(hours=1)),
        "X-PUBLISHED-TTL": icalendar.vDuration(timedelta(hours=1)),
    }
    calendar = assemble(properties, zones, vevents)
    # REFRESH-INTERVAL must carry VALUE=DURATION (RFC 7986); icalendar writes the bare value.
    return calendar.replace(b"REFRESH-INTERVAL:", b"REFRESH-INTERVAL;VALUE=DURATION:", 1)


def personal_vevent(
    event: Event, *, now: datetime, domain: str, page_url: str, join_url: str | None, series_line: str = ""
) -> bytes:
    """A registrant's own feed entry: the public entry plus the join link (never cached: it is private).
    `series_line`: feeds.session_series_lines, for a session of a series."""
    vevent = build_vevent(event, now=now, domain=domain, page_url=page_url, series_line=series_line)
    if join_url and event.state(now) in (State.UPCOMING, State.LIVE):
        join = _("Join: %(url)s", url=join_url)
        vevent["DESCRIPTION"] = f"{join}\n\n{vevent['DESCRIPTION']}"
        if not event.has_place:
            vevent.add("LOCATION", join_url)
    return serialize(vevent)


def invitation(
    event: Event,
    *,
    uid: str,
    sequence: int,
    method: str | None,
    attendee_email: str,
    attendee_name: str,
    organizer_email: str,
    organizer_name: str,
    join_url: str | None,
    description: str,
    status: str = "CONFIRMED",
) -> bytes:
    """A registrant's invitation (METHOD:REQUEST) or its withdrawal (METHOD:CANCEL), one VEVENT whose UID
    stays the same for that registrant and event, and whose SEQUENCE grows with every change. method=None
    gives the same entry as a plain download: a file someone saves is not an iTIP request."""
    shown = _Shown(
        description=description,
        status=status,
        # The place if there is one, else the join link, which is also the entry's URL.
        location=event.location if event.has_place else join_url,
        url=join_url,
    )
    vevent = _vevent(event, uid=uid, sequence=sequence, shown=shown)
    organizer = icalendar.vCalAddress(f"mailto:{organizer_email}")
    organizer.params["CN"] = organizer_name
    vevent.add("ORGANIZER", organizer)
    attendee = icalendar.vCalAddress(f"mailto:{attendee_email}")
    attendee.params.update(CN=attendee_name, ROLE="REQ-PARTICIPANT", PARTSTAT="ACCEPTED", RSVP="FALSE")
    vevent.add("ATTENDEE", attendee)
    return assemble({"METHOD": method} if method else {}, zone_years([event]), [serialize(vevent)])
