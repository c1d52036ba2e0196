"""languages: the language each registration, enrolment and host account uses, and each event's content language

Revision ID: 7e1a27c0f008
Revises: 7e1a29c0f007
Create Date: 2026-12-10

"""

import sqlalchemy as sa
from alembic import op

revision = "7e1a27c0f008"
down_revision = "7e1a29c0f007"
branch_labels = None
depends_on = None

COLUMNS = {"registrations": "locale", "enrolments": "locale", "hosts": "locale", "events": "language"}


def upgrade():
    # Everything before this spoke English: every existing row is "en".
    for table, column in COLUMNS.items():
        with op.batch_alter_table(table) as batch_op:
            batch_op.add_column(sa.Column(column, sa.String(length=8), server_default="en", nullable=False))


def downgrade():
    for table, column in COLUMNS.items():
        with op.batch_alter_table(table) as batch_op:
            batch_op.drop_column(column)
