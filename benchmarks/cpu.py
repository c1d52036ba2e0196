"""The app's own cost per page, in process: median CPU per request through the Flask test client, each page
beside a minimal Flask view measured in the same run, and the SQL statements each request sends.

    .venv/bin/python -m benchmarks.cpu [--rounds 7] [--requests 40] [--profile upcoming]

Builds the demo catalog (events/demo.py: on-demand events, upcoming ones in several zones, a course and a
programme) in a scratch SQLite file, fills each list to a full page (20 entries) with more events like the
demo's, and adds a signed-in host with an attendee list and an API token. The visitor has a zone cookie
(Europe/Berlin), so entries show "Your time" too, as most visitors' do. Times are process CPU
(time.process_time), not wall clock: the figure that does not depend on what else the machine is doing, and
the ratio to the minimal view the one to compare between runs. Target: each page >= 0.2 of the minimal view.
--profile NAME prints cProfile's top functions for that page."""

import argparse
import cProfile
import os
import pstats
import statistics
import sys
import tempfile
import time
from datetime import datetime, timedelta

import pytz
import sqlalchemy as sa
from flask import Flask

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

VISITOR_ZONE = "Europe/Berlin"
ZONES = ("America/New_York", "America/Los_Angeles", "Europe/London", "Asia/Kolkata", "Australia/Sydney")
PASSWORD = "benchmark password"


def minimal_app() -> Flask:
    app = Flask("minimal")

    @app.get("/hello")
    def hello():
        return "hello"

    return app


def build(path: str):
    """The app on a fresh SQLite file with the catalog; returns (app, names of things the pages need)."""
    import logging

    import flask_migrate
    from werkzeug.security import generate_password_hash

    from eventreg import create_app
    from eventreg.api import operations as api_operations
    from eventreg.clock import FixedClock
    from eventreg.core.extensions import db
    from eventreg.events import operations
    from eventreg.events.demo import DESCRIPTION, GENERAL_POINTS, seed_demo
    from eventreg.events.models import Event, Status, Topic, event_topics
    from eventreg.hosts.models import Host
    from eventreg.registrations import operations as registrations
    from eventreg.series.models import Series

    now = datetime.now(pytz.utc).replace(second=0, microsecond=0)
    app = create_app({
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}", "SECRET_KEY": "benchmark-secret", "CLOCK": FixedClock(now),
        "RATELIMIT_ENABLED": False, "MAIL_DELIVERY": "none", "WEBHOOK_DELIVERY": "none",
        "SERVER_NAME": "eventreg.test", "BASE_URL": "http://eventreg.test", "MAIL_OUTBOX_DIR": os.path.dirname(path),
    })  # fmt: skip
    with app.app_context():
        logging.getLogger("alembic").setLevel(logging.WARNING)
        flask_migrate.upgrade()
        seed_demo(now)
        topics = list(db.session.scalars(sa.select(Topic).order_by(Topic.id)))
        description = DESCRIPTION.format(summary="A practical session for library staff.",
                                         points="\n".join(f"- {p}" for p in GENERAL_POINTS))  # fmt: skip
        for n in range(24):  # past ones for the on-demand list, upcoming ones for the rest
            for when, sign in (("past", -1), ("next", 1)):
                zone = ZONES[n % len(ZONES)]
                starts_at = (now + sign * timedelta(days=3 + 2 * n, hours=n % 5)).replace(minute=0)
                event = operations.create_event(
                    slug=f"{when}-webinar-{n}", title=f"Webinar {n}: programs that libraries run",
                    starts_at=starts_at, ends_at=starts_at + timedelta(hours=1), timezone=zone, now=now,
                    status=Status.PUBLISHED, summary="A practical session for library staff.",
                    description=description, host_name="WebJunction", join_url=f"https://meet.example.org/j/{n}",
                    capacity=100 if n % 2 else None, archive_url="https://example.org/r.html" if sign < 0 else None,
                )  # fmt: skip
                event.topics = [topics[n % len(topics)]]
        host = Host(email="admin@bench.test", name="Admin", is_admin=True, timezone="America/New_York",
                    password_hash=generate_password_hash(PASSWORD), created_at=now)  # fmt: skip
        db.session.add(host)
        db.session.flush()
        hosted = db.session.scalar(sa.select(Event).where(Event.slug == "next-webinar-1"))
        hosted.hosts = [host]
        for n in range(50):
            registrations.register(hosted, name=f"Reader {n}", email=f"reader{n}@library.example.org",
                                   organization="Springfield Library", now=now)  # fmt: skip
        _, secret = api_operations.create_token(host, name="bench", can_write=False, now=now)
        course = db.session.scalar(sa.select(Series).where(Series.kind == "course"))
        session_slug = db.session.scalar(sa.select(Event.slug).where(Event.series_id == course.id).order_by(Event.id))
        topic_slug = db.session.scalar(
            sa.select(Topic.slug).join(event_topics).group_by(Topic.id).order_by(sa.func.count().desc()).limit(1)
        )
        names = {"hosted_id": hosted.id, "hosted_slug": hosted.slug, "token": secret, "course": course.slug,
                 "session": session_slug, "topic": topic_slug, "month": now.strftime("%Y-%m")}  # fmt: skip
        db.session.commit()
    return app, names


