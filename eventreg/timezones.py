"""Instants in UTC, wall-clock time only at the edges.

Instants are stored as aware UTC datetimes through UTCDateTime; each event keeps its IANA zone
name. These functions convert between the two and write the human labels, with zone names from
CLDR (through Babel) so we keep no hand-written table of them."""

from collections import defaultdict
from datetime import date, datetime, time, timedelta
from functools import cache, lru_cache

import pytz
from babel import Locale
from babel.core import get_global
from babel.dates import format_date as babel_format_date
from babel.dates import format_skeleton, get_timezone_name
from babel.dates import format_time as babel_format_time
from flask_babel import get_locale, ngettext
from flask_babel import gettext as _
from sqlalchemy import DateTime
from sqlalchemy.types import TypeDecorator


def language() -> str:
    """The language labels are written in: the request's (or the one a mail is being written in), else English.
    Every cache below keys on it."""
    locale = get_locale()
    return str(locale) if locale is not None else "en"


# Events are dated within these years (both included). Far dates are typing slips, and near year 9999 the
# end or the time in UTC would fall past the last date Python can hold.
EARLIEST_YEAR, LATEST_YEAR = 2000, 2100

NonExistentTimeError = pytz.NonExistentTimeError
AmbiguousTimeError = pytz.AmbiguousTimeError


class UTCDateTime(TypeDecorator):
    """A DateTime column that only takes aware datetimes and always gives back aware UTC ones.

    SQLite keeps no offset, so values are normalised to UTC before they are written; PostgreSQL
    stores timestamptz. A naive value is a bug (whose wall clock was it?) and raises."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None or value.utcoffset() is None:
            raise ValueError(f"naive datetime {value!r}: store aware UTC instants")
        value = value.astimezone(pytz.utc)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            return pytz.utc.localize(value)
        return value.astimezone(pytz.utc)


def is_valid_zone(name: str | None) -> bool:
    return bool(name) and name in pytz.all_timezones_set


def to_utc(naive: datetime, zone: str) -> datetime:
    """The UTC instant of a wall-clock time in an IANA zone.

    Raises NonExistentTimeError for a time inside a spring-forward gap and AmbiguousTimeError
    for one that happens twice at a fall-back, so the caller can ask the person which they meant."""
    if naive.tzinfo is not None:
        raise ValueError("to_utc takes a naive wall-clock time")
    return pytz.timezone(zone).localize(naive, is_dst=None).astimezone(pytz.utc)


def to_zone(instant: datetime, zone: str) -> datetime:
    """An aware UTC instant as an aware wall-clock datetime in the zone."""
    return instant.astimezone(pytz.timezone(zone))


@lru_cache(maxsize=16384)
def is_repeated(instant: datetime, zone: str) -> bool:
    """Whether the instant's wall-clock time in the zone happens twice (the hour after a fall-back, or any
    drop of the offset, with or without a DST rule), so that the local time alone cannot say which it is.

    RFC 5545 and Python's parsers read such a local time as the first occurrence, libical, ical.js and
    khal as the second: calendars write these instants in UTC instead."""
    local = to_zone(instant, zone).replace(tzinfo=None)
    try:
        pytz.timezone(zone).localize(local, is_dst=None)
    except AmbiguousTimeError:
        return True
    return False


@cache
def _cldr_zone(zone: str) -> str:
    """The zone id CLDR files metazones under: Babel's alias table runs from the new IANA
    names to the old ones (Asia/Kolkata is filed as Asia/Calcutta), so look both ways."""
    metazones = get_global("meta_zones")
    if zone in metazones:
        return zone
    for alias, canonical in get_global("zone_aliases").items():
        if canonical == zone and alias in metazones:
            return alias
    return zone


def zone_name(local: datetime) -> str:
    """CLDR's long name for the zone at that instant: "Eastern Standard Time" in January,
    "Eastern Daylight Time" in July, "India Standard Time" all year ("hora estándar oriental" in Spanish)."""
    zone = local.tzinfo.zone
    metazone = get_global("meta_zones").get(_cldr_zone(zone))
    if metazone:
        variant = "daylight" if local.dst() else "standard"
        names = Locale.parse(language()).meta_zones.get(metazone, {}).get("long", {})
        name = names.get(variant) or names.get("generic")
        if name and name != "∅∅∅":
            return name
    return get_timezone_name(local, "long", locale=language())


# Regions read the way people say them: CLDR's continent names, with the Americas split as
# people in them speak of it (CLDR's own containment data is not shipped with Babel).
_SOUTH_AMERICA = {"AR", "BO", "BR", "CL", "CO", "EC", "FK", "GF", "GY", "PY", "PE", "SR", "UY", "VE"}
_AREA_REGIONS = {
    "Africa": "002",
    "Asia": "142",
    "Europe": "150",
    "Australia": "009",
    "Pacific": "009",
}


@cache
def _zone_countries() -> dict[str, str]:
    return {zone: country for country, zones in pytz.country_timezones.items() for zone in zones}


def region_name(zone: str) -> str | None:
    """A region to follow the zone name: "North America", "Asia", "Europe"; None for UTC."""
    return _region_name(zone, language())


@cache
def _region_name(zone: str, language: str) -> str | None:
    area = zone.split("/", 1)[0]
    territories = Locale.parse(language).territories
    if area == "America":
        return territories["005" if _zone_countries().get(zone) in _SOUTH_AMERICA else "003"]
    if area in _AREA_REGIONS:
        return territories[_AREA_REGIONS[area]]
    if area == "Atlantic":
        return _("Atlantic Ocean")
    if area == "Indian":
        return _("Indian Ocean")
    if area == "Antarctica":
        return territories["AQ"]
    if area == "Arctic":
        return _("Arctic")
    return None


def offset_label(local: datetime) -> str:
    """ "UTC -5", "UTC +5:30", "UTC +0"."""
    minutes = int(local.utcoffset().total_seconds() // 60)
    sign = "-" if minutes < 0 else "+"
    hours, minutes = divmod(abs(minutes), 60)
    return f"UTC {sign}{hours}" + (f":{minutes:02d}" if minutes else "")


def zone_label(local: datetime) -> str:
    """ "Eastern Standard Time, North America [UTC -5]"."""
    region = region_name(local.tzinfo.zone)
    name = zone_name(local)
    return f"{name}, {region} [{offset_label(local)}]" if region else f"{name} [{offset_label(local)}]"


# English keeps the patterns its lines have always had ("30 January 2025", "3:00 PM"); other languages take
# CLDR's own formats for the same things ("30 de enero de 2025", "15:00").
_ENGLISH_PATTERNS = {
    "date": "d MMMM y", "short": "d MMM", "month": "MMMM y", "weekday": "EEEE", "long": "EEEE d MMMM y",
}  # fmt: skip
_CLDR_FORMATS = {"date": "long", "short": "MMMd", "month": "yMMMM", "weekday": "EEEE", "long": "full"}


def format_date(day: date | datetime) -> str:
    """ "30 January 2025"."""
    return _format_day(_local_day(day), "date", language())


def format_short_date(day: date | datetime) -> str:
    """ "30 Jan": a chart's axis, where the table beside it has the whole date."""
    return _format_day(_local_day(day), "short", language())


