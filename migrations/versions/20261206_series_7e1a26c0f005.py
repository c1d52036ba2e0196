"""series: a course or a recurring program of sessions (events.series_id), and a course's enrolments, each
holding the seat decision for the session registrations linked to it (registrations.enrolment_id)

Revision ID: 7e1a26c0f005
Revises: 7e1a25c0f004
Create Date: 2026-12-06

"""

import sqlalchemy as sa
from alembic import op

revision = "7e1a26c0f005"
down_revision = "7e1a25c0f004"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "series",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("slug", sa.String(length=120), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("timezone", sa.String(length=64), nullable=False),
        sa.Column("capacity", sa.Integer(), nullable=True),
        sa.Column("requires_approval", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("credit_rule", sa.String(length=20), server_default="all", nullable=False),
        sa.Column("credit_sessions", sa.Integer(), nullable=True),
        sa.Column("credit_minutes", sa.Integer(), nullable=True),
        sa.Column("contact_hours", sa.Numeric(precision=5, scale=2), nullable=True),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("credit_rule IN ('all', 'some', 'minutes')", name=op.f("ck_series_credit_rule_known")),
        sa.CheckConstraint("kind IN ('course', 'program')", name=op.f("ck_series_kind_known")),
        sa.CheckConstraint("capacity IS NULL OR capacity >= 0", name=op.f("ck_series_capacity_not_negative")),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["hosts.id"], name=op.f("fk_series_created_by_id_hosts"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_series")),
        sa.UniqueConstraint("slug", name=op.f("uq_series_slug")),
    )
    op.create_table(
        "enrolments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("series_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("organization", sa.String(length=200), nullable=False),
        sa.Column("job_role", sa.String(length=120), nullable=False),
        sa.Column("timezone", sa.String(length=64), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("token", sa.String(length=64), nullable=False),
        sa.Column("form_key", sa.String(length=64), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("confirmed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("cancelled_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("declined_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("waiting_since", sa.DateTime(timezone=True), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "status IN ('confirmed', 'waiting', 'pending', 'declined', 'cancelled')",
            name=op.f("ck_enrolments_status_known"),
        ),
        sa.ForeignKeyConstraint(
            ["series_id"], ["series.id"], name=op.f("fk_enrolments_series_id_series"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_enrolments")),
        sa.UniqueConstraint("series_id", "email", name="uq_enrolments_series_id_email"),
        sa.UniqueConstraint("token", name=op.f("uq_enrolments_token")),
    )
    with op.batch_alter_table("enrolments", schema=None) as batch_op:
        batch_op.create_index("ix_enrolments_email", ["email"], unique=False)
        batch_op.create_index("ix_enrolments_series_id_status_id", ["series_id", "status", "id"], unique=False)

    with op.batch_alter_table("events", schema=None) as batch_op:
        batch_op.add_column(sa.Column("series_id", sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f("ix_events_series_id"), ["series_id"], unique=False)
        batch_op.create_foreign_key(
            batch_op.f("fk_events_series_id_series"), "series", ["series_id"], ["id"], ondelete="SET NULL"
        )

    with op.batch_alter_table("registrations", schema=None) as batch_op:
        batch_op.add_column(sa.Column("enrolment_id", sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f("ix_registrations_enrolment_id"), ["enrolment_id"], unique=False)
        batch_op.create_foreign_key(
            batch_op.f("fk_registrations_enrolment_id_enrolments"),
            "enrolments",
            ["enrolment_id"],
            ["id"],
            ondelete="CASCADE",
        )


def downgrade():
    with op.batch_alter_table("registrations", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_registrations_enrolment_id_enrolments"), type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_registrations_enrolment_id"))
        batch_op.drop_column("enrolment_id")

    with op.batch_alter_table("events", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_events_series_id_series"), type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_events_series_id"))
        batch_op.drop_column("series_id")

    with op.batch_alter_table("enrolments", schema=None) as batch_op:
        batch_op.drop_index("ix_enrolments_series_id_status_id")
        batch_op.drop_index("ix_enrolments_email")

    op.drop_table("enrolments")
    op.drop_table("series")
