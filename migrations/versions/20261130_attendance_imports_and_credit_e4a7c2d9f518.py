"""attendance from the webinar platform: imported reports, minutes attended, each event's credit rule

Revision ID: e4a7c2d9f518
Revises: b8d2f4a6c013
Create Date: 2026-11-30

"""

import sqlalchemy as sa
from alembic import op

revision = "e4a7c2d9f518"
down_revision = "b8d2f4a6c013"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "attendance_imports",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("host_id", sa.Integer(), nullable=True),
        sa.Column("filename", sa.String(length=255), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.Column("format", sa.String(length=30), nullable=False),
        sa.Column("encoding", sa.String(length=30), nullable=False),
        sa.Column("delimiter", sa.String(length=1), nullable=False),
        sa.Column("zone", sa.String(length=64), nullable=False),
        sa.Column("columns", sa.JSON(), nullable=False),
        sa.Column("columns_key", sa.String(length=64), nullable=False),
        sa.Column("mapping", sa.JSON(), nullable=True),
        sa.Column("rows", sa.JSON(), nullable=True),
        sa.Column("warnings", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("applied_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["event_id"], ["events.id"], name=op.f("fk_attendance_imports_event_id_events"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["host_id"], ["hosts.id"], name=op.f("fk_attendance_imports_host_id_hosts"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_attendance_imports")),
    )
    with op.batch_alter_table("attendance_imports", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_attendance_imports_event_id"), ["event_id"], unique=False)
        batch_op.create_index("ix_attendance_imports_host_id_columns_key", ["host_id", "columns_key"], unique=False)
    with op.batch_alter_table("registrations", schema=None) as batch_op:
        batch_op.add_column(sa.Column("minutes_attended", sa.Integer(), nullable=True))
    with op.batch_alter_table("events", schema=None) as batch_op:
        batch_op.add_column(sa.Column("credit_min_minutes", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("contact_hours", sa.Numeric(precision=5, scale=2), nullable=True))


def downgrade():
    with op.batch_alter_table("events", schema=None) as batch_op:
        batch_op.drop_column("contact_hours")
        batch_op.drop_column("credit_min_minutes")
    with op.batch_alter_table("registrations", schema=None) as batch_op:
        batch_op.drop_column("minutes_attended")
    with op.batch_alter_table("attendance_imports", schema=None) as batch_op:
        batch_op.drop_index("ix_attendance_imports_host_id_columns_key")
        batch_op.drop_index(batch_op.f("ix_attendance_imports_event_id"))
    op.drop_table("attendance_imports")
