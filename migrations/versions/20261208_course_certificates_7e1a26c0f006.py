"""course certificates: one per enrolment, for a course whose credit rule the person met, listing the sessions
attended; its code is verified on the same page as an event certificate's

Revision ID: 7e1a26c0f006
Revises: 7e1a26c0f005
Create Date: 2026-12-08

"""

import sqlalchemy as sa
from alembic import op

revision = "7e1a26c0f006"
down_revision = "7e1a26c0f005"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "course_certificates",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("enrolment_id", sa.Integer(), nullable=False),
        sa.Column("series_id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=32), nullable=False),
        sa.Column("number", sa.String(length=40), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("series_title", sa.String(length=200), nullable=False),
        sa.Column("contact_hours", sa.Numeric(precision=5, scale=2), nullable=False),
        sa.Column("sessions", sa.JSON(), nullable=False),
        sa.Column("total_minutes", sa.Integer(), nullable=False),
        sa.Column("zone", sa.String(length=64), nullable=False),
        sa.Column("issuer", sa.String(length=200), nullable=False),
        sa.Column("signer", sa.String(length=200), nullable=False),
        sa.Column("signer_title", sa.String(length=200), nullable=False),
        sa.Column("issued_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("issued_by", sa.String(length=254), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("revoked_reason", sa.String(length=500), nullable=True),
        sa.ForeignKeyConstraint(
            ["enrolment_id"],
            ["enrolments.id"],
            name=op.f("fk_course_certificates_enrolment_id_enrolments"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["series_id"], ["series.id"], name=op.f("fk_course_certificates_series_id_series"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_course_certificates")),
        sa.UniqueConstraint("code", name=op.f("uq_course_certificates_code")),
        sa.UniqueConstraint("enrolment_id", name=op.f("uq_course_certificates_enrolment_id")),
        sa.UniqueConstraint("number", name=op.f("uq_course_certificates_number")),
    )
    op.create_index("ix_course_certificates_series_id_id", "course_certificates", ["series_id", "id"], unique=False)


def downgrade():
    op.drop_index("ix_course_certificates_series_id_id", table_name="course_certificates")
    op.drop_table("course_certificates")
