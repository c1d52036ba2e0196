"""Deliver queued e-mail over SMTP (or into a folder of .eml files when no server is configured).

Each message is claimed with a conditional UPDATE before it is sent, so two workers or two cron runs
never both send it; a claim older than CLAIM_TIMEOUT is taken to be a crashed sender's and retried."""

import atexit
import logging
import os
import queue
import smtplib
import ssl
import threading
from datetime import datetime, timedelta
from email.charset import QP, Charset
from email.encoders import encode_base64
from email.header import Header
from email.headerregistry import Address
from email.message import Message
from email.mime.base import MIMEBase
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText
from email.utils import format_datetime, formataddr

import sqlalchemy as sa
from flask import Flask, current_app

from eventreg.extensions import db
from eventreg.mail import outbox
from eventreg.mail.models import OutboxMessage

log = logging.getLogger(__name__)
CLAIM_TIMEOUT = timedelta(minutes=10)
CLAIM_BATCH = 20  # messages claimed, and sent over one SMTP connection, at a time


def build_email(message: sa.Row | OutboxMessage, *, sender: Address) -> Message:
    """The MIME message: text and HTML alternatives, plus the invitation the way Google Calendar sends
    it (text/calendar with method= inside the alternatives, and an invite.ics attachment).

    Built from the compat32 classes: the same structure EmailMessage.set_content() makes, in a quarter of
    the time, which matters because every registration sends one. Headers are encoded (RFC 2047) only
    where they hold non-ASCII text; what people typed was checked to be a single line before it got here."""
    alternatives = MIMEMultipart("alternative")
    alternatives.attach(MIMEText(message.body_text, "plain", _UTF8_QP))
    alternatives.attach(MIMEText(message.body_html, "html", _UTF8_QP))
    if message.calendar:
        # Base64 keeps the calendar's CRLF line ends and 75-octet folding exactly as written.
        invitation = _base64_part("text", "calendar", message.calendar.encode("utf-8"))
        invitation.set_param("method", message.calendar_method)
        invitation.set_param("charset", "utf-8")
        alternatives.attach(invitation)
        email = MIMEMultipart("mixed")
        email.attach(alternatives)
        attachment = _base64_part("application", "ics", message.calendar.encode("utf-8"))
        attachment.add_header("Content-Disposition", "attachment", filename="invite.ics")
        email.attach(attachment)
    else:
        email = alternatives
    email["Subject"] = Header(message.subject, "utf-8")
    email["From"] = formataddr((sender.display_name, sender.addr_spec), "utf-8")
    email["To"] = formataddr((message.to_name, message.to_address), "utf-8")
    email["Date"] = format_datetime(message.created_at)
    # Stable per message, so a resend after a crash is recognisably the same message.
    email["Message-ID"] = f"<outbox-{message.id}-{message.created_at:%Y%m%d%H%M%S}@{sender.domain}>"
    return email


def _base64_part(maintype: str, subtype: str, payload: bytes) -> MIMEBase:
    part = MIMEBase(maintype, subtype)
    part.set_payload(payload)
    encode_base64(part)
    return part


_UTF8_QP = Charset("utf-8")
_UTF8_QP.body_encoding = QP  # readable in a raw .eml, unlike base64, and 7-bit safe for any relay


def send_queued(now: datetime) -> tuple[int, int]:
    """Send what this session queued, now; call right after commit. Failures wait for send-pending-mail."""
    ids = outbox.take_queued_ids()
    return send_pending(now, ids=ids) if ids else (0, 0)


def deliver_queued(now: datetime) -> None:
    """What a request calls after its commit. With MAIL_DELIVERY=background (the default) this process's
    sender thread takes the messages, so a slow mail server never holds a page; the rows are committed
    already, so a process that dies first leaves them to send-pending-mail. MAIL_DELIVERY=request sends
    before the response, as the CLI commands always do."""
    if current_app.config["MAIL_DELIVERY"] != "background":
        send_queued(now)
        return
    ids = outbox.take_queued_ids()
    if ids:
        BackgroundSender.of(current_app._get_current_object()).submit(ids)


