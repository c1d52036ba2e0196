"""index events by start, so the upcoming list reads one page in order instead of sorting every event to come

Revision ID: f1b3d5e7a920
Revises: c7d41e9a2b58
Create Date: 2026-11-30

"""

from alembic import op

revision = "f1b3d5e7a920"
down_revision = "c7d41e9a2b58"
branch_labels = None
depends_on = None


def upgrade():
    op.create_index("ix_events_starts_at_id", "events", ["starts_at", "id"])


def downgrade():
    op.drop_index("ix_events_starts_at_id", table_name="events")
