from datetime import datetime
from decimal import Decimal

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from eventreg import clock
from eventreg.core.extensions import db
from eventreg.timezones import UTCDateTime


class Status:
    DRAFT = "draft"
    PUBLISHED = "published"
    CANCELLED = "cancelled"
    ALL = (DRAFT, PUBLISHED, CANCELLED)


class Format:
    WEBINAR = "webinar"
    IN_PERSON = "in_person"
    HYBRID = "hybrid"
    ALL = (WEBINAR, IN_PERSON, HYBRID)
    LABELS = {WEBINAR: _l("Webinar"), IN_PERSON: _l("In person"), HYBRID: _l("Hybrid (in person and online)")}


def shows_place(format: str, location: str | None) -> bool:
    """Whether an event of this format at this location has a place to show: in person or hybrid, and named."""
    return format in (Format.IN_PERSON, Format.HYBRID) and bool(location)


def scheduled_minutes(starts_at: datetime, ends_at: datetime) -> int:
    """An event's length in whole minutes: the bound of its minimum for credit, and the base of the default."""
    return int((ends_at - starts_at).total_seconds() // 60)


# Contact hours an event may state: more than none, at most this, in hundredths (the column's two places).
MAX_CONTACT_HOURS = Decimal("999")


class State:
    """Where an event is in its life at a given instant; derived, never stored, so it flips on time."""

    UPCOMING = "upcoming"
    LIVE = "live"
    PASSED = "passed"
    CANCELLED = "cancelled"


event_topics = db.Table(
    "event_topics",
    sa.Column("event_id", sa.ForeignKey("events.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("topic_id", sa.ForeignKey("topics.id", ondelete="CASCADE"), primary_key=True, index=True),
)


class Topic(db.Model):
    __tablename__ = "topics"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(sa.String(80), unique=True)
    name: Mapped[str] = mapped_column(sa.String(120))

    def __repr__(self) -> str:
        return f"<Topic {self.slug}>"


class Event(db.Model):
    __tablename__ = "events"
    __table_args__ = (
        sa.CheckConstraint("ends_at > starts_at", name="ends_after_start"),
        sa.CheckConstraint("capacity IS NULL OR capacity >= 0", name="capacity_not_negative"),
        sa.CheckConstraint(f"status IN {Status.ALL!r}", name="status_known"),
        sa.CheckConstraint(f"format IN {Format.ALL!r}", name="format_known"),
        # The two public lists: upcoming by start, on-demand by end, both filtered by status.
        sa.Index("ix_events_status_starts_at", "status", "starts_at"),
        sa.Index("ix_events_status_ends_at", "status", "ends_at"),
        # The upcoming list shows two statuses, which (status, starts_at) cannot give in start order, so the
        # database sorted every event not yet ended for each page; this one it reads in order, a page's worth.
        sa.Index("ix_events_starts_at_id", "starts_at", "id"),
        # Feeds' validators ask for the latest change on every poll.
        sa.Index("ix_events_updated_at", "updated_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(sa.String(120), unique=True)
    title: Mapped[str] = mapped_column(sa.String(200))
    summary: Mapped[str] = mapped_column(sa.Text, default="")
    description: Mapped[str] = mapped_column(sa.Text, default="")  # Markdown
    format: Mapped[str] = mapped_column(sa.String(20), default=Format.WEBINAR)
    location: Mapped[str | None] = mapped_column(sa.String(300))
    host_name: Mapped[str | None] = mapped_column(sa.String(200))
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime())
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime())
    timezone: Mapped[str] = mapped_column(sa.String(64))  # IANA name, e.g. "America/New_York"
    # The language the host wrote it in ("en", "es", "fr"): pages mark its title and description with it (lang=),
    # and lists can be filtered by it. Its content is never translated.
    language: Mapped[str] = mapped_column(sa.String(8), default="en", server_default="en")
    capacity: Mapped[int | None] = mapped_column()
    join_url: Mapped[str | None] = mapped_column(sa.String(500))  # private: registrants only
    archive_url: Mapped[str | None] = mapped_column(sa.String(500))
    status: Mapped[str] = mapped_column(sa.String(20), default=Status.DRAFT)
    registration_deadline_at: Mapped[datetime | None] = mapped_column(UTCDateTime())  # default: the start
    # Grows whenever registrants' calendars must replace their entry (time, place or link changed, cancelled).
    sequence: Mapped[int] = mapped_column(default=0, server_default="0")
    # Registrations wait as "pending" until a host approves or declines each (registrations.operations.approve).
    requires_approval: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    reminder_hours: Mapped[str] = mapped_column(sa.String(40), default="24,1", server_default="24,1")
    # The archive URL registrants were last told about, so the recording mail goes out once.
    recording_notified_url: Mapped[str | None] = mapped_column(sa.String(500))
    # Credit rule (eventreg/attendance/credit.py): minutes needed to count as attended (None: 75% of the
    # scheduled length) and the contact hours a certificate states (None: none awarded).
    credit_min_minutes: Mapped[int | None] = mapped_column()
    contact_hours: Mapped[Decimal | None] = mapped_column(sa.Numeric(5, 2))
    # The series this event is a session of (eventreg/series), if any.
    series_id: Mapped[int | None] = mapped_column(sa.ForeignKey("series.id", ondelete="SET NULL"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=clock.now)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=clock.now, onupdate=clock.now)

    topics: Mapped[list[Topic]] = relationship(secondary=event_topics, order_by=Topic.name, lazy="selectin")
    hosts: Mapped[list["Host"]] = relationship(secondary="event_hosts")  # noqa: F821 - loaded when asked
    series: Mapped["Series | None"] = relationship(back_populates="sessions")  # noqa: F821 - eventreg.series

    def __repr__(self) -> str:
        return f"<Event {self.slug}>"

    def state(self, now: datetime) -> str:
        if self.status == Status.CANCELLED:
            return State.CANCELLED
        if now < self.starts_at:
            return State.UPCOMING
        if now < self.ends_at:
            return State.LIVE
        return State.PASSED

    @property
    def registration_closes_at(self) -> datetime:
        if self.registration_deadline_at and self.registration_deadline_at < self.starts_at:
            return self.registration_deadline_at
        return self.starts_at

    def has_started(self, now: datetime) -> bool:
        return now >= self.starts_at

    def has_ended(self, now: datetime) -> bool:
        return now >= self.ends_at

    def is_open_for_registration(self, now: datetime) -> bool:
        return self.status == Status.PUBLISHED and now < self.registration_closes_at

    @property
    def reminder_offsets(self) -> list[int]:
        """Hours before the start at which reminders go out, largest first: [24, 1]."""
        hours = {int(part) for part in self.reminder_hours.replace(" ", "").split(",") if part.isdigit()}
        return sorted((h for h in hours if h > 0), reverse=True)

    @property
    def offers_certificate(self) -> bool:
        """A certificate of completion is offered exactly when the event states contact hours (a certificate
        states them; certificates.operations refuses to issue without)."""
        return self.contact_hours is not None and self.contact_hours > 0

    @property
    def format_label(self) -> str:
        return str(Format.LABELS.get(self.format, self.format))  # in the language now in force

    @property
    def has_place(self) -> bool:
        return shows_place(self.format, self.location)
