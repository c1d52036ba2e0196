"""index registrations by email, so a transcript (and a personal feed) reads one address's rows across every
event instead of scanning them all

Revision ID: a3c5e7f9b142
Revises: f1b3d5e7a920
Create Date: 2026-11-30

"""

from alembic import op

revision = "a3c5e7f9b142"
down_revision = "f1b3d5e7a920"
branch_labels = None
depends_on = None


def upgrade():
    op.create_index("ix_registrations_email", "registrations", ["email"])


def downgrade():
    op.drop_index("ix_registrations_email", table_name="registrations")
