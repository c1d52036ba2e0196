"""The benchmark runner: every public page and feed, the hosts' attendee list and registration, each beside
a baseline served the same way and measured in the same run.

    .venv/bin/python -m benchmarks.run [--seconds 3] [--database-url postgresql://...] [--scratch-name eventreg_bench]

Seeds a scratch PostgreSQL database (10,000 events, 50,000 registrations, attendee lists of 2,000 and
20,000), serves eventreg and benchmarks/baseline_app.py with gunicorn (4 workers) on loopback ports, and
prints requests per second, p50/p99 latency, the ratio each target is about and whether it is met:
- each public page straight from the app, and each page and feed (200 and 304) through the shipped nginx
  configuration (deploy/, when nginx is installed), against the minimal Flask view;
- the attendee list at 2,000 and 20,000 registrants (p99, and the cost of the one against the other);
- registration as a browser makes it (GET the form, POST it with its CSRF token) at 100 seats, eventreg with
  its confirmation rendered and sent to an SMTP server on loopback, against the reference app that only locks,
  counts, inserts the registration and its outbox row and commits; exactly 100 must be confirmed;
- the upcoming list over catalogs of 1,000 and 100,000 events: a page's cost must not grow with the catalog."""

import argparse
import os
import random
import signal
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

import pytz
import sqlalchemy as sa
from werkzeug.security import generate_password_hash

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

from benchmarks.calendar_feed import ZONES, free_port, start_gunicorn  # noqa: E402
from benchmarks.loadgen import CSRF_FIELD, Result, measure, measure_python, measure_registrations, wrk_path  # noqa: E402
from deploy import stack  # noqa: E402

SCRATCH_DB = "eventreg_bench"
GZIP = {"Accept-Encoding": "gzip"}  # as calendar apps ask for feeds
BROWSER = {"Accept-Encoding": "gzip, deflate, br, zstd"}  # as Chrome asks for pages
PASSWORD = "benchmark password"


def scratch_database(server_url: str, name: str) -> str:
    url = sa.engine.make_url(server_url.replace("postgresql://", "postgresql+psycopg://", 1))
    admin = sa.create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return url.set(database=name).render_as_string(hide_password=False)


