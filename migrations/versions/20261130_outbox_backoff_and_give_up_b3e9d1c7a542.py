"""outbox: next attempt time (backoff) and a failed mark for messages given up

Revision ID: b3e9d1c7a542
Revises: b8e2c4d6f013
Create Date: 2026-11-30

"""

import sqlalchemy as sa
from alembic import op

revision = "b3e9d1c7a542"
down_revision = "b8e2c4d6f013"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("outbox") as batch_op:
        batch_op.add_column(sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("failed_at", sa.DateTime(timezone=True), nullable=True))
    # Every message not yet sent is due at once, as it was before.
    op.execute("UPDATE outbox SET next_attempt_at = created_at WHERE sent_at IS NULL")
    op.create_index("ix_outbox_next_attempt_at_id", "outbox", ["next_attempt_at", "id"])


def downgrade():
    op.drop_index("ix_outbox_next_attempt_at_id", table_name="outbox")
    # Messages given up become unsent again, as the older code knew no other state.
    with op.batch_alter_table("outbox") as batch_op:
        batch_op.drop_column("failed_at")
        batch_op.drop_column("next_attempt_at")
