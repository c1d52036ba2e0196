"""The hosts' attendee list at 2,000 and 20,000 registrants on PostgreSQL, in one process: the page's median wall
time through the Flask test client and each SQL statement's time, slowest first.

    .venv/bin/python -m benchmarks.profile_attendees [--rounds 7]

Not a test: figures depend on the machine; compare the two sizes within one run."""

import argparse
import statistics
import time

import sqlalchemy as sa

from benchmarks.cpu import sign_in
from benchmarks.run import scratch_database, seed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", default="postgresql://postgres@127.0.0.1:5432/postgres")
    parser.add_argument("--scratch-name", default="eventreg_profile_attendees")
    parser.add_argument("--rounds", type=int, default=7)
    args = parser.parse_args()

    from eventreg import create_app
    from eventreg.core.extensions import db

    url = scratch_database(args.database_url, args.scratch_name)
    ids = seed(url, events=200, registrations=0, attendee_lists=(2_000, 20_000))
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "WTF_CSRF_ENABLED": True, "LOG_LEVEL": "WARNING"})
    client = app.test_client()
    sign_in(client)
    timings: list[tuple[float, str]] = []

    def before(_conn, _cursor, _statement, _params, context, _many):
        context.started = time.perf_counter()

    def after(_conn, _cursor, statement, _params, context, _many):
        timings.append(((time.perf_counter() - context.started) * 1000, " ".join(statement.split())[:120]))

    with app.app_context():
        engine = db.engine
    for size, event_id in ids["attendee_lists"].items():
        path = f"/host/events/{event_id}/attendees"
        for _ in range(3):  # warm: templates compiled, connections open
            assert client.get(path).status_code == 200
        walls = []
        for _ in range(args.rounds):
            started = time.perf_counter()
            client.get(path)
            walls.append((time.perf_counter() - started) * 1000)
        sa.event.listen(engine, "before_cursor_execute", before)
        sa.event.listen(engine, "after_cursor_execute", after)
        timings.clear()
        client.get(path)
        sa.event.remove(engine, "before_cursor_execute", before)
        sa.event.remove(engine, "after_cursor_execute", after)
        print(f"attendee list of {size:,}: median {statistics.median(walls):.1f} ms, {len(timings)} statements, "
              f"{sum(t for t, _ in timings):.1f} ms of SQL")  # fmt: skip
        for ms, statement in sorted(timings, reverse=True)[:4]:
            print(f"  {ms:6.2f} ms  {statement}")
    engine.dispose()


if __name__ == "__main__":
    main()
