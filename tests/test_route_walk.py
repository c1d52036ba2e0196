"""Every route, with every method it accepts, signed in and not, given hostile values in each path segment,
query parameter and form field, answers below 500. Runs on SQLite and on PostgreSQL, which refuses more."""

import io
import logging
import re
from datetime import date, time, timedelta
from urllib.parse import quote

import pytest
import sqlalchemy as sa
from wtforms.fields.core import UnboundField

from eventreg.api import cursors
from eventreg.api import forms as api_forms
from eventreg.api import operations as api_operations
from eventreg.attendance import forms as attendance_forms
from eventreg.attendance.models import AttendanceImport
from eventreg.certificates import forms as certificate_forms
from eventreg.certificates.models import Certificate
from eventreg.core.extensions import db
from eventreg.embeds import forms as embed_forms
from eventreg.events.models import Event
from eventreg.hosts import forms as host_forms
from eventreg.messages import forms as message_forms
from eventreg.messages import operations as message_operations
from eventreg.questions import forms as question_forms
from eventreg.questions import operations as question_operations
from eventreg.questions.models import QuestionType
from eventreg.registrations import forms as registration_forms
from eventreg.registrations import tokens
from eventreg.registrations.models import PersonalFeed, Registration
from eventreg.series import operations as series_operations
from eventreg.series import rules as series_rules
from eventreg.transcripts import forms as transcript_forms
from eventreg.transcripts import tokens as transcript_tokens
from eventreg.webhooks import forms as webhook_forms
from eventreg.webhooks import operations as webhook_operations
from tests.events import races

HOSTILE = {
    "nul": "a\x00b",
    "invalid utf-8": b"\xff\xfe\xc3(".decode("latin-1"),  # sent as raw bytes below
    "huge": "9223372036854775807",
    "huger": "99999999999999999999999999",
    "negative": "-9223372036854775809",
    "10 kB": "x" * 10_000,
    "5,000 digits": "9" * 5_000,  # int() refuses more than 4,300 digits with a ValueError
}
# Bodies sent to every API write route, as a read-write token's holder may: never a 5xx nor a logged error.
HOSTILE_JSON = {
    "lone surrogate": '{"title": "\\ud800", "name": "\\ud800", "email": "\\ud800", "slug": "\\ud800"}',
    "surrogate key": '{"\\udfff": 1}',
    "NUL": '{"title": "a\\u0000b", "name": "a\\u0000b", "organization": "a\\u0000b"}',
    "50,000 deep": "[" * 50_000 + "]" * 50_000,
    "deep field": '{"title": ' + "[" * 50_000 + "]" * 50_000 + "}",
    "5,000 digits": '{"capacity": %s, "minutes": %s, "credit_min_minutes": %s}' % (("9" * 5_000,) * 3),
    "NaN": '{"capacity": NaN, "minutes": Infinity}',
    "not UTF-8": b'{"title": "\xff\xfe"}',
}
QUERY_PARAMETERS = ("q", "topic", "page", "sort", "tz", "next", "event_id", "status", "start", "end", "limit", "theme")


def form_field_names() -> set[str]:
    """Every field any of our forms reads."""
    names = {"csrf_token"}
    modules = (
        host_forms,
        registration_forms,
        attendance_forms,
        transcript_forms,
        webhook_forms,
        embed_forms,
        certificate_forms,
        api_forms,
        message_forms,
        question_forms,
    )
    for module in modules:
        for value in vars(module).values():
            if isinstance(value, type):
                names |= {name for name, field in vars(value).items() if isinstance(field, UnboundField)}
    return names


def encode(value: str) -> str:
    if value == HOSTILE["invalid utf-8"]:
        return "%FF%FE%C3("
    return quote(value, safe="")


def fill(rule: str, real: dict[str, str], hostile: str | None) -> str:
    """The rule's path with each variable replaced by the hostile value, or by a real one if None."""

    def substitute(match):
        converter, name = match.group(1), match.group(2)
        if converter and converter.startswith("any("):
            return converter[4:].split(",")[0].strip()  # the first action; the other segments carry the test
        if hostile is None:
            return real["topic"] if name == "slug" and rule.startswith("/topics/") else real[name]
        return encode(hostile)

    return re.sub(r"<(?:([^:>]+):)?([^>]+)>", substitute, rule)


