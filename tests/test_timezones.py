from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import pytz

from eventreg import timezones


def utc(*args) -> datetime:
    return datetime(*args, tzinfo=pytz.utc)


def local(zone: str, *args) -> datetime:
    """The UTC instant of a wall-clock time, computed with zoneinfo as an independent check."""
    return datetime(*args, tzinfo=ZoneInfo(zone)).astimezone(pytz.utc)


@pytest.mark.parametrize(
    ("zone", "start", "minutes", "expected"),
    [
        # Standard and daylight time, named by CLDR.
        ("America/New_York", (2025, 1, 30, 15), 60,
         "3:00 PM – 4:00 PM Eastern Standard Time, North America [UTC -5]"),
        ("America/New_York", (2025, 7, 10, 15), 60,
         "3:00 PM – 4:00 PM Eastern Daylight Time, North America [UTC -4]"),
        # Half-hour and three-quarter-hour zones.
        ("Asia/Kolkata", (2025, 1, 30, 19, 30), 60, "7:30 PM – 8:30 PM India Standard Time, Asia [UTC +5:30]"),
        ("Asia/Kathmandu", (2025, 1, 30, 9), 45, "9:00 AM – 9:45 AM Nepal Time, Asia [UTC +5:45]"),
        ("America/St_Johns", (2025, 1, 30, 11), 60,
         "11:00 AM – 12:00 PM Newfoundland Standard Time, North America [UTC -3:30]"),
        # No DST at all.
        ("Asia/Tokyo", (2025, 7, 1, 10), 60, "10:00 AM – 11:00 AM Japan Standard Time, Asia [UTC +9]"),
        ("UTC", (2025, 7, 1, 10), 60, "10:00 AM – 11:00 AM Coordinated Universal Time [UTC +0]"),
        # Southern hemisphere: daylight time in January.
        ("Australia/Adelaide", (2025, 1, 30, 10), 60,
         "10:00 AM – 11:00 AM Australian Central Daylight Time, Oceania [UTC +10:30]"),
        ("America/Sao_Paulo", (2025, 1, 30, 10), 60,
         "10:00 AM – 11:00 AM Brasilia Standard Time, South America [UTC -3]"),
        # The DST change days themselves (US: 9 March and 2 November 2025), in the afternoon.
        ("America/New_York", (2025, 3, 9, 15), 60, "3:00 PM – 4:00 PM Eastern Daylight Time, North America [UTC -4]"),
        ("America/New_York", (2025, 11, 2, 15), 60, "3:00 PM – 4:00 PM Eastern Standard Time, North America [UTC -5]"),
        ("Europe/Berlin", (2025, 3, 30, 15), 60,
         "3:00 PM – 4:00 PM Central European Summer Time, Europe [UTC +2]"),
        # Spanning midnight.
        ("America/Los_Angeles", (2025, 1, 30, 23), 90,
         "11:00 PM – 12:30 AM the next day Pacific Standard Time, North America [UTC -8]"),
        # Either side of the date line.
        ("Pacific/Kiritimati", (2025, 1, 30, 9), 60, "9:00 AM – 10:00 AM Line Islands Time, Oceania [UTC +14]"),
        ("Pacific/Pago_Pago", (2025, 1, 30, 9), 60,
         "9:00 AM – 10:00 AM American Samoa Standard Time, Oceania [UTC -11]"),
    ],
)  # fmt: skip
def test_time_range_reads_in_the_events_zone(zone, start, minutes, expected):
    starts_at = local(zone, *start)
    assert timezones.time_range(starts_at, starts_at + timedelta(minutes=minutes), zone) == expected


def test_time_range_across_the_spring_forward_hour_keeps_real_duration():
    # 1:30 AM EST + 1 hour is 3:30 AM EDT: 2:30 never happens in New York that night.
    starts_at = local("America/New_York", 2025, 3, 9, 1, 30)
    line = timezones.time_range(starts_at, starts_at + timedelta(hours=1), "America/New_York")
    # ... and 3:30 AM is daylight time: each end is labelled with its own offset.
    assert line == (
        "1:30 AM Eastern Standard Time, North America [UTC -5] – 3:30 AM Eastern Daylight Time, North America [UTC -4]"
    )


