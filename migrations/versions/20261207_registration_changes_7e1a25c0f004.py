"""registration changes: each save of a registrant's own details, with the fields before and after, for hosts

Revision ID: 7e1a25c0f004
Revises: 7e1a25c0f001
Create Date: 2026-12-07

"""

import sqlalchemy as sa
from alembic import op

revision = "7e1a25c0f004"
down_revision = "7e1a25c0f001"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "registration_changes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("registration_id", sa.Integer(), nullable=False),
        sa.Column("changed_by", sa.String(length=20), nullable=False),
        sa.Column("changed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("fields", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["registration_id"],
            ["registrations.id"],
            name=op.f("fk_registration_changes_registration_id_registrations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_registration_changes")),
    )
    with op.batch_alter_table("registration_changes", schema=None) as batch_op:
        batch_op.create_index("ix_registration_changes_registration_id_id", ["registration_id", "id"], unique=False)


def downgrade():
    with op.batch_alter_table("registration_changes", schema=None) as batch_op:
        batch_op.drop_index("ix_registration_changes_registration_id_id")

    op.drop_table("registration_changes")