class BackgroundSender:
    """One daemon thread per app and process, sending batches of outbox ids in the order they came."""

    def __init__(self, app: Flask):
        self.app = app
        self.pid = os.getpid()
        self.queue: queue.Queue[list[int] | threading.Event] = queue.Queue()
        self.thread = threading.Thread(target=self._run, name="eventreg-mail", daemon=True)
        self.thread.start()
        # A worker stopping gracefully sends what it has before it goes.
        atexit.register(self.drain, timeout=app.config["MAIL_TIMEOUT"])

    @classmethod
    def of(cls, app: Flask) -> "BackgroundSender":
        sender = app.extensions.get("eventreg.mail_sender")
        # A sender made before a fork (gunicorn --preload) has no thread in the child: make the child its own.
        if sender is None or sender.pid != os.getpid():
            with _senders_lock:
                sender = app.extensions.get("eventreg.mail_sender")
                if sender is None or sender.pid != os.getpid():
                    sender = app.extensions["eventreg.mail_sender"] = cls(app)
        return sender

    def submit(self, ids: list[int]) -> None:
        self.queue.put(ids)

    def drain(self, timeout: float | None = None) -> bool:
        """Wait until everything submitted so far has been tried; True if that happened within the timeout."""
        reached = threading.Event()
        self.queue.put(reached)
        return reached.wait(timeout)

    def _run(self) -> None:
        from eventreg import clock

        while True:
            ids, marker = self._take()
            if ids:
                with self.app.app_context():
                    try:
                        send_pending(clock.now(), ids=ids)
                    except Exception:
                        # The rows stay unsent (or claimed, then retried after CLAIM_TIMEOUT) for send-pending-mail.
                        log.exception("background mail delivery failed", extra={"outbox_ids": ids})
                    finally:
                        db.session.remove()
            if marker is not None:
                marker.set()

    def _take(self) -> tuple[list[int], threading.Event | None]:
        """The next batch: what the first waiting request queued, plus whatever more is already waiting, up
        to a drain() marker. Under load one claim and one mail connection then serve many registrations."""
        ids: list[int] = []
        item = self.queue.get()
        while True:
            if isinstance(item, threading.Event):
                return ids, item
            ids.extend(item)
            if len(ids) >= CLAIM_BATCH:
                return ids, None
            try:
                item = self.queue.get_nowait()
            except queue.Empty:
                return ids, None


_senders_lock = threading.Lock()


def send_pending(now: datetime, *, ids: list[int] | None = None, limit: int = 500) -> tuple[int, int]:
    """Send unsent messages (all, or those ids), oldest first. Returns (sent, failed).

    Messages are claimed a few at a time and each outcome is committed as soon as it is known, so a
    crash resends at most the message in flight; one SMTP connection serves each batch."""
    if ids is None:
        query = sa.select(OutboxMessage.id).where(OutboxMessage.sent_at.is_(None)).order_by(OutboxMessage.id)
        ids = list(db.session.scalars(query.limit(limit)))
        db.session.commit()
    ids = sorted(ids)
    sent = failed = 0
    for start in range(0, len(ids), CLAIM_BATCH):
        # Claimed rows we do not get (sent already, another sender's, rolled back) are simply not ours.
        with _Connection() as connection:
            for message in _claim(ids[start : start + CLAIM_BATCH], now):
                if _send_one(connection, message, now):
                    sent += 1
                else:
                    failed += 1
    return sent, failed


