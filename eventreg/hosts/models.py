import functools
import secrets
from datetime import datetime

import sqlalchemy as sa
from flask_login import UserMixin
from sqlalchemy.orm import Mapped, mapped_column
from werkzeug.security import check_password_hash, generate_password_hash

from eventreg.core.extensions import db
from eventreg.timezones import UTCDateTime

MIN_PASSWORD_LENGTH = 12

event_hosts = db.Table(
    "event_hosts",
    sa.Column("event_id", sa.ForeignKey("events.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("host_id", sa.ForeignKey("hosts.id", ondelete="CASCADE"), primary_key=True, index=True),
)


class Host(UserMixin, db.Model):
    __tablename__ = "hosts"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(sa.String(254), unique=True)  # stored lower-case
    name: Mapped[str] = mapped_column(sa.String(120), default="")
    password_hash: Mapped[str] = mapped_column(sa.String(255))
    is_admin: Mapped[bool] = mapped_column(default=False)
    # The zone the host reads times in, and the zone their next new event starts in.
    timezone: Mapped[str] = mapped_column(sa.String(64), default="America/New_York")
    # The language they chose for their pages and the mail sent to them; None until they choose (their browser's
    # language, and the site default for mail).
    locale: Mapped[str | None] = mapped_column(sa.String(8))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())

    # The sign-in (HostSession.id) this object was loaded for; set at sign-in and by the user loader.
    session_id = None

    def __repr__(self) -> str:
        return f"<Host {self.email}{' admin' if self.is_admin else ''}>"

    def get_id(self) -> str | None:
        # Flask-Login keeps this in the session cookie (and a remember cookie): the sign-in, not the account,
        # so ending the sign-in's row turns every copy of the cookie away.
        return self.session_id

    def set_password(self, password: str) -> None:
        # Werkzeug's default is scrypt with a random salt.
        self.password_hash = generate_password_hash(password)

    def check_password(self, password: str) -> bool:
        return check_password_hash(self.password_hash, password)


def password_matches(host: Host | None, password: str) -> bool:
    """Whether the password is the host's. With no host, a stand-in hash is checked all the same, so an
    unknown email takes as long as a wrong password and the time taken does not tell which emails have accounts."""
    matches = check_password_hash(host.password_hash if host else _stand_in_hash(), password)
    return matches and host is not None


@functools.cache
def _stand_in_hash() -> str:
    # Made with the current method and parameters (scrypt's n, r, p), so checking it costs what a real one does.
    return generate_password_hash(secrets.token_urlsafe(32))


class HostSession(db.Model):
    """One sign-in. The session cookie names it; deleting the row ends the sign-in for every copy of that
    cookie (sign-out ends one, a password change every other)."""

    __tablename__ = "host_sessions"

    id: Mapped[str] = mapped_column(sa.String(64), primary_key=True)  # secrets.token_urlsafe(32)
    host_id: Mapped[int] = mapped_column(sa.ForeignKey("hosts.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class LoginAttempt(db.Model):
    """Failed sign-ins, kept in the database so the limit holds across every worker and server."""

    __tablename__ = "login_attempts"
    __table_args__ = (sa.Index("ix_login_attempts_email_at", "email", "attempted_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(sa.String(254))
    address: Mapped[str] = mapped_column(sa.String(64), index=True)
    attempted_at: Mapped[datetime] = mapped_column(UTCDateTime())
