"""Signed manage links: /r/<signed token>. The signature stops tampering; the random token inside
makes the link unguessable even by someone who knows a registration's id."""

from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from eventreg.registrations.models import Registration

SALT = "registration-manage"


class LinkError(Exception):
    def __init__(self, code: str):  # "expired" or "invalid"
        super().__init__(code)
        self.code = code


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=SALT)


def manage_token(registration: Registration) -> str:
    return _serializer().dumps(registration.token)


def read_manage_token(signed: str) -> str:
    """The registration token inside a manage link, or LinkError("expired"/"invalid")."""
    try:
        return _serializer().loads(signed, max_age=current_app.config["MANAGE_LINK_MAX_AGE"])
    except SignatureExpired as error:
        raise LinkError("expired") from error
    except BadSignature as error:
        raise LinkError("invalid") from error
