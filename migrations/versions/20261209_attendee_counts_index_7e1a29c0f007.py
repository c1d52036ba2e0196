"""attendee counts index: the attendee list's counts by status and its registrations-over-time chart read from one
index instead of the event's registration rows

Revision ID: 7e1a29c0f007
Revises: 7e1a26c0f006
Create Date: 2026-12-09

"""

from alembic import op

revision = "7e1a29c0f007"
down_revision = "7e1a26c0f006"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("registrations") as batch_op:
        batch_op.create_index(
            "ix_registrations_event_id_status_attended_instants",
            ["event_id", "status", "attended", "created_at", "confirmed_at", "cancelled_at"],
        )


def downgrade():
    with op.batch_alter_table("registrations") as batch_op:
        batch_op.drop_index("ix_registrations_event_id_status_attended_instants")
