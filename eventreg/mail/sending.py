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
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime

import sqlalchemy as sa
from flask import Flask, current_app

from eventreg.extensions import db
from eventreg.mail import outbox
from eventreg.mail.models import OutboxMessage

log = logging.getLogger(__name__)
CLAIM_TIMEOUT = timedelta(minutes=10)


def build_email(message: OutboxMessage, *, sender: Address) -> EmailMessage:
    """The MIME message: text and HTML alternatives, plus the invitation the way Google Calendar sends
    it (text/calendar with method= inside the alternatives, and an invite.ics attachment)."""
    email = EmailMessage()
    email["Subject"] = message.subject
    email["From"] = sender
    email["To"] = Address(display_name=message.to_name, addr_spec=message.to_address)
    email["Date"] = format_datetime(message.created_at)
    # Stable per message, so a resend after a crash is recognisably the same message.
    email["Message-ID"] = f"<outbox-{message.id}-{message.created_at:%Y%m%d%H%M%S}@{sender.domain}>"
    email.set_content(message.body_text)
    email.add_alternative(message.body_html, subtype="html")
    if message.calendar:
        email.add_alternative(
            message.calendar.encode("utf-8"),
            maintype="text",
            subtype="calendar",
            params={"method": message.calendar_method, "charset": "utf-8"},
        )
        email.add_attachment(
            message.calendar.encode("utf-8"),
            maintype="application",
            subtype="ics",
            filename="invite.ics",
        )
    return email


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
            item = self.queue.get()
            if isinstance(item, threading.Event):
                item.set()
                continue
            with self.app.app_context():
                try:
                    send_pending(clock.now(), ids=item)
                except Exception:
                    # The rows stay unsent (or claimed, then retried after CLAIM_TIMEOUT) for send-pending-mail.
                    log.exception("background mail delivery failed", extra={"outbox_ids": item})
                finally:
                    db.session.remove()


_senders_lock = threading.Lock()


def send_pending(now: datetime, *, ids: list[int] | None = None, limit: int = 500) -> tuple[int, int]:
    """Send unsent messages (all, or those ids), oldest first. Returns (sent, failed). Commits per message."""
    query = sa.select(OutboxMessage.id).where(OutboxMessage.sent_at.is_(None)).order_by(OutboxMessage.id).limit(limit)
    if ids is not None:
        query = query.where(OutboxMessage.id.in_(ids))
    candidates = list(db.session.scalars(query))
    db.session.commit()
    sent = failed = 0
    for message_id in candidates:
        if not _claim(message_id, now):
            continue
        message = db.session.get(OutboxMessage, message_id)
        try:
            _deliver(message)
        except (OSError, smtplib.SMTPException) as error:
            message.attempts += 1
            message.claimed_at = None
            message.last_error = f"{type(error).__name__}: {error}"[:2000]
            db.session.commit()
            failed += 1
            log.warning("mail failed", extra={"outbox_id": message.id, "kind": message.kind,
                                              "attempts": message.attempts, "error": message.last_error})  # fmt: skip
            continue
        message.attempts += 1
        message.sent_at = now
        message.last_error = None
        db.session.commit()
        sent += 1
        log.info("mail sent", extra={"outbox_id": message.id, "kind": message.kind,
                                     "registration_id": message.registration_id})  # fmt: skip
    return sent, failed


def _claim(message_id: int, now: datetime) -> bool:
    result = db.session.execute(
        sa.update(OutboxMessage)
        .where(
            OutboxMessage.id == message_id,
            OutboxMessage.sent_at.is_(None),
            sa.or_(OutboxMessage.claimed_at.is_(None), OutboxMessage.claimed_at < now - CLAIM_TIMEOUT),
        )
        .values(claimed_at=now)
    )
    db.session.commit()
    return result.rowcount == 1


def _deliver(message: OutboxMessage) -> None:
    config = current_app.config
    email = build_email(message, sender=sender_address())
    if not config.get("MAIL_SERVER"):
        _write_to_folder(email, message)
        return
    context = ssl.create_default_context()
    smtp_class = smtplib.SMTP_SSL if config["MAIL_USE_SSL"] else smtplib.SMTP
    kwargs = {"context": context} if config["MAIL_USE_SSL"] else {}
    with smtp_class(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=config["MAIL_TIMEOUT"], **kwargs) as smtp:
        if config["MAIL_USE_TLS"] and not config["MAIL_USE_SSL"]:
            smtp.starttls(context=context)
        if config.get("MAIL_USERNAME"):
            smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"] or "")
        smtp.send_message(email)


def sender_address() -> Address:
    config = current_app.config
    return Address(display_name=config["MAIL_SENDER_NAME"], addr_spec=config["MAIL_SENDER_ADDRESS"])


def outbox_folder() -> str:
    return current_app.config.get("MAIL_OUTBOX_DIR") or os.path.join(current_app.instance_path, "outbox")


def _write_to_folder(email: EmailMessage, message: OutboxMessage) -> None:
    folder = outbox_folder()
    os.makedirs(folder, exist_ok=True)
    path = os.path.join(folder, f"{message.created_at:%Y%m%dT%H%M%S}-{message.id:06d}-{message.kind}.eml")
    with open(path, "wb") as file:
        file.write(email.as_bytes())
    log.info("mail written to a file", extra={"path": path})
