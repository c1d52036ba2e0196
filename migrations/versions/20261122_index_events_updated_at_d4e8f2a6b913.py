"""index events.updated_at for the feeds' validators

Revision ID: d4e8f2a6b913
Revises: c3d9e5a1f7b2
Create Date: 2026-11-22

"""

from alembic import op

revision = "d4e8f2a6b913"
down_revision = "c3d9e5a1f7b2"
branch_labels = None
depends_on = None


def upgrade():
    op.create_index("ix_events_updated_at", "events", ["updated_at"])


def downgrade():
    op.drop_index("ix_events_updated_at", table_name="events")
