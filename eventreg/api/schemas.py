"""The shapes the API reads and writes, as marshmallow schemas: flask-smorest validates requests with them and
writes the OpenAPI document from them. Input rules are the editor's (eventreg/hosts/forms.py): the same lengths,
years, URL and line rules, so a value the editor refuses the API refuses too. The event's bounds and rules across
fields are events.rules', which the editor calls as well; each of their codes is given to the field it concerns."""

import re
from datetime import datetime
from decimal import Decimal

import marshmallow as ma
import pytz
from marshmallow import fields, validate

from eventreg import timezones
from eventreg.core.text import is_plain_text, is_single_line, normalise_multi_line
from eventreg.events import rules
from eventreg.events.models import MAX_CONTACT_HOURS, Format, State, Status
from eventreg.events.operations import RESERVED_SLUGS
from eventreg.hosts.forms import SLUG_PATTERN
from eventreg.questions.models import QuestionType
from eventreg.registrations.models import MAX_DECISION_NOTE, RegistrationStatus
from eventreg.series.models import CreditRule, SeriesKind
from eventreg.timezones import EARLIEST_YEAR, LATEST_YEAR

MAX_MINUTES = int(rules.MAX_DURATION.total_seconds()) // 60  # no event lasts longer


def single_line(value: str) -> None:
    if not is_single_line(value):
        raise ma.ValidationError("Use a single line without control characters.")


def plain_text(value: str) -> None:
    if not is_plain_text(value):
        raise ma.ValidationError("Remove the control characters.")


def known_zone(value: str) -> None:
    if not timezones.is_valid_zone(value):
        raise ma.ValidationError("Not an IANA time zone name, such as America/New_York.")


def web_address(value: str) -> None:
    if not re.match(r"^https?://[^\s/$.?#][^\s]*$", value, re.IGNORECASE):
        raise ma.ValidationError("A full web address starting with https://.")


# The years 2000 to 2100 (timezones.EARLIEST_YEAR to LATEST_YEAR) as a pattern the document can state.
YEARS_PATTERN = f"^({EARLIEST_YEAR // 100}[0-9]{{2}}|{LATEST_YEAR})-"


