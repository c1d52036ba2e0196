"""host language optional: a host who has not chosen a language gets their browser's (hosts.locale NULL), so the
"en" every account was given by 7e1a27c0f008 becomes no choice

Revision ID: 7e1a27c0f009
Revises: 7e1a27c0f008
Create Date: 2026-12-11

"""

import sqlalchemy as sa
from alembic import op

revision = "7e1a27c0f009"
down_revision = "7e1a27c0f008"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("hosts") as batch_op:
        batch_op.alter_column("locale", existing_type=sa.String(length=8), nullable=True, server_default=None)
    op.execute("UPDATE hosts SET locale = NULL")


def downgrade():
    op.execute("UPDATE hosts SET locale = 'en' WHERE locale IS NULL")
    with op.batch_alter_table("hosts") as batch_op:
        batch_op.alter_column("locale", existing_type=sa.String(length=8), nullable=False, server_default="en")