def format_month(year: int, month: int) -> str:
    """ "December 2026"."""
    return _format_day(date(year, month, 1), "month", language())


def format_weekday(day: date) -> str:
    """ "Monday"."""
    return _format_day(day, "weekday", language())


def format_long_date(day: date | datetime) -> str:
    """ "Thursday 30 January 2025"."""
    return _format_day(_local_day(day), "long", language())


def _local_day(day: date | datetime) -> date:
    # Aware datetimes for the same instant in different zones are equal and hash alike, so they must never
    # be cache keys: the wall-clock date is what we format.
    return day.date() if isinstance(day, datetime) else day


@lru_cache(maxsize=16384)
def _format_day(day: date, kind: str, language: str) -> str:
    if language == "en":
        return babel_format_date(day, _ENGLISH_PATTERNS[kind], locale=language)
    pattern = _CLDR_FORMATS[kind]
    if pattern in ("MMMd", "yMMMM"):
        return format_skeleton(pattern, day, locale=language)
    return babel_format_date(day, pattern, locale=language)


def local_date(instant: datetime, zone: str) -> str:
    """The instant's date in the zone: "30 January 2025"."""
    return format_date(to_zone(instant, zone))


def in_zone(instant: datetime, zone: str) -> str:
    """An instant as a date and time in a zone: "30 January 2025, 3:00 PM EST" (the |in_zone filter)."""
    local = to_zone(instant, zone)
    return f"{format_date(local)}, {format_time(local)} {local.tzname()}"


def date_and_time(instant: datetime, zone: str) -> str:
    """An instant in the zone for a sentence that names the zone itself: "30 January 2025 3:00 PM"."""
    local = to_zone(instant, zone)
    return f"{format_date(local)} {format_time(local)}"


def spreadsheet_time(instant: datetime, zone: str) -> str:
    """An instant in the zone for a CSV export, where it sorts as text: "2025-01-30 15:00 EST"."""
    local = to_zone(instant, zone)
    return f"{local:%Y-%m-%d %H:%M} {local.tzname()}"


def format_time(local: datetime) -> str:
    """ "3:00 PM"."""
    return _format_clock(local.hour, local.minute, language())


@lru_cache(maxsize=4096)
def _format_clock(hour: int, minute: int, language: str) -> str:
    # The pattern shows only the wall-clock hour and minute, so those (and the language) are the whole key.
    return babel_format_time(time(hour, minute), "h:mm a" if language == "en" else "short", locale=language)