def test_event_at_eleven_pm_in_new_york_is_the_next_day_in_berlin():
    starts_at = local("America/New_York", 2025, 1, 30, 23)
    assert timezones.day_shift(starts_at, "America/New_York", "Europe/Berlin") == 1
    assert timezones.day_shift_text(1) == "the next day"
    berlin = timezones.to_zone(starts_at, "Europe/Berlin")
    assert timezones.format_long_date(berlin) == "Friday 31 January 2025"


def test_same_clock_time_either_side_of_the_date_line_is_a_day_apart():
    starts_at = local("Pacific/Kiritimati", 2025, 1, 30, 9)
    assert timezones.day_shift(starts_at, "Pacific/Kiritimati", "Pacific/Honolulu") == -1
    assert timezones.format_time(timezones.to_zone(starts_at, "Pacific/Honolulu")) == "9:00 AM"
    assert timezones.day_shift_text(-1) == "the previous day"


def test_to_utc_refuses_a_time_in_the_spring_forward_gap():
    with pytest.raises(timezones.NonExistentTimeError):
        timezones.to_utc(datetime(2025, 3, 9, 2, 30), "America/New_York")  # noqa: DTZ001


def test_to_utc_refuses_a_time_that_happens_twice_at_fall_back():
    with pytest.raises(timezones.AmbiguousTimeError):
        timezones.to_utc(datetime(2025, 11, 2, 1, 30), "America/New_York")  # noqa: DTZ001


@pytest.mark.parametrize(
    ("zone", "wall", "expected"),
    [
        ("America/New_York", (2025, 1, 30, 15), utc(2025, 1, 30, 20)),
        ("America/New_York", (2025, 7, 10, 15), utc(2025, 7, 10, 19)),
        ("Asia/Kolkata", (2025, 1, 30, 19, 30), utc(2025, 1, 30, 14)),
        ("Pacific/Kiritimati", (2025, 1, 1, 0), utc(2024, 12, 31, 10)),
        ("Pacific/Chatham", (2025, 1, 30, 12), utc(2025, 1, 29, 22, 15)),
    ],
)
def test_to_utc_matches_zoneinfo(zone, wall, expected):
    result = timezones.to_utc(datetime(*wall), zone)  # noqa: DTZ001
    assert result == expected == local(zone, *wall)
    assert result.tzinfo is pytz.utc


def test_to_utc_takes_only_naive_wall_clock_times():
    with pytest.raises(ValueError, match="naive"):
        timezones.to_utc(utc(2025, 1, 1), "America/New_York")


def test_zone_names_come_from_cldr_even_for_renamed_zones():
    # CLDR files Kolkata under its old name Calcutta; we must still find "India Standard Time".
    assert timezones.zone_name(timezones.to_zone(utc(2025, 1, 1), "Asia/Kolkata")) == "India Standard Time"
    assert timezones.zone_name(timezones.to_zone(utc(2025, 1, 1), "Europe/Kyiv")) == "Eastern European Standard Time"


@pytest.mark.parametrize(
    ("zone", "region"),
    [
        ("America/New_York", "North America"),
        ("America/Mexico_City", "North America"),
        ("America/Argentina/Buenos_Aires", "South America"),
        ("Europe/Lisbon", "Europe"),
        ("Africa/Nairobi", "Africa"),
        ("Asia/Kolkata", "Asia"),
        ("Australia/Perth", "Oceania"),
        ("Atlantic/Azores", "Atlantic Ocean"),
        ("UTC", None),
    ],
)
def test_region_names(zone, region):
    assert timezones.region_name(zone) == region


def test_offset_labels():
    assert timezones.offset_label(timezones.to_zone(utc(2025, 1, 1), "America/New_York")) == "UTC -5"
    assert timezones.offset_label(timezones.to_zone(utc(2025, 1, 1), "Asia/Kolkata")) == "UTC +5:30"
    assert timezones.offset_label(timezones.to_zone(utc(2025, 1, 1), "America/St_Johns")) == "UTC -3:30"
    assert timezones.offset_label(timezones.to_zone(utc(2025, 1, 1), "UTC")) == "UTC +0"