def pages(names: dict) -> list[tuple[str, str, str, dict]]:
    """(name, who, path, headers): who is "public", "host" (signed in) or "api" (a token)."""
    bearer = {"Authorization": f"Bearer {names['token']}"}
    return [
        ("upcoming list", "public", "/events", {}),
        ("on-demand list", "public", "/events/on-demand", {}),
        ("topic page", "public", f"/topics/{names['topic']}", {}),
        ("month view", "public", f"/month?month={names['month']}", {}),
        ("event page", "public", f"/events/{names['hosted_slug']}", {}),
        ("course session page", "public", f"/events/{names['session']}", {}),
        ("series page", "public", f"/series/{names['course']}", {}),
        ("registration page", "public", f"/events/{names['hosted_slug']}/register", {}),
        ("API event list", "public", "/api/v1/events", {}),
        ("API host event list", "api", "/api/v1/host/events", bearer),
        ("host dashboard", "host", "/host/", {}),
        ("attendee list (50)", "host", f"/host/events/{names['hosted_id']}/attendees", {}),
    ]


def sign_in(client) -> None:
    import re

    page = client.get("/host/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page) or re.search(
        r'value="([^"]+)"[^>]*name="csrf_token"', page
    )
    data = {"email": "admin@bench.test", "password": PASSWORD, "csrf_token": token[1] if token else ""}
    response = client.post("/host/login", data=data)
    assert response.status_code == 303, response.status_code


def cpu_ms(client, path: str, headers: dict, *, requests: int, rounds: int) -> float:
    """Median over rounds of the CPU milliseconds one request takes."""
    for _ in range(3):  # warm: first-request work, template compilation, per-process caches
        response = client.get(path, headers=headers)
        assert response.status_code == 200, (path, response.status_code)
    samples = []
    for _ in range(rounds):
        started = time.process_time()
        for _ in range(requests):
            client.get(path, headers=headers)
        samples.append((time.process_time() - started) * 1000 / requests)
    return statistics.median(samples)


def count_queries(app, client, path: str, headers: dict) -> int:
    from eventreg.core.extensions import db

    statements = []

    def count(*args, **kwargs):
        statements.append(1)

    with app.app_context():
        engine = db.engine
    sa.event.listen(engine, "before_cursor_execute", count)
    try:
        client.get(path, headers=headers)
    finally:
        sa.event.remove(engine, "before_cursor_execute", count)
    return len(statements)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--requests", type=int, default=40, help="requests a round (the minimal view: 25x)")
    parser.add_argument("--profile", help="a page's name (as printed) to profile, e.g. 'upcoming list'")
    parser.add_argument("--only", help="measure only the pages whose name contains this")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as scratch:
        app, names = build(os.path.join(scratch, "bench.sqlite"))
        clients = {"public": app.test_client(), "api": app.test_client(), "host": app.test_client()}
        for client in clients.values():
            client.set_cookie(app.config["TZ_COOKIE"], VISITOR_ZONE, domain="eventreg.test")
        sign_in(clients["host"])
        minimal = minimal_app().test_client()
        baseline = cpu_ms(minimal, "/hello", {}, requests=args.requests * 25, rounds=args.rounds)
        print(f"minimal Flask view: {baseline:.3f} ms CPU a request (median of {args.rounds} rounds)\n")
        print(f"{'page':<24} {'CPU ms':>8} {'ratio':>6} {'queries':>8}  target >= 0.2")
        for name, who, path, headers in pages(names):
            if args.only and args.only not in name:
                continue
            client = clients[who]
            ms = cpu_ms(client, path, headers, requests=args.requests, rounds=args.rounds)
            if args.profile == name:  # warm by now: what every request pays, not the first one's compiling
                profile(client, path, headers, args.requests * 5)
            queries = count_queries(app, client, path, headers)
            ratio = baseline / ms
            print(f"{name:<24} {ms:8.2f} {ratio:6.2f} {queries:8d}  {'yes' if ratio >= 0.2 else 'no'}")
        again = cpu_ms(minimal, "/hello", {}, requests=args.requests * 25, rounds=args.rounds)
        print(f"\nminimal Flask view again: {again:.3f} ms (ratios use the first; the load is {load()})")


def load() -> str:
    try:
        return "load average " + " / ".join(f"{x:.1f}" for x in os.getloadavg())
    except OSError:
        return "unknown"


def profile(client, path: str, headers: dict, requests: int) -> None:
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(requests):
        client.get(path, headers=headers)
    profiler.disable()
    stats = pstats.Stats(profiler)
    stats.sort_stats("cumulative").print_stats(45)
    stats.sort_stats("tottime").print_stats(30)


if __name__ == "__main__":
    main()
