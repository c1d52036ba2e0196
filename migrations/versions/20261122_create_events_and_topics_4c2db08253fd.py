"""create events and topics

Revision ID: 4c2db08253fd
Revises:
Create Date: 2026-11-22

"""

import sqlalchemy as sa
from alembic import op

revision = "4c2db08253fd"
down_revision = None
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("slug", sa.String(length=120), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("format", sa.String(length=20), nullable=False),
        sa.Column("location", sa.String(length=300), nullable=True),
        sa.Column("host_name", sa.String(length=200), nullable=True),
        sa.Column("starts_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ends_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("timezone", sa.String(length=64), nullable=False),
        sa.Column("capacity", sa.Integer(), nullable=True),
        sa.Column("join_url", sa.String(length=500), nullable=True),
        sa.Column("archive_url", sa.String(length=500), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("format IN ('webinar', 'in_person', 'hybrid')", name=op.f("ck_events_format_known")),
        sa.CheckConstraint("status IN ('draft', 'published', 'cancelled')", name=op.f("ck_events_status_known")),
        sa.CheckConstraint("capacity IS NULL OR capacity >= 0", name=op.f("ck_events_capacity_not_negative")),
        sa.CheckConstraint("ends_at > starts_at", name=op.f("ck_events_ends_after_start")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_events")),
        sa.UniqueConstraint("slug", name=op.f("uq_events_slug")),
    )
    op.create_index("ix_events_status_ends_at", "events", ["status", "ends_at"])
    op.create_index("ix_events_status_starts_at", "events", ["status", "starts_at"])

    op.create_table(
        "topics",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("slug", sa.String(length=80), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_topics")),
        sa.UniqueConstraint("slug", name=op.f("uq_topics_slug")),
    )
    op.create_table(
        "event_topics",
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("topic_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["event_id"], ["events.id"], name=op.f("fk_event_topics_event_id_events"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["topic_id"], ["topics.id"], name=op.f("fk_event_topics_topic_id_topics"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("event_id", "topic_id", name=op.f("pk_event_topics")),
    )
    op.create_index(op.f("ix_event_topics_topic_id"), "event_topics", ["topic_id"])


def downgrade():
    op.drop_index(op.f("ix_event_topics_topic_id"), table_name="event_topics")
    op.drop_table("event_topics")
    op.drop_table("topics")
    op.drop_index("ix_events_status_starts_at", table_name="events")
    op.drop_index("ix_events_status_ends_at", table_name="events")
    op.drop_table("events")
