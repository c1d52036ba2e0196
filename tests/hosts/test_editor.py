import re
from datetime import datetime, timedelta
from decimal import Decimal
from html.parser import HTMLParser

import pytest
import pytz
import sqlalchemy as sa
from werkzeug.datastructures import MultiDict

from eventreg.events.models import Event, Status
from eventreg.events.operations import EventError
from eventreg.hosts import operations as host_operations
from eventreg.mail import outbox, sending
from eventreg.mail.models import OutboxMessage
from eventreg.registrations.models import Registration

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
    assert 'name="start_occurrence"' in response.get_data(as_text=True)
    assert 'name="end_occurrence"' not in response.get_data(as_text=True)  # 3:00 AM happens once
    assert client.post("/host/events/new", data={**data, "start_occurrence": "second"}).status_code == 303
    assert events(db_session)[0].starts_at == datetime(2025, 11, 2, 6, 30, tzinfo=pytz.utc)
    earlier = client.post("/host/events/new", data={**data, "title": "Earlier", "start_occurrence": "first"})
    assert earlier.status_code == 303
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


def test_editor_sets_contact_hours_and_minimum_minutes_and_shows_them_again(client, make_host, login, db_session):
    login(make_host())
    data = {**FORM, "contact_hours": "1.5", "credit_min_minutes": "50"}
    assert client.post("/host/events/new", data=data).status_code == 303
    (event,) = events(db_session)
    assert (event.contact_hours, event.credit_min_minutes, event.offers_certificate) == (Decimal("1.5"), 50, True)
    html = client.get(f"/host/events/{event.id}/edit").get_data(as_text=True)
    assert re.search(r'id="contact_hours"[^>]*value="1.50"|value="1.50"[^>]*id="contact_hours"', html)
    assert re.search(r'id="credit_min_minutes"[^>]*value="50"|value="50"[^>]*id="credit_min_minutes"', html)
    assert "Now 50 minutes count as attended" in html
    # Emptied: no hours (no certificate offered), and the default minimum again.
    cleared = client.post(f"/host/events/{event.id}/edit", data={**FORM, "contact_hours": "", "credit_min_minutes": ""})
    assert cleared.status_code == 303
    (event,) = events(db_session)
    assert (event.contact_hours, event.credit_min_minutes, event.offers_certificate) == (None, None, False)


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"contact_hours": "0"}, "contact_hours", "Enter contact hours above 0 and at most 999"),
        ({"contact_hours": "-1"}, "contact_hours", "Enter contact hours above 0"),
        ({"contact_hours": "1000"}, "contact_hours", "Enter contact hours above 0"),
        ({"contact_hours": "1.255"}, "contact_hours", "with at most two decimals"),
        ({"contact_hours": "NaN"}, "contact_hours", "Enter contact hours above 0"),
        ({"contact_hours": "1,5"}, "contact_hours", "Not a valid decimal value."),
        ({"credit_min_minutes": "61"}, "credit_min_minutes", "between 0 and 60 minutes (the event&#39;s length)"),
        ({"credit_min_minutes": "-1"}, "credit_min_minutes", "between 0 and 60 minutes"),
        # The minimum is judged against the times in the same form: a shorter event lowers the limit.
        ({"credit_min_minutes": "45", "end_time": "20:00"}, "credit_min_minutes", "between 0 and 30 minutes"),
    ],
)
def test_credit_input_is_refused_on_its_field(client, make_host, login, db_session, changes, field, message):
    login(make_host())
    response = client.post("/host/events/new", data={**FORM, **changes})
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert re.search(rf'<p class="error" id="{field}-error-1">[^<]*{re.escape(message)}', html), html
    assert events(db_session) == []


def test_shortening_an_event_below_its_minimum_is_refused(client, make_host, login, make_event, db_session):
    host = login(make_host())
    event = make_event(timezone="Asia/Kolkata", local_start=datetime(2025, 2, 10, 19, 30), credit_min_minutes=50)  # noqa: DTZ001
    event.hosts = [host]
    db_session.commit()
    form = {**FORM, "credit_min_minutes": "50"}
    response = client.post(f"/host/events/{event.id}/edit", data={**form, "end_time": "20:00"})
    assert response.status_code == 400
    assert "between 0 and 30 minutes" in response.get_data(as_text=True)
    assert client.post(f"/host/events/{event.id}/edit", data={**form, "credit_min_minutes": "25"}).status_code == 303


