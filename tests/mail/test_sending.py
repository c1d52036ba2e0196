"""Mail through a real SMTP server on loopback, read back and parsed."""

import contextlib
import errno
import logging
import resource
from datetime import datetime, timedelta
from email import policy as email_policy
from email.parser import BytesParser
from zoneinfo import ZoneInfo

import icalendar
import pytest
import sqlalchemy as sa
import vobject

from eventreg.core import deliveries
from eventreg.core.extensions import db
from eventreg.events.models import Event
from eventreg.mail import sending
from eventreg.mail.models import OutboxMessage
from eventreg.registrations import operations


def register_ana(client, event):
    return client.post(
        f"/events/{event.slug}/register",
        data={"name": "Ana", "email": "ana@library.example.org", "organization": "Library", "form_key": "k"},
    )


def send_all(clock):
    return sending.send_pending(clock.now())


def test_confirmation_has_text_html_and_a_request_invitation(
    make_event, register, db_session, clock, mailbox, calendar_part
):
    event = make_event(join_url="https://meet.example.org/j/secret-room", host_name="WebJunction")
    register(event, name="Ana Lima", email="ana@library.example.org", timezone="Asia/Kolkata")
    db_session.commit()
    assert send_all(clock) == (1, 0)
    (message,) = mailbox
    assert message["Subject"] == f"You’re registered: {event.title}"
    assert message["To"].addresses[0].display_name == "Ana Lima"
    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    for body in (text, html):
        assert "https://meet.example.org/j/secret-room" in body
        assert "3:00 PM – 4:00 PM Eastern Standard Time, North America [UTC -5]" in body
        assert "Your time: 1:30 AM – 2:30 AM India Standard Time, Asia [UTC +5:30], Friday 31 January 2025" in body
        assert "http://eventreg.test/r/" in body

    part = calendar_part(message)
    assert part.get_param("method") == "REQUEST"
    assert part.get_param("charset") == "utf-8"
    body = part.get_payload(decode=True)
    calendar = icalendar.Calendar.from_ical(body)
    assert calendar["METHOD"] == "REQUEST"
    assert len(calendar.walk("VTIMEZONE")) == 1
    (vevent,) = calendar.walk("VEVENT")
    assert vevent["UID"] == f"event-{event.id}@eventreg.invalid"  # the public entry's: one event, one entry
    assert "mailto:ana@library.example.org" in str(vevent["ATTENDEE"]).lower()
    assert str(vevent["ORGANIZER"]).lower().startswith("mailto:")
    assert int(vevent["SEQUENCE"]) == 1  # above the public entry's 0
    assert "DTSTAMP" in vevent
    assert str(vevent["LOCATION"]) == "https://meet.example.org/j/secret-room"
    assert vevent.decoded("DTSTART") == datetime(2025, 1, 30, 15, tzinfo=ZoneInfo("America/New_York"))
    assert vevent["DTSTART"].params["TZID"] == "America/New_York"

    # An independent parser reads the same times.
    parsed = vobject.readOne(body.decode("utf-8"))
    assert parsed.vevent.dtstart.value == datetime(2025, 1, 30, 15, tzinfo=ZoneInfo("America/New_York"))
    assert parsed.method.value == "REQUEST"
    attachments = [part.get_filename() for part in message.iter_attachments()]
    assert attachments == ["invite.ics"]


def test_headers_carry_any_name_and_title_intact_and_the_invitation_byte_for_byte(
    make_event, register, db_session, clock, mailbox, calendar_part
):
    title = "Łódź, São Paulo & Zürich: “Building community connections” — a very long title " + "ü" * 60
    event = make_event(title=title)
    name = 'Zoë O’Brien-Łukasiewicz, "MLIS" <not-an-address>'
    registration = register(event, name=name, email="zoe@library.example.org")
    db_session.commit()
    query = sa.select(OutboxMessage.calendar).where(OutboxMessage.registration_id == registration.id)
    stored = db_session.scalar(query)
    assert send_all(clock) == (1, 0)
    (message,) = mailbox
    assert message["Subject"] == f"You’re registered: {title}"
    (to,) = message["To"].addresses
    assert (to.display_name, to.addr_spec) == (name, "zoe@library.example.org")
    assert message["From"].addresses[0].addr_spec == "events@eventreg.invalid"
    for header in ("Subject", "To", "From"):
        assert not message[header].defects, header
    # Folded, CRLF-ended calendar lines arrive exactly as the calendar module wrote them.
    assert calendar_part(message).get_payload(decode=True) == stored.encode("utf-8")
    (attachment,) = message.iter_attachments()
    assert attachment.get_content_type() == "application/ics"
    assert attachment.get_payload(decode=True) == stored.encode("utf-8")