@pytest.fixture
def world(app, make_event, make_topic, make_host, register, db_session):
    """One of everything a path can name, so routes are also walked with real segments."""
    host = make_host(admin=True)
    topic = make_topic()
    event = make_event(topics=[topic], capacity=1)
    confirmed = register(event)
    confirmed.attended, confirmed.minutes_attended = True, 50  # so a transcript has a row
    register(event)  # waiting
    imported = AttendanceImport(
        event_id=event.id,
        host_id=host.id,
        filename="r.csv",
        sha256="0" * 64,
        content=b"Email,Minutes\r\n",
        format="generic",
        encoding="UTF-8",
        delimiter=",",
        zone="UTC",
        columns=["Email", "Minutes"],
        columns_key="",
        warnings=[],
        created_at=event.starts_at,
    )
    db_session.add(imported)
    endpoint = webhook_operations.create_endpoint(
        host,
        url="http://127.0.0.1:9/hook",
        event_types=["registration.created"],
        description="",
        allowed=frozenset({"127.0.0.1"}),
        now=event.starts_at,  # refused when sent: the app allows no host
    )
    delivery = webhook_operations.emit_registration("registration.created", confirmed, event.starts_at)[0]
    delivery.failed_at = event.starts_at  # so "Send again" is offered, and taken
    certificate = Certificate(
        registration=confirmed,
        event_id=event.id,
        number="2025-0001-0001",
        name=confirmed.name,
        event_title=event.title,
        contact_hours=1,
        event_starts_at=event.starts_at,
        zone=event.timezone,
        issuer="eventreg",
        issued_at=event.ends_at,
    )
    db_session.add(certificate)
    token, secret = api_operations.create_token(host, name="Walk", can_write=True, now=event.starts_at)
    message = message_operations.schedule(
        event, author=host, audience="confirmed", subject="Slides", body="Hello {first_name}", reply_to=None,
        send_at=event.starts_at - timedelta(hours=1), zone=event.timezone, form_key=None,
        now=event.starts_at - timedelta(days=1),
    )  # fmt: skip
    # A question of each type on the event, so the registration form's fields are walked too (question_<id>);
    # in the host's library, so its pages have a question to name.
    questions = [
        question_operations.create_question(
            question_operations.Definition(kind, kind, required=True, options=["A", "B"], consent_text="I agree"),
            host=host,
            now=event.starts_at,
        )
        for kind in QuestionType.ALL
    ]
    for question in questions:
        question_operations.ask_from_library(event, question, host=host)
    # A course with two draft sessions and contact hours, so the series pages are walked with a real series.
    series = series_operations.create_series(
        host, title="Walk course", kind="course", timezone="America/New_York", now=event.starts_at, contact_hours=2
    )
    pattern = series_rules.Pattern(date(2025, 3, 4), time(15), 60, "America/New_York", 2)
    series_operations.add_sessions(series, series_rules.plan(pattern), host, now=event.starts_at)
    db_session.commit()
    with app.test_request_context():
        signed = tokens.mailed_manage_token(confirmed)
        link = transcript_tokens.transcript_token(confirmed.email)
    feed = db_session.query(PersonalFeed).first()
    real = {
        "slug": event.slug,
        "event_id": str(event.id),
        "registration_id": str(confirmed.id),
        "enrolment_id": str(confirmed.id),  # no enrolment of the series: the decision answers 404
        "signed": signed,
        "token": feed.token,
        "topic": topic.slug,
        "import_id": str(imported.id),
        "link": link,
        "endpoint_id": str(endpoint.id),
        "delivery_id": str(delivery.id),
        "certificate_id": str(certificate.id),
        "code": certificate.grouped_code,
        "token_id": str(token.id),
        "message_id": str(message.id),
        "question_id": str(questions[0].id),
        "series_id": str(series.id),
    }
    return host, real, secret, [f"question_{question.id}" for question in questions]


def test_no_route_gives_a_5xx_to_hostile_input(app, client, login, world, monkeypatch, db_session):
    host, real, secret, question_fields = world
    monkeypatch.setitem(app.config, "PROPAGATE_EXCEPTIONS", False)  # a 500 page, counted, instead of a raise
    fields = form_field_names() | set(question_fields)
    failures = []
    # Signing out last, so the signed-in walk stays signed in until then.
    rules = sorted(
        (rule for rule in app.url_map.iter_rules() if rule.endpoint != "static"),
        key=lambda rule: rule.endpoint == "hosts.logout",
    )
    for signed_in in (False, True):
        headers = {}
        if signed_in:  # in a host's session, and with their API token
            login(host)
            assert client.get("/host/").status_code == 200
            headers = {"Authorization": f"Bearer {secret}"}
        for rule in rules:
            for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
                for label, value in HOSTILE.items():
                    data = {name: value for name in fields if value != HOSTILE["invalid utf-8"]}
                    data = data if method == "POST" else None
                    path = fill(rule.rule, real, None)
                    # One parameter at a time: together, the first refused (an unknown topic) hides the rest.
                    urls = [f"{path}?{name}={encode(value)}" for name in QUERY_PARAMETERS]
                    if "<" in rule.rule:
                        urls.append(fill(rule.rule, real, value))
                    for url in urls:
                        db_session.commit()  # an API read records its token's use beside the test's session
                        response = client.open(url, method=method, data=data, headers=headers)
                        if response.status_code >= 500:
                            failures.append(f"{method} {url[:80]} [{label}] signed_in={signed_in}: {response.status}")
    assert not failures, "\n".join(failures)


