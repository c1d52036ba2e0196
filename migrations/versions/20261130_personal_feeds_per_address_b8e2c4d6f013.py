"""personal calendar feeds belong to an e-mail address, not to one registration

Revision ID: b8e2c4d6f013
Revises: a7c4e0f2b615
Create Date: 2026-11-30

A feed lists every registration of an address, so its URL must belong to the address and be revocable in
one place. Feed URLs handed out before (on the page anyone sees after registering anyone) stop working:
every address gets a new, random one, sent only to that address from now on.

"""

import secrets
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision = "b8e2c4d6f013"
down_revision = "a7c4e0f2b615"
branch_labels = None
depends_on = None


def upgrade():
    feeds = op.create_table(
        "personal_feeds",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("token", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_personal_feeds")),
        sa.UniqueConstraint("email", name=op.f("uq_personal_feeds_email")),
        sa.UniqueConstraint("token", name=op.f("uq_personal_feeds_token")),
    )
    connection = op.get_bind()
    emails = connection.execute(sa.text("SELECT DISTINCT email FROM registrations")).scalars().all()
    now = datetime.now(UTC)
    if connection.dialect.name == "sqlite":
        now = now.replace(tzinfo=None)  # as UTCDateTime writes it there
    if emails:
        op.bulk_insert(feeds, [{"email": e, "token": secrets.token_urlsafe(24), "created_at": now} for e in emails])
    with op.batch_alter_table("registrations") as batch_op:
        batch_op.drop_constraint(op.f("uq_registrations_feed_token"), type_="unique")
        batch_op.drop_column("feed_token")
    op.create_index("ix_outbox_to_address_created_at", "outbox", ["to_address", "created_at"])


def downgrade():
    op.drop_index("ix_outbox_to_address_created_at", table_name="outbox")
    with op.batch_alter_table("registrations") as batch_op:
        batch_op.add_column(sa.Column("feed_token", sa.String(length=64), nullable=True))
        batch_op.create_unique_constraint(op.f("uq_registrations_feed_token"), ["feed_token"])
    connection = op.get_bind()
    for (registration_id,) in connection.execute(sa.text("SELECT id FROM registrations")).all():
        connection.execute(
            sa.text("UPDATE registrations SET feed_token = :token WHERE id = :id"),
            {"token": secrets.token_urlsafe(24), "id": registration_id},
        )
    op.drop_table("personal_feeds")
