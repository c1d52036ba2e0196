"""Shared fixtures: a real database built by the real migrations, a settable clock, factories.

Every database-backed test runs on SQLite, and again on PostgreSQL when EVENTREG_TEST_DATABASE_URL
is set (CI always sets it)."""

import email.policy
import os
import re
import shutil
import socket
import subprocess
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.parser import BytesParser

import flask_migrate
import pytest
import pytz
import sqlalchemy as sa
from aiosmtpd.controller import Controller

from eventreg import create_app
from eventreg.clock import FixedClock
from eventreg.core.config import normalise_database_url
from eventreg.core.extensions import db
from eventreg.events import operations
from eventreg.events.models import Event, Status

# A Wednesday in January: New York is on standard time (UTC-5).
DEFAULT_NOW = datetime(2025, 1, 15, 17, tzinfo=pytz.utc)
BASE_POSTGRES_URL = os.environ.get("EVENTREG_TEST_DATABASE_URL")
# Under pytest-xdist (make test runs one worker per core) each worker has a PostgreSQL database of its own,
# named after the configured one ("test" gives "test_gw0", "test_gw1"), made on the same server when missing.
WORKER = os.environ.get("PYTEST_XDIST_WORKER")
POSTGRES_URL = BASE_POSTGRES_URL
if BASE_POSTGRES_URL and WORKER:
    _base = sa.engine.make_url(normalise_database_url(BASE_POSTGRES_URL))
    POSTGRES_URL = _base.set(database=f"{_base.database}_{WORKER}").render_as_string(hide_password=False)
DATABASES = ["sqlite"] + (["postgresql"] if POSTGRES_URL else [])


def refuse_unless_test_database(url: str) -> None:
    """Raise pytest.UsageError unless the PostgreSQL database `url` names says it is for tests.

    The suite drops and recreates that database's schema (and makes and drops scratch databases named after it),
    so the name must contain "test": test, test_x and eventreg_test pass; eventreg, postgres and production do not."""
    name = sa.engine.make_url(normalise_database_url(url)).database or ""
    if "test" not in name.lower():
        raise pytest.UsageError(
            f"refusing to use the PostgreSQL database {name!r} from EVENTREG_TEST_DATABASE_URL: the tests drop its "
            'schema, so its name must contain "test" (e.g. eventreg_test)'
        )


def pytest_configure(config):
    config.addinivalue_line("markers", "browser: drives a real Chromium through Playwright")
    compile_catalogs()
    if os.environ.get("CI") == "true" and not POSTGRES_URL:
        raise pytest.UsageError("CI=true needs EVENTREG_TEST_DATABASE_URL: the PostgreSQL tests must run in CI")
    if POSTGRES_URL:
        refuse_unless_test_database(BASE_POSTGRES_URL)  # before any test can touch it
        refuse_unless_test_database(POSTGRES_URL)
        if POSTGRES_URL != BASE_POSTGRES_URL:
            create_worker_database(BASE_POSTGRES_URL, POSTGRES_URL)


def compile_catalogs() -> None:
    """Build each catalog's .mo as `make install` does, when it is missing or older than its .po: a bare `pytest`
    then tests the translations the .po files hold, not stale ones (or none)."""
    from pathlib import Path

    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    for po in (Path(__file__).resolve().parent.parent / "eventreg" / "translations").glob("*/LC_MESSAGES/*.po"):
        mo = po.with_suffix(".mo")
        if not mo.exists() or mo.stat().st_mtime < po.stat().st_mtime:
            with po.open("rb") as source:
                catalog = read_po(source)
            with open(f"{mo}.{os.getpid()}", "wb") as target:  # workers may compile at once: write, then rename
                write_mo(target, catalog)
            os.replace(f"{mo}.{os.getpid()}", mo)


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    """In CI a skipped test is a test that did not run: fail the session."""
    skipped = terminalreporter.stats.get("skipped", [])
    if os.environ.get("CI") == "true" and skipped:
        terminalreporter.write_line(f"CI: {len(skipped)} test(s) skipped; every test must run in CI.", red=True)
        terminalreporter._session.exitstatus = pytest.ExitCode.TESTS_FAILED


