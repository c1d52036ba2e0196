"""index events by registration deadline, for the page cache's next boundary

Revision ID: a7c4e0f2b615
Revises: f6a2b8d4c931
Create Date: 2026-11-23

"""

from alembic import op

revision = "a7c4e0f2b615"
down_revision = "f6a2b8d4c931"
branch_labels = None
depends_on = None


def upgrade():
    op.create_index("ix_events_status_registration_deadline_at", "events", ["status", "registration_deadline_at"])


def downgrade():
    op.drop_index("ix_events_status_registration_deadline_at", table_name="events")