def test_cancellation_has_the_same_uid_a_higher_sequence_and_method_cancel(
    make_event, register, db_session, clock, mailbox, calendar_part
):
    event = make_event()
    registration = register(event)
    db_session.commit()
    send_all(clock)
    operations.cancel_registration(registration, now=clock.now())
    db_session.commit()
    send_all(clock)
    request, cancel = (icalendar.Calendar.from_ical(calendar_part(m).get_payload(decode=True)) for m in mailbox)
    assert calendar_part(mailbox[1]).get_param("method") == "CANCEL"
    assert cancel["METHOD"] == "CANCEL"
    (request_event,), (cancel_event,) = request.walk("VEVENT"), cancel.walk("VEVENT")
    assert cancel_event["UID"] == request_event["UID"]
    assert int(cancel_event["SEQUENCE"]) > int(request_event["SEQUENCE"])
    assert cancel_event["STATUS"] == "CANCELLED"


def test_server_down_keeps_the_registration_and_the_retry_delivers_once(
    app, client, make_event, db_session, clock, mailbox, free_port
):
    event = make_event()
    port = app.config["MAIL_PORT"]
    app.config["MAIL_PORT"] = free_port()  # nothing listens there
    try:
        response = register_ana(client, event)
    finally:
        app.config["MAIL_PORT"] = port
    assert response.status_code == 200  # the registration stands
    message = db_session.scalars(sa.select(OutboxMessage)).one()
    assert message.sent_at is None
    assert message.attempts == 1
    assert "ConnectionRefusedError" in message.last_error
    assert message.next_attempt_at == clock.now() + sending.RETRY_FIRST
    assert mailbox == []

    runner = app.test_cli_runner()
    result = runner.invoke(args=["send-pending-mail"])
    assert "0 sent, 0 failed" in result.output  # not due yet
    clock.advance(sending.RETRY_FIRST)
    result = runner.invoke(args=["send-pending-mail"])
    assert "1 sent, 0 failed" in result.output
    result = runner.invoke(args=["send-pending-mail"])
    assert "0 sent, 0 failed" in result.output
    assert len(mailbox) == 1
    db_session.expire_all()
    assert db_session.get(OutboxMessage, message.id).sent_at is not None


def test_a_claimed_message_is_not_sent_by_a_second_sender(make_event, register, db_session, clock, mailbox):
    event = make_event()
    register(event)
    db_session.commit()
    message = db_session.scalars(sa.select(OutboxMessage)).one()
    assert sending.QUEUE.claim([message.id], clock.now())
    assert send_all(clock) == (0, 0)  # someone else holds it
    clock.advance(deliveries.CLAIM_TIMEOUT)
    clock.advance(seconds=1)
    assert send_all(clock) == (1, 0)  # a crashed sender's claim expires
    assert len(mailbox) == 1


def test_one_connection_carries_a_batch_and_a_refused_recipient_fails_alone(
    make_event, register, db_session, clock, mailbox
):
    event = make_event()
    for address in ("ana@library.example.org", "refused@library.example.org", "ben@library.example.org"):
        register(event, email=address)
    db_session.commit()
    assert send_all(clock) == (2, 1)
    assert [message["X-Envelope-To"] for message in mailbox] == ["ana@library.example.org", "ben@library.example.org"]
    # smtplib resets the session after a refused recipient, so the next message goes over the same one.
    assert mailbox[0]["X-Connection"] == mailbox[1]["X-Connection"]
    refused = db_session.scalars(sa.select(OutboxMessage).where(OutboxMessage.sent_at.is_(None))).one()
    assert refused.to_address == "refused@library.example.org"
    assert refused.attempts == 1
    assert "550" in refused.last_error
    assert refused.failed_at == clock.now()  # a 5xx is final

    for address in ("cy@library.example.org", "di@library.example.org", "ed@library.example.org"):
        register(event, email=address)
    db_session.commit()
    mailbox.clear()
    assert send_all(clock) == (3, 0)  # the refused one is not tried again
    assert len({message["X-Connection"] for message in mailbox}) == 1


