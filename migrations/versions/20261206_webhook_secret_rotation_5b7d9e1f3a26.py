"""webhook secret rotation: the previous secret, still signing beside the new one until its grace ends

Revision ID: 5b7d9e1f3a26
Revises: e4a8c2f61b37
Create Date: 2026-12-06

"""

import sqlalchemy as sa
from alembic import op

revision = "5b7d9e1f3a26"
down_revision = "e4a8c2f61b37"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("webhook_endpoints", schema=None) as batch_op:
        batch_op.add_column(sa.Column("previous_secret", sa.String(length=100), nullable=True))
        batch_op.add_column(sa.Column("previous_secret_expires_at", sa.DateTime(timezone=True), nullable=True))


def downgrade():
    with op.batch_alter_table("webhook_endpoints", schema=None) as batch_op:
        batch_op.drop_column("previous_secret_expires_at")
        batch_op.drop_column("previous_secret")