def _send_one(connection: "_Connection", message: sa.Row, now: datetime) -> bool:
    try:
        connection.deliver(message)
    except (OSError, smtplib.SMTPException) as error:
        last_error = f"{type(error).__name__}: {error}"[:2000]
        _record(message.id, claimed_at=None, last_error=last_error)
        log.warning("mail failed", extra={"outbox_id": message.id, "kind": message.kind,
                                          "attempts": message.attempts + 1, "error": last_error})  # fmt: skip
        return False
    _record(message.id, sent_at=now, last_error=None)
    log.info("mail sent", extra={"outbox_id": message.id, "kind": message.kind,
                                 "registration_id": message.registration_id})  # fmt: skip
    return True


def _claim(ids: list[int], now: datetime) -> list[sa.Row]:
    """Take these messages for sending and read them in the same statement: those that are ours to send."""
    claimable = (
        OutboxMessage.id.in_(ids),
        OutboxMessage.sent_at.is_(None),
        sa.or_(OutboxMessage.claimed_at.is_(None), OutboxMessage.claimed_at < now - CLAIM_TIMEOUT),
    )
    statement = sa.update(OutboxMessage).where(*claimable).values(claimed_at=now)
    messages = sorted(db.session.execute(statement.returning(*OutboxMessage.__table__.c)), key=lambda m: m.id)
    db.session.commit()
    return messages


def _record(message_id: int, **values) -> None:
    """The outcome of one attempt, committed at once so that a crash later cannot send it twice."""
    statement = sa.update(OutboxMessage).where(OutboxMessage.id == message_id)
    db.session.execute(statement.values(attempts=OutboxMessage.attempts + 1, **values))
    db.session.commit()


class _Connection:
    """Delivery for one batch: a single SMTP session opened at the first message (and again after an
    error), or the outbox folder when no MAIL_SERVER is configured."""

    def __init__(self):
        self.config = current_app.config
        self.sender = sender_address()
        self.smtp: smtplib.SMTP | None = None

    def __enter__(self) -> "_Connection":
        return self

    def __exit__(self, *exc_info) -> None:
        self._close()

    def deliver(self, message: sa.Row | OutboxMessage) -> None:
        email = build_email(message, sender=self.sender)
        if not self.config.get("MAIL_SERVER"):
            _write_to_folder(email, message)
            return
        try:
            if self.smtp is None:
                self.smtp = self._open()
            self.smtp.send_message(email)
        except (OSError, smtplib.SMTPException):
            self._close()  # the session may be broken; the next message starts a new one
            raise

    def _open(self) -> smtplib.SMTP:
        config = self.config
        context = ssl.create_default_context()
        smtp_class = smtplib.SMTP_SSL if config["MAIL_USE_SSL"] else smtplib.SMTP
        kwargs = {"context": context} if config["MAIL_USE_SSL"] else {}
        smtp = smtp_class(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=config["MAIL_TIMEOUT"], **kwargs)
        try:
            if config["MAIL_USE_TLS"] and not config["MAIL_USE_SSL"]:
                smtp.starttls(context=context)
            if config.get("MAIL_USERNAME"):
                smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"] or "")
        except BaseException:
            smtp.close()
            raise
        return smtp

    def _close(self) -> None:
        if self.smtp is not None:
            try:
                self.smtp.quit()
            except (OSError, smtplib.SMTPException):
                self.smtp.close()
            self.smtp = None


def sender_address() -> Address:
    config = current_app.config
    return Address(display_name=config["MAIL_SENDER_NAME"], addr_spec=config["MAIL_SENDER_ADDRESS"])


def outbox_folder() -> str:
    return current_app.config.get("MAIL_OUTBOX_DIR") or os.path.join(current_app.instance_path, "outbox")


def _write_to_folder(email: Message, message: sa.Row | OutboxMessage) -> None:
    folder = outbox_folder()
    os.makedirs(folder, exist_ok=True)
    path = os.path.join(folder, f"{message.created_at:%Y%m%dT%H%M%S}-{message.id:06d}-{message.kind}.eml")
    with open(path, "wb") as file:
        file.write(email.as_bytes())
    log.info("mail written to a file", extra={"path": path})