def test_without_a_mail_server_messages_are_written_as_eml_files(
    app, make_event, register, db_session, clock, tmp_path
):
    event = make_event()
    register(event, email="ana@library.example.org")
    db_session.commit()
    server, folder = app.config["MAIL_SERVER"], app.config["MAIL_OUTBOX_DIR"]
    app.config.update(MAIL_SERVER=None, MAIL_OUTBOX_DIR=str(tmp_path))
    try:
        assert send_all(clock) == (1, 0)
    finally:
        app.config.update(MAIL_SERVER=server, MAIL_OUTBOX_DIR=folder)
    (path,) = tmp_path.glob("*.eml")
    content = path.read_bytes()
    assert b"To: Reader" in content
    assert b"ana@library.example.org" in content
    assert b"method=REQUEST" in content or b'method="REQUEST"' in content


@pytest.fixture
def eml_folder(app, tmp_path):
    """The embedded outbox: no MAIL_SERVER, .eml files in a folder of this test's own."""
    server, folder = app.config["MAIL_SERVER"], app.config["MAIL_OUTBOX_DIR"]
    app.config.update(MAIL_SERVER=None, MAIL_OUTBOX_DIR=str(tmp_path))
    yield tmp_path
    app.config.update(MAIL_SERVER=server, MAIL_OUTBOX_DIR=folder)


@contextlib.contextmanager
def file_size_limit(size):
    """A real write failure part-way through a file, as a full disk gives: the kernel refuses (EFBIG) any
    write past `size` bytes in this process. Python ignores SIGXFSZ, so the write raises instead."""
    soft, hard = resource.getrlimit(resource.RLIMIT_FSIZE)
    resource.setrlimit(resource.RLIMIT_FSIZE, (size, hard))
    try:
        yield
    finally:
        resource.setrlimit(resource.RLIMIT_FSIZE, (soft, hard))


def queued_message(db_session, make_event, register):
    registration = register(make_event(), email="ana@library.example.org")
    db_session.commit()
    query = sa.select(OutboxMessage).where(OutboxMessage.registration_id == registration.id)
    return db_session.scalars(query).one()


def test_a_failed_eml_write_leaves_no_partial_file(app, make_event, register, db_session, eml_folder):
    message = queued_message(db_session, make_event, register)
    email = sending.build_email(message, sender=sending.sender_address())
    assert len(email.as_bytes()) > 4096
    eml_folder.joinpath("other.eml").write_bytes(b"x")  # the folder exists before the limit applies
    with file_size_limit(4096), pytest.raises(OSError, match="File too large") as error:
        sending._write_to_folder(email, message)
    assert error.value.errno == errno.EFBIG
    assert sorted(path.name for path in eml_folder.iterdir()) == ["other.eml"]


def test_a_failed_rewrite_keeps_the_earlier_complete_eml(app, make_event, register, db_session, eml_folder):
    message = queued_message(db_session, make_event, register)
    email = sending.build_email(message, sender=sending.sender_address())
    sending._write_to_folder(email, message)
    (path,) = eml_folder.glob("*.eml")
    written = path.read_bytes()
    # The same message again (a resend after a crashed claim), and the disk fills part-way.
    with file_size_limit(4096), pytest.raises(OSError, match="File too large"):
        sending._write_to_folder(email, message)
    assert list(eml_folder.iterdir()) == [path]
    assert path.read_bytes() == written == email.as_bytes()


def test_an_eml_appears_under_its_name_only_when_complete(app, make_event, register, db_session, eml_folder):
    message = queued_message(db_session, make_event, register)
    email = sending.build_email(message, sender=sending.sender_address())
    names = []

    class Watching(type(email)):
        def as_bytes(self, *args, **kwargs):
            # While the bytes are being produced and written, nothing is under the final name.
            names.append(sorted(path.name for path in eml_folder.iterdir()))
            return super().as_bytes(*args, **kwargs)

    email.__class__ = Watching
    sending._write_to_folder(email, message)
    ((temporary,),) = names
    assert temporary.startswith(".")
    assert not temporary.endswith(".eml")
    (path,) = eml_folder.iterdir()
    assert path.suffix == ".eml"
    parsed = BytesParser(policy=email_policy.default).parsebytes(path.read_bytes())
    assert parsed["To"].addresses[0].addr_spec == "ana@library.example.org"
    assert not parsed.defects


@pytest.fixture
def background_delivery(app):
    """The production default: a sender thread in the app's process delivers after the response."""
    app.config["MAIL_DELIVERY"] = "background"
    yield sending.background_sender(app)
    app.config["MAIL_DELIVERY"] = "request"


