"""The commit point (eventreg/core/requests.py): a writing request's answer below 400 is committed, then its
queued mail is sent; an answer of 400 or more is rolled back, mail and all, unless the view said keep_on_error()
(a failed sign-in's attempt row). On both databases."""

import pytest
import sqlalchemy as sa
from flask import Response

from eventreg import clock, create_app
from eventreg.core import requests
from eventreg.core.extensions import db
from eventreg.events import operations as event_operations
from eventreg.events.models import Event, Topic
from eventreg.hosts.models import LoginAttempt
from eventreg.mail.models import OutboxMessage
from eventreg.messages import notifications
from eventreg.registrations.models import Registration

CONFIG = (
    "TESTING",
    "SQLALCHEMY_DATABASE_URI",
    "CLOCK",
    "SECRET_KEY",
    "WTF_CSRF_ENABLED",
    "RATELIMIT_ENABLED",
    "SERVER_NAME",
    "BASE_URL",
    "MAIL_SERVER",
    "MAIL_PORT",
    "MAIL_OUTBOX_DIR",
    "MAIL_DELIVERY",
    "WEBHOOK_DELIVERY",
)
ANSWERS = {
    "tuple": lambda: ("refused", 409),
    "tuple_with_headers": lambda: ("refused", 400, {"X-Why": "test"}),
    "response": lambda: Response("refused", status=422),
    "ok_string": lambda: "saved",
    "ok_tuple": lambda: ("saved", 201),
    "redirect": lambda: Response("", status=303, headers={"Location": "/"}),
}


@pytest.fixture
def writer(app, make_event, db_session):
    """An app of our own whose views write a topic and queue a mail to reader@library.example.org, then answer
    as ANSWERS says; its views go through the real commit point, with the real mail sender."""
    event_id = make_event(title="Webinar").id
    db_session.commit()
    other = create_app({key: app.config[key] for key in CONFIG})
    after = []

    def write(answer: str):
        event_operations.get_or_create_topic(f"topic-{answer}", "Written")
        notifications.queue_test(
            db.session.get(Event, event_id),
            None,
            to_address="reader@library.example.org",
            to_name="Reader",
            subject="Queued",
            body="Queued in the request",
            reply_to=None,
            now=clock.now(),
        )
        requests.after_commit(lambda: after.append(answer))
        if answer.startswith("kept"):
            requests.keep_on_error()
            return "kept", 401
        return ANSWERS[answer]()

    other.add_url_rule("/test/<answer>", "write", requests.commit_after(write), methods=["POST"])
    yield other.test_client(), after
    with other.app_context():
        db.engine.dispose()


def topics(db_session) -> list[str]:
    db_session.expire_all()
    return list(db_session.scalars(sa.select(Topic.slug)))


def outbox_rows(db_session) -> int:
    return db_session.scalar(sa.select(sa.func.count()).select_from(OutboxMessage))


@pytest.mark.parametrize("answer", ["tuple", "tuple_with_headers", "response"])
def test_an_error_answer_after_a_write_leaves_nothing_and_sends_nothing(writer, db_session, mailbox, answer):
    client, after = writer
    response = client.post(f"/test/{answer}")
    assert response.status_code >= 400
    assert response.get_data(as_text=True) == "refused"  # the view's answer, as it returned it
    assert topics(db_session) == []
    assert outbox_rows(db_session) == 0
    assert mailbox == []  # the queued mail was never sent
    assert after == []  # nothing waiting for the commit ran


def test_the_error_answers_headers_are_kept(writer):
    client, _ = writer
    assert client.post("/test/tuple_with_headers").headers["X-Why"] == "test"


@pytest.mark.parametrize(("answer", "status"), [("ok_string", 200), ("ok_tuple", 201), ("redirect", 303)])
def test_an_answer_below_400_is_committed_and_its_mail_sent(writer, db_session, mailbox, answer, status):
    client, after = writer
    assert client.post(f"/test/{answer}").status_code == status
    assert topics(db_session) == [f"topic-{answer}"]
    assert outbox_rows(db_session) == 1
    assert [m["To"].addresses[0].addr_spec for m in mailbox] == ["reader@library.example.org"]
    assert after == [answer]


def test_keep_on_error_commits_an_error_answer(writer, db_session, mailbox):
    client, after = writer
    assert client.post("/test/kept").status_code == 401
    assert topics(db_session) == ["topic-kept"]
    assert after == ["kept"]


def test_a_failed_sign_in_keeps_its_attempt_row(client, make_host, db_session):
    host = make_host()
    db_session.commit()
    response = client.post("/host/login", data={"email": host.email, "password": "not the password"})
    assert response.status_code == 401
    db_session.expire_all()
    assert db_session.scalars(sa.select(LoginAttempt.email)).all() == [host.email]


def test_a_refused_sign_in_form_keeps_nothing_else(client, make_host, db_session):
    """Only the attempt row: an invalid form (400) writes nothing, and nothing is kept."""
    make_host()
    db_session.commit()
    assert client.post("/host/login", data={"email": "", "password": ""}).status_code == 400
    db_session.expire_all()
    assert db_session.scalars(sa.select(LoginAttempt)).all() == []


def test_a_real_registration_is_committed_and_mailed(post_registration, make_event, db_session, mailbox):
    event = make_event()
    db_session.commit()
    response = post_registration(event)
    assert response.status_code == 200  # the confirmation page
    db_session.expire_all()
    assert db_session.scalar(sa.select(sa.func.count()).select_from(Registration)) == 1
    assert len(mailbox) == 1


def test_a_real_refusal_is_a_409_that_keeps_nothing(hosted_event, register, client, db_session, mailbox):
    """The attendee list's promote: a host promotes the waiting person while no seat is free (409)."""
    event = hosted_event(capacity=1)
    register(event)
    waiting = register(event)
    db_session.commit()
    mailbox.clear()
    response = client.post(f"/host/events/{event.id}/attendees/{waiting.id}/promote")
    assert response.status_code == 409
    db_session.expire_all()
    assert db_session.get(Registration, waiting.id).is_waiting
    assert mailbox == []