# Babel's formatting is slow and a list page shows the same ranges on every request. The key holds the zone,
# so equal instants named in different zones cannot share an entry.
def time_range(starts_at: datetime, ends_at: datetime, zone: str) -> str:
    """ "3:00 PM – 4:00 PM Eastern Standard Time, North America [UTC -5]" in the given zone.

    An end on a later local day says so ("11:00 PM – 12:30 AM the next day ..."). When the two ends fall
    under different offsets (across a clock change, such as 1:30 – 2:30 AM on a fall-back night), each end
    carries its own label, so neither reads an hour off."""
    return _time_range(starts_at, ends_at, zone, language())


@lru_cache(maxsize=16384)
def _time_range(starts_at: datetime, ends_at: datetime, zone: str, language: str) -> str:
    # The language is only the cache's key: the labels below read the same one.
    start, end = to_zone(starts_at, zone), to_zone(ends_at, zone)
    days = (end.date() - start.date()).days
    if days == 0:
        end_text = format_time(end)
    elif days == 1:
        end_text = _("%(time)s the next day", time=format_time(end))
    else:
        end_text = _("%(time)s on %(date)s", time=format_time(end), date=format_date(end))
    if end.utcoffset() != start.utcoffset():
        return f"{format_time(start)} {zone_label(start)} – {end_text} {zone_label(end)}"
    return f"{format_time(start)} – {end_text} {zone_label(start)}"


# Reminder offsets are hours before the start, chosen by the host ([24, 1] by default). From
# TOMORROW_FROM_HOURS up to DAYS_ABOVE_HOURS an offset is "about a day": the reminder goes out on the day
# before for most start times, so it says "tomorrow" rather than "in 20 hours". Longer offsets are counted
# in whole days ("in 2 days" for 48), shorter ones in hours.
TOMORROW_FROM_HOURS = 20
DAYS_ABOVE_HOURS = 36


def reminder_when(hours_before: int) -> str:
    """When the event starts, as a reminder sent hours_before ahead says it: "tomorrow", "in 2 days",
    "in 1 hour", "in 3 hours"."""
    if hours_before > DAYS_ABOVE_HOURS:
        days = round(hours_before / 24)
        return ngettext("in %(num)d day", "in %(num)d days", days)
    if hours_before >= TOMORROW_FROM_HOURS:
        return _("tomorrow")
    return ngettext("in %(num)d hour", "in %(num)d hours", hours_before)


def gap_message(naive: datetime, zone: str) -> str:
    """Why a wall-clock time inside a spring-forward gap cannot be saved, and the nearest times that can."""
    before, after = gap_bounds(naive, zone)
    return _(
        "%(time)s does not exist on %(date)s in %(zone)s: the clocks jump forward from %(gap_start)s to "
        "%(gap_end)s. Choose %(before)s or earlier, or %(after)s or later.",
        time=format_time(naive),
        date=format_date(naive),
        zone=zone,
        gap_start=format_time(before + timedelta(minutes=1)),
        gap_end=format_time(after),
        before=format_time(before),
        after=format_time(after),
    )


def fold_message(naive: datetime, zone: str) -> str:
    """Why a wall-clock time in a fall-back fold needs a choice, naming the two offsets it can mean."""
    first, second = fold_offsets(naive, zone)
    return _(
        "%(time)s happens twice on %(date)s in %(zone)s (the clocks go back): first in %(first)s, then in "
        "%(second)s. Choose which one below.",
        time=format_time(naive),
        date=format_date(naive),
        zone=zone,
        first=zone_label(first),
        second=zone_label(second),
    )


def day_shift(instant: datetime, from_zone: str, to_zone_name: str) -> int:
    """How many calendar days later the instant falls in to_zone than in from_zone (-1, 0, 1...)."""
    return (to_zone(instant, to_zone_name).date() - to_zone(instant, from_zone).date()).days


def day_shift_text(days: int) -> str:
    if days == 0:
        return ""
    if days == 1:
        return _("the next day")
    if days == -1:
        return _("the previous day")
    if days > 0:
        return ngettext("%(num)d day later", "%(num)d days later", days)
    return ngettext("%(num)d day earlier", "%(num)d days earlier", -days)


# Offered first in every zone picker: where most of our hosts and registrants are, east to west.
COMMON_ZONES = (
    "America/New_York", "America/Chicago", "America/Denver", "America/Phoenix", "America/Los_Angeles",
    "America/Anchorage", "Pacific/Honolulu", "America/Halifax", "America/St_Johns", "America/Toronto",
    "America/Vancouver", "Europe/London", "Europe/Dublin", "Europe/Paris", "Europe/Berlin", "Asia/Kolkata",
    "Australia/Sydney", "Pacific/Auckland",
)  # fmt: skip


