"""Calendar feed benchmark: serving /calendar.ics (304, and 200 from cached pieces) and building it (cold and after one
change), each beside a baseline measured in the same run.

    .venv/bin/python -m benchmarks.calendar_feed [--events 1000] [--seconds 4]

Seeds a scratch SQLite database (or, given --database-url, a scratch PostgreSQL database created on that
server), serves eventreg and the baselines with gunicorn on
loopback ports, and prints a table. Not a test: figures depend on the machine."""

import argparse
import os
import random
import signal
import socket
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta

import flask_migrate
import icalendar
import pytz

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ZONES = ["America/New_York", "America/Los_Angeles", "Europe/Berlin", "Asia/Kolkata", "Australia/Sydney",
         "America/Chicago", "Europe/London", "Pacific/Auckland"]  # fmt: skip


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_gunicorn(app_path: str, env: dict, workers: int) -> tuple[subprocess.Popen, str]:
    """Serve app_path on a free loopback port; returns once it accepts connections. --preload imports the
    app before the port opens and the workers fork: without it, workers still importing took the CPU from
    whatever was measured first (the minimal view once ran at half speed)."""
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "--preload", "-w", str(workers), "-b", f"127.0.0.1:{port}",
         "--log-level", "warning", app_path],
        cwd=ROOT, env={**os.environ, **env},
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    deadline = time.time() + 30
    while time.time() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return process, base
        except OSError:
            time.sleep(0.2)
    process.kill()
    raise RuntimeError(f"gunicorn {app_path} did not start")


def seed(app, count: int) -> None:
    from eventreg.core.extensions import db
    from eventreg.events import operations
    from eventreg.events.models import Status

    rng = random.Random(1)
    now = datetime.now(pytz.utc)
    with app.app_context():
        flask_migrate.upgrade()
        for n in range(count):
            zone = ZONES[n % len(ZONES)]
            today = datetime.combine(now.date(), datetime.min.time())  # noqa: DTZ001 - a wall-clock date
            local = today + timedelta(days=rng.randrange(-60, 300), hours=9 + rng.randrange(0, 10))
            starts_at = pytz.timezone(zone).localize(local).astimezone(pytz.utc)
            operations.create_event(
                title=f"Webinar {n}: libraries and communities", starts_at=starts_at,
                ends_at=starts_at + timedelta(hours=1), timezone=zone, now=now - timedelta(days=1),
                status=Status.PUBLISHED, summary="A practical session for library staff.",
                description="## Agenda\n\n- ideas\n- questions\n\nBring a colleague.", slug=f"webinar-{n}",
            )  # fmt: skip
        db.session.commit()


def icalendar_alone(events) -> bytes:
    """The baseline build: the same events with icalendar's own API and VTIMEZONE generation."""
    calendar = icalendar.Calendar()
    calendar.add("PRODID", "-//baseline//EN")
    calendar.add("VERSION", "2.0")
    for event in events:
        vevent = icalendar.Event()
        vevent.add("UID", f"event-{event.id}@bench")
        vevent.add("DTSTAMP", event.updated_at)
        vevent.add("DTSTART", event.starts_at.astimezone(pytz.timezone(event.timezone)))
        vevent.add("DTEND", event.ends_at.astimezone(pytz.timezone(event.timezone)))
        vevent.add("SUMMARY", event.title)
        vevent.add("DESCRIPTION", f"{event.summary}\n\n{event.description}")
        vevent.add("URL", f"http://bench/events/{event.slug}")
        calendar.add_component(vevent)
    calendar.add_missing_timezones()
    return calendar.to_ical()