def seed(url: str, *, events: int, registrations: int, attendee_lists: tuple[int, ...] = ()) -> dict:
    """Bulk-load a catalog with Core inserts (the ORM would take minutes). Returns ids the runs need: one
    event per size in attendee_lists with that many registrants, and two with 100 seats and nobody yet
    ("target" for eventreg's registrations, "reference" for the reference app's)."""
    import flask_migrate

    from eventreg import create_app
    from eventreg.core.extensions import db
    from eventreg.events.models import Event, Topic, event_topics
    from eventreg.hosts.models import Host, event_hosts
    from eventreg.registrations.models import Registration

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "TESTING": True})
    rng = random.Random(7)
    now = datetime.now(pytz.utc)
    with app.app_context():
        flask_migrate.upgrade()
        connection = db.session.connection()
        connection.execute(sa.insert(Topic), [{"slug": f"topic-{n}", "name": f"Topic {n}"} for n in range(6)])
        rows = []
        for n in range(events):
            starts_at = now + timedelta(days=rng.uniform(-700, 300))
            starts_at = starts_at.replace(minute=0, second=0, microsecond=0)
            rows.append({
                "slug": f"event-{n}", "title": f"Webinar {n}: {rng.choice(['climate', 'teens', 'data', 'leadership'])} "
                "for libraries", "summary": "A practical session for library staff.",
                "description": "## Agenda\n\n- ideas\n- questions", "format": "webinar", "starts_at": starts_at,
                "ends_at": starts_at + timedelta(hours=1), "timezone": ZONES[n % len(ZONES)], "status": "published",
                "capacity": None, "join_url": "https://meet.example.org/j/x", "created_at": now, "updated_at": now,
                "sequence": 0, "reminder_hours": "24,1",
            })  # fmt: skip
        for start in range(0, len(rows), 5000):
            connection.execute(sa.insert(Event), rows[start : start + 5000])
        event_ids = list(connection.scalars(sa.select(Event.id).order_by(Event.id)))
        connection.execute(sa.insert(event_topics), [{"event_id": e, "topic_id": 1 + e % 6} for e in event_ids])
        upcoming = list(connection.scalars(sa.select(Event.id).where(Event.starts_at > now + timedelta(days=2))))
        shown, target, reference, *lists = upcoming[: 3 + len(attendee_lists)]
        connection.execute(sa.update(Event).where(Event.id.in_([target, reference])).values(capacity=100))
        connection.execute(sa.insert(Host), [{"email": "admin@bench.test", "name": "Admin", "is_admin": True,
                                              "password_hash": generate_password_hash(PASSWORD),
                                              "timezone": "America/New_York", "created_at": now}])  # fmt: skip
        host_id = connection.scalar(sa.select(Host.id))
        if lists:
            connection.execute(sa.insert(event_hosts), [{"event_id": e, "host_id": host_id} for e in lists])
        others = [e for e in event_ids if e not in (target, reference, *lists)]
        plan = [e for e, size in zip(lists, attendee_lists, strict=True) for _ in range(size)]
        plan += [rng.choice(others) for _ in range(registrations)]
        people = []
        for n, event_id in enumerate(plan):
            people.append({
                "event_id": event_id, "name": f"Reader {n}", "email": f"reader{n}@library.example.org",
                "organization": "Springfield Library", "job_role": "", "accessibility": "", "accessibility_details": "",
                "wants_recording": False, "status": "confirmed", "token": f"token-{n}",
                "sequence": 0, "created_at": now,
            })  # fmt: skip
        for start in range(0, len(people), 5000):
            connection.execute(sa.insert(Registration), people[start : start + 5000])
        slugs = dict(connection.execute(sa.select(Event.id, Event.slug).where(Event.id.in_([shown, target]))).all())
        db.session.commit()
        # Do now what autovacuum would do soon after a real bulk load (statistics for the planner, the
        # visibility map), then write it all out: otherwise the planner guesses, and autovacuum and the
        # checkpointer take the CPU from whatever is being measured.
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.execute(sa.text("VACUUM ANALYZE"))
            connection.execute(sa.text("CHECKPOINT"))
        db.engine.dispose()
    return {"slug": slugs[shown], "target": target, "target_slug": slugs[target], "reference": reference,
            "attendee_lists": dict(zip(attendee_lists, lists, strict=True))}  # fmt: skip


def _etag(url: str, headers: dict) -> str:
    with urllib.request.urlopen(urllib.request.Request(url, headers=headers)) as response:  # noqa: S310 - loopback
        return response.headers["ETag"]


def login_cookie(base: str) -> str:
    """A signed-in host's session cookie, got as a browser gets it: the form's CSRF token, then the POST."""
    with urllib.request.urlopen(f"{base}/host/login") as response:  # noqa: S310 - loopback
        cookie = response.headers["Set-Cookie"].split(";", 1)[0]
        match = CSRF_FIELD.search(response.read())
    token = (match.group(1) or match.group(2)).decode()
    data = urllib.parse.urlencode({"email": "admin@bench.test", "password": PASSWORD, "csrf_token": token}).encode()

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    opener = urllib.request.build_opener(NoRedirect)
    try:
        opener.open(urllib.request.Request(f"{base}/host/login", data=data, headers={"Cookie": cookie}))
    except urllib.error.HTTPError as response:  # the 303 after signing in
        return response.headers["Set-Cookie"].split(";", 1)[0]
    raise RuntimeError("sign-in did not redirect")


