"""a catalog version row, so cached list pages know when they are out of date

Revision ID: e5f1a7c3b820
Revises: d4e8f2a6b913
Create Date: 2026-11-23

"""

import sqlalchemy as sa
from alembic import op

revision = "e5f1a7c3b820"
down_revision = "d4e8f2a6b913"
branch_labels = None
depends_on = None


def upgrade():
    table = op.create_table(
        "catalog_version",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("version", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_catalog_version")),
    )
    op.bulk_insert(table, [{"id": 1, "version": 0}])


def downgrade():
    op.drop_table("catalog_version")
