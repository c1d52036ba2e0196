import secrets
from datetime import datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from eventreg import clock
from eventreg.core.extensions import db
from eventreg.events.models import Event
from eventreg.timezones import UTCDateTime


class RegistrationStatus:
    CONFIRMED = "confirmed"
    WAITING = "waiting"
    # For an event that requires approval: waiting for the host's decision, holding no seat and no place in the
    # waiting list; approved, it becomes confirmed or waiting by the seat rules. Declined stays on record, so the
    # address cannot simply register again past the host's decision.
    PENDING = "pending"
    DECLINED = "declined"
    CANCELLED = "cancelled"
    ALL = (CONFIRMED, WAITING, PENDING, DECLINED, CANCELLED)
    ACTIVE = (CONFIRMED, WAITING, PENDING)  # still expecting the event, or the host's decision on it


class Accessibility:
    NONE = ""
    CAPTIONS = "captions"
    INTERPRETER = "interpreter"
    OTHER = "other"
    CHOICES = [
        (NONE, "No request"),
        (CAPTIONS, "Live captions"),
        (INTERPRETER, "Sign language interpreter"),
        (OTHER, "Something else (tell us below)"),
    ]
    LABELS = dict(CHOICES)  # English, as exports and the change record keep them
    # As a registrant reads them, in the page's or the mail's language.
    SHOWN = {
        NONE: _l("No request"),
        CAPTIONS: _l("Live captions"),
        INTERPRETER: _l("Sign language interpreter"),
        OTHER: _l("Something else (tell us below)"),
    }


# The longest note a host may add to an approval or a decline (it goes into the person's email).
MAX_DECISION_NOTE = 1000


def new_token() -> str:
    return secrets.token_urlsafe(24)