@cache
def canonical_zones() -> tuple[str, ...]:
    """The IANA zones a person picks from: one per region as zone.tab lists them (so America/Chicago, not its
    alias US/Central), plus UTC."""
    return tuple(sorted({zone for zones in pytz.country_timezones.values() for zone in zones} | {"UTC"}))


@cache
def zone_groups() -> list[tuple[str, list[tuple[str, str]]]]:
    """Every canonical zone for a picker, each once: [("Common", [("America/New_York", "New York"), ...]),
    ("UTC", [("UTC", "UTC")]), ("Africa", [...]), ...]. The common ones first, then the rest by area."""
    groups: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for zone in canonical_zones():
        area, _, place = zone.partition("/")
        if zone in COMMON_ZONES:
            continue
        if not place:
            groups["UTC"].append((zone, zone))
            continue
        groups[area].append((zone, place.replace("_", " ").replace("/", " – ")))
    common = [(zone, zone.partition("/")[2].replace("_", " ")) for zone in COMMON_ZONES]
    return [("Common", common), ("UTC", groups.pop("UTC", []))] + sorted(groups.items())


def transitions(zone: str, after: datetime, before: datetime) -> list[datetime]:
    """The UTC instants at which the zone's offset changes between two instants."""
    tz = pytz.timezone(zone)
    times = getattr(tz, "_utc_transition_times", [])
    return [pytz.utc.localize(t) for t in times if after <= pytz.utc.localize(t) < before]


def next_transition(zone: str, after: datetime) -> datetime | None:
    found = transitions(zone, after, after + timedelta(days=400))
    return found[0] if found else None


def to_utc_choosing(naive: datetime, zone: str, *, first: bool) -> datetime:
    """Like to_utc for a wall-clock time that happens twice: first=True takes the earlier instant."""
    return pytz.timezone(zone).localize(naive, is_dst=first).astimezone(pytz.utc)


def occurrence(instant: datetime, zone: str) -> str | None:
    """Which of the two instants a repeated wall-clock time can mean this one is: "first" or "second" (as
    to_utc_choosing takes them), or None when its wall-clock time in the zone happens only once."""
    if not is_repeated(instant, zone):
        return None
    local = to_zone(instant, zone).replace(tzinfo=None)
    return "first" if to_utc_choosing(local, zone, first=True) == instant else "second"


def length_text(starts_at: datetime, ends_at: datetime) -> str:
    """How long an event lasts, counted between its instants (so a clock change inside it is not counted):
    "1 hour", "45 minutes", "1 hour 30 minutes", "2 days 3 hours"."""
    minutes = int((ends_at - starts_at).total_seconds() // 60)
    days, minutes = divmod(minutes, 24 * 60)
    hours, minutes = divmod(minutes, 60)
    parts = [
        ngettext("%(num)d day", "%(num)d days", days) if days else "",
        ngettext("%(num)d hour", "%(num)d hours", hours) if hours else "",
        ngettext("%(num)d minute", "%(num)d minutes", minutes) if minutes else "",
    ]
    return " ".join(part for part in parts if part) or ngettext("%(num)d minute", "%(num)d minutes", 0)


def gap_bounds(naive: datetime, zone: str) -> tuple[datetime, datetime]:
    """For a wall-clock time inside a spring-forward gap: the last valid local minute before the gap
    and the first one after it (1:59 AM and 3:00 AM for 2:30 AM in New York on 9 March 2025)."""
    tz = pytz.timezone(zone)
    instant = tz.localize(naive, is_dst=False).astimezone(pytz.utc)  # pytz projects it past the gap
    change = max(t for t in transitions(zone, instant - timedelta(days=1), instant + timedelta(days=1)) if t <= instant)
    return to_zone(change - timedelta(minutes=1), zone), to_zone(change, zone)


def fold_offsets(naive: datetime, zone: str) -> tuple[datetime, datetime]:
    """The two instants (as local aware datetimes) a fall-back wall-clock time can mean, earlier first."""
    tz = pytz.timezone(zone)
    return tz.localize(naive, is_dst=True), tz.localize(naive, is_dst=False)


def short_zone_label(local: datetime) -> str:
    """A few characters naming the zone at that instant, for a narrow place (a month view's cell): CLDR's
    English abbreviation where it has one ("EST", "PDT", "GMT"; each names one zone there), else the offset
    ("UTC +5:30"), never a made-up "IST" that readers in three countries would take for their own."""
    metazone = get_global("meta_zones").get(_cldr_zone(local.tzinfo.zone))
    if metazone:
        variant = "daylight" if local.dst() else "standard"
        short = Locale.parse(language()).meta_zones.get(metazone, {}).get("short", {}).get(variant)
        if short and short != "∅∅∅":
            return short
    return offset_label(local)
