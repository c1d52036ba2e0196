"""The migrations are the schema: one head, base <-> head on each database, and no drift from the models."""

import os

import flask_migrate
import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory

from eventreg import PROJECT_ROOT, create_app
from eventreg.core.config import normalise_database_url
from eventreg.core.extensions import db


@pytest.fixture
def scratch_database(request, database_kind, tmp_path, database_guard):
    """An empty database of each kind, apart from the one the other tests use."""
    if database_kind == "sqlite":
        yield "sqlite:///" + str(tmp_path / "migrations.sqlite")
        return
    url = sa.engine.make_url(normalise_database_url(request.getfixturevalue("postgres_url")))
    name = f"{url.database}_migrations"
    database_guard(url.set(database=name).render_as_string(hide_password=False))
    admin = sa.create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}"'))
        connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
    yield url.set(database=name).render_as_string(hide_password=False)
    with admin.connect() as connection:
        connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def test_there_is_one_head():
    config = flask_migrate.Config(os.path.join(PROJECT_ROOT, "migrations", "alembic.ini"))
    config.set_main_option("script_location", os.path.join(PROJECT_ROOT, "migrations"))
    assert len(ScriptDirectory.from_config(config).get_heads()) == 1


def test_upgrade_to_head_matches_models_and_downgrades_to_base(scratch_database):
    app = create_app({"SQLALCHEMY_DATABASE_URI": scratch_database, "TESTING": True})
    with app.app_context():
        flask_migrate.upgrade()
        with db.engine.connect() as connection:
            diff = compare_metadata(MigrationContext.configure(connection), db.metadata)
        assert diff == [], f"models and migrations disagree: {diff}"
        flask_migrate.downgrade(revision="base")
        assert set(sa.inspect(db.engine).get_table_names()) <= {"alembic_version"}
        flask_migrate.upgrade()  # and back up again, so downgrade left nothing behind that blocks it
        db.engine.dispose()


def test_after_migrating_the_apps_sqlite_connections_still_enforce_foreign_keys(tmp_path):
    """Migrations run with SQLite's foreign keys off (migrations/env.py); the connection they used must not reach the
    app's sessions so, or deletes there would neither cascade nor set references to NULL."""
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/fk.sqlite", "TESTING": True})
    with app.app_context():
        flask_migrate.upgrade()
        for _ in range(db.engine.pool.size() + 1):  # every connection the pool would hand out
            with db.engine.connect() as connection:
                assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        db.engine.dispose()
