"""Deliver queued e-mail over SMTP (or into a folder of .eml files when no server is configured).

The outbox is a delivery queue (eventreg/core/deliveries.py: claimed before sending, so two workers or two
cron runs never both send a message, each outcome committed at once); this module is its send step.
A temporary failure is retried with exponential backoff; a permanent refusal (5xx), or three days of
temporary ones, marks the message failed, which its registration's host sees on the attendee list."""

import contextlib
import logging
import os
import smtplib
import ssl
import threading
from collections.abc import Iterator
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

from eventreg.core import deliveries
from eventreg.core.background import BackgroundSender
from eventreg.mail import outbox
from eventreg.mail.models import OutboxMessage

log = logging.getLogger(__name__)
RETRY_FIRST = timedelta(minutes=5)  # after a temporary failure; doubling each time ...
RETRY_MAX = timedelta(days=1)  # ... up to a day
GIVE_UP_AFTER = timedelta(days=3)  # a message still undelivered this long after it was queued is given up


def build_email(message: sa.Row | OutboxMessage, *, sender: Address) -> Message:
    """The MIME message: text and HTML alternatives, plus the invitation the way Google Calendar sends
    it (text/calendar with method= inside the alternatives, and an invite.ics attachment).

    Built from the compat32 classes: the same structure EmailMessage.set_content() makes, in a quarter of
    the time, which matters because every registration sends one. Headers are encoded (RFC 2047) only
    where they hold non-ASCII text or text a reader would take for an encoded word; what people typed was
    checked to be a single line before it got here."""
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
    email["From"] = _address_header(sender.display_name, sender.addr_spec)
    email["To"] = _address_header(message.to_name, message.to_address)
    if message.reply_to:
        email["Reply-To"] = message.reply_to
    email["Date"] = format_datetime(message.created_at)
    # Stable per message, so a resend after a crash is recognisably the same message.
    email["Message-ID"] = f"<outbox-{message.id}-{message.created_at:%Y%m%d%H%M%S}@{sender.domain}>"
    return email


def _address_header(name: str, address: str) -> str:
    # formataddr leaves an ASCII name as it is, so a name typed as "=?utf-8?q?Hi?=" would reach readers as
    # an encoded word and show as "Hi" (or, quoted, as a defect): encode such a name, and it decodes to
    # exactly what was typed. As one encoded word, even past RFC 2047's 75 characters: where a name is
    # split into two words, Python's parser (3.11) shows a space that was never typed. A 120-character
    # name still fits SMTP's 998-octet line.
    if "=?" not in name:
        return formataddr((name, address), "utf-8")
    return f"{Header(name, 'utf-8').encode(maxlinelen=0)} <{address}>"


def _base64_part(maintype: str, subtype: str, payload: bytes) -> MIMEBase:
    part = MIMEBase(maintype, subtype)
    part.set_payload(payload)
    encode_base64(part)
    return part


_UTF8_QP = Charset("utf-8")
_UTF8_QP.body_encoding = QP  # readable in a raw .eml, unlike base64, and 7-bit safe for any relay


def _send_batch(messages: list[sa.Row], now: datetime) -> Iterator[bool]:
    """The mail queue's send step: one SMTP connection serves the batch."""
    with _Connection() as connection:
        for message in messages:
            yield _send_one(connection, message, now)


QUEUE = deliveries.DeliveryQueue(
    OutboxMessage,
    name="mail",
    done="sent_at",
    setting="MAIL_DELIVERY",
    queued_key=outbox.QUEUED_KEY,
    send_batch=_send_batch,
    retry_first=RETRY_FIRST,
    retry_max=RETRY_MAX,
    drain_timeout=lambda config: config["MAIL_TIMEOUT"],
)
retry_delay = QUEUE.retry_delay


def send_queued(now: datetime) -> tuple[int, int]:
    """Send what this session queued, now; call right after commit. Failures wait for send-pending-mail."""
    return QUEUE.send_queued(now)


def deliver_queued(now: datetime) -> None:
    """What a request calls after its commit. With MAIL_DELIVERY=background (the default) this process's
    sender thread takes the messages, so a slow mail server never holds a page; the rows are committed
    already, so a process that dies first leaves them to send-pending-mail. MAIL_DELIVERY=request sends
    before the response, as the CLI commands always do."""
    QUEUE.deliver_queued(now)


