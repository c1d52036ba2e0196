"""The registration load test: many people registering at once, through gunicorn, against PostgreSQL.

    .venv/bin/python -m benchmarks.load_registrations [--registrations 3000] [--events 3] [--capacity 400]
        [--clients 4] [--threads 8] [--seconds 120] [--servers 1] [--workers 4] [--database-url postgresql://...]

Creates a scratch database on the PostgreSQL server, a few upcoming events with a small capacity, serves
eventreg with gunicorn (4 sync workers) on a loopback port, or with --servers N as N app servers on N ports
sharing that one database, and fires registrations at those events from several client processes, each
with several keep-alive connections, the way browsers do it: a GET of the registration page for the session
cookie and the CSRF token, then POSTs of the form. Connections are spread over the servers, and each
posts its form to a different server from the one that served the page. One POST in ten repeats an
address another process is sending at the same moment, to race the "already registered" path.

The run is bounded by a count and a time. Afterwards it checks, in the database, that no event is
oversold (exactly `capacity` confirmed where more asked), that the waiting list is one unbroken queue
behind the confirmed seats, that nobody is registered twice, that every registration has its e-mail in
the outbox and that every queued message was sent, and that no request got a 5xx or anything
unexpected. It prints throughput and p50/p99 latency, and exits non-zero when a check fails.
tests/test_load.py runs it at a small size as part of the suite."""

import argparse
import http.client
import multiprocessing
import os
import signal
import statistics
import sys
import tempfile
import threading
import time
import urllib.parse
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import pytz
import sqlalchemy as sa

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

from benchmarks.calendar_feed import start_gunicorn  # noqa: E402
from benchmarks.loadgen import CSRF_FIELD  # noqa: E402
from benchmarks.run import scratch_database  # noqa: E402

SCRATCH_DB = "eventreg_load"
EXPECTED_STATUSES = {200}  # "Check your email", the same answer for a new address and a registered one


@dataclass
class Plan:
    """What the clients send: request n goes to event n//2 % events, with address number n//2 for the pairs
    that race (n % 20 in {0, 1}, sent by two different processes) and n otherwise."""

    bases: list[str]  # one URL per app server
    slugs: list[str]
    registrations: int
    clients: int
    threads: int
    deadline: float  # time.time() after which no new request starts

    def address(self, n: int) -> str:
        return f"pair{n // 2}@load.example.org" if n % 20 in (0, 1) else f"reader{n}@load.example.org"

    def slug(self, n: int) -> str:
        key = n // 2 if n % 20 in (0, 1) else n
        return self.slugs[key % len(self.slugs)]


@dataclass
class ClientReport:
    latencies: list[float] = field(default_factory=list)
    statuses: dict[int, int] = field(default_factory=dict)
    sent: dict[str, int] = field(default_factory=dict)  # address -> requests answered 200
    errors: list[str] = field(default_factory=list)


def _session(connection: http.client.HTTPConnection, slug: str) -> tuple[str, str]:
    """The session cookie and CSRF token a browser gets with the registration page."""
    connection.request("GET", f"/events/{slug}/register")
    response = connection.getresponse()
    body = response.read()
    match = CSRF_FIELD.search(body)
    cookie = response.headers.get("Set-Cookie", "").split(";", 1)[0]
    if response.status != 200 or not match or not cookie:
        raise RuntimeError(f"registration page {slug}: {response.status}, no form or no session cookie")
    return cookie, (match.group(1) or match.group(2)).decode()