def create_worker_database(base_url: str, worker_url: str) -> None:
    """Create this worker's database on the server of `base_url`, unless it is already there."""
    name = sa.engine.make_url(worker_url).database
    admin = sa.create_engine(normalise_database_url(base_url), isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            exists = connection.scalar(sa.text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": name})
            if not exists:
                connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
    except sa.exc.OperationalError as error:
        raise pytest.UsageError(f"cannot reach PostgreSQL at {base_url}: {error}") from error
    finally:
        admin.dispose()


def reset_postgres_schema(url: str) -> None:
    refuse_unless_test_database(url)
    engine = sa.create_engine(normalise_database_url(url))
    with engine.begin() as connection:
        connection.execute(sa.text("DROP SCHEMA public CASCADE"))
        connection.execute(sa.text("CREATE SCHEMA public"))
    engine.dispose()


@pytest.fixture(scope="session", params=DATABASES)
def database_kind(request):
    """ "sqlite", then "postgresql" when EVENTREG_TEST_DATABASE_URL is set: each database test runs on each."""
    return request.param


@pytest.fixture(scope="session")
def postgres_url():
    """EVENTREG_TEST_DATABASE_URL (a database named for tests, see pytest_configure); skips the test without it."""
    if not POSTGRES_URL:
        pytest.skip("needs PostgreSQL: set EVENTREG_TEST_DATABASE_URL")
    return POSTGRES_URL


@pytest.fixture(scope="session")
def database_url(database_kind, tmp_path_factory):
    if database_kind == "sqlite":
        return "sqlite:///" + str(tmp_path_factory.mktemp("db") / "test.sqlite")
    try:
        reset_postgres_schema(POSTGRES_URL)
    except sa.exc.OperationalError as error:
        pytest.fail(f"cannot reach PostgreSQL at {POSTGRES_URL}: {error}")
    return POSTGRES_URL


@pytest.fixture(scope="session")
def database_guard():
    """refuse_unless_test_database, for tests of it and for fixtures that make or drop databases of their own."""
    return refuse_unless_test_database


class RecordingHandler:
    """Keeps every message the SMTP server accepts, parsed, noting which connection brought it. Refuses
    recipients whose address starts with "refused" for good (550), as a real server refuses unknown
    mailboxes, and those starting with "deferred" for now (451), as a greylisting or full one does."""

    def __init__(self):
        self.messages: list[EmailMessage] = []
        self.on_message = None  # called with each message before it is accepted, in the server's thread

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.startswith("refused"):
            return "550 5.1.1 No such mailbox"
        if address.startswith("deferred"):
            return "451 4.7.1 Try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        message = BytesParser(policy=email.policy.default).parsebytes(envelope.original_content or envelope.content)
        message["X-Envelope-To"] = ", ".join(envelope.rcpt_tos)
        message["X-Connection"] = f"{session.peer[0]}:{session.peer[1]}"
        if self.on_message:
            self.on_message(message)
        self.messages.append(message)
        return "250 OK"


def unused_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="session")
def free_port():
    """free_port(): a loopback port nothing listens on when asked, e.g. for a server that is down."""
    return unused_port


@pytest.fixture(scope="session")
def smtp_server():
    """A real SMTP server (aiosmtpd) on a loopback port for the whole session."""
    handler = RecordingHandler()
    controller = Controller(handler, hostname="127.0.0.1", port=unused_port())
    controller.start()
    yield controller
    controller.stop()


@pytest.fixture
def mailbox(smtp_server):
    """What the test's SMTP server received during this test."""
    smtp_server.handler.messages.clear()
    yield smtp_server.handler.messages
    smtp_server.handler.on_message = None


@pytest.fixture
def deliver_and_clear(db_session, clock, mailbox):
    """Commit, send everything queued so far, and empty the mailbox: the test then sees only what follows."""
    from eventreg.mail import outbox, sending

    def run():
        db_session.commit()
        outbox.take_queued_ids()
        sending.send_pending(clock.now())
        mailbox.clear()

    return run


@pytest.fixture(scope="session")
def app(database_url, smtp_server, tmp_path_factory):
    app = create_app(
        {
            "TESTING": True,
            "SQLALCHEMY_DATABASE_URI": database_url,
            "SERVER_NAME": "eventreg.test",
            "WTF_CSRF_ENABLED": False,
            "CLOCK": FixedClock(DEFAULT_NOW),
            "SECRET_KEY": "test-secret",
            # Mail only ever goes to the loopback server; the guard below holds every test to that.
            "MAIL_SERVER": "127.0.0.1",
            "MAIL_PORT": smtp_server.port,
            "MAIL_OUTBOX_DIR": str(tmp_path_factory.mktemp("outbox")),
            # Sent before the response, so a test reads the mailbox straight after a request; the production
            # default (a sender thread) has its own tests in tests/mail/test_sending.py.
            "MAIL_DELIVERY": "request",
            "WEBHOOK_DELIVERY": "request",  # the same for webhooks (tests/webhooks has the thread's test)
            "BASE_URL": "http://eventreg.test",
            # Hundreds of registrations from one address are the point of many tests; tests/test_ratelimits.py
            # checks the limits on apps of its own.
            "RATELIMIT_ENABLED": False,
        }
    )
    with app.app_context():
        flask_migrate.upgrade()  # the real migrations build the schema
    yield app
    with app.app_context():
        db.engine.dispose()


@pytest.fixture(autouse=True)
def vobject_reads_each_test_afresh():
    """vobject keeps the first VTIMEZONE it parses for each TZID for the life of the process and reads every later
    calendar naming that TZID by it, so a test's calendar could be read with another test's zone rules (a VTIMEZONE
    covering other years) depending on which tests ran before it in the same worker. Forget them between tests."""
    import vobject.icalendar

    registry = vars(vobject.icalendar)["__tzidMap"]
    registry.clear()
    vobject.icalendar.registerTzid("UTC", vobject.icalendar.utc)


@pytest.fixture(autouse=True)
def mail_stays_on_loopback(request, smtp_server):
    """Fail any test that leaves the app pointed at a mail server other than the test one."""
    yield
    if "app" in request.fixturenames:
        app = request.getfixturevalue("app")
        assert app.config["MAIL_SERVER"] == "127.0.0.1", "a test pointed mail away from the loopback server"


@pytest.fixture
def clock(app):
    clock = app.config["CLOCK"]
    clock.set(DEFAULT_NOW)
    return clock


@pytest.fixture
def db_session(app, clock):
    """db.session in an app context; afterwards every row is deleted, commits and threads included."""
    with app.app_context():
        yield db.session
        db.session.rollback()
        db.session.close()
        with db.engine.begin() as connection:
            for table in reversed(db.metadata.sorted_tables):
                connection.execute(table.delete())


@pytest.fixture
def client(app, db_session):
    return app.test_client()


@pytest.fixture
def make_event(db_session, clock):
    """Create an event; defaults: published, 3:00-4:00 PM New York on 30 January 2025."""

    def make(**fields) -> Event:
        zone = fields.pop("timezone", "America/New_York")
        starts_at = fields.pop("starts_at", None)
        if starts_at is None:
            local = fields.pop("local_start", datetime(2025, 1, 30, 15))  # noqa: DTZ001 - wall-clock time in `zone`
            starts_at = pytz.timezone(zone).localize(local).astimezone(pytz.utc)
        ends_at = fields.pop("ends_at", None) or starts_at + fields.pop("duration", timedelta(hours=1))
        fields.setdefault("status", Status.PUBLISHED)
        fields.setdefault("summary", "A webinar for library staff.")
        fields.setdefault("join_url", "https://meet.example.org/j/secret-room")
        topics = fields.pop("topics", [])
        event = operations.create_event(
            title=fields.pop("title", "Building community connections by hiring for cultural knowledge"),
            starts_at=starts_at,
            ends_at=ends_at,
            timezone=zone,
            now=clock.now(),
            **fields,
        )
        event.topics = topics
        db_session.flush()
        return event

    return make


@pytest.fixture
def make_topic(db_session):
    def make(slug="data-technology", name="Data & technology"):
        return operations.get_or_create_topic(slug, name)

    return make


@pytest.fixture
def register(db_session, clock):
    """Register someone through the real operation (flushed, not committed)."""
    from eventreg.registrations import operations

    counter = iter(range(1, 100_000))

    def make(event, **fields):
        n = next(counter)
        fields.setdefault("name", f"Reader {n}")
        fields.setdefault("email", f"reader{n}@library.example.org")
        fields.setdefault("organization", "Springfield Public Library")
        return operations.register(event, now=fields.pop("now", clock.now()), **fields)

    return make


# What a certificate needs to show a name in any script, and the tests to read it back (`make fonts`).
CERTIFICATE_FONTS = ("Noto Serif", "Noto Naskh Arabic", "Noto Sans Devanagari", "WenQuanYi Micro Hei")
POPPLER_TOOLS = ("pdftotext", "pdftoppm", "pdffonts", "pdfinfo")


@pytest.fixture(scope="session")
def pdf_tools():
    """The certificate fonts and poppler-utils, or a skip saying what is missing; in CI (CI=true) a failure,
    as for Chromium (tests/browser/conftest.py): there every test must run."""
    listed = (
        subprocess.run(["fc-list", ":", "family"], capture_output=True, text=True).stdout
        if shutil.which("fc-list")
        else ""
    )
    missing = [font for font in CERTIFICATE_FONTS if font not in listed]
    missing += [tool for tool in POPPLER_TOOLS if not shutil.which(tool)]
    if missing:
        message = f"missing for the certificate PDF tests: {', '.join(missing)} (run `make fonts`)"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)


