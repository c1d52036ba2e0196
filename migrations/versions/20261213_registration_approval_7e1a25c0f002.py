"""registration approval: events.requires_approval, the pending and declined statuses, registrations.declined_at
and registrations.waiting_since (the waiting list's order)

Revision ID: 7e1a25c0f002
Revises: 7e1a25c0f003
Create Date: 2026-12-13

"""

import sqlalchemy as sa
from alembic import op

revision = "7e1a25c0f002"
down_revision = "7e1a25c0f003"
branch_labels = None
depends_on = None

STATUSES = "status IN ('confirmed', 'waiting', 'pending', 'declined', 'cancelled')"
OLD_STATUSES = "status IN ('confirmed', 'waiting', 'cancelled')"


def upgrade():
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
    with op.batch_alter_table("registrations") as batch_op:
        batch_op.drop_constraint(op.f("ck_registrations_status_known"), type_="check")
        batch_op.create_check_constraint(op.f("ck_registrations_status_known"), OLD_STATUSES)
        batch_op.drop_column("waiting_since")
        batch_op.drop_column("declined_at")
    with op.batch_alter_table("events") as batch_op:
        batch_op.drop_column("requires_approval")
