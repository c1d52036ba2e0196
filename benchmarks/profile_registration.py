"""Where a registration's time goes, in one process: registrations as a browser makes them (GET the form as a new
visitor, POST it with its CSRF token) through the Flask test client on a scratch PostgreSQL database, mail sent by
the background sender to an SMTP server on loopback (aiosmtpd's Sink).

    .venv/bin/python -m benchmarks.profile_registration [--count 200] [--rounds 5] [--profile]

Prints the median CPU per registration over several rounds (time.process_time: the request and the sender
thread), the SQL statements per registration (request and sender apart) and, with --profile, cProfile's top
functions by cumulative time. Not a test: figures depend on the machine."""

import argparse
import cProfile
import io
import pstats
import statistics
import sys
import threading
import time

import sqlalchemy as sa

from benchmarks.loadgen import CSRF_FIELD
from benchmarks.run import scratch_database, seed, start_smtp_sink, stop


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", default="postgresql://postgres@127.0.0.1:5432/postgres")
    parser.add_argument("--scratch-name", default="eventreg_profile")
    parser.add_argument("--count", type=int, default=200, help="registrations per round")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--profile", action="store_true", help="print cProfile's top functions for one round")
    parser.add_argument("--delivery", default="background", help="MAIL_DELIVERY: background, or request")
    parser.add_argument("--served", action="store_true", help="under gunicorn instead: sample PostgreSQL's waits")
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=10)
    args = parser.parse_args()
    if args.served:
        return served(args)

    from eventreg import create_app
    from eventreg.core.extensions import db
    from eventreg.mail import sending
    from eventreg.registrations import operations

    url = scratch_database(args.database_url, args.scratch_name)
    ids = seed(url, events=200, registrations=1_000)
    engine = sa.create_engine(url)
    with engine.begin() as connection:  # seats for every round: the confirmed path, mail with its invitation
        connection.execute(sa.text("UPDATE events SET capacity = 1000000 WHERE id = :e"), {"e": ids["target"]})
    smtp, smtp_port = start_smtp_sink()
    app = create_app({
        "SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "profile-secret-" * 3, "MAIL_SERVER": "127.0.0.1",
        "MAIL_PORT": smtp_port, "MAIL_DELIVERY": args.delivery, "RATELIMIT_ENABLED": False, "LOG_LEVEL": "WARNING",
    })  # fmt: skip
    statements = {"request": 0, "sender": 0}

    @sa.event.listens_for(sa.engine.Engine, "before_cursor_execute")
    def count(*_args, **_kwargs):
        statements["sender" if threading.current_thread().name.startswith("eventreg-") else "request"] += 1

    path = f"/events/{ids['target_slug']}/register"
    number = [0]
    locked: list[float] = []  # how long each registration held the event row: from its lock to the commit
    lock_event = operations.lock_event
    locked_profiler: list[cProfile.Profile | None] = [None]  # --profile: the locked section alone

    def timed_lock_event(event_id: int):
        if locked_profiler[0]:
            locked_profiler[0].enable()
        event = lock_event(event_id)
        taken = time.perf_counter()

        @sa.event.listens_for(db.session(), "after_commit", once=True)
        def committed(_session):
            locked.append(time.perf_counter() - taken)
            if locked_profiler[0]:
                locked_profiler[0].disable()

        return event

    operations.lock_event = timed_lock_event

    def register_one() -> None:
        client = app.test_client()  # a new visitor: a new session, a new CSRF token
        page = client.get(path)
        token = CSRF_FIELD.search(page.data)
        number[0] += 1
        answer = client.post(path, data={
            "name": f"Reader {number[0]}", "email": f"profile{number[0]}-{time.time_ns()}@library.example.org",
            "organization": "Springfield Library", "csrf_token": (token.group(1) or token.group(2)).decode(),
        })  # fmt: skip
        assert answer.status_code == 200, answer.status_code

    def reference_cpu_ms() -> float:
        """The reference app's CPU per pair, measured the same way on the same database (its own event)."""
        import os

        os.environ["BASELINE_DATABASE_URL"] = url
        from benchmarks import baseline_app

        reference = f"/events/{ids['reference']}/register"
        with engine.begin() as connection:
            connection.execute(sa.text("UPDATE events SET capacity = NULL WHERE id = :e"), {"e": ids["reference"]})

        def one(n: int) -> None:
            client = baseline_app.app.test_client()
            token = CSRF_FIELD.search(client.get(reference).data)
            answer = client.post(reference, data={
                "name": f"Reader {n}", "email": f"reference{n}-{time.time_ns()}@library.example.org",
                "organization": "Springfield Library", "csrf_token": (token.group(1) or token.group(2)).decode(),
            })  # fmt: skip
            assert answer.status_code == 303, answer.status_code

        for n in range(20):
            one(n)
        samples = []
        for _ in range(args.rounds):
            started = time.process_time()
            for n in range(args.count):
                one(n)
            samples.append((time.process_time() - started) / args.count * 1000)
        return statistics.median(samples)

    def drain() -> None:
        with app.app_context():
            sending.background_sender(app).drain(timeout=60)

    try:
        with app.app_context():
            app.jinja_env.get_template("registrations/register.html")
        for _ in range(20):  # warm up: templates compiled, connections open, the sender thread started
            register_one()
        drain()
        rounds, held = [], []
        for _ in range(args.rounds):
            statements.update(request=0, sender=0)
            locked.clear()
            started = time.process_time()
            for _ in range(args.count):
                register_one()
            drain()
            rounds.append((time.process_time() - started) / args.count * 1000)
            held.append(statistics.median(locked) * 1000)
        print(f"CPU per registration (GET + POST, mail sent): median {statistics.median(rounds):.1f} ms "
              f"(rounds: {', '.join(f'{r:.1f}' for r in rounds)})")  # fmt: skip
        print(f"The event row held (lock to commit, wall clock, one client): median {statistics.median(held):.1f} ms")
        print(f"SQL statements per registration: {statements['request'] / args.count:.1f} in the requests, "
              f"{statements['sender'] / args.count:.1f} in the sender thread")  # fmt: skip
        ours, theirs = statistics.median(rounds), reference_cpu_ms()
        print(
            f"The reference (benchmarks/baseline_app.py), the same way: {theirs:.2f} ms of CPU per pair. Where both "
            f"are CPU-bound, eventreg reaches at most {theirs / ours:.2f} of its rate, however short the lock."
        )
        if args.profile:
            locked_profiler[0] = cProfile.Profile()
            for _ in range(args.count):
                register_one()
            drain()
            out = io.StringIO()
            print("The locked section (from lock_event to the commit):")
            pstats.Stats(locked_profiler[0], stream=out).sort_stats("cumulative").print_stats(40)
            print(out.getvalue())
            locked_profiler[0] = None
            profiler = cProfile.Profile()
            profiler.enable()
            for _ in range(args.count):
                register_one()
            profiler.disable()
            drain()
            out = io.StringIO()
            pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(45)
            print(out.getvalue())
            out = io.StringIO()
            pstats.Stats(profiler, stream=out).sort_stats("tottime").print_stats(30)
            print(out.getvalue())
    finally:
        stop(smtp)
        engine.dispose()


