"""host sessions: each sign-in is a row, so signing out or changing the password can end it

Revision ID: 2540463fd072
Revises: b3e9d1c7a542
Create Date: 2026-11-30

"""

import sqlalchemy as sa
from alembic import op

revision = "2540463fd072"
down_revision = "b3e9d1c7a542"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "host_sessions",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("host_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["host_id"], ["hosts.id"], name=op.f("fk_host_sessions_host_id_hosts"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_host_sessions")),
    )
    with op.batch_alter_table("host_sessions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_host_sessions_host_id"), ["host_id"], unique=False)


def downgrade():
    with op.batch_alter_table("host_sessions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_host_sessions_host_id"))

    op.drop_table("host_sessions")
