"""The approval migration (7e1a25c0f002) keeps the data: the waiting list keeps its order (waiting_since from
created_at), rows that reference the rebuilt tables survive on SQLite (its rebuild would otherwise cascade-delete
them), and going back turns registrations that did not exist before it (pending, declined) into cancelled ones,
which the old status rule allows."""

from datetime import datetime

import flask_migrate
import pytz
import sqlalchemy as sa

from eventreg import create_app
from eventreg.core.extensions import db
from tests.test_migrations import scratch_database  # noqa: F401 - the fixture: an empty database of each kind

BEFORE = "7e1a25c0f003"  # the migration before approval (host messages)
T0 = datetime(2026, 12, 1, 12, tzinfo=pytz.utc)
T1 = datetime(2026, 12, 2, 12, tzinfo=pytz.utc)


def table(name: str) -> sa.Table:
    """The table as the database has it now (so as the current revision made it)."""
    return sa.Table(name, sa.MetaData(), autoload_with=db.engine)


def registration(number: int, status: str, **columns) -> dict:
    return {
        "id": number, "event_id": 1, "name": f"Reader {number}", "email": f"r{number}@example.org",
        "organization": "Library", "job_role": "", "accessibility": "", "accessibility_details": "",
        "wants_recording": False, "status": status, "token": f"token-{number}", "created_at": T0, "updated_at": T0,
        **columns,
    }  # fmt: skip


def read(query: str) -> list:
    with db.engine.connect() as connection:
        return connection.execute(sa.text(query)).all()


def test_upgrade_keeps_the_waiting_order_and_downgrade_cancels_what_it_cannot_keep(scratch_database):  # noqa: F811
    app = create_app({"SQLALCHEMY_DATABASE_URI": scratch_database, "TESTING": True})
    with app.app_context():
        flask_migrate.upgrade(revision=BEFORE)
        with db.engine.begin() as connection:
            connection.execute(
                table("events").insert().values(
                    id=1, slug="e", title="E", summary="", description="", format="webinar", starts_at=T1,
                    ends_at=T1.replace(hour=13), timezone="UTC", status="published", created_at=T0, updated_at=T0,
                )
            )  # fmt: skip
            for row in (registration(1, "confirmed", confirmed_at=T0), registration(2, "waiting", created_at=T1)):
                connection.execute(table("registrations").insert().values(**row))
            connection.execute(
                table("reminder_deliveries").insert().values(registration_id=1, hours_before=24, sent_at=T0)
            )

        flask_migrate.upgrade()
        rows = read("SELECT id, waiting_since FROM registrations ORDER BY id")
        assert rows[0].waiting_since is None
        assert str(rows[1].waiting_since)[:19] == "2026-12-02 12:00:00"
        assert not read("SELECT requires_approval FROM events")[0].requires_approval
        assert [tuple(row) for row in read("SELECT registration_id, hours_before FROM reminder_deliveries")] == [
            (1, 24)
        ]
        with db.engine.begin() as connection:
            for row in (registration(3, "pending"), registration(4, "declined", declined_at=T1)):
                connection.execute(table("registrations").insert().values(**row))

        flask_migrate.downgrade(revision=BEFORE)
        rows = read("SELECT id, status, cancelled_at FROM registrations ORDER BY id")
        assert [(row.id, row.status) for row in rows] == [
            (1, "confirmed"), (2, "waiting"), (3, "cancelled"), (4, "cancelled"),
        ]  # fmt: skip
        # Cancelled at the decline, else at the last change.
        assert [str(row.cancelled_at)[:19] for row in rows[2:]] == ["2026-12-01 12:00:00", "2026-12-02 12:00:00"]
        assert [tuple(row) for row in read("SELECT registration_id, hours_before FROM reminder_deliveries")] == [
            (1, 24)
        ]
        flask_migrate.downgrade(revision="base")
        db.engine.dispose()


def test_every_rebuild_on_the_way_up_keeps_the_rows_that_reference_the_rebuilt_table(scratch_database):  # noqa: F811
    """On SQLite a batch migration rebuilds a table (copy, DROP, rename); with foreign keys on, the DROP would
    cascade-delete every row referencing it (migrations/env.py turns them off while migrating). From before the
    first rebuild of `registrations` since reminders existed (e4a8c2f61b37, registrations.updated_at) to the head."""
    app = create_app({"SQLALCHEMY_DATABASE_URI": scratch_database, "TESTING": True})
    with app.app_context():
        flask_migrate.upgrade(revision="d7f3b1a9c524")
        with db.engine.begin() as connection:
            connection.execute(
                table("events").insert().values(
                    id=1, slug="e", title="E", summary="", description="", format="webinar", starts_at=T1,
                    ends_at=T1.replace(hour=13), timezone="UTC", status="published", created_at=T0, updated_at=T0,
                )
            )  # fmt: skip
            row = {
                key: value
                for key, value in registration(1, "confirmed", confirmed_at=T0).items()
                if key != "updated_at"
            }
            connection.execute(table("registrations").insert().values(**row))
            connection.execute(
                table("reminder_deliveries").insert().values(registration_id=1, hours_before=24, sent_at=T0)
            )
        flask_migrate.upgrade()
        assert [tuple(row) for row in read("SELECT registration_id, hours_before FROM reminder_deliveries")] == [
            (1, 24)
        ]
        assert [tuple(row) for row in read("SELECT id, event_id FROM registrations")] == [(1, 1)]
        flask_migrate.downgrade(revision="base")
        db.engine.dispose()
