"""drop the index on registration deadlines: only the removed page cache asked for the next one

Revision ID: d4e0f2a8b513
Revises: c3d9e1f7a402
Create Date: 2026-11-30

"""

from alembic import op

revision = "d4e0f2a8b513"
down_revision = "c3d9e1f7a402"
branch_labels = None
depends_on = None


def upgrade():
    op.drop_index("ix_events_status_registration_deadline_at", table_name="events")


def downgrade():
    op.create_index("ix_events_status_registration_deadline_at", "events", ["status", "registration_deadline_at"])
