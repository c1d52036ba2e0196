"""Hosts' own registration questions, as pretix models them: a Question with its type, whether it must be
answered, help text and, for choices, its options; an event asks its questions in its own order; an Answer per
registration per question keeps what was given.

A question belongs either to one event (event_id) or to a host's library (host_id), never both: a library
question is one row that every event using it asks, so an edit there reaches them all. Answers copy the
question's label and type and the chosen options' labels when they are given, so changing or deleting a
question later never changes an answer already given."""

from datetime import datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from eventreg import clock
from eventreg.core.extensions import db
from eventreg.timezones import UTCDateTime

LABEL_LENGTH = 200
HELP_LENGTH = 500
CONSENT_LENGTH = 1000
OPTION_LENGTH = 200


class QuestionType:
    SHORT_TEXT = "short_text"
    LONG_TEXT = "long_text"
    CHOICE = "choice"
    MULTIPLE_CHOICE = "multiple_choice"
    YES_NO = "yes_no"
    NUMBER = "number"
    DATE = "date"
    COUNTRY = "country"
    CONSENT = "consent"
    LABELS = {
        SHORT_TEXT: _l("Short text (one line)"),
        LONG_TEXT: _l("Long text (several lines)"),
        CHOICE: _l("Single choice (one of a list)"),
        MULTIPLE_CHOICE: _l("Multiple choice (any of a list)"),
        YES_NO: _l("Yes or no"),
        NUMBER: _l("Whole number"),
        DATE: _l("Date"),
        COUNTRY: _l("Country"),
        CONSENT: _l("Consent (a box to tick)"),
    }
    ALL = tuple(LABELS)
    WITH_OPTIONS = (CHOICE, MULTIPLE_CHOICE)  # the host writes the options
    COUNTED = (CHOICE, MULTIPLE_CHOICE, YES_NO)  # answered by picking labels: counted on the answers page
    YES_NO_LABELS = ("Yes", "No")


class Question(db.Model):
    __tablename__ = "questions"
    __table_args__ = (
        # One owner: an event's own question, or a question in a host's library.
        sa.CheckConstraint("(event_id IS NULL) <> (host_id IS NULL)", name="one_owner"),
        sa.CheckConstraint(f"type IN {QuestionType.ALL!r}", name="type_known"),
        sa.CheckConstraint("min_value IS NULL OR max_value IS NULL OR min_value <= max_value", name="bounds_order"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int | None] = mapped_column(sa.ForeignKey("events.id", ondelete="CASCADE"), index=True)
    host_id: Mapped[int | None] = mapped_column(sa.ForeignKey("hosts.id", ondelete="CASCADE"), index=True)
    type: Mapped[str] = mapped_column(sa.String(20))
    label: Mapped[str] = mapped_column(sa.String(LABEL_LENGTH))
    help_text: Mapped[str] = mapped_column(sa.String(HELP_LENGTH), default="", server_default="")
    # A consent question's statement, beside its box ("I agree that ...").
    consent_text: Mapped[str] = mapped_column(sa.String(CONSENT_LENGTH), default="", server_default="")
    required: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    # A number question's bounds, each optional and inclusive.
    min_value: Mapped[int | None] = mapped_column()
    max_value: Mapped[int | None] = mapped_column()
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=clock.now, onupdate=clock.now)

    options: Mapped[list["QuestionOption"]] = relationship(
        order_by="QuestionOption.position", cascade="all, delete-orphan", passive_deletes=True, lazy="selectin"
    )

    def __repr__(self) -> str:
        return f"<Question {self.id} {self.type}>"

    @property
    def in_library(self) -> bool:
        return self.host_id is not None

    @property
    def type_label(self) -> str:
        return QuestionType.LABELS.get(self.type, self.type)

    @property
    def choice_labels(self) -> list[str]:
        """The labels a registrant picks from (choice, multiple choice, yes or no), in order; [] for other types."""
        if self.type == QuestionType.YES_NO:
            return list(QuestionType.YES_NO_LABELS)
        if self.type in QuestionType.WITH_OPTIONS:
            return [option.label for option in self.options]
        return []


class QuestionOption(db.Model):
    __tablename__ = "question_options"

    id: Mapped[int] = mapped_column(primary_key=True)
    question_id: Mapped[int] = mapped_column(sa.ForeignKey("questions.id", ondelete="CASCADE"), index=True)
    label: Mapped[str] = mapped_column(sa.String(OPTION_LENGTH))
    position: Mapped[int] = mapped_column()

    def __repr__(self) -> str:
        return f"<QuestionOption {self.id} of {self.question_id}>"


class EventQuestion(db.Model):
    """A question an event asks, at its place in the event's order (1 first)."""

    __tablename__ = "event_questions"
    __table_args__ = (sa.UniqueConstraint("event_id", "question_id", name="uq_event_questions_event_id_question_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(sa.ForeignKey("events.id", ondelete="CASCADE"))
    question_id: Mapped[int] = mapped_column(sa.ForeignKey("questions.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column()

    question: Mapped[Question] = relationship(lazy="joined")

    def __repr__(self) -> str:
        return f"<EventQuestion event={self.event_id} question={self.question_id} at {self.position}>"


class Answer(db.Model):
    """One registrant's answer to one question, as given: the question's label and type then, and the answer as
    text (the labels chosen, joined; a number; a date as YYYY-MM-DD; a country's name). question_id becomes NULL
    when the question is deleted, and the answer stays, for the attendee list and its export."""

    __tablename__ = "answers"
    __table_args__ = (
        sa.UniqueConstraint("registration_id", "question_id", name="uq_answers_registration_id_question_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    registration_id: Mapped[int] = mapped_column(sa.ForeignKey("registrations.id", ondelete="CASCADE"))
    question_id: Mapped[int | None] = mapped_column(sa.ForeignKey("questions.id", ondelete="SET NULL"), index=True)
    label: Mapped[str] = mapped_column(sa.String(LABEL_LENGTH))
    type: Mapped[str] = mapped_column(sa.String(20))
    position: Mapped[int] = mapped_column()  # the question's place on the form it was answered on
    value: Mapped[str] = mapped_column(sa.Text)
    answered_at: Mapped[datetime] = mapped_column(UTCDateTime())

    choices: Mapped[list["AnswerChoice"]] = relationship(
        order_by="AnswerChoice.position", cascade="all, delete-orphan", passive_deletes=True, lazy="selectin"
    )

    def __repr__(self) -> str:
        return f"<Answer {self.id} registration={self.registration_id} question={self.question_id}>"

    @property
    def choice_labels(self) -> list[str]:
        return [choice.label for choice in self.choices]


class AnswerChoice(db.Model):
    """One label an answer chose (single or multiple choice, yes or no), copied when it was given: the rows the
    answers page counts, and that a message "to those who answered X" can select."""

    __tablename__ = "answer_choices"

    answer_id: Mapped[int] = mapped_column(sa.ForeignKey("answers.id", ondelete="CASCADE"), primary_key=True)
    position: Mapped[int] = mapped_column(primary_key=True)
    label: Mapped[str] = mapped_column(sa.String(OPTION_LENGTH))