def _client(plan: Plan, index: int, results) -> None:
    """One client process: `threads` connections sending this process's share of the numbers."""
    report = ClientReport()
    lock = threading.Lock()
    numbers = iter(range(index, plan.registrations, plan.clients))

    def next_number() -> int | None:
        with lock:
            return next(numbers, None) if time.time() < plan.deadline else None

    def connection(server: int) -> http.client.HTTPConnection:
        url = urllib.parse.urlsplit(plan.bases[server % len(plan.bases)])
        return http.client.HTTPConnection(url.hostname, url.port, timeout=60)

    def connection_loop(thread: int) -> None:
        # The registration page (session cookie, CSRF token) comes from the next server over: with several servers,
        # the form is posted to a server that did not serve it, as behind any load balancer.
        posts = connection(index + thread)
        latencies, statuses, sent, errors = [], {}, {}, []
        try:
            page = connection(index + thread + 1)
            try:
                cookie, token = _session(page, plan.slugs[0])
            finally:
                page.close()
            while (n := next_number()) is not None:
                form = {
                    "csrf_token": token, "name": f"Reader {n}", "email": plan.address(n),
                    "organization": "Load Test Library", "form_key": f"p{index}t{thread}n{n}",
                    "timezone": "America/Chicago",
                }  # fmt: skip
                started = time.perf_counter()
                posts.request(
                    "POST", f"/events/{plan.slug(n)}/register", body=urllib.parse.urlencode(form),
                    headers={"Content-Type": "application/x-www-form-urlencoded", "Cookie": cookie},
                )  # fmt: skip
                response = posts.getresponse()
                response.read()
                latencies.append(time.perf_counter() - started)
                statuses[response.status] = statuses.get(response.status, 0) + 1
                if response.status in EXPECTED_STATUSES:
                    sent[plan.address(n)] = sent.get(plan.address(n), 0) + 1
                else:
                    errors.append(f"POST {n} ({plan.address(n)}): HTTP {response.status}")
        except Exception as error:  # noqa: BLE001 - a client failure is a finding to report, not a crash
            errors.append(f"client {index}/{thread}: {error!r}")
        finally:
            posts.close()
        with lock:
            report.latencies.extend(latencies)
            report.errors.extend(errors)
            for code, count in statuses.items():
                report.statuses[code] = report.statuses.get(code, 0) + count
            for address, count in sent.items():
                report.sent[address] = report.sent.get(address, 0) + count

    threads = [threading.Thread(target=connection_loop, args=(t,)) for t in range(plan.threads)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    results.put(report)


def seed(url: str, *, events: int, capacity: int) -> list[str]:
    """Migrate the scratch database and create the events; returns their slugs."""
    import flask_migrate

    from eventreg import create_app
    from eventreg.core.extensions import db
    from eventreg.events import operations
    from eventreg.events.models import Status

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "TESTING": True})
    now = datetime.now(pytz.utc)
    zones = ["America/New_York", "Asia/Kolkata", "Pacific/Auckland", "Europe/Berlin"]
    with app.app_context():
        flask_migrate.upgrade()
        slugs = []
        for n in range(events):
            starts_at = (now + timedelta(days=10 + n)).replace(minute=0, second=0, microsecond=0)
            event = operations.create_event(
                title=f"Load webinar {n}", slug=f"load-webinar-{n}", starts_at=starts_at,
                ends_at=starts_at + timedelta(hours=1), timezone=zones[n % len(zones)], now=now,
                status=Status.PUBLISHED, capacity=capacity, summary="Seats for the load test.",
                join_url="https://meet.example.org/j/load",
            )  # fmt: skip
            slugs.append(event.slug)
        db.session.commit()
        db.engine.dispose()
    return slugs


def check(url: str, *, capacity: int, sent: dict[str, int]) -> list[str]:
    """What must hold in the database after the run; returns the failures, empty when all is well."""
    engine = sa.create_engine(url)
    failures = []
    with engine.connect() as connection:

        def rows(sql: str, **params) -> list:
            return list(connection.execute(sa.text(sql), params))

        per_event = rows(
            "SELECT e.slug, count(*) FILTER (WHERE r.status = 'confirmed'), count(*) FILTER (WHERE r.status = "
            "'waiting'), count(*), max(r.id) FILTER (WHERE r.status = 'confirmed'), min(r.id) FILTER (WHERE "
            "r.status = 'waiting') FROM events e JOIN registrations r ON r.event_id = e.id GROUP BY e.slug"
        )
        for slug, confirmed, waiting, total, last_confirmed, first_waiting in per_event:
            if confirmed != min(total, capacity):
                failures.append(f"{slug}: {confirmed} confirmed of {total} registrations, capacity {capacity}")
            if confirmed + waiting != total:
                failures.append(f"{slug}: {total - confirmed - waiting} registrations neither confirmed nor waiting")
            if first_waiting is not None and last_confirmed is not None and first_waiting < last_confirmed:
                failures.append(f"{slug}: someone was put on the waiting list before a later confirmed registrant")
        twice = rows("SELECT event_id, email, count(*) FROM registrations GROUP BY event_id, email HAVING count(*) > 1")
        failures += [f"{email} registered {count} times for event {event}" for event, email, count in twice]
        registered = {email for (email,) in rows("SELECT email FROM registrations")}
        if registered != set(sent):
            missing, extra = set(sent) - registered, registered - set(sent)
            failures.append(f"{len(missing)} answered addresses not registered, {len(extra)} registered unanswered")
        without_mail = rows(
            "SELECT r.id FROM registrations r WHERE NOT EXISTS (SELECT 1 FROM outbox m WHERE "
            "m.registration_id = r.id AND m.kind IN ('confirmation', 'waiting'))"
        )
        if without_mail:
            failures.append(f"{len(without_mail)} registrations have no confirmation or waiting-list message")
        messages = connection.scalar(sa.text("SELECT count(*) FROM outbox"))
        registrations = connection.scalar(sa.text("SELECT count(*) FROM registrations"))
        # One per registration: a repeat within 15 minutes of the confirmation sends nothing more.
        if messages != registrations:
            failures.append(f"{messages} messages queued for {registrations} registrations")
        unsent = connection.scalar(sa.text("SELECT count(*) FROM outbox WHERE sent_at IS NULL"))
        if unsent:
            failures.append(f"{unsent} queued messages were never sent")
    engine.dispose()
    return failures