class Instant(fields.AwareDateTime):
    """An ISO 8601 instant with an offset ("2025-01-30T20:00:00Z"), within the editor's years, always written in
    UTC. A time without an offset is refused: whose wall clock would it be?"""

    def __init__(self, **kwargs):
        metadata = dict(kwargs.pop("metadata", None) or {})
        bounds = f"An ISO 8601 instant with an offset, in the years {EARLIEST_YEAR} to {LATEST_YEAR}."
        metadata["description"] = " ".join(filter(None, [metadata.get("description"), bounds]))
        metadata.setdefault("pattern", YEARS_PATTERN)  # the year as written, before any offset: as checked below
        super().__init__(format="iso", metadata=metadata, **kwargs)

    def _deserialize(self, value, attr, data, **kwargs) -> datetime:
        if not isinstance(value, str) or not value or len(value) > 40:
            raise self.make_error("invalid", input=value, obj_type=self.OBJ_TYPE)
        instant = super()._deserialize(value, attr, data, **kwargs)
        if not EARLIEST_YEAR <= instant.year <= LATEST_YEAR:
            raise ma.ValidationError(f"Give a date between the years {EARLIEST_YEAR} and {LATEST_YEAR}.")
        return instant.astimezone(pytz.utc)

    def _serialize(self, value, attr, obj, **kwargs):
        if value is None:
            return None
        return value.astimezone(pytz.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


class Hours(fields.Decimal):
    """Contact hours as a decimal string with two places ("1.50"), as the webhooks write them; read from a string
    or a number, by the editor's rule (events.rules.check_contact_hours). The document calls it a string
    (views.init_app registers it so)."""

    def _serialize(self, value, attr, obj, **kwargs):
        return None if value is None else f"{Decimal(value):.2f}"

    def _deserialize(self, value, attr, data, **kwargs):
        # Text is read as the document's pattern says it, not as everything Decimal() reads ("1e2", "1_0").
        if isinstance(value, str) and not re.fullmatch(HOURS_PATTERN, value):
            raise ma.ValidationError(str(rules.EventError.MESSAGES["bad_contact_hours"]))
        return super()._deserialize(value, attr, data, **kwargs)


# Contact hours as text, by events.rules.check_contact_hours: above 0 ("0.01" up), at most 999, in hundredths.
HOURS_PATTERN = (
    r"^(?:(?:[1-9][0-9]?|[1-8][0-9]{2}|9[0-8][0-9]|99[0-8])(?:\.[0-9]{1,2})?|999(?:\.00?)?|0\.(?:[1-9][0-9]?|0[1-9]))$"
)


def rule(check):
    """A field validator from one of events.rules' checks of a single value: its message is the field's error."""

    def validate_value(value) -> None:
        try:
            check(value)
        except rules.EventError as error:
            raise ma.ValidationError(error.message) from None

    return validate_value


# The field each of events.rules' rules across fields speaks of.
RULE_FIELDS = {
    "ends_before_start": "ends_at",
    "too_long": "ends_at",
    "deadline_after_start": "registration_deadline_at",
    "bad_minutes": "credit_min_minutes",
}


def broken_event_rule(data: dict) -> tuple[str, str, str] | None:
    """The first of events.rules' rules across fields that an event's fields (all of them: a change merged with
    the stored values) break, as (field, message, code); None when they keep them all."""
    starts_at, ends_at = data["starts_at"], data["ends_at"]
    try:
        rules.check_times(starts_at, ends_at)
        rules.check_min_minutes(data.get("credit_min_minutes"), starts_at=starts_at, ends_at=ends_at)
        rules.check_deadline(data.get("registration_deadline_at"), starts_at=starts_at)
    except rules.EventError as error:
        return RULE_FIELDS[error.code], error.message, error.code
    return None


class MultiLineString(fields.String):
    """A longer text, normalised as the pages' textareas are (core.text.normalise_multi_line: LF, stripped), so
    the API and the editor store, and compare, the same text the same way."""

    def _deserialize(self, value, attr, data, **kwargs):
        return normalise_multi_line(super()._deserialize(value, attr, data, **kwargs))


def text(max_length: int, *, multi_line: bool = False, **kwargs) -> fields.String:
    if multi_line:
        return MultiLineString(validate=[validate.Length(max=max_length), plain_text], **kwargs)
    return fields.String(validate=[validate.Length(max=max_length), single_line], **kwargs)


class Schema(ma.Schema):
    """Our schemas refuse a field they do not know (marshmallow's RAISE), and the document says so
    (additionalProperties: false, openapi.Plugin). `Meta.json_schema` holds what JSON Schema can say about the
    object as a whole beyond its fields, such as "at least one of these"."""

    class Meta:
        ordered = True
        unknown = ma.RAISE


class QueryArgs(Schema):
    """A query's parameters. One we do not know is refused (a 400 naming it, bodies.JSONBodyParser), never
    ignored: a misspelt filter would otherwise answer everything as if it had worked. An operation with no
    parameters reads its query through this empty schema."""

    class Meta:
        unknown = ma.RAISE


class IdempotencyHeaders(Schema):
    idempotency_key = fields.String(
        data_key="Idempotency-Key",
        validate=validate.Length(min=1, max=255),
        metadata={
            "description": "Any unique string (a UUID): the same key with the same body within 24 hours answers the "
            "first answer again (Idempotent-Replayed: true) instead of acting twice."
        },
    )


# Problems (RFC 9457)


class ProblemSchema(Schema):
    type = fields.String(metadata={"description": "A link to this kind of problem in the API reference."})
    title = fields.String(metadata={"description": "The HTTP status in words."})
    status = fields.Integer(metadata={"description": "The HTTP status code."})
    detail = fields.String(metadata={"description": "What went wrong, for a person."})
    code = fields.String(metadata={"description": "A stable short code for programs, e.g. `not_found`."})
    errors = fields.Dict(metadata={"description": "For 422: what was wrong with each field, by location and name."})


# Public


class TopicSchema(Schema):
    slug = fields.String(required=True, metadata={"example": "data-technology"})
    name = fields.String(required=True, metadata={"example": "Data & technology"})


class TopicListSchema(Schema):
    topics = fields.List(fields.Nested(TopicSchema), required=True)


class SeriesLinksSchema(Schema):
    page = fields.String(required=True, metadata={"description": "The series' page, with its one Register."})
    api = fields.String(required=True, metadata={"description": "The series in this API."})


class EventSeriesSchema(Schema):
    """The series an event is a session of."""

    slug = fields.String(required=True, metadata={"example": "four-tuesdays-of-readers-advisory"})
    title = fields.String(required=True)
    kind = fields.String(
        required=True,
        validate=validate.OneOf(SeriesKind.ALL),
        metadata={"description": "course: one registration covers every session; program: each session is "
                  "registered on its own."},
    )  # fmt: skip
    part = fields.Integer(
        required=True,
        allow_none=True,
        metadata={"description": "Its number among the published sessions by start (Part 2 of 4); null for a "
                  "cancelled or draft session.", "example": 2},
    )  # fmt: skip
    of = fields.Integer(
        required=True, allow_none=True, metadata={"description": "How many published sessions.", "example": 4}
    )
    links = fields.Nested(SeriesLinksSchema, required=True)


class EventSchema(Schema):
    """An event as the public pages show it: never the join link."""

    id = fields.Integer(required=True)
    slug = fields.String(required=True, metadata={"example": "summer-reading-2025"})
    url = fields.String(required=True, metadata={"description": "The event's page."})
    calendar_url = fields.String(required=True, metadata={"description": "The event as an .ics download."})
    title = fields.String(required=True)
    summary = fields.String(required=True)
    description = fields.String(required=True, metadata={"description": "Markdown."})
    format = fields.String(required=True, validate=validate.OneOf(Format.ALL))
    format_label = fields.String(required=True)
    location = fields.String(required=True, allow_none=True)
    host_name = fields.String(required=True, allow_none=True)
    topics = fields.List(fields.Nested(TopicSchema), required=True)
    status = fields.String(required=True, validate=validate.OneOf(Status.ALL))
    state = fields.String(
        required=True,
        validate=validate.OneOf([State.UPCOMING, State.LIVE, State.PASSED, State.CANCELLED]),
        metadata={"description": "Where the event is in its life now: upcoming, live, passed or cancelled."},
    )
    starts_at = Instant(required=True, metadata={"example": "2025-01-30T20:00:00Z"})
    ends_at = Instant(required=True, metadata={"example": "2025-01-30T21:00:00Z"})
    timezone = fields.String(required=True, metadata={"example": "America/New_York"})
    date = fields.String(required=True, metadata={"example": "Thursday 30 January 2025"})
    time_line = fields.String(
        required=True, metadata={"example": "3:00 PM – 4:00 PM Eastern Standard Time, North America [UTC -5]"}
    )
    registration_open = fields.Boolean(required=True)
    registration_closes_at = Instant(required=True)
    capacity = fields.Integer(required=True, allow_none=True, metadata={"description": "null: no limit."})
    seats_left = fields.Integer(
        required=True, allow_none=True, metadata={"description": "While registration is open; null: no limit."}
    )
    is_full = fields.Boolean(required=True, metadata={"description": "New registrations join the waiting list."})
    requires_approval = fields.Boolean(
        required=True,
        metadata={
            "description": "A host approves each registration: until then it is pending, holding no seat and no "
            "place in the waiting list."
        },
    )
    archive_url = fields.String(
        required=True, allow_none=True, metadata={"description": "The recording, once the event has passed."}
    )
    contact_hours = Hours(
        required=True,
        allow_none=True,
        metadata={"description": "The contact hours the event awards; null: none.", "example": "1.50"},
    )
    certificate = fields.Boolean(
        required=True,
        metadata={"description": "A certificate of completion is offered (exactly when contact_hours is set)."},
    )
    updated_at = Instant(required=True)
    series = fields.Nested(
        EventSeriesSchema,
        required=True,
        allow_none=True,
        metadata={"description": "The series (course or program) this event is a session of; null: none."},
    )


class EventListSchema(Schema):
    events = fields.List(fields.Nested(EventSchema), required=True)
    next = fields.String(
        required=True, allow_none=True, metadata={"description": "The next page's URL (also in the Link header)."}
    )


class EventListArgs(QueryArgs):
    when = fields.String(load_default="upcoming", validate=validate.OneOf(["upcoming", "on-demand"]))
    topic = fields.String(validate=validate.Length(min=1, max=80), metadata={"description": "A topic's slug."})
    q = fields.String(validate=validate.Length(max=200), metadata={"description": "Words in the title or text."})
    from_ = Instant(data_key="from", metadata={"description": "Events starting at or after this instant."})
    to = Instant(metadata={"description": "Events starting before this instant."})
    updated_since = Instant(metadata={"description": "Events changed at or after this instant."})
    cursor = fields.String(
        validate=validate.Length(max=200),
        metadata={"description": "Opaque: only from a `next` link (a made-up one is a 400)."},
    )
    limit = fields.Integer(load_default=20, validate=validate.Range(min=1, max=100))


class SessionLinksSchema(Schema):
    api = fields.String(required=True, metadata={"description": "The session as an event in this API."})


class SessionSchema(Schema):
    """A session of a series, in short: the event resource has the rest."""

    id = fields.Integer(required=True)
    slug = fields.String(required=True)
    title = fields.String(required=True)
    part = fields.Integer(required=True, allow_none=True, metadata={"description": "null: cancelled."})
    status = fields.String(required=True, validate=validate.OneOf(Status.ALL))
    state = fields.String(
        required=True, validate=validate.OneOf([State.UPCOMING, State.LIVE, State.PASSED, State.CANCELLED])
    )
    starts_at = Instant(required=True)
    ends_at = Instant(required=True)
    timezone = fields.String(required=True, metadata={"example": "America/New_York"})
    date = fields.String(required=True, metadata={"example": "Tuesday 4 March 2025"})
    time_line = fields.String(required=True)
    url = fields.String(required=True, metadata={"description": "The session's page."})
    links = fields.Nested(SessionLinksSchema, required=True)


class SeriesSchema(Schema):
    """A series: a course (one registration covers every session; seats and credit are the course's) or a
    recurring program (each session registered on its own). Its sessions are events."""

    slug = fields.String(required=True, metadata={"example": "four-tuesdays-of-readers-advisory"})
    title = fields.String(required=True)
    kind = fields.String(required=True, validate=validate.OneOf(SeriesKind.ALL))
    kind_label = fields.String(required=True, metadata={"example": "Course"})
    summary = fields.String(required=True)
    description = fields.String(required=True, metadata={"description": "Markdown."})
    timezone = fields.String(required=True, metadata={"description": "The zone its sessions' pattern is written in."})
    url = fields.String(required=True, metadata={"description": "The series' page, with its one Register."})
    capacity = fields.Integer(
        required=True, allow_none=True, metadata={"description": "A course's seats; null: no limit, or a program."}
    )
    seats_left = fields.Integer(
        required=True, allow_none=True, metadata={"description": "A course's free seats; null: no limit, or a program."}
    )
    is_full = fields.Boolean(required=True, metadata={"description": "New course registrations wait for a seat."})
    requires_approval = fields.Boolean(required=True, metadata={"description": "A host approves each registration."})
    credit_rule = fields.String(
        required=True,
        validate=validate.OneOf(CreditRule.ALL),
        metadata={"description": "What a course registrant attends for the course's credit: all sessions, some "
                  "(credit_sessions of them) or minutes (credit_minutes in all)."},
    )  # fmt: skip
    credit_sessions = fields.Integer(required=True, allow_none=True)
    credit_minutes = fields.Integer(required=True, allow_none=True)
    contact_hours = Hours(
        required=True,
        allow_none=True,
        metadata={"description": "The course certificate's contact hours; null: no course certificate.",
                  "example": "4.00"},
    )  # fmt: skip
    certificate = fields.Boolean(required=True, metadata={"description": "A course certificate is offered."})
    sessions = fields.List(
        fields.Nested(SessionSchema),
        required=True,
        metadata={"description": "Published and cancelled sessions, by start."},
    )
    updated_at = Instant(required=True)


class SeriesListSchema(Schema):
    series = fields.List(fields.Nested(SeriesSchema), required=True)
    next = fields.String(
        required=True, allow_none=True, metadata={"description": "The next page's URL (also in the Link header)."}
    )


class SeriesListArgs(QueryArgs):
    kind = fields.String(validate=validate.OneOf(SeriesKind.ALL), metadata={"description": "course or program."})
    cursor = fields.String(
        validate=validate.Length(max=200),
        metadata={"description": "Opaque: only from a `next` link (a made-up one is a 400)."},
    )
    limit = fields.Integer(load_default=20, validate=validate.Range(min=1, max=100))


# Hosts


class RegistrationCountsSchema(Schema):
    confirmed = fields.Integer(required=True)
    waiting = fields.Integer(required=True)
    pending = fields.Integer(required=True, metadata={"description": "Awaiting a host's approval."})
    declined = fields.Integer(required=True)
    cancelled = fields.Integer(required=True)


class HostEventSchema(EventSchema):
    """An event as its hosts see it: drafts too, with the join link and who hosts it."""

    join_url = fields.String(required=True, allow_none=True)
    registration_deadline_at = Instant(required=True, allow_none=True)
    reminder_hours = fields.String(required=True)
    credit_min_minutes = fields.Integer(
        required=True, allow_none=True, metadata={"description": "null: 75% of the scheduled length, rounded up."}
    )
    hosts = fields.List(fields.String(), required=True, metadata={"description": "Hosts' emails."})
    registrations = fields.Nested(RegistrationCountsSchema, required=True)


class HostEventListSchema(Schema):
    events = fields.List(fields.Nested(HostEventSchema), required=True)
    next = fields.String(required=True, allow_none=True)


class PageArgs(QueryArgs):
    cursor = fields.String(
        validate=validate.Length(max=200),
        metadata={"description": "Opaque: only from a `next` link (a made-up one is a 400)."},
    )
    limit = fields.Integer(load_default=50, validate=validate.Range(min=1, max=200))


class EventInSchema(Schema):
    """An event's fields, as the editor has them. Required when creating: title, timezone, starts_at, ends_at."""

    class Meta(Schema.Meta):
        description = (
            "An event's fields. Rules across fields (events.rules, as the editor): ends_at after starts_at and at "
            f"most {rules.MAX_DURATION.days} days after it; registration_deadline_at at or before starts_at; "
            "credit_min_minutes at most the scheduled length; a starts_at in the past needs confirm_past_start. "
            "A refusal is a 422 naming the field."
        )

    title = fields.String(required=True, validate=[validate.Length(min=1, max=200), single_line])
    slug = fields.String(
        validate=[validate.Length(max=80), validate.Regexp(SLUG_PATTERN)],
        metadata={"not": {"enum": sorted(RESERVED_SLUGS)}},  # addresses the site's own pages use
    )
    summary = text(1000, multi_line=True)
    description = text(20000, multi_line=True, metadata={"description": "Markdown."})
    format = fields.String(validate=validate.OneOf(Format.ALL))
    location = text(300, allow_none=True)
    host_name = text(200, allow_none=True)
    topics = fields.List(
        fields.String(validate=[validate.Length(max=80), validate.Regexp(SLUG_PATTERN)]),
        metadata={"description": "Topic slugs (GET /api/v1/topics lists them)."},
    )
    timezone = fields.String(
        required=True,
        validate=[validate.Length(max=64), known_zone],
        metadata={
            "description": "A canonical IANA zone name (one per region, as the editor offers them). A change may "
            "keep an event's older alias.",
            "example": "America/New_York",
            "enum": list(timezones.canonical_zones()),
        },
    )
    starts_at = Instant(required=True)
    ends_at = Instant(
        required=True,
        metadata={"description": f"After starts_at, and at most {rules.MAX_DURATION.days} days after it."},
    )
    registration_deadline_at = Instant(
        allow_none=True,
        metadata={"description": "When registration closes, at or before starts_at; null: at the start."},
    )
    capacity = fields.Integer(
        allow_none=True, validate=rule(rules.check_capacity), metadata={"minimum": 0, "maximum": rules.MAX_CAPACITY}
    )
    requires_approval = fields.Boolean(
        metadata={
            "description": "Registrations wait as pending until a host approves or declines each (POST "
            ".../registrations/{registration_id}/approve or /decline). Turning it off while any are pending is a 409 "
            "(pending_left): decide them first. Default false."
        }
    )
    join_url = fields.String(allow_none=True, validate=[validate.Length(max=500), web_address])
    archive_url = fields.String(allow_none=True, validate=[validate.Length(max=500), web_address])
    reminder_hours = fields.String(
        validate=rule(rules.check_reminder_hours),
        metadata={
            "description": "Whole hours before the start, comma separated; empty: no reminders.",
            "example": "24,1",
            "pattern": rules.REMINDER_PATTERN,
            "maxLength": rules.MAX_REMINDER_LENGTH,
        },
    )
    contact_hours = Hours(
        allow_none=True,
        validate=rule(rules.check_contact_hours),
        metadata={
            "description": f"Above 0 and at most {MAX_CONTACT_HOURS}, in hundredths at most; null: none. With contact "
            "hours the event offers a certificate of completion.",
            "example": "1.5",
            "pattern": HOURS_PATTERN,
        },
    )
    credit_min_minutes = fields.Integer(
        allow_none=True,
        validate=validate.Range(min=0, max=MAX_MINUTES),
        metadata={
            "description": "Minutes in the meeting that count as attended, at most the scheduled length; null: 75% "
            "of it, rounded up."
        },
    )
    cohosts = fields.List(
        fields.Email(validate=validate.Length(max=254)),
        validate=validate.Length(max=50),
        metadata={"description": "Emails of other host accounts."},
    )
    confirm_past_start = fields.Boolean(
        load_default=False, metadata={"description": "Say true to save a new start that is in the past."}
    )


class EventChangesSchema(EventInSchema):
    """Some of an event's fields: those left out keep their values."""

    class Meta(EventInSchema.Meta):
        description = (
            "Some of an event's fields: those left out keep their values, null clears an optional one. The rules "
            "across fields apply to the event as it would be after the change. " + EventInSchema.Meta.description
        )


class AnswerSchema(Schema):
    question_id = fields.Integer(
        required=True, allow_none=True, metadata={"description": "null once the host has deleted the question."}
    )
    label = fields.String(required=True, metadata={"description": "The question as it read when it was answered."})
    type = fields.String(
        required=True,
        validate=validate.OneOf(QuestionType.ALL),
        metadata={"description": "The question's type when it was answered."},
    )
    value = fields.String(
        required=True,
        metadata={
            "description": "The answer as given, as text: the chosen labels joined by “; ”, Yes or No, a whole "
            "number, a date (YYYY-MM-DD), a country's name, or Yes for a consent box ticked."
        },
    )
    choices = fields.List(
        fields.String(),
        required=True,
        metadata={"description": "The labels chosen (single and multiple choice, yes or no), as they read then."},
    )


class RegistrationSchema(Schema):
    id = fields.Integer(required=True)
    event_id = fields.Integer(required=True)
    name = fields.String(required=True)
    email = fields.String(required=True)
    organization = fields.String(required=True)
    job_role = fields.String(required=True)
    status = fields.String(
        required=True,
        validate=validate.OneOf(RegistrationStatus.ALL),
        metadata={
            "description": "confirmed (holds a seat), waiting (on the waiting list), pending (awaiting a host's "
            "approval: no seat, not on the waiting list), declined (by a host) or cancelled."
        },
    )
    waiting_position = fields.Integer(required=True, allow_none=True)
    accessibility = fields.String(required=True)
    accessibility_details = fields.String(required=True)
    wants_recording = fields.Boolean(required=True)
    timezone = fields.String(required=True, allow_none=True)
    attended = fields.Boolean(required=True, allow_none=True, metadata={"description": "null: not recorded."})
    minutes_attended = fields.Integer(required=True, allow_none=True)
    created_at = Instant(required=True)
    confirmed_at = Instant(required=True, allow_none=True)
    cancelled_at = Instant(required=True, allow_none=True)
    declined_at = Instant(required=True, allow_none=True)
    updated_at = Instant(required=True, metadata={"description": "The last change: status, attendance or details."})
    answers = fields.List(
        fields.Nested(AnswerSchema),
        required=True,
        metadata={
            "description": "Its answers to the event's own questions, in the form's order; unanswered "
            "optional questions are left out."
        },
    )


class RegistrationListSchema(Schema):
    registrations = fields.List(fields.Nested(RegistrationSchema), required=True)
    next = fields.String(required=True, allow_none=True)


class HostEventListArgs(PageArgs):
    status = fields.String(
        validate=validate.OneOf(Status.ALL), metadata={"description": "draft, published or cancelled."}
    )
    starts_after = Instant(metadata={"description": "Events starting at or after this instant (RFC 3339)."})
    starts_before = Instant(metadata={"description": "Events starting before this instant (RFC 3339)."})


class RegistrationListArgs(PageArgs):
    status = fields.String(validate=validate.OneOf(RegistrationStatus.ALL))
    email = fields.String(
        validate=validate.Length(min=1, max=254), metadata={"description": "This address exactly, in any case."}
    )
    updated_since = Instant(
        metadata={
            "description": "Registrations changed at or after this instant (RFC 3339): poll with the time of "
            "your last poll."
        }
    )
    attended = fields.String(
        validate=validate.OneOf(["true", "false", "unknown"]),
        metadata={"description": "true, false, or unknown (not recorded)."},
    )


class RegistrationInSchema(Schema):
    """Someone a host adds by hand: confirmed while seats last, else waiting (never pending: a host's own
    addition needs no approval); a confirmation is emailed."""

    name = fields.String(required=True, validate=[validate.Length(min=1, max=120), single_line])
    email = fields.Email(required=True, validate=[validate.Length(max=254), single_line])
    organization = fields.String(required=True, validate=[validate.Length(min=1, max=200), single_line])
    job_role = fields.String(load_default="", validate=[validate.Length(max=120), single_line])


class DecisionInSchema(Schema):
    """A host's approval or decline of one registration, with an optional note for the person."""

    note = text(
        MAX_DECISION_NOTE,
        multi_line=True,
        load_default="",
        metadata={"description": "Goes into the email the person gets, as written. Optional."},
    )


class AttendanceInSchema(Schema):
    class Meta(Schema.Meta):
        json_schema = {
            "anyOf": [
                {"required": ["attended"]},
                {"required": ["minutes"], "properties": {"minutes": {"type": "integer"}}},
            ]
        }

    attended = fields.Boolean(
        allow_none=True,
        metadata={"description": "true, false, or null (not recorded). Left out: decided from minutes."},
    )
    minutes = fields.Integer(allow_none=True, validate=validate.Range(min=0, max=MAX_MINUTES))

    @ma.validates_schema
    def needs_something(self, data, **kwargs):
        if "attended" not in data and data.get("minutes") is None:
            raise ma.ValidationError("Give attended, minutes, or both.", "attended")


class CancelledSchema(Schema):
    event = fields.Nested(HostEventSchema, required=True)
    emailed = fields.Integer(required=True, metadata={"description": "Registrants told of the cancellation."})


class UpdatedSchema(Schema):
    event = fields.Nested(HostEventSchema, required=True)
    changed = fields.List(fields.String(), required=True)
    invited = fields.Integer(required=True, metadata={"description": "Registrants sent an updated invitation."})
    promoted = fields.List(fields.Integer(), required=True, metadata={"description": "Registrations confirmed."})
