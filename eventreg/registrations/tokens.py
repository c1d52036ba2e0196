"""Signed manage links: /r/<signed token>. The signature stops tampering; the random token inside
makes the link unguessable even by someone who knows a registration's id.

Two kinds of link open the same page. The one that used to be shown right after registering proves only that
its holder filled in the form, which anyone can do with a stranger's address, so it shows that one
registration; none is shown any more (a new address would get one and a registered one not, which tells them
apart), but those handed out still open. The one in our e-mails proves control of the mailbox and also offers
the address's private calendar feed."""

from dataclasses import dataclass

from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from eventreg.registrations.models import Registration

SALT = "registration-manage"
MAILED = "mail"


class LinkError(Exception):
    def __init__(self, code: str):  # "expired" or "invalid"
        super().__init__(code)
        self.code = code


@dataclass(frozen=True)
class ManageLink:
    registration_id: int | None  # None in links made before ids were signed in
    token: str
    mailed: bool  # sent to the registrant's address, so its holder reads that mailbox


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=SALT)


def manage_token(registration: Registration) -> str:
    """The kind of link the page after registering used to show (see the module's docstring)."""
    return _serializer().dumps([registration.id, registration.token])


def mailed_manage_token(registration: Registration) -> str:
    """The link in e-mails to the registrant's address."""
    return _serializer().dumps([registration.id, registration.token, MAILED])


def read_manage_token(signed: str) -> ManageLink:
    """What a manage link holds, or LinkError("expired"/"invalid"), also for a payload of a shape we never
    sign (only reachable with the key, but still not worth a 500)."""
    try:
        payload = _serializer().loads(signed, max_age=current_app.config["MANAGE_LINK_MAX_AGE"])
    except SignatureExpired as error:
        raise LinkError("expired") from error
    except BadSignature as error:
        raise LinkError("invalid") from error
    if isinstance(payload, str):  # links mailed before ids were signed in; treated as shown on screen
        return ManageLink(None, payload, mailed=False)
    if (
        isinstance(payload, list)
        and len(payload) in (2, 3)
        and type(payload[0]) is int
        and isinstance(payload[1], str)
        and payload[2:] in ([], [MAILED])
    ):
        return ManageLink(payload[0], payload[1], mailed=len(payload) == 3)
    raise LinkError("invalid")
