"""Signed transcript links: /transcript/<signed address>. Only ever mailed to the address they name, so
whoever opens one reads that mailbox. They expire (TRANSCRIPT_LINK_MAX_AGE, a week): a forwarded or leaked
link stops showing someone's record after that, and asking again costs the owner one e-mail."""

from flask import current_app
from itsdangerous import BadData, BadSignature, SignatureExpired, TimestampSigner, URLSafeTimedSerializer

from eventreg import clock

SALT = "transcript"


class LinkError(Exception):
    def __init__(self, code: str, email: str | None = None):  # "expired" or "invalid"
        super().__init__(code)
        self.code = code
        self.email = email  # an expired link still names its (genuine) address, to offer a new link for it


class ClockSigner(TimestampSigner):
    """Timestamps from the app's clock, so expiry follows the same time as everything else (and tests)."""

    def get_timestamp(self) -> int:
        return int(clock.now().timestamp())


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=SALT, signer=ClockSigner)


def transcript_token(email: str) -> str:
    return _serializer().dumps(email)


def read_transcript_token(signed: str) -> str:
    """The address a transcript link was made for, or LinkError("expired"/"invalid")."""
    serializer = _serializer()
    try:
        email = serializer.loads(signed, max_age=current_app.config["TRANSCRIPT_LINK_MAX_AGE"])
    except SignatureExpired as error:
        raise LinkError("expired", _expired_address(serializer, error.payload)) from error
    except BadSignature as error:
        raise LinkError("invalid") from error
    if not isinstance(email, str) or not email:
        raise LinkError("invalid")
    return email


def _expired_address(serializer: URLSafeTimedSerializer, payload) -> str | None:
    """The address inside a link whose signature checked out but is too old (the signer hands it over raw)."""
    try:
        email = serializer.load_payload(payload)
    except BadData:
        return None
    return email if isinstance(email, str) else None
