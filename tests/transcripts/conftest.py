from datetime import datetime, timedelta
from decimal import Decimal

import pytest


@pytest.fixture
def past_event(make_event):
    """past_event(local_start, zone="America/New_York", contact_hours="1.5", **fields): an event that has happened,
    one hour long, whose credit rule is the default 45 minutes."""

    def make(local_start: datetime, zone: str = "America/New_York", contact_hours: str | None = "1.5", **fields):
        return make_event(
            local_start=local_start,
            timezone=zone,
            contact_hours=Decimal(contact_hours) if contact_hours is not None else None,
            **fields,
        )

    return make


@pytest.fixture
def attended(register):
    """attended(event, email=..., minutes=60, name=...): a registration made before the event, with attendance
    recorded as an import records it (attended when the minutes meet the rule); minutes=None is a host's tick."""
    from eventreg.attendance import credit

    def make(event, *, minutes: int | None = 60, **fields):
        registration = register(event, now=event.starts_at - timedelta(days=7), **fields)
        registration.minutes_attended = minutes
        registration.attended = True if minutes is None else credit.has_attended(event, minutes)
        return registration

    return make


@pytest.fixture(scope="session")
def link_in():
    """link_in(message): the one transcript link in a mail message's text part."""
    import re

    def find(message) -> str:
        text = message.get_body(preferencelist=("plain",)).get_content()
        links = re.findall(r"http://eventreg\.test(/transcript/[^\s]+)", text)
        assert len(links) == 1, text
        return links[0]

    return find


@pytest.fixture
def transcript_path(app):
    """transcript_path(email): the path of a freshly signed transcript link, as the mail carries it."""
    from eventreg.transcripts import tokens

    def make(email: str) -> str:
        with app.test_request_context():
            return f"/transcript/{tokens.transcript_token(email)}"

    return make
