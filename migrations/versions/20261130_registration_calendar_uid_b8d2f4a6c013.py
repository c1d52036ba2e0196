"""registrations invited under the old per-registration calendar UID keep it

Revision ID: b8d2f4a6c013
Revises: 2540463fd072
Create Date: 2026-11-30

"""

import sqlalchemy as sa
from alembic import op

revision = "b8d2f4a6c013"
down_revision = "2540463fd072"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("registrations") as batch_op:
        batch_op.add_column(sa.Column("legacy_calendar_uid", sa.Boolean(), server_default=sa.false(), nullable=False))
    # Whoever has been sent an invitation holds an entry under registration-<id>-event-<id>@...: their updates
    # and cancellations must keep that UID, or their calendar would keep a stale entry beside a new one.
    op.execute(
        sa.text("UPDATE registrations SET legacy_calendar_uid = :yes WHERE confirmed_at IS NOT NULL").bindparams(
            yes=True
        )
    )


def downgrade():
    with op.batch_alter_table("registrations") as batch_op:
        batch_op.drop_column("legacy_calendar_uid")