def test_background_delivery_sends_after_the_response(
    app, client, make_event, db_session, mailbox, background_delivery, caplog
):
    event = make_event()
    with caplog.at_level(logging.INFO, logger="eventreg.mail"):
        response = register_ana(client, event)
        assert response.status_code == 200
        assert background_delivery.drain(timeout=30)
    assert [record.threadName for record in caplog.records if record.getMessage() == "mail sent"] == ["eventreg-mail"]
    assert [message["To"].addresses[0].addr_spec for message in mailbox] == ["ana@library.example.org"]
    db_session.expire_all()
    assert db_session.scalars(sa.select(OutboxMessage.sent_at)).one() is not None


def test_background_delivery_failure_leaves_the_message_for_the_cron_run(
    app, client, make_event, db_session, clock, mailbox, background_delivery, free_port
):
    event = make_event()
    port = app.config["MAIL_PORT"]
    app.config["MAIL_PORT"] = free_port()  # nothing listens there
    try:
        response = register_ana(client, event)
        assert background_delivery.drain(timeout=30)
    finally:
        app.config["MAIL_PORT"] = port
    assert response.status_code == 200
    db_session.expire_all()
    message = db_session.scalars(sa.select(OutboxMessage)).one()
    assert message.sent_at is None
    assert "ConnectionRefusedError" in message.last_error
    clock.advance(sending.RETRY_FIRST)
    assert "1 sent, 0 failed" in app.test_cli_runner().invoke(args=["send-pending-mail"]).output
    assert len(mailbox) == 1


@pytest.mark.parametrize(
    "name",
    ["=?utf-8?q?Hi?=", "=?utf-8?b?SGk=?= Ana", 'Ana "=?x?q?a?=" <x@y>', "Zoë =?utf-8?q?Hi?=", "=?utf-8?q?Hi?= " * 8],
)
def test_names_that_look_like_encoded_words_arrive_as_typed(
    app, make_event, register, db_session, clock, mailbox, name
):
    name = name.strip()
    event = make_event(title=f"{name} workshop")
    register(event, name=name, email="ana@library.example.org")
    db_session.commit()
    sender_name = app.config["MAIL_SENDER_NAME"]
    app.config["MAIL_SENDER_NAME"] = f"{name} library"
    try:
        assert send_all(clock) == (1, 0)
    finally:
        app.config["MAIL_SENDER_NAME"] = sender_name
    (message,) = mailbox  # parsed by the server with the modern parser (policy=default)
    (to,) = message["To"].addresses
    (sender,) = message["From"].addresses
    assert (to.display_name, to.addr_spec) == (name, "ana@library.example.org")
    assert (sender.display_name, sender.addr_spec) == (f"{name} library", "events@eventreg.invalid")
    assert message["Subject"] == f"You’re registered: {name} workshop"
    for header in ("Subject", "To", "From"):
        assert not message[header].defects, header
    assert all(not part.defects for part in message.walk())


def test_a_burst_in_the_background_while_other_requests_commit_arrives_once_each(
    app, client, smtp_server, make_event, db_session, clock, mailbox, registration_form, background_delivery
):
    """The outcome of each message is recorded though another connection commits while the server answers (on
    SQLite a read that outlived the send could not become the outcome's write): nothing is sent twice."""
    event = make_event(starts_at=clock.now() + timedelta(days=10))
    db_session.commit()
    url, event_id = f"/events/{event.slug}/register", event.id
    db_session.commit()  # the test's session (which the requests share) holds no read open between them

    def commit_elsewhere(_message):  # what another request does meanwhile: a write committed on another connection
        with app.app_context():
            db.session.execute(sa.update(Event).where(Event.id == event_id).values(summary=Event.summary + "."))
            db.session.commit()

    smtp_server.handler.on_message = commit_elsewhere
    for n in range(12):
        form = {**registration_form, "email": f"reader{n}@library.example.org", "form_key": f"k{n}"}
        assert client.post(url, data=form).status_code == 200
    assert background_delivery.drain(timeout=60)
    ids = [message["Message-ID"] for message in mailbox]
    assert len(ids) == len(set(ids)) == 12
    assert sorted(message["To"].addresses[0].addr_spec for message in mailbox) == sorted(
        f"reader{n}@library.example.org" for n in range(12)
    )
    db_session.expire_all()
    rows = db_session.scalars(sa.select(OutboxMessage)).all()
    assert {(row.sent_at is not None, row.attempts, row.failed_at) for row in rows} == {(True, 1, None)}
    assert len(rows) == 12
    assert send_all(clock) == (0, 0)  # nothing left to send again
    clock.advance(hours=1)
    assert send_all(clock) == (0, 0)