def test_no_api_route_gives_a_5xx_to_a_hostile_json_body(app, client, world, monkeypatch, db_session, caplog):
    _host, real, secret, _ = world
    monkeypatch.setitem(app.config, "PROPAGATE_EXCEPTIONS", False)
    headers = {"Authorization": f"Bearer {secret}", "Content-Type": "application/json"}
    failures = []
    rules = [rule for rule in app.url_map.iter_rules() if rule.rule.startswith("/api/")]
    writes = [(rule, method) for rule in rules for method in sorted(rule.methods & {"POST", "PUT", "PATCH"})]
    assert len(writes) >= 7  # events create and update, publish, cancel, registrations, cancel, attendance
    with caplog.at_level(logging.ERROR):
        for rule, method in writes:
            for label, body in HOSTILE_JSON.items():
                db_session.commit()
                response = client.open(fill(rule.rule, real, None), method=method, data=body, headers=headers)
                if response.status_code >= 500:
                    failures.append(f"{method} {rule.rule} [{label}]: {response.status}")
    assert not failures, "\n".join(failures)
    assert [record.getMessage() for record in caplog.records if record.levelno >= logging.ERROR] == []


# Well-formed cursors whose dates have no UTC instant (they overflowed in astimezone: issue 28), and one whose
# date does not exist.
EDGE_CURSORS = ("0001-01-01T00:00:00+01:00", "9999-12-31T23:59:59-01:00", "2025-02-30T15:00:00+00:00")


def test_no_api_list_gives_a_5xx_to_a_cursor_at_the_calendars_edge(app, client, world, monkeypatch, caplog):
    _host, real, secret, _ = world
    monkeypatch.setitem(app.config, "PROPAGATE_EXCEPTIONS", False)
    lists = [rule for rule in app.url_map.iter_rules() if rule.rule.startswith("/api/") and "GET" in rule.methods]
    failures = []
    with caplog.at_level(logging.ERROR):
        for rule in lists:
            for instant in EDGE_CURSORS:
                query = {"cursor": cursors.encode(instant, 1)}
                for headers in ({}, {"Authorization": f"Bearer {secret}"}):
                    response = client.get(fill(rule.rule, real, None), query_string=query, headers=headers)
                    if response.status_code >= 500:
                        failures.append(f"GET {rule.rule} cursor={instant}: {response.status}")
    assert not failures, "\n".join(failures)
    assert [record.getMessage() for record in caplog.records if record.levelno >= logging.ERROR] == []


def test_same_titled_events_created_at_once_through_the_editor_and_the_api(
    app, make_host, db_session, clock, editor_form, host_password
):
    """Three hosts in the editor and three with API tokens save "Teen tech week" at the same moment (on PostgreSQL
    every insert waits until all six have checked the slug): every draft is saved, each with its own slug."""
    each = 3
    editors = [make_host(f"editor{n}@library.example.org").email for n in range(each)]
    secrets = []
    for n in range(each):
        host = make_host(f"api{n}@library.example.org")
        secrets.append(api_operations.create_token(host, name="Site", can_write=True, now=clock.now())[1])
    db_session.commit()
    title = "Teen tech week"
    body = {
        "title": title,
        "timezone": "America/New_York",
        "starts_at": "2025-01-30T20:00:00Z",
        "ends_at": "2025-01-30T21:00:00Z",
    }

    def create(n: int) -> int:
        client = app.test_client()  # in this thread, each request has a session and connection of its own
        if n < each:
            signed_in = client.post("/host/login", data={"email": editors[n], "password": host_password})
            assert signed_in.status_code == 303
            return client.post("/host/events/new", data={**editor_form, "title": title}).status_code
        headers = {"Authorization": f"Bearer {secrets[n - each]}"}
        return client.post("/api/v1/host/events", json=body, headers=headers).status_code

    with races.writes_meet(db.engine, "INSERT INTO events", 2 * each):
        statuses = races.run_together(create, 2 * each)
    assert statuses == [303] * each + [201] * each
    db_session.rollback()
    slugs = sorted(db_session.scalars(sa.select(Event.slug).where(Event.title == title)))
    assert slugs == sorted(["teen-tech-week"] + [f"teen-tech-week-{n}" for n in range(2, 2 * each + 1)])
    hosted = db_session.scalars(sa.select(Event).where(Event.title == title))
    assert sorted(h.email for event in hosted for h in event.hosts) == sorted(
        [f"editor{n}@library.example.org" for n in range(each)] + [f"api{n}@library.example.org" for n in range(each)]
    )


