"""How a series shows in the catalog: "Part 2 of 4" and a link to its series page in the lists, the month view,
the embed and a session's own page; a course session's page sends registrants to the course."""

import re
from contextlib import contextmanager
from datetime import date

import sqlalchemy as sa

from eventreg.core.extensions import db
from eventreg.events import operations as event_operations
from eventreg.series.models import SeriesKind

PART = re.compile(r"Part (\d) of (\d)")


def series_hrefs(html: str) -> list[str]:
    return re.findall(r'href="(?:https?://[^/"]+)?(/series/[^"]+)"', html)


def parts_in_order(html: str) -> list[str]:
    return [f"{n}/{m}" for n, m in PART.findall(html)]


@contextmanager
def counted_statements():
    statements = []

    def record(conn, cursor, statement, parameters, *args):
        if statement.lstrip().upper().startswith("SELECT"):
            statements.append(statement)

    sa.event.listen(db.engine, "before_cursor_execute", record)
    try:
        yield statements  # (a BEGIN comes or not with the connection's state: only reads are compared)
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", record)


def test_upcoming_list_shows_each_session_as_part_n_of_m_with_the_series_link(client, make_series, make_event, text_of):
    series = make_series()
    make_event(title="A one-off webinar")
    response = client.get("/")
    html, text = response.get_data(as_text=True), text_of(response)
    assert response.status_code == 200
    assert parts_in_order(html) == ["1/4", "2/4", "3/4", "4/4"]
    assert f"Part 2 of 4 · Course: {series.title}" in text.replace("&#39;", "'")
    assert series_hrefs(html).count(f"/series/{series.slug}") >= 4
    # A course session's Register goes to the course (one registration covers all), never to the session's form.
    for session in series.sessions:
        assert f'href="/events/{session.slug}/register"' not in html
    assert html.count("Register for the course") == 4
    # The one-off event keeps its own Register.
    assert "A one-off webinar" in text
    assert "Part 1 of 1" not in text


def test_program_sessions_keep_their_own_register_button(client, make_series):
    series = make_series(SeriesKind.PROGRAM, title="Monthly office hours", count=3)
    html = client.get("/").get_data(as_text=True)
    assert parts_in_order(html) == ["1/3", "2/3", "3/3"]
    assert "Recurring program: " in html
    assert "Register for the course" not in html
    for session in series.sessions:
        assert f'href="/events/{session.slug}/register"' in html


def test_parts_count_published_sessions_only(client, make_series, db_session, clock):
    series = make_series()
    event_operations.cancel_event(series.sessions[1], now=clock.now())
    db_session.flush()
    html = client.get("/").get_data(as_text=True)
    assert parts_in_order(html) == ["1/3", "2/3", "3/3"]  # the cancelled one stays listed, marked, with no part


def test_topic_and_on_demand_lists_show_the_part_too(client, make_series, make_topic, clock, db_session):
    topic = make_topic("advisory", "Readers' advisory")
    series = make_series()
    for session in series.sessions:
        session.topics.append(topic)
    db_session.flush()
    html = client.get(f"/topics/{topic.slug}").get_data(as_text=True)
    assert parts_in_order(html) == ["1/4", "2/4", "3/4", "4/4"]
    clock.advance(days=80)  # all four have passed
    html = client.get("/events/on-demand").get_data(as_text=True)
    assert sorted(parts_in_order(html)) == ["1/4", "2/4", "3/4", "4/4"]
    assert f"/series/{series.slug}" in series_hrefs(html)


def test_list_page_queries_do_not_grow_with_the_number_of_series(client, make_series, db_session):
    make_series(title="First course", count=2)
    db_session.commit()
    with counted_statements() as one:
        assert client.get("/").status_code == 200
    for n in range(4):
        make_series(SeriesKind.PROGRAM if n % 2 else SeriesKind.COURSE, title=f"Course {n}", count=3)
    db_session.commit()
    with counted_statements() as five:
        html = client.get("/").get_data(as_text=True)
    assert len(parts_in_order(html)) == 14
    assert len(five) == len(one)
    # Same for the month view and the embed.
    with counted_statements() as month:
        html = client.get("/month?month=2025-03").get_data(as_text=True)
    assert len(parts_in_order(html)) == 14
    make_series(title="One more", count=2)
    db_session.commit()
    with counted_statements() as month_more:
        client.get("/month?month=2025-03")
    assert len(month_more) == len(month)
    with counted_statements() as embed:
        client.get("/embed/events?limit=20")
    make_series(title="Yet another", count=2)
    db_session.commit()
    with counted_statements() as embed_more:
        client.get("/embed/events?limit=20")
    assert len(embed_more) == len(embed)


def test_month_view_shows_the_part_linking_to_the_series(client, make_series):
    series = make_series()
    html = client.get("/month?month=2025-03").get_data(as_text=True)
    assert parts_in_order(html) == ["1/4", "2/4", "3/4", "4/4"]
    assert series_hrefs(html).count(f"/series/{series.slug}") == 4
    assert f'<span class="visually-hidden"> of {series.title}</span>'.replace("'", "&#39;") in html


def test_embed_shows_the_part_and_an_absolute_series_link_for_the_framing_site(client, make_series, text_of):
    series = make_series()
    response = client.get("/embed/events")
    html = response.get_data(as_text=True)
    assert parts_in_order(html) == ["1/4", "2/4", "3/4", "4/4"]
    assert html.count(f'href="http://eventreg.test/series/{series.slug}" target="_top"') == 4
    assert text_of(response).count("One registration for the whole course") == 4


def test_course_session_page_links_to_the_course_and_has_no_register_button(client, make_series, text_of):
    series = make_series()
    second = series.sessions[1]
    response = client.get(f"/events/{second.slug}")
    html, text = response.get_data(as_text=True), text_of(response)
    assert response.status_code == 200
    assert f"Part 2 of 4 of {series.title}" in text.replace("&#39;", "'")
    assert "This session is part of a course: one registration covers every session." in text
    assert "Register for the course" in text
    assert f'href="/series/{series.slug}"' in html
    assert "/register" not in html
    # The other sessions' dates, each linking to its page (the DST change keeps 3:00 PM local).
    for session in series.sessions:
        if session is not second:
            assert f'href="/events/{session.slug}"' in html
    assert "4 March 2025" in text
    assert "25 March 2025" in text
    assert "3:00 PM – 4:00 PM Eastern Standard Time" in text
    assert "3:00 PM – 4:00 PM Eastern Daylight Time" in text
    assert "(this session)" in text


def test_program_session_page_keeps_its_register_button_and_shows_the_part(client, make_series, text_of):
    series = make_series(SeriesKind.PROGRAM, title="Monthly office hours", count=3, first_day=date(2025, 2, 4))
    session = series.sessions[0]
    response = client.get(f"/events/{session.slug}")
    html = response.get_data(as_text=True)
    assert "Part 1 of 3 of Monthly office hours" in text_of(response)
    assert f'href="/events/{session.slug}/register"' in html
    assert "part of a course" not in html


def test_a_one_off_event_page_says_nothing_of_series(client, make_event, text_of):
    event = make_event(title="Alone")
    html = client.get(f"/events/{event.slug}").get_data(as_text=True)
    assert "Part " not in text_of(client.get(f"/events/{event.slug}"))
    assert "/series/" not in html
    assert f'href="/events/{event.slug}/register"' in html
