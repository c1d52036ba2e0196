"""a private calendar feed token for each registration

Revision ID: c3d9e5a1f7b2
Revises: eb141d4ce1d5
Create Date: 2026-11-22

"""

import secrets

import sqlalchemy as sa
from alembic import op

revision = "c3d9e5a1f7b2"
down_revision = "eb141d4ce1d5"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("registrations") as batch_op:
        batch_op.add_column(sa.Column("feed_token", sa.String(length=64), nullable=True))
        batch_op.create_unique_constraint(op.f("uq_registrations_feed_token"), ["feed_token"])
    # Existing registrants get a feed too; each token is random, like new ones.
    connection = op.get_bind()
    for (registration_id,) in connection.execute(sa.text("SELECT id FROM registrations")).all():
        connection.execute(
            sa.text("UPDATE registrations SET feed_token = :token WHERE id = :id"),
            {"token": secrets.token_urlsafe(24), "id": registration_id},
        )


def downgrade():
    with op.batch_alter_table("registrations") as batch_op:
        batch_op.drop_constraint(op.f("uq_registrations_feed_token"), type_="unique")
        batch_op.drop_column("feed_token")
