"""certificate settings (issuer, signer, logo, accent colour) and a per-event issuer and signer

Revision ID: d7f3b1a9c524
Revises: a9c3e5f7b142
Create Date: 2026-12-06

"""

import sqlalchemy as sa
from alembic import op

revision = "d7f3b1a9c524"
down_revision = "a9c3e5f7b142"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "certificate_settings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("issuer", sa.String(length=200), server_default="", nullable=False),
        sa.Column("signer", sa.String(length=200), server_default="", nullable=False),
        sa.Column("signer_title", sa.String(length=200), server_default="", nullable=False),
        sa.Column("accent_colour", sa.String(length=7), server_default="", nullable=False),
        sa.Column("logo", sa.LargeBinary(), nullable=True),
        sa.Column("logo_type", sa.String(length=20), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("updated_by", sa.String(length=254), server_default="", nullable=False),
        sa.CheckConstraint("id = 1", name=op.f("ck_certificate_settings_one_row")),
        sa.CheckConstraint(
            "logo_type IN ('image/png', 'image/svg+xml')", name=op.f("ck_certificate_settings_logo_type")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_certificate_settings")),
    )
    op.create_table(
        "event_certificate_signers",
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("issuer", sa.String(length=200), server_default="", nullable=False),
        sa.Column("signer", sa.String(length=200), server_default="", nullable=False),
        sa.Column("signer_title", sa.String(length=200), server_default="", nullable=False),
        sa.ForeignKeyConstraint(
            ["event_id"], ["events.id"], name=op.f("fk_event_certificate_signers_event_id_events"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("event_id", name=op.f("pk_event_certificate_signers")),
    )


def downgrade():
    op.drop_table("event_certificate_signers")
    op.drop_table("certificate_settings")
