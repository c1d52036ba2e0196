from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from eventreg.core.extensions import db
from eventreg.timezones import UTCDateTime


class ApiToken(db.Model):
    """A host's key to the API. Only the SHA-256 of the secret is kept: the secret is shown once, when made."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    host_id: Mapped[int] = mapped_column(sa.ForeignKey("hosts.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(sa.String(120))
    # The first characters of the secret ("ereg_3fQx"), so the host can tell tokens apart; not enough to use one.
    hint: Mapped[str] = mapped_column(sa.String(16))
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)  # sha256 hex of the whole secret
    can_write: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    host: Mapped["Host"] = relationship(lazy="joined")  # noqa: F821 - every API request needs its host

    def __repr__(self) -> str:
        return f"<ApiToken {self.id} {self.hint} {'rw' if self.can_write else 'ro'}>"

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None


class IdempotentRequest(db.Model):
    """A POST sent with an Idempotency-Key (api/idempotency.py): what was asked (method, path and the body's
    SHA-256) and, once done, the answer given, to give again for 24 hours. status is None while in flight."""

    __tablename__ = "idempotent_requests"
    __table_args__ = (
        # Two requests with one key cannot both claim it: the second's insert fails and it reads the first's row.
        sa.UniqueConstraint("token_id", "key", name="uq_idempotent_requests_token_id_key"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    token_id: Mapped[int] = mapped_column(sa.ForeignKey("api_tokens.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(sa.String(255))
    method: Mapped[str] = mapped_column(sa.String(10))
    path: Mapped[str] = mapped_column(sa.String(2000))
    body_hash: Mapped[str] = mapped_column(sa.String(64))  # sha256 hex of the body's bytes
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    status: Mapped[int | None] = mapped_column()
    body: Mapped[str | None] = mapped_column(sa.Text())
    location: Mapped[str | None] = mapped_column(sa.String(2000))