# The attendance import's hostile files (issue 28): each through the upload form, and where it is read, its
# preview, a choice of columns and Apply. Every answer is below 500; tests/attendance/test_bounds.py checks
# the wording and the figures.
MINUTES_REPORT = "User Name,Email,Time in Session (minutes)\r\nReader,{email},{minutes}\r\n"
TIMES_REPORT = "Name (Original Name),User Email,Join Time,Leave Time\r\nReader,{email},{joined},{left}\r\n"
HOSTILE_REPORTS = (
    [
        ("report.csv", MINUTES_REPORT.format(email="{email}", minutes=minutes))
        for minutes in ("1e400", "9" * 5000, "99999999999999999999 minutes", "60000", "999:59:59", "20000", "-5")
    ]
    + [
        ("report.csv", TIMES_REPORT.format(email="{email}", joined=joined, left=left))
        for joined, left in (
            ("01/01/0001 12:00 AM", "01/30/2025 03:50 PM"),
            ("01/30/2025 03:00 PM", "12/31/9999 11:59 PM"),
            ("0001-01-01T00:00:00+01:00", "01/30/2025 03:50 PM"),
            ("01/30/2025 03:00 PM", "9999-12-31T23:59:59-01:00"),
            ("01/30/2025 03:00 PM GMT+99:00", "01/30/2025 03:50 PM"),
            ("01/02/0001 12:00 AM GMT+14:00", "01/30/2025 03:50 PM"),
            ("01/01/1951 03:00 PM", "12/30/9998 03:30 PM"),
        )
    ]
    + [
        ("r\x00.csv", MINUTES_REPORT.format(email="{email}", minutes="50")),
        ("a\x00" * 300, MINUTES_REPORT.format(email="{email}", minutes="50")),
        ("generic.csv", "Who,Mail,Minutes\r\nReader,{email},99999999999999999999 minutes\r\n"),
        ("generic.csv", "Who,Mail,Minutes\r\nReader,{email},20000\r\n"),
    ]
)


def test_no_attendance_import_gives_a_5xx_to_hostile_reports(app, client, login, world, clock, monkeypatch, db_session):
    host, real, _, _ = world
    monkeypatch.setitem(app.config, "PROPAGATE_EXCEPTIONS", False)
    event_id = real["event_id"]
    email = db_session.scalar(sa.select(Registration.email).where(Registration.event_id == int(event_id)))
    event = db_session.get(Event, int(event_id))
    clock.set(event.ends_at + timedelta(hours=1))
    login(host)
    failures = []
    columns = {"email": "Mail", "name": "Who", "minutes": "Minutes", "joined": "", "left": ""}
    for name, text in HOSTILE_REPORTS:
        for zone in ("UTC", "Pacific/Kiritimati", "Pacific/Pago_Pago"):
            body = text.format(email=email).encode()
            answers = []
            response = client.post(
                f"/host/events/{event_id}/attendance/import",
                data={"report": (io.BytesIO(body), name), "zone": zone},
                content_type="multipart/form-data",
            )
            answers.append(("upload", response))
            if response.status_code == 303:
                preview = response.headers["Location"]
                answers.append(("preview", client.get(preview)))
                answers.append(("columns", client.post(preview + "/columns", data=columns)))
                answers.append(("apply", client.post(preview + "/apply", data={"mark_absent": "y"})))
            failures += [
                f"{step} {name[:20]!r} {text[60:120]!r} {zone}: {answer.status}"
                for step, answer in answers
                if answer.status_code >= 500
            ]
    assert not failures, "\n".join(failures)
    # Whatever was applied stayed within the window and the database's INTEGER.
    minutes = db_session.scalars(sa.select(Registration.minutes_attended).where(Registration.event_id == event.id))
    assert all(m is None or 0 <= m <= 60 + 240 for m in minutes)