@pytest.fixture(scope="session")
def text_of():
    """text_of(response): the page's text with tags removed and whitespace collapsed, as a reader would see it."""

    def text(response) -> str:
        html = response.get_data(as_text=True)
        html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
        return " ".join(re.sub(r"<[^>]+>", " ", html).split())

    return text


@pytest.fixture(scope="session")
def calendar_part():
    """calendar_part(message): the one text/calendar part of a mail message (fails unless there is exactly one)."""

    def part_of(message):
        parts = [part for part in message.walk() if part.get_content_type() == "text/calendar"]
        assert len(parts) == 1, [part.get_content_type() for part in message.walk()]
        return parts[0]

    return part_of


REGISTRATION_FORM = {
    "name": "Ana Lima",
    "email": "ana@library.example.org",
    "organization": "Springfield Public Library",
    "job_role": "Teen librarian",
    "accessibility": "captions",
    "accessibility_details": "",
    "wants_recording": "y",
    "timezone": "Europe/Berlin",
    "form_key": "key-1",
    "website": "",
}


@pytest.fixture
def registration_form():
    """A complete registration form as the public page posts it (a fresh copy for each test)."""
    return dict(REGISTRATION_FORM)


@pytest.fixture
def post_registration(client, registration_form):
    """post_registration(event, **changes): post the registration form, with changes, through the test client."""

    def post(event, **changes):
        return client.post(f"/events/{event.slug}/register", data={**registration_form, **changes})

    return post


