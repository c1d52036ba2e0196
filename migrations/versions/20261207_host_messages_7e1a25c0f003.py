"""host messages: a host's message to an audience of an event's registrants, sent now or scheduled, and who got it

Revision ID: 7e1a25c0f003
Revises: 5b7d9e1f3a26
Create Date: 2026-12-07

"""

import sqlalchemy as sa
from alembic import op

revision = "7e1a25c0f003"
down_revision = "5b7d9e1f3a26"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "host_messages",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=True),
        sa.Column("audience", sa.String(length=64), nullable=False),
        sa.Column("audience_label", sa.String(length=200), nullable=False),
        sa.Column("subject", sa.String(length=150), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("reply_to", sa.String(length=254), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("send_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("zone", sa.String(length=64), nullable=False),
        sa.Column("form_key", sa.String(length=64), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("claimed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("claim_token", sa.String(length=64), nullable=True),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("cancelled_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("recipient_count", sa.Integer(), nullable=True),
        sa.Column("note", sa.String(length=500), nullable=True),
        sa.CheckConstraint(
            "status IN ('scheduled', 'sending', 'sent', 'not_sent', 'cancelled')",
            name=op.f("ck_host_messages_status_known"),
        ),
        sa.ForeignKeyConstraint(
            ["author_id"], ["hosts.id"], name=op.f("fk_host_messages_author_id_hosts"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["event_id"], ["events.id"], name=op.f("fk_host_messages_event_id_events"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_host_messages")),
        sa.UniqueConstraint("form_key", name=op.f("uq_host_messages_form_key")),
    )
    with op.batch_alter_table("host_messages", schema=None) as batch_op:
        batch_op.create_index("ix_host_messages_event_id_id", ["event_id", "id"], unique=False)
        batch_op.create_index("ix_host_messages_status_send_at", ["status", "send_at"], unique=False)

    op.create_table(
        "host_message_recipients",
        sa.Column("message_id", sa.Integer(), nullable=False),
        sa.Column("registration_id", sa.Integer(), nullable=False),
        sa.Column("outbox_id", sa.Integer(), nullable=True),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.ForeignKeyConstraint(
            ["message_id"],
            ["host_messages.id"],
            name=op.f("fk_host_message_recipients_message_id_host_messages"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["outbox_id"], ["outbox.id"], name=op.f("fk_host_message_recipients_outbox_id_outbox"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["registration_id"],
            ["registrations.id"],
            name=op.f("fk_host_message_recipients_registration_id_registrations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("message_id", "registration_id", name=op.f("pk_host_message_recipients")),
    )
    with op.batch_alter_table("host_message_recipients", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_host_message_recipients_registration_id"), ["registration_id"], unique=False
        )


def downgrade():
    with op.batch_alter_table("host_message_recipients", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_host_message_recipients_registration_id"))

    op.drop_table("host_message_recipients")
    with op.batch_alter_table("host_messages", schema=None) as batch_op:
        batch_op.drop_index("ix_host_messages_status_send_at")
        batch_op.drop_index("ix_host_messages_event_id_id")

    op.drop_table("host_messages")
