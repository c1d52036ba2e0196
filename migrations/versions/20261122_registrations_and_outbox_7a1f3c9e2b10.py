"""registrations, the mail outbox, and an optional registration deadline on events

Revision ID: 7a1f3c9e2b10
Revises: 4c2db08253fd
Create Date: 2026-11-22

"""

import sqlalchemy as sa
from alembic import op

revision = "7a1f3c9e2b10"
down_revision = "4c2db08253fd"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("events") as batch_op:
        batch_op.add_column(sa.Column("registration_deadline_at", sa.DateTime(timezone=True), nullable=True))

    op.create_table(
        "registrations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("organization", sa.String(length=200), nullable=False),
        sa.Column("job_role", sa.String(length=120), nullable=False),
        sa.Column("accessibility", sa.String(length=20), nullable=False),
        sa.Column("accessibility_details", sa.String(length=500), nullable=False),
        sa.Column("wants_recording", sa.Boolean(), nullable=False),
        sa.Column("timezone", sa.String(length=64), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("token", sa.String(length=64), nullable=False),
        sa.Column("form_key", sa.String(length=64), nullable=True),
        sa.Column("sequence", sa.Integer(), server_default="0", nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("confirmed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("cancelled_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "status IN ('confirmed', 'waiting', 'cancelled')", name=op.f("ck_registrations_status_known")
        ),
        sa.ForeignKeyConstraint(
            ["event_id"], ["events.id"], name=op.f("fk_registrations_event_id_events"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_registrations")),
        sa.UniqueConstraint("event_id", "email", name="uq_registrations_event_id_email"),
        sa.UniqueConstraint("token", name=op.f("uq_registrations_token")),
    )
    op.create_index("ix_registrations_event_id_status_id", "registrations", ["event_id", "status", "id"])

    op.create_table(
        "outbox",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("registration_id", sa.Integer(), nullable=True),
        sa.Column("to_name", sa.String(length=200), nullable=False),
        sa.Column("to_address", sa.String(length=254), nullable=False),
        sa.Column("subject", sa.String(length=300), nullable=False),
        sa.Column("body_text", sa.Text(), nullable=False),
        sa.Column("body_html", sa.Text(), nullable=False),
        sa.Column("calendar", sa.Text(), nullable=True),
        sa.Column("calendar_method", sa.String(length=20), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("claimed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("attempts", sa.Integer(), server_default="0", nullable=False),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["registration_id"],
            ["registrations.id"],
            name=op.f("fk_outbox_registration_id_registrations"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outbox")),
    )
    op.create_index(op.f("ix_outbox_registration_id"), "outbox", ["registration_id"])
    op.create_index("ix_outbox_sent_at_id", "outbox", ["sent_at", "id"])


def downgrade():
    op.drop_index("ix_outbox_sent_at_id", table_name="outbox")
    op.drop_index(op.f("ix_outbox_registration_id"), table_name="outbox")
    op.drop_table("outbox")
    op.drop_index("ix_registrations_event_id_status_id", table_name="registrations")
    op.drop_table("registrations")
    with op.batch_alter_table("events") as batch_op:
        batch_op.drop_column("registration_deadline_at")
