"""Asking for a transcript: what the page reveals (nothing), where the link goes (only to the address), and
how often an address can be mailed."""

from datetime import datetime, timedelta

import pytest
import sqlalchemy as sa

from eventreg.mail.models import OutboxMessage
from eventreg.transcripts import operations


def wall(*parts: int) -> datetime:
    """A wall-clock time, read in the event's zone by past_event."""
    return datetime(*parts)  # noqa: DTZ001 - wall-clock time, no zone on purpose


SAME_ANSWER = "If that address has attended events, a link to its transcript is on its way to it."


@pytest.fixture
def ana(past_event, attended, deliver_and_clear):
    event = past_event(wall(2024, 11, 5, 14), title="Weeding the collection")
    registration = attended(event, name="Ana Lima", email="ana@library.example.org")
    deliver_and_clear()  # the confirmation: the tests read only what asking for a transcript sends
    return registration


def ask(client, email: str, **fields):
    return client.post("/transcript", data={"email": email, "website": "", **fields})


def test_the_request_page_is_linked_from_every_page_and_asks_for_an_address(client, db_session, text_of):
    home = client.get("/events")
    assert 'href="/transcript"' in home.get_data(as_text=True)
    page = client.get("/transcript")
    assert page.status_code == 200
    assert "Email me my transcript link" in text_of(page)
    assert page.headers["Cache-Control"] == "private, no-store"  # it carries a CSRF token


def test_a_strangers_address_gets_the_same_page_as_an_attendees_and_no_link_is_ever_on_screen(
    client, ana, mailbox, text_of
):
    known = ask(client, "ana@library.example.org")
    stranger = ask(client, "nobody@elsewhere.example.org")
    assert known.status_code == stranger.status_code == 200
    assert text_of(known) == text_of(stranger)
    assert SAME_ANSWER in text_of(known)
    for response in (known, stranger):
        html = response.get_data(as_text=True)
        assert "/transcript/" not in html
        assert "Weeding" not in html
        assert "ana@library.example.org" not in html
        assert "nobody@elsewhere" not in html
        assert response.headers["Cache-Control"] == "private, no-store"
    # The link went to Ana's mailbox only; the stranger's address is told there is nothing, and gets no link.
    by_address = {m["X-Envelope-To"]: m for m in mailbox}
    assert set(by_address) == {"ana@library.example.org", "nobody@elsewhere.example.org"}
    assert by_address["ana@library.example.org"]["Subject"] == "Your attendance transcript"
    assert "/transcript/" in by_address["ana@library.example.org"].get_body(("plain",)).get_content()
    none = by_address["nobody@elsewhere.example.org"]
    assert none["Subject"] == "No attendance recorded for this address"
    assert "/transcript/" not in none.get_body(("plain",)).get_content().replace("/transcript\n", "")
    assert "Weeding" not in none.as_string()


def test_the_mailed_link_opens_the_transcript_privately(client, ana, mailbox, link_in, text_of):
    ask(client, "  ANA@Library.Example.ORG ")  # matched without regard to case or spaces
    [message] = mailbox
    assert message["X-Envelope-To"] == "ana@library.example.org"
    assert "Hello Ana Lima" in message.get_body(("plain",)).get_content()
    page = client.get(link_in(message))
    assert page.status_code == 200
    assert "Weeding the collection" in text_of(page)
    assert "Ana Lima, ana@library.example.org" in text_of(page)
    assert page.headers["Cache-Control"] == "private, no-store"
    assert page.headers["Referrer-Policy"] == "no-referrer"


def test_an_address_gets_at_most_three_transcript_mails_a_day(client, ana, mailbox, clock, db_session, text_of):
    answers = [text_of(ask(client, "ana@library.example.org")) for _ in range(5)]
    assert len(set(answers)) == 1  # the throttled requests look exactly like the others
    assert len(mailbox) == 3
    ask(client, "nobody@elsewhere.example.org")  # another address has its own budget
    assert len(mailbox) == 4
    clock.advance(hours=24, minutes=1)
    ask(client, "ana@library.example.org")
    assert len(mailbox) == 5
    kinds = db_session.scalars(sa.select(OutboxMessage.kind).order_by(OutboxMessage.id)).all()
    assert kinds == ["confirmation"] + ["transcript_link"] * 3 + ["transcript_none", "transcript_link"]


def test_the_operation_counts_both_kinds_against_the_daily_budget(app, db_session, clock):
    with app.test_request_context("/transcript", method="POST"):
        sent = [operations.request_transcript("x@library.example.org", now=clock.now()) for _ in range(4)]
    assert sent == ["transcript_none"] * 3 + [None]


def test_a_bad_address_is_named_and_a_bot_gets_nothing(client, ana, mailbox, text_of):
    response = ask(client, "not an address")
    assert response.status_code == 400
    assert "Please enter a valid email address" in text_of(response)
    empty = ask(client, "")
    assert empty.status_code == 400
    assert "Please enter your email address." in text_of(empty)
    bot = ask(client, "ana@library.example.org", website="http://spam.example")
    assert SAME_ANSWER in text_of(bot)
    assert mailbox == []


def test_an_expired_link_offers_a_new_one_and_a_tampered_one_is_not_found(
    client, ana, mailbox, link_in, clock, text_of
):
    ask(client, "ana@library.example.org")
    link = link_in(mailbox[0])
    clock.advance(days=6, hours=23)
    assert client.get(link).status_code == 200
    clock.advance(hours=2)
    for path in (link, link + "/transcript.csv", link + "/transcript.pdf"):
        expired = client.get(path)
        assert expired.status_code == 410
        assert "This transcript link has expired" in text_of(expired)
        assert "Weeding" not in text_of(expired)
        assert 'value="ana@library.example.org"' in expired.get_data(as_text=True)  # the form, ready to send
        assert expired.headers["Cache-Control"] == "private, no-store"
    again = ask(client, "ana@library.example.org")
    assert SAME_ANSWER in text_of(again)
    assert link_in(mailbox[-1]) != link
    assert client.get(link_in(mailbox[-1])).status_code == 200

    token = link.rsplit("/", 1)[1]
    tampered = link[: -len(token)] + token[:-2] + ("AA" if not token.endswith("AA") else "BB")
    for path in (tampered, tampered + "/transcript.csv", tampered + "/transcript.pdf", "/transcript/abc"):
        assert client.get(path).status_code == 404


def test_a_link_signed_for_another_purpose_opens_no_transcript(app, client, ana):
    from eventreg.registrations import tokens as manage_tokens

    with app.test_request_context():
        manage = manage_tokens.mailed_manage_token(ana)
    assert client.get(f"/transcript/{manage}").status_code == 404


def test_a_link_made_with_another_key_is_not_found(app, client, ana):
    from itsdangerous import URLSafeTimedSerializer

    forged = URLSafeTimedSerializer("another-key", salt="transcript").dumps("ana@library.example.org")
    assert client.get(f"/transcript/{forged}").status_code == 404


def test_links_expire_on_the_apps_clock(app, ana, clock):
    from eventreg.transcripts import tokens

    with app.test_request_context():
        signed = tokens.transcript_token("ana@library.example.org")
        clock.advance(timedelta(days=7, seconds=1))
        with pytest.raises(tokens.LinkError) as error:
            tokens.read_transcript_token(signed)
    assert (error.value.code, error.value.email) == ("expired", "ana@library.example.org")