def serve(url: str, workers: int, outbox: str, smtp_port: int | None = None) -> tuple:
    """eventreg as deployed, CSRF checks on; with smtp_port, mail goes to that SMTP server on loopback."""
    env = {"DATABASE_URL": url, "SECRET_KEY": "benchmark-secret-" * 3, "EVENTREG_PRODUCTION": "false",
           "EVENTREG_MAIL_OUTBOX_DIR": outbox,
           "EVENTREG_RATELIMIT_ENABLED": "false",  # one client address sends everything
           "EVENTREG_LOG_LEVEL": "WARNING"}  # log lines per request would measure the terminal  # fmt: skip
    if smtp_port:
        env |= {"EVENTREG_MAIL_SERVER": "127.0.0.1", "EVENTREG_MAIL_PORT": str(smtp_port)}
    return start_gunicorn("wsgi:app", env, workers)


def start_smtp_sink() -> tuple[subprocess.Popen, int]:
    """An SMTP server on loopback that accepts every message and keeps none (aiosmtpd's Sink), in a process of
    its own so that receiving mail does not take the load generator's time."""
    port = free_port()
    process = subprocess.Popen([sys.executable, "-m", "aiosmtpd", "-n", "-c", "aiosmtpd.handlers.Sink",
                                "-l", f"127.0.0.1:{port}"])  # fmt: skip
    stack.wait_for_port(port, process, "aiosmtpd")
    return process, port


def stop(server) -> None:
    server.send_signal(signal.SIGTERM)
    server.wait(timeout=30)


def wait_for_mail(url: str, event_id: int, seconds: float = 60) -> int:
    """Wait until the app's sender threads have sent every message queued for the event's registrations;
    returns how many are left (the reference app's rows are never sent, and are not counted)."""
    engine = sa.create_engine(url)
    deadline = time.time() + seconds
    unsent_sql = sa.text(
        "SELECT count(*) FROM outbox JOIN registrations r ON r.id = outbox.registration_id "
        "WHERE r.event_id = :e AND outbox.sent_at IS NULL"
    )
    with engine.connect() as connection:
        while True:
            unsent = connection.scalar(unsent_sql, {"e": event_id})
            connection.rollback()
            if not unsent or time.time() > deadline:
                break
            time.sleep(0.2)
    engine.dispose()
    return unsent


def confirmed_count(url: str, event_id: int) -> int:
    engine = sa.create_engine(url)
    with engine.connect() as connection:
        confirmed = connection.scalar(
            sa.text("SELECT count(*) FROM registrations WHERE event_id = :e AND status = 'confirmed'"), {"e": event_id}
        )
    engine.dispose()
    return confirmed