@pytest.fixture
def mailed_path(mailbox):
    """mailed_path(response): after a registration POST (answered 200, "Check your email", whatever the address),
    the path of the manage link in the newest mail; the page itself never shows one."""

    def path(response=None) -> str:
        if response is not None:
            assert response.status_code == 200, response.status_code
        body = mailbox[-1].get_body(("plain",)).get_content()
        return re.search(r"http://eventreg\.test(/r/\S+)", body)[1]

    return path


HOST_PASSWORD = "correct horse battery"


@pytest.fixture(scope="session")
def host_password():
    """The password of every host make_host makes."""
    return HOST_PASSWORD


@pytest.fixture(scope="session")
def host_password_hash():
    """scrypt is slow on purpose; hash the shared test password once (create_host has its own tests)."""
    from werkzeug.security import generate_password_hash

    return generate_password_hash(HOST_PASSWORD)


@pytest.fixture
def make_host(db_session, clock, host_password_hash):
    from eventreg.hosts.models import Host

    def make(email="host@library.example.org", *, admin=False, timezone="America/New_York"):
        host = Host(
            email=email, password_hash=host_password_hash, is_admin=admin, timezone=timezone, created_at=clock.now()
        )
        db_session.add(host)
        db_session.flush()
        return host

    return make


@pytest.fixture
def login(client):
    """Sign a host in through the real sign-in form."""

    def sign_in(host):
        response = client.post("/host/login", data={"email": host.email, "password": HOST_PASSWORD})
        assert response.status_code == 303, response.get_data(as_text=True)
        return host

    return sign_in