def background_sender(app: Flask) -> BackgroundSender:
    return QUEUE.background_sender(app)


def send_pending(now: datetime, *, ids: list[int] | None = None) -> tuple[int, int]:
    """Send the messages that are due (all, or those ids), in next-attempt order, each at most once per call
    (see core/deliveries.py). Returns (sent, failed). Each outcome is committed as soon as it is known, so a
    crash resends at most the message in flight."""
    return QUEUE.send_pending(now, ids=ids)


def is_permanent(error: Exception) -> bool:
    """Whether the server refused this message for good (a 5xx reply to its recipient or its content).

    A 5xx to our login, greeting or sender address is our configuration's fault, not the message's, and
    connection errors and 4xx replies are temporary: those are retried until GIVE_UP_AFTER."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return bool(error.recipients) and all(500 <= code < 600 for code, _ in error.recipients.values())
    if isinstance(error, smtplib.SMTPDataError):
        return 500 <= error.smtp_code < 600
    return False


def _describe(error: Exception) -> str:
    """The error for last_error: the server's codes and replies, without the recipient addresses a
    refusal's exception is keyed by."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        replies = "; ".join(f"{code} {_text(reply)}" for code, reply in error.recipients.values())
        return f"{type(error).__name__}: {replies}"[:2000]
    if isinstance(error, smtplib.SMTPResponseException):
        return f"{type(error).__name__}: {error.smtp_code} {_text(error.smtp_error)}"[:2000]
    return f"{type(error).__name__}: {error}"[:2000]


def _text(reply: bytes | str) -> str:
    return reply.decode("utf-8", "replace") if isinstance(reply, bytes) else str(reply)


def _smtp_code(error: Exception) -> int | None:
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return max((code for code, _ in error.recipients.values()), default=None)
    return getattr(error, "smtp_code", None)


def _send_one(connection: "_Connection", message: sa.Row, now: datetime) -> bool:
    try:
        connection.deliver(message)
    except (OSError, smtplib.SMTPException) as error:
        _record_failure(message, error, now)
        return False
    QUEUE.succeeded(message.id, now)
    log.info(
        "mail sent", extra={"outbox_id": message.id, "kind": message.kind, "registration_id": message.registration_id}
    )
    return True


def _record_failure(message: sa.Row, error: Exception, now: datetime) -> None:
    """Try again later with backoff, or give up: at a permanent refusal, or once the message is
    GIVE_UP_AFTER old. Logs carry ids and the SMTP code, never the server's reply (it often quotes the
    address)."""
    permanent = is_permanent(error)
    fields = {
        "outbox_id": message.id,
        "kind": message.kind,
        "registration_id": message.registration_id,
        "attempts": message.attempts + 1,
        "error": type(error).__name__,
        "smtp_code": _smtp_code(error),
    }
    next_attempt_at = QUEUE.failed(
        message, now, deadline=message.created_at + GIVE_UP_AFTER, give_up=permanent, last_error=_describe(error)
    )
    if next_attempt_at is not None:
        log.warning("mail failed", extra={**fields, "next_attempt_at": next_attempt_at.isoformat()})
    else:
        log.error("mail given up", extra={**fields, "reason": "refused" if permanent else "expired"})


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
        except (smtplib.SMTPRecipientsRefused, smtplib.SMTPSenderRefused, smtplib.SMTPDataError):
            raise  # smtplib has reset the session (RSET): a run of refused recipients costs one connection
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
    """Write the message under a temporary name in the same folder, then rename it into place: a full
    disk or a crash leaves no truncated .eml behind, and a copy written earlier stays whole."""
    folder = outbox_folder()
    os.makedirs(folder, exist_ok=True)
    name = f"{message.created_at:%Y%m%dT%H%M%S}-{message.id:06d}-{message.kind}.eml"
    path = os.path.join(folder, name)
    temporary = os.path.join(folder, f".{name}.{os.getpid()}-{threading.get_ident()}.tmp")
    try:
        with open(temporary, "xb") as file:
            file.write(email.as_bytes())
            file.flush()
            os.fsync(file.fileno())
        os.replace(temporary, path)  # atomic within one file system
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)
        raise
    log.info("mail written to a file", extra={"path": path})
