"""index an event's registrations in registration order, for the hosts' attendee list

Revision ID: f6a2b8d4c931
Revises: e5f1a7c3b820
Create Date: 2026-11-23

"""

from alembic import op

revision = "f6a2b8d4c931"
down_revision = "e5f1a7c3b820"
branch_labels = None
depends_on = None


def upgrade():
    op.create_index("ix_registrations_event_id_created_at_id", "registrations", ["event_id", "created_at", "id"])


def downgrade():
    op.drop_index("ix_registrations_event_id_created_at_id", table_name="registrations")
