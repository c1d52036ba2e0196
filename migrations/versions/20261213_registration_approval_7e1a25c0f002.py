"""registration approval: events.requires_approval, the pending and declined statuses, registrations.declined_at
and registrations.waiting_since (the waiting list's order)

Revision ID: 7e1a25c0f002
Revises: 5b7d9e1f3a26
Create Date: 2026-12-13

"""

from contextlib import contextmanager

import sqlalchemy as sa
from alembic import op

revision = "7e1a25c0f002"
down_revision = "7e1a25c0f003"
branch_labels = None
depends_on = None

STATUSES = "status IN ('confirmed', 'waiting', 'pending', 'declined', 'cancelled')"
OLD_STATUSES = "status IN ('confirmed', 'waiting', 'cancelled')"


@contextmanager
def foreign_keys_off():
    """On SQLite, batch mode changes a table by rebuilding it (copy, DROP, rename), and with foreign keys on (as the
    app's connections have them) the DROP first deletes every row that references the table, cascading: changing
    `events` would delete every registration, and changing `registrations` their mail, reminders and certificates.
    So the rebuild runs with foreign keys off; SQLite ignores that PRAGMA inside a transaction, so it is set outside
    one, and every reference is checked once they are back on."""
    bind = op.get_bind()
    if bind.dialect.name != "sqlite":
        yield
        return
    with op.get_context().autocommit_block():
        op.execute("PRAGMA foreign_keys=OFF")
    yield
    with op.get_context().autocommit_block():  # commits the rebuild
        op.execute("PRAGMA foreign_keys=ON")
    dangling = op.get_bind().exec_driver_sql("PRAGMA foreign_key_check").all()
    if dangling:
        raise RuntimeError(f"rows referencing nothing after the rebuild: {dangling[:5]}")


def upgrade():
    with foreign_keys_off():
        with op.batch_alter_table("events") as batch_op:
            batch_op.add_column(sa.Column("requires_approval", sa.Boolean(), server_default=sa.false(), nullable=False))
        with op.batch_alter_table("registrations") as batch_op:
            batch_op.add_column(sa.Column("declined_at", sa.DateTime(timezone=True), nullable=True))
            batch_op.add_column(sa.Column("waiting_since", sa.DateTime(timezone=True), nullable=True))
            batch_op.drop_constraint(op.f("ck_registrations_status_known"), type_="check")
            batch_op.create_check_constraint(op.f("ck_registrations_status_known"), STATUSES)
    # Everyone waiting joined the list when they registered (re-registering reset created_at): the same order.
    op.execute("UPDATE registrations SET waiting_since = created_at WHERE status = 'waiting'")


def downgrade():
    # Before this revision a registration was confirmed, waiting or cancelled: one still awaiting a decision, or
    # declined, holds no place, and is kept as cancelled (at its decision, else its last change).
    op.execute(
        "UPDATE registrations SET status = 'cancelled', cancelled_at = COALESCE(declined_at, updated_at) "
        "WHERE status IN ('pending', 'declined')"
    )
    with foreign_keys_off():
        with op.batch_alter_table("registrations") as batch_op:
            batch_op.drop_constraint(op.f("ck_registrations_status_known"), type_="check")
            batch_op.create_check_constraint(op.f("ck_registrations_status_known"), OLD_STATUSES)
            batch_op.drop_column("waiting_since")
            batch_op.drop_column("declined_at")
        with op.batch_alter_table("events") as batch_op:
            batch_op.drop_column("requires_approval")
