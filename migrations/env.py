"""Alembic environment for Flask-Migrate: the app's engine and metadata, batch mode for SQLite."""

import logging
from logging.config import fileConfig

from alembic import context
from flask import current_app

config = context.config
fileConfig(config.config_file_name, disable_existing_loggers=False)
logger = logging.getLogger("alembic.env")

target_db = current_app.extensions["migrate"].db
config.set_main_option("sqlalchemy.url", target_db.engine.url.render_as_string(hide_password=False).replace("%", "%%"))


def run_migrations_offline():
    context.configure(
        url=config.get_main_option("sqlalchemy.url"), target_metadata=target_db.metadata, literal_binds=True
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online():
    def process_revision_directives(context, revision, directives):
        # An empty autogenerate is a mistake, not a migration.
        if getattr(config.cmd_opts, "autogenerate", False) and directives[0].upgrade_ops.is_empty():
            directives[:] = []
            logger.info("No changes in schema detected.")

    conf_args = dict(current_app.extensions["migrate"].configure_args)
    conf_args.setdefault("process_revision_directives", process_revision_directives)
    with target_db.engine.connect() as connection:
        sqlite = connection.dialect.name == "sqlite"
        if sqlite:
            # Batch mode changes a SQLite table by rebuilding it (copy, DROP, rename), and with foreign keys on (as
            # the app's connections have them) the DROP first deletes every row that references the table,
            # cascading: rebuilding `registrations` would delete their reminders, mail and certificates. So
            # migrations run with foreign keys off (a PRAGMA SQLite ignores inside a transaction, hence the driver's
            # own connection before any begins), and every reference is checked before the upgrade commits.
            connection.connection.driver_connection.execute("PRAGMA foreign_keys=OFF")
        context.configure(connection=connection, target_metadata=target_db.metadata, **conf_args)
        with context.begin_transaction():
            context.run_migrations()
            if sqlite:
                dangling = connection.exec_driver_sql("PRAGMA foreign_key_check").all()
                if dangling:
                    raise RuntimeError(f"rows that reference nothing after the migration: {dangling[:5]}")
        if sqlite:
            # Turning them back on here would be ignored (the driver still holds a transaction), and this connection
            # would go back to the pool with foreign keys off: the app's next session would neither cascade nor
            # check references. Discard it instead; a new one gets them on (core/database.py).
            connection.invalidate()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
