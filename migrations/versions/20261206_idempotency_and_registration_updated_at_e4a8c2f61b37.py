"""idempotent_requests (the API's Idempotency-Key) and registrations.updated_at

Revision ID: e4a8c2f61b37
Revises: d7f3b1a9c524
Create Date: 2026-12-06

"""

import sqlalchemy as sa
from alembic import op

revision = "e4a8c2f61b37"
down_revision = "d7f3b1a9c524"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "idempotent_requests",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("token_id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=255), nullable=False),
        sa.Column("method", sa.String(length=10), nullable=False),
        sa.Column("path", sa.String(length=2000), nullable=False),
        sa.Column("body_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("status", sa.Integer(), nullable=True),
        sa.Column("body", sa.Text(), nullable=True),
        sa.Column("location", sa.String(length=2000), nullable=True),
        sa.ForeignKeyConstraint(
            ["token_id"], ["api_tokens.id"], name=op.f("fk_idempotent_requests_token_id_api_tokens"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_idempotent_requests")),
        sa.UniqueConstraint("token_id", "key", name="uq_idempotent_requests_token_id_key"),
    )
    op.create_index(op.f("ix_idempotent_requests_created_at"), "idempotent_requests", ["created_at"])
    with op.batch_alter_table("registrations") as batch_op:
        batch_op.add_column(sa.Column("updated_at", sa.DateTime(timezone=True), nullable=True))
    # The last change we know of: a cancellation, else a confirmation, else the registration itself.
    op.execute("UPDATE registrations SET updated_at = COALESCE(cancelled_at, confirmed_at, created_at)")
    with op.batch_alter_table("registrations") as batch_op:
        batch_op.alter_column("updated_at", existing_type=sa.DateTime(timezone=True), nullable=False)
        batch_op.create_index("ix_registrations_event_id_updated_at", ["event_id", "updated_at"])


def downgrade():
    with op.batch_alter_table("registrations") as batch_op:
        batch_op.drop_index("ix_registrations_event_id_updated_at")
        batch_op.drop_column("updated_at")
    op.drop_index(op.f("ix_idempotent_requests_created_at"), table_name="idempotent_requests")
    op.drop_table("idempotent_requests")