@pytest.fixture
def hosted_event(make_event, make_host, login):
    """hosted_event(host=None, **fields): an event (make_event's fields) hosted by `host` (by default a new one from
    make_host), with that host signed in."""

    def make(host=None, **fields) -> Event:
        host = login(host or make_host())
        event = make_event(**fields)
        event.hosts = [host]
        return event

    return make


@pytest.fixture
def editor_form():
    """The host editor's fields for the 3-4 PM New York webinar of 30 January 2025, as a browser posts them."""
    return {
        "title": "Building community connections by hiring for cultural knowledge",
        "format": "webinar",
        "timezone": "America/New_York",
        "start_date": "2025-01-30",
        "start_time": "15:00",
        "end_time": "16:00",
        "join_url": "https://meet.example.org/j/secret-room",
        "reminder_hours": "24,1",
    }


# Words a page in Spanish or French would not contain unless English was left in it: common English words that are
# not also Spanish or French words ("on", "or", "date", "page", "zone", "question", "archive" are left out).
ENGLISH_WORDS = frozenset(
    """the and you your yours with from this that these those will would should could have has been are was were
    for not our we us here there when what which who whom how please event events register registered registering
    registration registrations upcoming show details cancel cancelled cancelling waiting seats seat left email
    name organization certificate certificates recording passed view host hosts sign search topic topics next
    previous back save edit delete add remove join link links calendar download subscribe attendance attended
    transcript hours hour day days today tomorrow yesterday free open closed more only also after before until
    yes time times own about can cannot may must any all none each every one new other out up down of to in
    at by if it its is be do does did than then them they their his her list full help while into onto over
    under again already still why where skip settings account password answer answers
    changes changed send receive received address watch""".split()  # noqa: SIM905 - a paragraph of words
)


class _VisibleText(__import__("html.parser").parser.HTMLParser):
    """The text a person reads on a page: text nodes outside script and style, and the attributes read aloud or
    shown (alt, title, placeholder, aria-label, a button's value)."""

    SPOKEN = ("alt", "title", "placeholder", "aria-label")

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts, self.skipping = [], 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style", "template"):
            self.skipping += 1
        attributes = dict(attrs)
        self.parts += [attributes[name] for name in self.SPOKEN if attributes.get(name)]
        if tag == "input" and attributes.get("type") in ("submit", "button") and attributes.get("value"):
            self.parts.append(attributes["value"])

    def handle_endtag(self, tag):
        if tag in ("script", "style", "template"):
            self.skipping = max(0, self.skipping - 1)

    def handle_data(self, data):
        if not self.skipping:
            self.parts.append(data)


def find_english(page: str, *content: str) -> list[str]:
    """The English words a person would read in `page` (HTML, or a mail's plain text), once every string in
    `content` is taken out: event titles and descriptions, names and addresses, what people typed. [] when none."""
    parser = _VisibleText()
    parser.feed(page)
    # One space for any run of blanks, in the text and in the content: a PDF's text or a wrapped paragraph breaks
    # a title across lines where the content has a space.
    text = " ".join("\n".join(parser.parts).split())
    for piece in sorted((" ".join(str(c).split()) for c in content if c), key=len, reverse=True):
        text = text.replace(piece, " ")
    # Addresses, IANA zone ids and dotted codes are names, not prose: "https://…/calendar.ics", "ana@library.org",
    # "America/Port_of_Spain", a webhook's "registration.created".
    text = re.sub(
        r"\b(?:https?|webcal)://\S+|[\w.+-]+@[\w.-]+|\b[A-Z][A-Za-z_+-]*(?:/[A-Za-z0-9_+-]+)+|\b[a-z_]+(?:\.[a-z_]+)+\b",
        " ",
        text,
    )
    # Codes and secrets mix letters and digits ("7IFQ2XBE", "ereg_3be…"); no word of prose does.
    text = re.sub(r"\S*(?:\d\S*[^\W\d_]|[^\W\d_]\S*\d)\S*", " ", text)
    # Whole words, accented letters included: "canceló" and "signé" are not "cancel" and "sign".
    return sorted({word for word in re.findall(r"[^\W\d_]+", text) if word.lower() in ENGLISH_WORDS})


@pytest.fixture
def english_left():
    """english_left(page, *content): the English words left on a page rendered in Spanish or French."""
    return find_english
