"""Merge fields: filled in for each person (times in their own zone, across clock changes and in half-hour zones),
escaped in HTML and safe in the subject header; an unknown field or a stray brace is a clear error, never a 500."""

from datetime import datetime, timedelta

import pytest
import pytz
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from eventreg.messages import merge, notifications
from eventreg.messages.rules import MessageError


def messages_of(text: str, **kwargs) -> list[str]:
    return [error.message for error in merge.problems(text, **kwargs)]


def test_fields_are_filled_in_and_doubled_braces_are_braces():
    parts = merge.parse("Hi {first_name}: {{not a field}} at {event_time}.")
    values = {"first_name": "Ana", "event_time": "3 PM"}
    assert merge.render(parts, values) == "Hi Ana: {not a field} at 3 PM."


@pytest.mark.parametrize(
    ("text", "errors"),
    [
        (
            "Hello {frist_name}",
            ["“{frist_name}” is not a merge field. Use {first_name}, {event_title}, {event_time} or {manage_link}."],
        ),
        ("Hello { First Name }", ["“{ First Name }” is not a merge field: did you mean {first_name}?"]),
        ("Hello {}", ["“{}” is not a merge field. Use {first_name}, {event_title}, {event_time} or {manage_link}."]),
        (
            "Line one\nWe meet at {event_time\nbye",
            [
                "The “{” on line 2 is not closed. Merge fields are written like {first_name}; for a brace itself, "
                "write {{."
            ],
        ),
        (
            "a}\nb\nc {first_name} }",
            ["The “}” on line 1 has no “{” before it. For a brace itself, write }}."] * 1
            + ["The “}” on line 3 has no “{” before it. For a brace itself, write }}."],
        ),  # fmt: skip
        (
            "{event_title.__class__}",
            [
                "“{event_title.__class__}” is not a merge field. Use {first_name}, {event_title}, {event_time} or "
                "{manage_link}."
            ],
        ),  # fmt: skip
    ],
)
def test_unknown_fields_and_stray_braces_are_named(text, errors):
    assert messages_of(text) == errors
    with pytest.raises(MessageError) as raised:
        merge.parse(text)
    assert raised.value.message == errors[0]


def test_the_subject_takes_no_personal_link_and_says_where_it_goes():
    assert messages_of("Your link {manage_link}", allowed=merge.SUBJECT_FIELDS) == [
        "{manage_link} can go in the message, not the subject: each person’s link is theirs alone."
    ]
    assert (
        messages_of("Slides { {", allowed=merge.SUBJECT_FIELDS)
        == ["The “{” is not closed. Merge fields are written like {first_name}; for a brace itself, write {{."] * 2
    )


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from([*"{}ab_ \né", "{first_name}", "{frist}", "{{", "}}"]), max_size=30).map("".join))
def test_any_text_is_either_refused_with_reasons_or_merged(text):
    found = merge.problems(text)
    if found:
        assert all(isinstance(error, MessageError) and error.message for error in found)
        return
    merged = merge.render(merge.parse(text), dict.fromkeys(merge.FIELDS, "X"))
    assert "{first_name}" not in merged.replace("{{", "")  # every field was filled in
    assert str(merge.render_html(merge.parse(text), dict.fromkeys(merge.FIELDS, "<b>"))).count("<b>") == 0


def test_html_escapes_what_the_host_wrote_and_every_value_and_links_the_link():
    parts = merge.parse("Hi {first_name} <i>\n\nYour link: {manage_link}\nbye & thanks")
    values = {"first_name": "<script>alert(1)</script>", "manage_link": "https://x.test/r/a?b=1&c=2"}
    link = "https://x.test/r/a?b=1&amp;c=2"
    assert str(merge.render_html(parts, values)) == (
        "<p>Hi &lt;script&gt;alert(1)&lt;/script&gt; &lt;i&gt;</p>\n"
        f'<p>Your link: <a href="{link}">{link}</a><br>\nbye &amp; thanks</p>'
    )


@pytest.mark.parametrize(
    ("zone", "local_start", "reader_zone", "expected"),
    [
        # New York went to daylight time on 9 March; Berlin had not yet (30 March): five hours apart, not six.
        ("America/New_York", datetime(2025, 3, 10, 15), "Europe/Berlin",  # noqa: DTZ001
         "Monday 10 March 2025, 8:00 PM – 9:00 PM Central European Standard Time, Europe [UTC +1]"),
        # A half-hour zone, past midnight: the reader's own date.
        ("America/New_York", datetime(2025, 3, 10, 15), "Asia/Kolkata",  # noqa: DTZ001
         "Tuesday 11 March 2025, 12:30 AM – 1:30 AM India Standard Time, Asia [UTC +5:30]"),
        # A half-hour zone with daylight time of its own (Adelaide: +10:30 in January).
        ("America/New_York", datetime(2025, 1, 30, 15), "Australia/Adelaide",  # noqa: DTZ001
         "Friday 31 January 2025, 6:30 AM – 7:30 AM Australian Central Daylight Time, Oceania [UTC +10:30]"),
        # No zone of their own: the event's.
        ("Asia/Kolkata", datetime(2025, 2, 10, 19, 30), None,  # noqa: DTZ001
         "Monday 10 February 2025, 7:30 PM – 8:30 PM India Standard Time, Asia [UTC +5:30]"),
        # Across midnight in the reader's zone (the night New York falls back, before it does): the date is theirs.
        ("America/New_York", datetime(2025, 11, 2, 0, 30), "America/Chicago",  # noqa: DTZ001
         "Saturday 1 November 2025, 11:30 PM – 12:30 AM the next day Central Daylight Time, North America [UTC -5]"),
    ],
)  # fmt: skip
def test_event_time_is_in_the_readers_zone_with_the_zone_named(
    make_event, register, zone, local_start, reader_zone, expected
):
    event = make_event(timezone=zone, local_start=local_start)
    registration = register(event, name="Ana Lima", timezone=reader_zone)
    values = notifications.values_for(event, registration, manage_link="https://x.test/r/1")
    assert values["event_time"] == expected
    assert values["first_name"] == "Ana"


def test_a_time_crossing_the_clock_change_in_the_readers_zone_names_both_offsets(make_event, register):
    # 5:30-6:30 UTC on 2 November 2025: New York falls back at 6:00 UTC, so it starts and ends at 1:30 AM there.
    starts_at = datetime(2025, 11, 2, 5, 30, tzinfo=pytz.utc)
    event = make_event(timezone="America/Chicago", starts_at=starts_at, ends_at=starts_at + timedelta(hours=1))
    registration = register(event, timezone="America/New_York")
    assert merge.event_time(event, registration.timezone) == (
        "Sunday 2 November 2025, 1:30 AM Eastern Daylight Time, North America [UTC -4] – "
        "1:30 AM Eastern Standard Time, North America [UTC -5]"
    )


def test_first_name_is_the_first_word_of_the_name():
    assert merge.first_name("Ana Lima") == "Ana"
    assert merge.first_name("  Zoë  Ångström ") == "Zoë"
    assert merge.first_name("王小明") == "王小明"