def wait_for_mail(url: str, seconds: float) -> None:
    """The sender threads deliver after each response; give them a moment to finish the last ones."""
    engine = sa.create_engine(url)
    deadline = time.time() + seconds
    with engine.connect() as connection:
        while time.time() < deadline:
            if not connection.scalar(sa.text("SELECT count(*) FROM outbox WHERE sent_at IS NULL")):
                break
            connection.rollback()
            time.sleep(0.2)
    engine.dispose()


@dataclass
class Outcome:
    requests: int
    seconds: float
    p50_ms: float
    p99_ms: float
    statuses: dict
    failures: list[str]

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0


def run(server_url: str, *, database: str = SCRATCH_DB, registrations: int = 3000, events: int = 3,
        capacity: int = 400, clients: int = 4, threads: int = 8, seconds: float = 120.0,
        workers: int = 4, servers: int = 1) -> Outcome:  # fmt: skip
    url = scratch_database(server_url, database)
    slugs = seed(url, events=events, capacity=capacity)
    outbox = tempfile.mkdtemp(prefix="eventreg-load-mail-")
    env = {"DATABASE_URL": url, "SECRET_KEY": "load-test-secret-" * 3, "EVENTREG_PRODUCTION": "false",
           "EVENTREG_MAIL_OUTBOX_DIR": outbox, "EVENTREG_RATELIMIT_ENABLED": "false",
           "EVENTREG_LOG_LEVEL": "WARNING"}  # fmt: skip
    started_servers: list[tuple] = []
    context = multiprocessing.get_context("spawn")
    results = context.Queue()
    reports: list[ClientReport] = []
    try:
        for _ in range(servers):
            started_servers.append(start_gunicorn("wsgi:app", env, workers))
        bases = [base for _, base in started_servers]
        plan = Plan(bases, slugs, registrations, clients, threads, deadline=time.time() + seconds)
        processes = [context.Process(target=_client, args=(plan, i, results)) for i in range(clients)]
        started = time.perf_counter()
        for process in processes:
            process.start()
        reports = [results.get(timeout=seconds + 120) for _ in processes]
        elapsed = time.perf_counter() - started
        for process in processes:
            process.join(timeout=30)
        wait_for_mail(url, 30)
    finally:
        for server, _ in started_servers:
            server.send_signal(signal.SIGTERM)
        for server, _ in started_servers:
            server.wait(timeout=30)

    latencies = sorted(latency for report in reports for latency in report.latencies)
    statuses: dict[int, int] = {}
    sent: dict[str, int] = {}
    failures = [error for report in reports for error in report.errors]
    for report in reports:
        for code, count in report.statuses.items():
            statuses[code] = statuses.get(code, 0) + count
        for address, count in report.sent.items():
            sent[address] = sent.get(address, 0) + count
    failures += check(url, capacity=capacity, sent=sent)
    p99 = latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))] if latencies else 0.0
    return Outcome(len(latencies), elapsed, statistics.median(latencies) * 1000 if latencies else 0.0, p99 * 1000,
                   statuses, failures)  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", default="postgresql://postgres@127.0.0.1:5432/postgres",
                        help="a PostgreSQL server; a scratch database is created on it")  # fmt: skip
    parser.add_argument("--registrations", type=int, default=3000, help="POSTs to send at most")
    parser.add_argument("--events", type=int, default=3)
    parser.add_argument("--capacity", type=int, default=400, help="seats per event")
    parser.add_argument("--clients", type=int, default=4, help="client processes")
    parser.add_argument("--threads", type=int, default=8, help="connections per client process")
    parser.add_argument("--seconds", type=float, default=120.0, help="no new request after this long")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn sync workers per server")
    parser.add_argument("--servers", type=int, default=1, help="app servers (gunicorn instances) on one database")
    args = parser.parse_args()
    outcome = run(args.database_url, registrations=args.registrations, events=args.events, capacity=args.capacity,
                  clients=args.clients, threads=args.threads, seconds=args.seconds, workers=args.workers,
                  servers=args.servers)  # fmt: skip
    print(f"{os.cpu_count()} cores, {args.servers} x gunicorn {args.workers} sync workers, one PostgreSQL; "
          f"{args.clients} client processes x {args.threads} connections; {args.events} events of "
          f"{args.capacity} seats")  # fmt: skip
    statuses = dict(sorted(outcome.statuses.items()))
    print(
        f"{outcome.requests} registration POSTs in {outcome.seconds:.1f} s: {outcome.rps:.0f} req/s, "
        f"p50 {outcome.p50_ms:.1f} ms, p99 {outcome.p99_ms:.1f} ms; statuses {statuses}"
    )
    if outcome.failures:
        print(f"\nFAILED ({len(outcome.failures)}):")
        for failure in outcome.failures[:50]:
            print(f"  {failure}")
        sys.exit(1)
    print(
        "checks passed: no event oversold, one queue per event, nobody registered twice, every registration "
        "mailed, no 5xx"
    )


if __name__ == "__main__":
    main()
