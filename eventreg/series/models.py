"""A series and a course registration (an enrolment). Sessions are events with `series_id` set; a course's
enrolment holds the seat decision, and each session it covers has an ordinary registration linked to it, so
reminders, invitations, feeds, attendance and follow-ups work per session as they do for any event."""

from datetime import datetime
from decimal import Decimal

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from eventreg import clock
from eventreg.core.extensions import db
from eventreg.events.models import Event
from eventreg.registrations.models import Registration, RegistrationStatus, new_token
from eventreg.timezones import UTCDateTime


class SeriesKind:
    COURSE = "course"  # one registration covers every session; seats, waiting list and approval are the course's
    PROGRAM = "program"  # each session is registered on its own (a form can register for all upcoming ones)
    ALL = (COURSE, PROGRAM)
    LABELS = {COURSE: "Course", PROGRAM: "Recurring program"}  # English, as the API gives them
    SHOWN = {COURSE: _l("Course"), PROGRAM: _l("Recurring program")}  # as a page reads them, in its language


class CreditRule:
    """What a course's registrant must attend for the course's credit and certificate."""

    ALL_SESSIONS = "all"  # every session that took place
    SOME_SESSIONS = "some"  # at least credit_sessions of them ("3 of 4")
    TOTAL_MINUTES = "minutes"  # at least credit_minutes in all
    ALL = (ALL_SESSIONS, SOME_SESSIONS, TOTAL_MINUTES)
    LABELS = {  # the host's choices, in the page's language
        ALL_SESSIONS: _l("Attend every session"),
        SOME_SESSIONS: _l("Attend a number of the sessions"),
        TOTAL_MINUTES: _l("Attend a total number of minutes"),
    }


class Series(db.Model):
    __tablename__ = "series"
    __table_args__ = (
        sa.CheckConstraint(f"kind IN {SeriesKind.ALL!r}", name="kind_known"),
        sa.CheckConstraint(f"credit_rule IN {CreditRule.ALL!r}", name="credit_rule_known"),
        sa.CheckConstraint("capacity IS NULL OR capacity >= 0", name="capacity_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(sa.String(120), unique=True)
    title: Mapped[str] = mapped_column(sa.String(200))
    summary: Mapped[str] = mapped_column(sa.Text, default="")
    description: Mapped[str] = mapped_column(sa.Text, default="")  # Markdown, as an event's
    kind: Mapped[str] = mapped_column(sa.String(20), default=SeriesKind.COURSE)
    timezone: Mapped[str] = mapped_column(sa.String(64))  # the zone its pattern is written in (IANA)
    # A course's seats and approval (a program's sessions keep their own, as any event's).
    capacity: Mapped[int | None] = mapped_column()
    requires_approval: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    # A course's credit rule and the contact hours its certificate states (None: no course certificate).
    credit_rule: Mapped[str] = mapped_column(sa.String(20), default=CreditRule.ALL_SESSIONS, server_default="all")
    credit_sessions: Mapped[int | None] = mapped_column()
    credit_minutes: Mapped[int | None] = mapped_column()
    contact_hours: Mapped[Decimal | None] = mapped_column(sa.Numeric(5, 2))
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("hosts.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=clock.now)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=clock.now, onupdate=clock.now)

    sessions: Mapped[list[Event]] = relationship(
        order_by=(Event.starts_at, Event.id), back_populates="series", lazy="select"
    )

    def __repr__(self) -> str:
        return f"<Series {self.slug} {self.kind}>"

    @property
    def is_course(self) -> bool:
        return self.kind == SeriesKind.COURSE

    @property
    def kind_label(self) -> str:
        return SeriesKind.LABELS.get(self.kind, self.kind)

    @property
    def offers_certificate(self) -> bool:
        return self.is_course and self.contact_hours is not None and self.contact_hours > 0


class Enrolment(db.Model):
    """One person's registration for a course. Its status is the course's seat decision (confirmed, waiting,
    pending, declined, cancelled: RegistrationStatus); each session it covers has a Registration with
    `enrolment_id` set and the same status, created with it (a late registrant's only for sessions not yet
    started)."""

    __tablename__ = "enrolments"
    __table_args__ = (
        sa.UniqueConstraint("series_id", "email", name="uq_enrolments_series_id_email"),
        sa.CheckConstraint(f"status IN {RegistrationStatus.ALL!r}", name="status_known"),
        sa.Index("ix_enrolments_series_id_status_id", "series_id", "status", "id"),
        sa.Index("ix_enrolments_email", "email"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    series_id: Mapped[int] = mapped_column(sa.ForeignKey("series.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(sa.String(120))
    email: Mapped[str] = mapped_column(sa.String(254))  # stored lower-case
    organization: Mapped[str] = mapped_column(sa.String(200))
    job_role: Mapped[str] = mapped_column(sa.String(120), default="")
    timezone: Mapped[str | None] = mapped_column(sa.String(64))
    locale: Mapped[str] = mapped_column(sa.String(8), default="en", server_default="en")  # the course mail's
    status: Mapped[str] = mapped_column(sa.String(20))
    token: Mapped[str] = mapped_column(sa.String(64), unique=True, default=new_token)
    form_key: Mapped[str | None] = mapped_column(sa.String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    declined_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    waiting_since: Mapped[datetime | None] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=clock.now, onupdate=clock.now)

    series: Mapped[Series] = relationship(lazy="joined")
    registrations: Mapped[list[Registration]] = relationship(
        primaryjoin="Enrolment.id == foreign(Registration.enrolment_id)", viewonly=True, lazy="select"
    )

    def __repr__(self) -> str:
        return f"<Enrolment {self.id} {self.status} series={self.series_id}>"

    @property
    def is_active(self) -> bool:
        return self.status in RegistrationStatus.ACTIVE

    @property
    def zone(self) -> str:
        return self.timezone or self.series.timezone
