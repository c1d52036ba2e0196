"""Questions made through the real operations: an event's own, or a host's library question."""

import pytest

from eventreg.questions import operations
from eventreg.questions.operations import Definition


@pytest.fixture
def make_question(db_session, clock):
    """make_question(event=None, host=None, type="short_text", label=..., **definition): an event's own question
    (asked last) or, with host and no event, one in that host's library. Flushed, not committed."""

    def make(event=None, *, host=None, type="short_text", label=None, **definition):
        definition.setdefault(
            "options", ["Public", "Academic", "School"] if type in ("choice", "multiple_choice") else None
        )
        if type == "consent":
            definition.setdefault("consent_text", "I agree that my name is shared with my library.")
        kind = Definition(type=type, label=label or f"A {type.replace('_', ' ')} question", **definition)
        return operations.create_question(kind, event=event, host=host, now=clock.now())

    return make


@pytest.fixture
def option_id():
    """option_id(question, label): the id of the question's option with that label, as the form sends it."""

    def find(question, label: str) -> str:
        return next(str(option.id) for option in question.options if option.label == label)

    return find