def test_a_credit_change_mails_nobody_and_an_unchanged_save_changes_nothing(
    client, hosted_event, register, db_session, mailbox, deliver_and_clear, editor_form, clock, text_of
):
    event = hosted_event(join_url=editor_form["join_url"], contact_hours=Decimal("1.5"))
    register(event)
    deliver_and_clear()
    before = (event.updated_at, event.sequence)
    clock.advance(timedelta(minutes=5))
    same = client.post(f"/host/events/{event.id}/edit", data={**editor_form, "contact_hours": "1.50"})
    assert same.status_code == 303
    db_session.expire_all()
    assert (event.updated_at, event.sequence) == before  # nothing moved: no feed or page sees a change
    changed = client.post(
        f"/host/events/{event.id}/edit", data={**editor_form, "contact_hours": "2", "credit_min_minutes": "40"}
    )
    assert changed.status_code == 303
    db_session.expire_all()
    assert (event.contact_hours, event.credit_min_minutes) == (Decimal("2"), 40)
    assert event.updated_at == clock.now()  # the public page's validators move
    assert event.sequence == before[1]  # calendars keep their entry: no time, place or link changed
    db_session.commit()
    outbox.take_queued_ids()
    assert sending.send_pending(clock.now()) == (0, 0)  # whatever the saves queued: nothing, for credit alone
    assert mailbox == []
    assert "Saved." in text_of(client.get(f"/host/events/{event.id}/edit"))


def test_run_it_again_keeps_the_credit_rule(client, make_host, login, make_event, db_session):
    host = login(make_host())
    event = make_event(contact_hours=Decimal("0.75"), credit_min_minutes=40)
    event.hosts = [host]
    db_session.commit()
    assert client.post(f"/host/events/{event.id}/duplicate").status_code == 303
    copy = events(db_session)[-1]
    assert copy.id != event.id
    assert (copy.contact_hours, copy.credit_min_minutes) == (Decimal("0.75"), 40)


def test_the_credit_page_uses_the_editors_rules_and_saves_like_it(client, hosted_event, db_session, clock, text_of):
    event = hosted_event(contact_hours=Decimal("1.5"))
    db_session.commit()
    url = f"/host/events/{event.id}/attendance/credit"
    page = client.get(url)
    assert f'href="/host/events/{event.id}/edit#credit"' in page.get_data(as_text=True)
    refused = client.post(url, data={"min_minutes": "", "contact_hours": "0"})
    assert refused.status_code == 400
    assert "Enter contact hours above 0 and at most 999" in text_of(refused)
    before = event.updated_at
    clock.advance(timedelta(minutes=5))
    assert client.post(url, data={"min_minutes": "", "contact_hours": "1.5"}).status_code == 303
    db_session.expire_all()
    assert event.updated_at == before  # unchanged, as the editor
    assert client.post(url, data={"min_minutes": "30", "contact_hours": "1"}).status_code == 303
    db_session.expire_all()
    assert (event.contact_hours, event.credit_min_minutes, event.updated_at) == (Decimal("1"), 30, clock.now())


def test_every_credit_error_is_said_at_once(client, make_host, login, db_session, text_of):
    login(make_host())
    response = client.post(
        "/host/events/new", data={**FORM, "title": "", "contact_hours": "0", "credit_min_minutes": "90"}
    )
    assert response.status_code == 400
    page = text_of(response)
    for message in ("Please give the event a title.", "Enter contact hours above 0", "between 0 and 60 minutes"):
        assert message in page, message


def test_a_save_with_the_browsers_crlf_line_breaks_changes_nothing_and_a_real_change_is_stored_with_lf(
    client, hosted_event, db_session, editor_form, clock
):
    """Browsers send textareas' line breaks as CRLF; what is stored, and compared, has LF."""
    event = hosted_event(join_url=editor_form["join_url"], summary="Two lines\nof summary.", description="# A\n\n- b")
    db_session.commit()
    before = event.updated_at
    clock.advance(timedelta(minutes=5))
    crlf = {**editor_form, "summary": "Two lines\r\nof summary.", "description": "# A\r\n\r\n- b\r\n"}
    assert client.post(f"/host/events/{event.id}/edit", data=crlf).status_code == 303
    db_session.expire_all()
    assert (event.updated_at, event.summary, event.description) == (before, "Two lines\nof summary.", "# A\n\n- b")
    changed = {**crlf, "description": "# A\r\n\r\n- b\r\n- c\r"}
    assert client.post(f"/host/events/{event.id}/edit", data=changed).status_code == 303
    db_session.expire_all()
    assert (event.updated_at, event.description) == (clock.now(), "# A\n\n- b\n- c")


