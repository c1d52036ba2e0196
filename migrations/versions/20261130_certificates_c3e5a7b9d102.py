"""certificates of completion and their log

Revision ID: c3e5a7b9d102
Revises: 9c5e2a7d4b81
Create Date: 2026-11-30

"""

import sqlalchemy as sa
from alembic import op

revision = "c3e5a7b9d102"
down_revision = "9c5e2a7d4b81"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "certificates",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("registration_id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=32), nullable=False),
        sa.Column("number", sa.String(length=40), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("event_title", sa.String(length=200), nullable=False),
        sa.Column("contact_hours", sa.Numeric(precision=5, scale=2), nullable=False),
        sa.Column("event_starts_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("zone", sa.String(length=64), nullable=False),
        sa.Column("issuer", sa.String(length=200), nullable=False),
        sa.Column("signer", sa.String(length=200), nullable=False),
        sa.Column("signer_title", sa.String(length=200), nullable=False),
        sa.Column("issued_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("reissued_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("revoked_reason", sa.String(length=500), nullable=True),
        sa.ForeignKeyConstraint(
            ["event_id"], ["events.id"], name=op.f("fk_certificates_event_id_events"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["registration_id"],
            ["registrations.id"],
            name=op.f("fk_certificates_registration_id_registrations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_certificates")),
        sa.UniqueConstraint("code", name="uq_certificates_code"),
        sa.UniqueConstraint("number", name="uq_certificates_number"),
        sa.UniqueConstraint("registration_id", name="uq_certificates_registration_id"),
    )
    with op.batch_alter_table("certificates", schema=None) as batch_op:
        batch_op.create_index("ix_certificates_event_id_id", ["event_id", "id"], unique=False)

    op.create_table(
        "certificate_log",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("certificate_id", sa.Integer(), nullable=False),
        sa.Column("action", sa.String(length=20), nullable=False),
        sa.Column("host_id", sa.Integer(), nullable=True),
        sa.Column("host_email", sa.String(length=254), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("detail", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["certificate_id"],
            ["certificates.id"],
            name=op.f("fk_certificate_log_certificate_id_certificates"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["host_id"], ["hosts.id"], name=op.f("fk_certificate_log_host_id_hosts"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_certificate_log")),
    )
    with op.batch_alter_table("certificate_log", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_certificate_log_certificate_id"), ["certificate_id"], unique=False)


def downgrade():
    with op.batch_alter_table("certificate_log", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_certificate_log_certificate_id"))
    op.drop_table("certificate_log")
    with op.batch_alter_table("certificates", schema=None) as batch_op:
        batch_op.drop_index("ix_certificates_event_id_id")
    op.drop_table("certificates")