def test_zone_groups_offer_each_canonical_zone_once_with_the_common_ones_first():
    groups = timezones.zone_groups()
    zones = [zone for _, group in groups for zone, _ in group]
    assert len(zones) == len(set(zones))
    assert set(zones) == set(timezones.canonical_zones())
    assert "America/Chicago" in zones
    assert not {"US/Central", "US/Eastern", "Canada/Pacific", "GMT"} & set(zones)  # aliases of listed zones
    assert set(zones) < set(pytz.common_timezones)
    assert groups[0][0] == "Common"
    assert groups[0][1][:2] == [("America/New_York", "New York"), ("America/Chicago", "Chicago")]
    assert groups[1] == ("UTC", [("UTC", "UTC")])


def test_is_valid_zone():
    assert timezones.is_valid_zone("Europe/Berlin")
    assert not timezones.is_valid_zone("Mars/Olympus_Mons")
    assert not timezones.is_valid_zone("")
    assert not timezones.is_valid_zone(None)


def test_next_transition_finds_the_us_spring_change():
    change = timezones.next_transition("America/New_York", utc(2025, 1, 1))
    assert change == utc(2025, 3, 9, 7)


def test_format_date_and_time():
    moment = timezones.to_zone(utc(2025, 1, 30, 20), "America/New_York")
    assert timezones.format_date(moment) == "30 January 2025"
    assert timezones.format_time(moment) == "3:00 PM"


@pytest.mark.parametrize(
    ("zone", "start", "first", "minutes", "expected"),
    [
        # 1:30 – 2:30 AM on the US fall-back night: the first 1:30 is daylight time, 2:30 is standard (two hours).
        ("America/New_York", (2027, 11, 7, 1, 30), True, 120,
         "1:30 AM Eastern Daylight Time, North America [UTC -4] – "
         "2:30 AM Eastern Standard Time, North America [UTC -5]"),
        # The second 1:30 is standard time like 2:30: one label says it.
        ("America/New_York", (2027, 11, 7, 1, 30), False, 60,
         "1:30 AM – 2:30 AM Eastern Standard Time, North America [UTC -5]"),
        # Lord Howe goes back half an hour.
        ("Australia/Lord_Howe", (2027, 4, 4, 1, 45), True, 30,
         "1:45 AM Lord Howe Daylight Time, Oceania [UTC +11] – 1:45 AM Lord Howe Standard Time, Oceania [UTC +10:30]"),
    ],
)  # fmt: skip
def test_time_range_labels_each_end_with_its_own_offset_across_a_fall_back(zone, start, first, minutes, expected):
    starts_at = timezones.to_utc_choosing(datetime(*start), zone, first=first)  # noqa: DTZ001 - wall clock
    assert timezones.time_range(starts_at, starts_at + timedelta(minutes=minutes), zone) == expected


@pytest.mark.parametrize(
    ("zone", "wall"),
    [
        ("America/New_York", (2027, 11, 7, 1, 30)),
        ("Europe/London", (2027, 10, 31, 1, 30)),
        ("Australia/Lord_Howe", (2027, 4, 4, 1, 45)),  # a half-hour fold
        ("Asia/Almaty", (2024, 2, 29, 23, 30)),  # Kazakhstan moved from UTC+6 to +5 for good: no DST rule
        ("Europe/Volgograd", (2020, 12, 27, 1, 30)),  # back from +4 to Moscow time, no DST either
    ],
)
def test_is_repeated_finds_both_occurrences_of_a_folded_time_and_nothing_else(zone, wall):
    first = timezones.to_utc_choosing(datetime(*wall), zone, first=True)  # noqa: DTZ001 - wall clock
    second = timezones.to_utc_choosing(datetime(*wall), zone, first=False)  # noqa: DTZ001
    assert second > first  # pytz tells the two apart even where neither side is daylight time
    assert first.astimezone(ZoneInfo(zone)).utcoffset() == first.astimezone(pytz.timezone(zone)).utcoffset()
    assert timezones.is_repeated(first, zone)
    assert timezones.is_repeated(second, zone)
    assert not timezones.is_repeated(first - timedelta(hours=2), zone)
    assert not timezones.is_repeated(second + timedelta(hours=2), zone)


