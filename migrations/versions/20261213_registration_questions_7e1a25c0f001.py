"""registration questions: hosts' questions (an event's own, or in a host's library), their options, the order
each event asks them in, and registrants' answers as given

Revision ID: 7e1a25c0f001
Revises: 7e1a25c0f002
Create Date: 2026-12-13

"""

import sqlalchemy as sa
from alembic import op

revision = "7e1a25c0f001"
down_revision = "7e1a25c0f002"
branch_labels = None
depends_on = None

TYPES = ("short_text", "long_text", "choice", "multiple_choice", "yes_no", "number", "date", "country", "consent")


def upgrade():
    op.create_table(
        "questions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=True),
        sa.Column("host_id", sa.Integer(), nullable=True),
        sa.Column("type", sa.String(length=20), nullable=False),
        sa.Column("label", sa.String(length=200), nullable=False),
        sa.Column("help_text", sa.String(length=500), server_default="", nullable=False),
        sa.Column("consent_text", sa.String(length=1000), server_default="", nullable=False),
        sa.Column("required", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("min_value", sa.Integer(), nullable=True),
        sa.Column("max_value", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("(event_id IS NULL) <> (host_id IS NULL)", name=op.f("ck_questions_one_owner")),
        sa.CheckConstraint(f"type IN {TYPES!r}", name=op.f("ck_questions_type_known")),
        sa.CheckConstraint(
            "min_value IS NULL OR max_value IS NULL OR min_value <= max_value", name=op.f("ck_questions_bounds_order")
        ),
        sa.ForeignKeyConstraint(
            ["event_id"], ["events.id"], name=op.f("fk_questions_event_id_events"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(["host_id"], ["hosts.id"], name=op.f("fk_questions_host_id_hosts"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_questions")),
    )
    with op.batch_alter_table("questions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_questions_event_id"), ["event_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_questions_host_id"), ["host_id"], unique=False)

    op.create_table(
        "question_options",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("question_id", sa.Integer(), nullable=False),
        sa.Column("label", sa.String(length=200), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["question_id"],
            ["questions.id"],
            name=op.f("fk_question_options_question_id_questions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_question_options")),
    )
    with op.batch_alter_table("question_options", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_question_options_question_id"), ["question_id"], unique=False)

    op.create_table(
        "event_questions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("question_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["event_id"], ["events.id"], name=op.f("fk_event_questions_event_id_events"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["question_id"],
            ["questions.id"],
            name=op.f("fk_event_questions_question_id_questions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_event_questions")),
        sa.UniqueConstraint("event_id", "question_id", name="uq_event_questions_event_id_question_id"),
    )
    with op.batch_alter_table("event_questions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_event_questions_question_id"), ["question_id"], unique=False)

    op.create_table(
        "answers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("registration_id", sa.Integer(), nullable=False),
        sa.Column("question_id", sa.Integer(), nullable=True),
        sa.Column("label", sa.String(length=200), nullable=False),
        sa.Column("type", sa.String(length=20), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        sa.Column("answered_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["question_id"], ["questions.id"], name=op.f("fk_answers_question_id_questions"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["registration_id"],
            ["registrations.id"],
            name=op.f("fk_answers_registration_id_registrations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_answers")),
        sa.UniqueConstraint("registration_id", "question_id", name="uq_answers_registration_id_question_id"),
    )
    with op.batch_alter_table("answers", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_answers_question_id"), ["question_id"], unique=False)

    op.create_table(
        "answer_choices",
        sa.Column("answer_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("label", sa.String(length=200), nullable=False),
        sa.ForeignKeyConstraint(
            ["answer_id"], ["answers.id"], name=op.f("fk_answer_choices_answer_id_answers"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("answer_id", "position", name=op.f("pk_answer_choices")),
    )


def downgrade():
    op.drop_table("answer_choices")
    with op.batch_alter_table("answers", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_answers_question_id"))
    op.drop_table("answers")
    with op.batch_alter_table("event_questions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_event_questions_question_id"))
    op.drop_table("event_questions")
    with op.batch_alter_table("question_options", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_question_options_question_id"))
    op.drop_table("question_options")
    with op.batch_alter_table("questions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_questions_host_id"))
        batch_op.drop_index(batch_op.f("ix_questions_event_id"))
    op.drop_table("questions")