@pytest.mark.parametrize("action", ["publish", "unpublish"])
def test_a_cancelled_event_is_neither_published_nor_made_a_draft_again(
    client, hosted_event, db_session, clock, text_of, action
):
    """A stale page or a second tab may still post Publish: the event stays cancelled, as the API refuses too."""
    event = hosted_event(status=Status.CANCELLED)
    db_session.commit()
    before = event.updated_at
    clock.advance(timedelta(minutes=5))
    response = client.post(f"/host/events/{event.id}/{action}")
    assert response.status_code == 303
    db_session.expire_all()
    assert (event.status, event.updated_at) == (Status.CANCELLED, before)
    assert "A cancelled event stays cancelled" in text_of(client.get(response.headers["Location"]))


def test_a_save_refused_for_its_slug_promotes_nobody_and_mails_nobody(
    client, hosted_event, make_event, register, editor_form, db_session, mailbox
):
    """Raising the capacity would promote the waiting person; the slug is taken, so the save is refused first."""
    make_event(title="Taken", slug="taken")
    event = hosted_event(capacity=1)
    register(event)
    waiting = register(event)
    db_session.commit()
    queued = db_session.scalar(sa.select(sa.func.count()).select_from(OutboxMessage))
    mailbox.clear()
    response = client.post(f"/host/events/{event.id}/edit", data={**editor_form, "capacity": "5", "slug": "taken"})
    assert response.status_code == 400
    assert "Another event already uses this address" in response.get_data(as_text=True)
    db_session.expire_all()
    assert db_session.get(Registration, waiting.id).is_waiting
    assert db_session.get(Event, event.id).capacity == 1
    assert db_session.scalar(sa.select(sa.func.count()).select_from(OutboxMessage)) == queued
    assert mailbox == []


def test_save_event_refuses_a_taken_slug_before_it_writes(make_host, make_event, register, db_session, clock):
    """The operation itself, with no commit point to roll back: nobody promoted, nothing queued."""
    make_event(title="Taken", slug="taken")
    host = make_host()
    event = make_event(capacity=1)
    register(event)
    waiting = register(event)
    queued = db_session.scalar(sa.select(sa.func.count()).select_from(OutboxMessage))
    fields = {name: getattr(event, name) for name in ("title", "timezone", "starts_at", "ends_at")}
    with pytest.raises(EventError) as refused:
        host_operations.save_event(
            event, host, cohost_emails=[], topics=[], capacity=5, now=clock.now(), slug="taken", **fields
        )
    assert refused.value.code == "slug_taken"
    db_session.flush()
    assert waiting.is_waiting
    assert event.capacity == 1
    assert db_session.scalar(sa.select(sa.func.count()).select_from(OutboxMessage)) == queued


