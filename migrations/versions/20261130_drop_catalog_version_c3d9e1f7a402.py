"""drop the catalog version row: nginx keeps public pages for a few seconds, the app keeps none

Revision ID: c3d9e1f7a402
Revises: e4a7c2d9f518
Create Date: 2026-11-30

"""

import sqlalchemy as sa
from alembic import op

revision = "c3d9e1f7a402"
down_revision = "e4a7c2d9f518"
branch_labels = None
depends_on = None


def upgrade():
    op.drop_table("catalog_version")


def downgrade():
    table = op.create_table(
        "catalog_version",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("version", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_catalog_version")),
    )
    # Any number will do: the processes that compared against it were stopped to downgrade.
    op.bulk_insert(table, [{"id": 1, "version": 0}])
