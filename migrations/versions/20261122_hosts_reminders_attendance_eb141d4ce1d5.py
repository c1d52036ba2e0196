"""host accounts, co-hosts, sign-in attempts, reminders, attendance, event sequence

Revision ID: eb141d4ce1d5
Revises: 7a1f3c9e2b10
Create Date: 2026-11-22

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "eb141d4ce1d5"
down_revision = "7a1f3c9e2b10"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "hosts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("password_hash", sa.String(length=255), nullable=False),
        sa.Column("is_admin", sa.Boolean(), nullable=False),
        sa.Column("timezone", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_hosts")),
        sa.UniqueConstraint("email", name=op.f("uq_hosts_email")),
    )
    op.create_table(
        "login_attempts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("address", sa.String(length=64), nullable=False),
        sa.Column("attempted_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_login_attempts")),
    )
    with op.batch_alter_table("login_attempts", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_login_attempts_address"), ["address"], unique=False)
        batch_op.create_index("ix_login_attempts_email_at", ["email", "attempted_at"], unique=False)

    op.create_table(
        "event_hosts",
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("host_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["event_id"], ["events.id"], name=op.f("fk_event_hosts_event_id_events"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["host_id"], ["hosts.id"], name=op.f("fk_event_hosts_host_id_hosts"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("event_id", "host_id", name=op.f("pk_event_hosts")),
    )
    with op.batch_alter_table("event_hosts", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_event_hosts_host_id"), ["host_id"], unique=False)

    op.create_table(
        "reminder_deliveries",
        sa.Column("registration_id", sa.Integer(), nullable=False),
        sa.Column("hours_before", sa.Integer(), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["registration_id"],
            ["registrations.id"],
            name=op.f("fk_reminder_deliveries_registration_id_registrations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("registration_id", "hours_before", name=op.f("pk_reminder_deliveries")),
    )
    with op.batch_alter_table("events", schema=None) as batch_op:
        batch_op.add_column(sa.Column("sequence", sa.Integer(), server_default="0", nullable=False))
        batch_op.add_column(sa.Column("reminder_hours", sa.String(length=40), server_default="24,1", nullable=False))
        batch_op.add_column(sa.Column("recording_notified_url", sa.String(length=500), nullable=True))

    with op.batch_alter_table("registrations", schema=None) as batch_op:
        batch_op.add_column(sa.Column("attended", sa.Boolean(), nullable=True))


def downgrade():
    with op.batch_alter_table("registrations", schema=None) as batch_op:
        batch_op.drop_column("attended")

    with op.batch_alter_table("events", schema=None) as batch_op:
        batch_op.drop_column("recording_notified_url")
        batch_op.drop_column("reminder_hours")
        batch_op.drop_column("sequence")

    op.drop_table("reminder_deliveries")
    with op.batch_alter_table("event_hosts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_event_hosts_host_id"))

    op.drop_table("event_hosts")
    with op.batch_alter_table("login_attempts", schema=None) as batch_op:
        batch_op.drop_index("ix_login_attempts_email_at")
        batch_op.drop_index(batch_op.f("ix_login_attempts_address"))

    op.drop_table("login_attempts")
    op.drop_table("hosts")