class _EditorForm(HTMLParser):
    """The fields the editor's own form (the one with a title) sends when submitted as the page shows them."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: list[list[tuple[str, str]]] = []
        self.select: str | None = None
        self.options: list[tuple[str, bool]] = []
        self.textarea: str | None = None

    def handle_starttag(self, tag, attrs) -> None:
        a = dict(attrs)
        if tag == "form":
            self.forms.append([])
        elif tag == "input" and a.get("name"):
            kind = a.get("type", "text")
            if kind not in ("radio", "checkbox") or "checked" in a:
                self.forms[-1].append((a["name"], a.get("value") or ("on" if kind == "checkbox" else "")))
        elif tag == "select":
            self.select, self.options = a["name"], []
        elif tag == "option" and self.select:
            self.options.append((a.get("value", ""), "selected" in a))
        elif tag == "textarea":
            self.textarea = a["name"]
            self.forms[-1].append((self.textarea, ""))

    def handle_data(self, data) -> None:
        if self.textarea:
            name, text = self.forms[-1][-1]
            self.forms[-1][-1] = (name, text + data)

    def handle_endtag(self, tag) -> None:
        if tag == "select":
            chosen = [value for value, selected in self.options if selected] or [self.options[0][0]]
            self.forms[-1].extend((self.select, value) for value in chosen)
            self.select = None
        elif tag == "textarea":
            name, text = self.forms[-1][-1]
            self.forms[-1][-1] = (name, text.removeprefix("\n"))  # the newline after <textarea> is not content
            self.textarea = None


def submitted_fields(html: str) -> MultiDict:
    parser = _EditorForm()
    parser.feed(html)
    (fields,) = [form for form in parser.forms if any(name == "title" for name, _ in form)]
    return MultiDict(fields)


def columns(event: Event) -> dict:
    return {column.key: getattr(event, column.key) for column in sa.inspect(Event).column_attrs}


FALL_BACK_1_30 = {
    "first": datetime(2025, 11, 2, 5, 30, tzinfo=pytz.utc),
    "second": datetime(2025, 11, 2, 6, 30, tzinfo=pytz.utc),
}


@pytest.mark.parametrize("occurrence", ["first", "second"])
def test_an_event_in_a_repeated_hour_saved_again_with_a_new_title_keeps_its_times_and_mails_nobody(
    client, hosted_event, register, db_session, clock, mailbox, deliver_and_clear, text_of, occurrence
):
    """1:30 AM on the New York fall-back night happens twice. Opened in the editor, the stored one is chosen
    already (start, end and closing time each), so fixing the title moves nothing and tells nobody."""
    starts_at = FALL_BACK_1_30[occurrence]
    event = hosted_event(
        timezone="America/New_York",
        starts_at=starts_at,
        duration=timedelta(hours=1),
        registration_deadline_at=starts_at - timedelta(minutes=10),
    )
    register(event)
    deliver_and_clear()
    before = columns(event)
    clock.advance(timedelta(minutes=5))

    page = client.get(f"/host/events/{event.id}/edit")
    fields = submitted_fields(page.get_data(as_text=True))
    assert (fields["start_time"], fields["end_time"], fields["deadline_time"]) == (
        "01:30",
        "01:30" if occurrence == "first" else "02:30",
        "01:20",
    )
    assert fields["start_occurrence"] == occurrence
    assert fields.get("end_occurrence") == ("second" if occurrence == "first" else None)  # 2:30 AM happens once
    assert fields["deadline_occurrence"] == occurrence
    fields["title"] = "Hiring for cultural knowledge"
    response = client.post(f"/host/events/{event.id}/edit", data=fields)
    assert response.status_code == 303, text_of(response)

    db_session.expire_all()
    after = columns(event)
    assert (after.pop("title"), after.pop("updated_at")) == ("Hiring for cultural knowledge", clock.now())
    del before["title"], before["updated_at"]
    assert after == before  # the instants exactly, and the SEQUENCE calendars compare
    db_session.commit()
    outbox.take_queued_ids()
    assert sending.send_pending(clock.now()) == (0, 0)
    assert mailbox == []
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    assert re.findall(r'<p class="flash[^"]*"[^>]*>(.*?)</p>', html) == ["Saved."]  # and no word of mail


def test_the_editor_shows_the_stored_times_their_length_and_the_hosts_own_time(
    client, hosted_event, make_host, db_session, text_of
):
    event = hosted_event(
        host=make_host(timezone="Europe/Berlin"),
        timezone="America/New_York",
        starts_at=FALL_BACK_1_30["first"],
        duration=timedelta(hours=1),
    )
    db_session.commit()
    page = text_of(client.get(f"/host/events/{event.id}/edit"))
    assert (
        "Saved as 2 November 2025, 1:30 AM Eastern Daylight Time, North America [UTC -4] – 1:30 AM Eastern Standard "
        "Time, North America [UTC -5]; it lasts 1 hour. Your time (Europe/Berlin): 6:30 AM – 7:30 AM Central "
        "European Standard Time, Europe [UTC +1], Sunday 2 November 2025."
    ) in page
    # A visitor zone the host chose on the public pages is their own time too.
    client.get("/?tz=Asia/Kolkata")
    page = text_of(client.get(f"/host/events/{event.id}/edit"))
    assert "Your time (Asia/Kolkata): 11:00 AM – 12:00 PM India Standard Time, Asia [UTC +5:30]" in page


def test_an_event_may_run_from_the_first_to_the_second_occurrence_of_a_repeated_time(
    client, make_host, login, db_session, text_of
):
    login(make_host())
    data = {
        **FORM,
        "timezone": "America/New_York",
        "start_date": "2025-11-02",
        "start_time": "01:30",
        "end_time": "01:30",
    }
    asked = client.post("/host/events/new", data=data)
    assert asked.status_code == 400
    html = asked.get_data(as_text=True)
    assert 'name="start_occurrence"' in html
    assert 'name="end_occurrence"' in html
    assert 'name="deadline_occurrence"' not in html  # no closing time was entered
    same = client.post("/host/events/new", data={**data, "start_occurrence": "first", "end_occurrence": "first"})
    assert same.status_code == 400
    assert "The event must end after it starts." in text_of(same)
    response = client.post("/host/events/new", data={**data, "start_occurrence": "first", "end_occurrence": "second"})
    assert response.status_code == 303
    (event,) = events(db_session)
    assert (event.starts_at, event.ends_at) == (FALL_BACK_1_30["first"], FALL_BACK_1_30["second"])
    assert "it lasts 1 hour" in text_of(client.get(response.headers["Location"]))