class Registration(db.Model):
    __tablename__ = "registrations"
    __table_args__ = (
        # One registration per person per event; the operation checks first, this is the backstop.
        sa.UniqueConstraint("event_id", "email", name="uq_registrations_event_id_email"),
        sa.CheckConstraint(f"status IN {RegistrationStatus.ALL!r}", name="status_known"),
        sa.Index("ix_registrations_event_id_status_id", "event_id", "status", "id"),
        # The attendee list's default order: a page reads its rows instead of sorting the whole event's.
        sa.Index("ix_registrations_event_id_created_at_id", "event_id", "created_at", "id"),
        # One address's registrations across every event: transcripts, the personal feed.
        sa.Index("ix_registrations_email", "email"),
        # The API's updated_since filter, within one event.
        sa.Index("ix_registrations_event_id_updated_at", "event_id", "updated_at"),
        # The attendee list's counts by status and its registrations-over-time chart, read from the index alone
        # (an index-only scan), so the page costs little more for a long list than for a short one.
        sa.Index(
            "ix_registrations_event_id_status_attended_instants",
            "event_id",
            "status",
            "attended",
            "created_at",
            "confirmed_at",
            "cancelled_at",
        ),  # fmt: skip
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(sa.ForeignKey("events.id", ondelete="CASCADE"))
    # A course's session registration: the enrolment (eventreg/series) that holds its seat decision.
    enrolment_id: Mapped[int | None] = mapped_column(sa.ForeignKey("enrolments.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(sa.String(120))
    email: Mapped[str] = mapped_column(sa.String(254))  # stored lower-case
    organization: Mapped[str] = mapped_column(sa.String(200))
    job_role: Mapped[str] = mapped_column(sa.String(120), default="")
    accessibility: Mapped[str] = mapped_column(sa.String(20), default=Accessibility.NONE)
    accessibility_details: Mapped[str] = mapped_column(sa.String(500), default="")
    wants_recording: Mapped[bool] = mapped_column(default=False)
    timezone: Mapped[str | None] = mapped_column(sa.String(64))  # the registrant's own IANA zone
    # The language they registered in: their mail, certificate and transcript go out in it.
    locale: Mapped[str] = mapped_column(sa.String(8), default="en", server_default="en")
    status: Mapped[str] = mapped_column(sa.String(20))
    # Random, secret, and the key of the signed manage link.
    token: Mapped[str] = mapped_column(sa.String(64), unique=True, default=new_token)
    # The hidden key of the form that created it: a double-click resubmits the same key.
    form_key: Mapped[str | None] = mapped_column(sa.String(64))
    # Grows on every change the registrant's calendar must pick up (cancellation); the invite's
    # SEQUENCE is this plus the event's own, so either kind of change moves it forward.
    sequence: Mapped[int] = mapped_column(default=0, server_default="0")
    # Invited before invitations took the event's own UID (30 November 2026): keeps registration-<id>-event-<id>
    # for life, so updates and cancellations reach the entry the registrant already has.
    legacy_calendar_uid: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    attended: Mapped[bool | None] = mapped_column()  # None until the host records attendance
    minutes_attended: Mapped[int | None] = mapped_column()  # from the platform's report (eventreg/attendance)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    declined_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # When they joined the waiting list: its order (registrations.queries.waiting_list). Registering sets it to the
    # registration's time; approval into a full event to the approval's, so an approved person joins the end of
    # the queue and nobody already waiting is pushed back from the place they were told.
    waiting_since: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Every change of the row (status, attendance, details) moves it, in one place: the column's onupdate, as for
    # events, so no operation can forget it. The API shows it and filters on it (updated_since).
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=clock.now, onupdate=clock.now)

    event: Mapped[Event] = relationship(lazy="joined")

    def __repr__(self) -> str:
        return f"<Registration {self.id} {self.status} event={self.event_id}>"

    @property
    def is_confirmed(self) -> bool:
        return self.status == RegistrationStatus.CONFIRMED

    @property
    def is_waiting(self) -> bool:
        return self.status == RegistrationStatus.WAITING

    @property
    def is_cancelled(self) -> bool:
        return self.status == RegistrationStatus.CANCELLED

    @property
    def is_active(self) -> bool:
        """Confirmed, waiting or pending: still expecting the event (or the host's decision), so it can be
        cancelled."""
        return self.status in RegistrationStatus.ACTIVE

    @property
    def is_pending(self) -> bool:
        return self.status == RegistrationStatus.PENDING

    @property
    def is_declined(self) -> bool:
        return self.status == RegistrationStatus.DECLINED

    @property
    def zone(self) -> str:
        """The zone to show this person times in: their own, else the event's."""
        return self.timezone or self.event.timezone

    @property
    def accessibility_label(self) -> str:
        return Accessibility.LABELS.get(self.accessibility, self.accessibility)

    @property
    def accessibility_shown(self) -> str:
        """The request as the registrant reads it, in the language now in force."""
        return str(Accessibility.SHOWN.get(self.accessibility, self.accessibility))


class ChangedBy:
    """Who made a RegistrationChange: the registrant through their manage link (hosts do not edit details yet)."""

    REGISTRANT = "registrant"
    LABELS = {REGISTRANT: "registrant"}


class RegistrationChange(db.Model):
    """One save that changed a registration's details: who made it, when, and each field before and after, so the
    event's hosts see what changed. Each entry of `fields` is {"field", "label", "old", "new"}, the values as a
    person read them then ("Live captions", not "captions"): a later change of wording, or of a question's options,
    leaves the record as it was given."""

    __tablename__ = "registration_changes"
    __table_args__ = (sa.Index("ix_registration_changes_registration_id_id", "registration_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    registration_id: Mapped[int] = mapped_column(sa.ForeignKey("registrations.id", ondelete="CASCADE"))
    changed_by: Mapped[str] = mapped_column(sa.String(20))
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime())
    fields: Mapped[list] = mapped_column(sa.JSON)

    def __repr__(self) -> str:
        return f"<RegistrationChange {self.id} registration={self.registration_id}>"

    @property
    def labels(self) -> list[str]:
        return [entry["label"] for entry in self.fields]


class PersonalFeed(db.Model):
    """The private calendar feed of one e-mail address: every event registered with it, join links
    included. Its URL is only ever sent to that address (see registrations/tokens.py)."""

    __tablename__ = "personal_feeds"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(sa.String(254), unique=True)  # stored lower-case, as registrations'
    # The secret in the feed's URL; replaced when it leaks, and the old URL stops working.
    token: Mapped[str] = mapped_column(sa.String(64), unique=True, default=new_token)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())

    def __repr__(self) -> str:
        return f"<PersonalFeed {self.id}>"


class ReminderDelivery(db.Model):
    """One reminder per registrant per offset, ever: the primary key makes a second one impossible."""

    __tablename__ = "reminder_deliveries"

    registration_id: Mapped[int] = mapped_column(
        sa.ForeignKey("registrations.id", ondelete="CASCADE"), primary_key=True
    )
    hours_before: Mapped[int] = mapped_column(primary_key=True)
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime())