@pytest.mark.parametrize(
    ("instant", "expected"),
    [
        (datetime(2025, 11, 2, 5, 30, tzinfo=pytz.utc), "first"),  # 1:30 AM EDT
        (datetime(2025, 11, 2, 6, 30, tzinfo=pytz.utc), "second"),  # 1:30 AM EST
        (datetime(2025, 11, 2, 7, 30, tzinfo=pytz.utc), None),  # 2:30 AM EST happens once
        (datetime(2025, 11, 2, 4, 30, tzinfo=pytz.utc), None),  # 0:30 AM EDT
    ],
)
def test_occurrence_says_which_of_a_repeated_times_instants_it_is(instant, expected):
    assert timezones.occurrence(instant, "America/New_York") == expected
    if expected:
        local = timezones.to_zone(instant, "America/New_York").replace(tzinfo=None)
        assert timezones.to_utc_choosing(local, "America/New_York", first=expected == "first") == instant


@pytest.mark.parametrize(
    ("minutes", "text"),
    [
        (60, "1 hour"),
        (45, "45 minutes"),
        (90, "1 hour 30 minutes"),
        (1, "1 minute"),
        (3 * 24 * 60 + 61, "3 days 1 hour 1 minute"),
    ],
)
def test_length_text_counts_between_instants(minutes, text):
    start = datetime(2025, 11, 2, 5, 30, tzinfo=pytz.utc)
    assert timezones.length_text(start, start + timedelta(minutes=minutes)) == text


@pytest.mark.parametrize(
    ("language", "zone", "start", "minutes", "expected"),
    [
        ("es", "America/New_York", (2025, 1, 30, 15), 60,
         "15:00 – 16:00 hora estándar oriental, América del Norte [UTC -5]"),
        ("fr", "America/New_York", (2025, 7, 10, 15), 60,
         "15:00 – 16:00 heure d’été de l’Est nord-américain, Amérique du Nord [UTC -4]"),
        ("es", "Asia/Kolkata", (2025, 1, 30, 19, 30), 60, "19:30 – 20:30 hora estándar de la India, Asia [UTC +5:30]"),
        ("fr", "Pacific/Kiritimati", (2025, 1, 30, 9), 60,
         "09:00 – 10:00 heure des îles de la Ligne, Océanie [UTC +14]"),
        ("es", "America/New_York", (2025, 1, 30, 23), 90,
         "23:00 – 0:30 del día siguiente hora estándar oriental, América del Norte [UTC -5]"),
    ],
)  # fmt: skip
def test_time_lines_in_spanish_and_french(app, language, zone, start, minutes, expected):
    from eventreg.core.languages import speaking

    starts = local(zone, *start)
    with app.app_context(), speaking(language):
        assert timezones.time_range(starts, starts + timedelta(minutes=minutes), zone) == expected
    # The English line, cached beside it, is unchanged.
    with app.app_context():
        assert timezones.time_range(starts, starts + timedelta(minutes=minutes), zone).endswith("]")
        assert "hora" not in timezones.time_range(starts, starts + timedelta(minutes=minutes), zone)


def test_dates_reminders_and_lengths_in_spanish_and_french(app):
    from eventreg.core.languages import speaking

    day = datetime(2025, 1, 30)  # noqa: DTZ001 - a wall-clock date
    with app.app_context(), speaking("es"):
        assert timezones.format_date(day) == "30 de enero de 2025"
        assert timezones.format_long_date(day) == "jueves, 30 de enero de 2025"
        assert timezones.reminder_when(48) == "en 2 días"
        assert timezones.length_text(utc(2025, 1, 30, 15), utc(2025, 1, 30, 16, 30)) == "1 hora 30 minutos"
    with app.app_context(), speaking("fr"):
        assert timezones.format_date(day) == "30 janvier 2025"
        assert timezones.format_month(2025, 1) == "janvier 2025"
        assert timezones.reminder_when(1) == "dans 1 heure"
        assert timezones.day_shift_text(-1) == "la veille"
    with app.app_context():
        assert timezones.format_date(day) == "30 January 2025"
        assert timezones.reminder_when(48) == "in 2 days"