def served(args) -> None:
    """Registrations under gunicorn while a thread samples pg_stat_activity every 20 ms: what eventreg's
    connections are doing (running, idle in a transaction, waiting for the event row's lock, for the client)."""
    import collections
    import tempfile

    from benchmarks.loadgen import measure_registrations
    from benchmarks.run import serve

    url = scratch_database(args.database_url, args.scratch_name)
    ids = seed(url, events=200, registrations=1_000)
    engine = sa.create_engine(url)
    with engine.begin() as connection:
        connection.execute(sa.text("UPDATE events SET capacity = 1000000 WHERE id = :e"), {"e": ids["target"]})
    smtp, smtp_port = start_smtp_sink()
    server, base = serve(url, args.workers, tempfile.mkdtemp(), smtp_port)
    samples: collections.Counter = collections.Counter()
    done = threading.Event()
    sql = sa.text(
        "SELECT state, coalesce(wait_event_type, 'CPU'), coalesce(wait_event, '') FROM pg_stat_activity "
        "WHERE datname = current_database() AND pid <> pg_backend_pid() AND backend_type = 'client backend'"
    )

    def sample() -> None:
        with engine.connect() as connection:
            while not done.is_set():
                for row in connection.execute(sql):
                    samples[tuple(row)] += 1
                connection.rollback()
                samples["samples"] += 1
                time.sleep(0.02)

    def form(number: int) -> dict:
        return {"name": f"Load {number}", "email": f"load{number}-{time.time_ns()}@library.example.org",
                "organization": "Load Library"}  # fmt: skip

    try:
        register_url = f"{base}/events/{ids['target_slug']}/register"
        measure_registrations(register_url, form, seconds=1, concurrency=2)  # warm up
        sampler = threading.Thread(target=sample)
        sampler.start()
        cpu = time.process_time()
        result = measure_registrations(register_url, form, seconds=args.seconds, concurrency=args.concurrency)
        cpu = time.process_time() - cpu
        done.set()
        sampler.join()
    finally:
        stop(server)
        stop(smtp)
    print(
        f"{result.rps:.1f} registrations/s, p50 {result.p50_ms:.0f} ms, p99 {result.p99_ms:.0f} ms, "
        f"statuses {result.statuses}; the load generator's CPU {cpu / result.requests * 1000:.1f} ms each"
    )
    print(f"eventreg's connections, mean over {samples['samples']} samples (state, wait type, wait event):")
    for key, n in samples.most_common():
        if key != "samples":
            print(f"  {n / samples['samples']:5.2f}  {' / '.join(key)}")
    engine.dispose()


if __name__ == "__main__":
    sys.exit(main())