def timed(function, repeat: int = 3) -> float:
    best = float("inf")
    for _ in range(repeat):
        started = time.perf_counter()
        function()
        best = min(best, time.perf_counter() - started)
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--events", type=int, default=1000)
    parser.add_argument("--seconds", type=float, default=4.0)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 2)
    parser.add_argument(
        "--database-url", help="a PostgreSQL server; the scratch database eventreg_cal is (re)created on it"
    )
    args = parser.parse_args()

    sys.path.insert(0, ROOT)
    from benchmarks.loadgen import measure
    from eventreg import create_app
    from eventreg.calendars import ics
    from eventreg.core.extensions import db
    from eventreg.events.models import Event

    scratch = tempfile.mkdtemp(prefix="eventreg-bench-")
    if args.database_url:
        from benchmarks.run import scratch_database  # benchmarks.run imports this module: import late

        url = scratch_database(args.database_url, "eventreg_cal")
    else:
        url = f"sqlite:///{scratch}/bench.sqlite"
    env = {"DATABASE_URL": url, "SECRET_KEY": "benchmark-secret-" * 3, "EVENTREG_PRODUCTION": "false"}
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "TESTING": True, "SERVER_NAME": "bench.test"})
    seed(app, args.events)

    # Build times, in process: our pieces against icalendar alone on the same rows.
    with app.app_context():
        events = db.session.scalars(db.select(Event).order_by(Event.starts_at)).all()
        # The requests below share this context's session, as no real request would: leave it empty (the
        # baseline's rows stay loaded), so that they load and tear down only what a real request does.
        db.session.expunge_all()
        client = app.test_client()

        def cold():
            ics._vevents.items.clear()
            ics.vtimezone.cache_clear()
            assert client.get("/calendar.ics").status_code == 200

        baseline_build = timed(lambda: icalendar_alone(events))
        cold_build = timed(cold)
        rebuilds = []
        for n in range(3):
            event = db.session.get(Event, events[n * 7].id)
            event.title += " (updated)"
            event.updated_at = datetime.now(pytz.utc) + timedelta(seconds=n)  # a newer change each time
            db.session.commit()
            db.session.close()
            started = time.perf_counter()
            assert client.get("/calendar.ics").status_code == 200
            rebuilds.append(time.perf_counter() - started)
        rebuild = min(rebuilds)
        feed_body = client.get("/calendar.ics").data

    body_file = os.path.join(scratch, "feed.ics")
    with open(body_file, "wb") as file:
        file.write(feed_body)

    eventreg_server, eventreg_url = start_gunicorn("wsgi:app", env, args.workers)
    baseline_env = {"BASELINE_BODY": body_file, "BASELINE_DATABASE_URL": url}
    baseline_server, baseline_url = start_gunicorn("benchmarks.baseline_app:app", baseline_env, args.workers)
    try:
        first = measure(f"{eventreg_url}/calendar.ics", seconds=0.5, concurrency=1)  # warm every worker's cache
        assert first.statuses.get(200), first.statuses
        import urllib.request

        with urllib.request.urlopen(f"{eventreg_url}/calendar.ics") as response:  # noqa: S310 - loopback
            etag = response.headers["ETag"]
        hello = measure(f"{baseline_url}/hello", seconds=args.seconds)
        one_read = measure(f"{baseline_url}/one-read", seconds=args.seconds)
        not_modified = measure(f"{eventreg_url}/calendar.ics", headers={"If-None-Match": etag}, seconds=args.seconds)
        fixed = measure(f"{baseline_url}/bytes", seconds=args.seconds)
        cached = measure(f"{eventreg_url}/calendar.ics", seconds=args.seconds)
    finally:
        for server in (eventreg_server, baseline_server):
            server.send_signal(signal.SIGTERM)
            server.wait(timeout=30)

    assert not_modified.statuses.keys() == {304}, not_modified.statuses
    assert cached.statuses.keys() == {200}, cached.statuses
    assert one_read.statuses.keys() == {200}, one_read.statuses
    print(f"\nCalendar feed benchmark: {args.events} events, {args.workers} gunicorn workers, "
          f"{os.cpu_count()} cores, {len(feed_body):,} bytes\n")  # fmt: skip
    print(f"{'measure':44} {'eventreg':>12} {'baseline':>12} {'ratio':>7}  target")
    rows = [
        ("GET /calendar.ics 304 (req/s) vs hello", not_modified.rps, hello.rps, not_modified.rps / hello.rps,
         ">= 0.70"),
        ("GET /calendar.ics 200, pieces (req/s) vs bytes", cached.rps, fixed.rps, cached.rps / fixed.rps, ">= 0.70"),
        ("cold build (ms) vs icalendar alone", cold_build * 1000, baseline_build * 1000, cold_build / baseline_build,
         "<= 1.20"),
        ("rebuild after one change (ms) vs cold", rebuild * 1000, cold_build * 1000, rebuild / cold_build, "<= 0.25"),
    ]  # fmt: skip
    for name, ours, base, ratio, target in rows:
        print(f"{name:44} {ours:12.1f} {base:12.1f} {ratio:7.2f}  {target}")
    # Not a measure of eventreg: how far any 304 can get if it must ask the shared database, as ours must.
    print(f"{'floor: hello + one row read (req/s) vs hello':44} {one_read.rps:12.1f} {hello.rps:12.1f} "
          f"{one_read.rps / hello.rps:7.2f}")  # fmt: skip
    print(f"\nlatency p50/p99 (ms): 304 {not_modified.p50_ms:.1f}/{not_modified.p99_ms:.1f}, "
          f"cached 200 {cached.p50_ms:.1f}/{cached.p99_ms:.1f}, "
          f"hello {hello.p50_ms:.1f}/{hello.p99_ms:.1f}")  # fmt: skip


if __name__ == "__main__":
    main()
