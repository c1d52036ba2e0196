"""Signed course links: /series/manage/<signed>. Mailed only, to the enrolment's address: the page after
registering shows none (it would tell a new address from a registered one)."""

from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from eventreg.series.models import Enrolment

SALT = "enrolment-manage"


class LinkError(Exception):
    def __init__(self, code: str):  # "expired" or "invalid"
        super().__init__(code)
        self.code = code


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=SALT)


def manage_token(enrolment: Enrolment) -> str:
    return _serializer().dumps([enrolment.id, enrolment.token])


def read_manage_token(signed: str) -> tuple[int, str]:
    """(enrolment id, token) from a link, or LinkError("expired"/"invalid"), also for a shape we never sign."""
    try:
        payload = _serializer().loads(signed, max_age=current_app.config["MANAGE_LINK_MAX_AGE"])
    except SignatureExpired as error:
        raise LinkError("expired") from error
    except BadSignature as error:
        raise LinkError("invalid") from error
    if isinstance(payload, list) and len(payload) == 2 and type(payload[0]) is int and isinstance(payload[1], str):
        return payload[0], payload[1]
    raise LinkError("invalid")
