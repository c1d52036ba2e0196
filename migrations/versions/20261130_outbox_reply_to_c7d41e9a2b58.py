"""outbox: a Reply-To address (hosts' messages to their registrants answer to the host)

Revision ID: c7d41e9a2b58
Revises: d4e0f2a8b513
Create Date: 2026-11-30

"""

import sqlalchemy as sa
from alembic import op

revision = "c7d41e9a2b58"
down_revision = "d4e0f2a8b513"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("outbox") as batch_op:
        batch_op.add_column(sa.Column("reply_to", sa.String(length=254), nullable=True))


def downgrade():
    with op.batch_alter_table("outbox") as batch_op:
        batch_op.drop_column("reply_to")