@dataclass
class Row:
    section: str
    name: str
    result: Result
    against: str  # what the ratio is taken against
    ratio: float
    target: str
    met: bool | None  # None: no target for this row


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", default="postgresql://postgres@127.0.0.1:5432/postgres",
                        help="a PostgreSQL server; scratch databases are created on it")  # fmt: skip
    parser.add_argument("--scratch-name", default=SCRATCH_DB, help="prefix of the scratch databases' names")
    parser.add_argument("--seconds", type=float, default=3.0, help="per row")
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--events", type=int, default=10_000)
    parser.add_argument("--registrations", type=int, default=50_000)
    args = parser.parse_args()
    outbox = tempfile.mkdtemp(prefix="eventreg-bench-mail-")
    seconds = args.seconds

    started = time.time()
    load_before = f"{os.getloadavg()[0]:.2f}"
    url = scratch_database(args.database_url, args.scratch_name)
    ids = seed(url, events=args.events, registrations=args.registrations, attendee_lists=(2_000, 20_000))
    print(f"seeded {args.events:,} events and {args.registrations + 22_000:,} registrations in "
          f"{time.time() - started:.0f} s")  # fmt: skip

    rows: list[Row] = []

    def run(name, url_, *, headers=None, statuses=frozenset({200}), concurrency=8):
        measure_python(url_, headers=headers, seconds=0.3, concurrency=2)  # warm up (and fill nginx's cache)
        result = measure(url_, headers=headers, seconds=seconds, concurrency=concurrency)
        assert set(result.statuses) <= set(statuses), (name, result.statuses)
        return result

    smtp, smtp_port = start_smtp_sink()
    hello_server, hello = start_gunicorn("benchmarks.baseline_app:app", {"BASELINE_DATABASE_URL": url}, args.workers)
    app_server, base = serve(url, args.workers, outbox, smtp_port)
    try:
        baseline_before = run("minimal view", f"{hello}/hello")
        one_read = run("floor", f"{hello}/one-read")
        pages = [
            ("upcoming list", "/"),
            ("on-demand list", "/events/on-demand"),
            ("on-demand list, page 50", "/events/on-demand?page=50"),
            ("topic page", "/topics/topic-1"),
            ("topic on-demand", "/topics/topic-1/on-demand"),
            ("search", "/events?q=climate"),
            ("event page", f"/events/{ids['slug']}"),
        ]
        feeds = [
            ("/calendar.ics", "/calendar.ics"),
            ("topic feed", "/topics/topic-1/calendar.ics"),
            ("event .ics", f"/events/{ids['slug']}.ics"),
        ]
        direct = [(name, path, {}) for name, path in pages]
        for name, path in feeds:
            etag = _etag(f"{base}{path}", GZIP)
            direct += [(f"{name} 200", path, GZIP), (f"{name} 304", path, {**GZIP, "If-None-Match": etag})]
        direct_results = {}
        for name, path, headers in direct:
            direct_results[name] = run(name, f"{base}{path}", headers=headers, statuses={200, 304})
        cookie = login_cookie(base)
        # One host reading the list: its latency, not the queue eight connections would make on two cores.
        attendees = {
            size: run(
                f"attendees {size}",
                f"{base}/host/events/{event_id}/attendees",
                headers={"Cookie": cookie},
                concurrency=1,
            )  # fmt: skip
            for size, event_id in ids["attendee_lists"].items()
        }

        # Every public page and feed through the shipped nginx configuration (deploy/), answered from its
        # cache: a 200, and a 304 for a client that has the page already.
        proxied = {}
        if os.path.exists(stack.NGINX):
            port = stack.free_port()
            proxy = stack.start_nginx(Path(tempfile.mkdtemp(prefix="eventreg-bench-nginx-")), port=port,
                                      app_port=int(base.rsplit(":", 1)[1]))  # fmt: skip
            try:
                for name, path in pages + feeds:
                    front = f"http://127.0.0.1:{port}{path}"
                    headers = GZIP if (name, path) in feeds else BROWSER
                    proxied[f"{name} 200"] = run(name, front, headers=headers)
                    etag = _etag(front, headers)
                    proxied[f"{name} 304"] = run(name, front, headers={**headers, "If-None-Match": etag},
                                                 statuses={304})  # fmt: skip
            finally:
                stack.stop(proxy)

        # Registration as a visitor makes it (GET the form, POST it) against 100 seats: the reference app does
        # the least a correct one must, eventreg all of it, its confirmation rendered and sent over SMTP. Always
        # the Python generator: a pair needs the page's token and cookie in its POST, and its latency is the
        # pair's; at a few hundred pairs a second it is far from that generator's limit.
        def form(number: int) -> dict:
            return {"name": f"Load {number}", "email": f"load{number}-{time.time_ns()}@library.example.org",
                    "organization": "Load Library", "form_key": f"k{number}-{time.time_ns()}"}  # fmt: skip

        reference = measure_registrations(f"{hello}/events/{ids['reference']}/register", form, seconds=seconds)
        registrations = measure_registrations(f"{base}/events/{ids['target_slug']}/register", form, seconds=seconds)
        baseline_after = run("minimal view", f"{hello}/hello")
        unsent = wait_for_mail(url, ids["target"])
    finally:
        stop(app_server)
        stop(hello_server)
        stop(smtp)
    assert set(reference.statuses) == {303}, reference.statuses
    assert set(registrations.statuses) == {200}, registrations.statuses  # "Check your email", for any address
    confirmed = confirmed_count(url, ids["target"])
    reference_confirmed = confirmed_count(url, ids["reference"])

    # A page's cost must not grow with the catalog: the upcoming list over 1,000 and 100,000 events.
    scale = {}
    for size in (1_000, 100_000):
        catalog = scratch_database(args.database_url, f"{args.scratch_name}_{size}")
        seed(catalog, events=size, registrations=0)
        server, catalog_base = serve(catalog, args.workers, outbox)
        try:
            scale[size] = run(f"upcoming list, {size:,} events", f"{catalog_base}/")
        finally:
            stop(server)

    # The machine's speed drifts during a run; ratios use the faster of the two baselines, never the kinder.
    baseline = max(baseline_before, baseline_after, key=lambda result: result.rps)
    minimal = "minimal view"
    rows.append(Row("direct", "floor: minimal view + one row read", one_read, minimal, one_read.rps / baseline.rps,
                    "", None))  # fmt: skip
    for name, result in direct_results.items():
        ratio = result.rps / baseline.rps
        is_page = not name.endswith(("200", "304"))
        rows.append(Row("direct", name, result, minimal, ratio, ">= 0.2" if is_page else "", ratio >= 0.2 if is_page
                        else None))  # fmt: skip
    for name, result in proxied.items():
        ratio = result.rps / baseline.rps
        rows.append(Row("nginx", name, result, minimal, ratio, ">= 5", ratio >= 5))
    small, large = attendees[2_000], attendees[20_000]
    rows.append(Row("host", "attendee list, 2,000", small, "", 0, "p99 < 100 ms", small.p99_ms < 100))
    cost = small.rps / large.rps
    rows.append(Row("host", "attendee list, 20,000", large, "cost vs 2,000", cost, "<= 1.5", cost <= 1.5))
    rows.append(Row("registration", "reference (GET + POST)", reference, "", 0, "", None))
    ratio = registrations.rps / reference.rps
    seats_right = confirmed == min(registrations.requests, 100)  # exactly capacity once that many asked
    rows.append(Row("registration", "eventreg (GET + POST, mail)", registrations, "reference", ratio, ">= 0.5",
                    ratio >= 0.5 and seats_right))  # fmt: skip
    growth = scale[1_000].rps / scale[100_000].rps
    rows.append(Row("catalog", "upcoming list, 1,000 events", scale[1_000], "", 0, "", None))
    rows.append(Row("catalog", "upcoming list, 100,000 events", scale[100_000], "cost vs 1,000", growth, "<= 1.5",
                    growth <= 1.5))  # fmt: skip

    generator = "wrk" if wrk_path() else "the Python load generator (no wrk: `make bench` installs it)"
    print(f"\nload generator: {generator}; load average before the run {load_before}, after {os.getloadavg()[0]:.2f}")
    print(f"{os.cpu_count()} cores, gunicorn {args.workers} sync workers, PostgreSQL, {seconds:g} s a row; minimal "
          f"view {baseline_before.rps:.0f} req/s before, {baseline_after.rps:.0f} after; ratios against "
          f"{baseline.rps:.0f} (p50 {baseline.p50_ms:.1f} ms, p99 {baseline.p99_ms:.1f} ms)\n")  # fmt: skip
    print(f"{'':13} {'':34} {'req/s':>7} {'p50 ms':>7} {'p99 ms':>7} {'ratio':>6}  {'target':13} {'met':4} generator")
    for row in rows:
        ratio = f"{row.ratio:6.2f}" if row.against else ""
        met = {None: "", True: "yes", False: "NO"}[row.met]
        print(f"{row.section:13} {row.name:34} {row.result.rps:7.0f} {row.result.p50_ms:7.1f} "
              f"{row.result.p99_ms:7.1f} {ratio:>6}  {row.target:13} {met:4} {row.result.generator}")  # fmt: skip
    print(f"\nregistrations: eventreg {registrations.requests} sent, {confirmed} confirmed for 100 seats "
          f"({'right' if seats_right else 'WRONG'}), {unsent} messages unsent; reference "
          f"{reference.requests} sent, {reference_confirmed} confirmed")  # fmt: skip
    if not seats_right or unsent:
        sys.exit(1)


if __name__ == "__main__":
    main()
