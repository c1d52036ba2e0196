import re
from datetime import datetime, timedelta
from functools import cache

from babel.dates import get_timezone_location
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import pgettext
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    DecimalField,
    EmailField,
    HiddenField,
    IntegerField,
    PasswordField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
    TimeField,
    URLField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import (
    URL,
    AnyOf,
    DataRequired,
    EqualTo,
    Length,
    Optional,
    Regexp,
    ValidationError,
)
from wtforms.widgets import CheckboxInput, ListWidget

from eventreg import timezones
from eventreg.core import languages
from eventreg.core.forms import EMAIL_INPUT, email_field, multi_line, plain_text, single_line, strip
from eventreg.core.languages import LANGUAGES
from eventreg.events import rules
from eventreg.events.models import Event, Format
from eventreg.hosts.models import MIN_PASSWORD_LENGTH
from eventreg.registrations.models import MAX_DECISION_NOTE
from eventreg.series import rules as series_rules
from eventreg.series.models import CreditRule, SeriesKind
from eventreg.timezones import EARLIEST_YEAR, LATEST_YEAR

SLUG_PATTERN = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"


def within_years(form, field) -> None:
    if field.data is not None and not EARLIEST_YEAR <= field.data.year <= LATEST_YEAR:
        raise ValidationError(
            _("Please enter a date between the years %(first)d and %(last)d.", first=EARLIEST_YEAR, last=LATEST_YEAR)
        )


def zone_choices() -> list[SelectChoice]:
    """Every zone by area, each with its IANA id; the place and the area named in the page's language (CLDR's
    city names), English as it always read."""
    language = languages.current()
    return [
        SelectChoice(
            zone, label if area == "UTC" else f"{_place(zone, label, language)} ({zone})", optgroup=_area(area)
        )
        for area, zones in timezones.zone_groups()
        for zone, label in zones
    ]


@cache
def _place(zone: str, english: str, language: str) -> str:
    return english if language == "en" else get_timezone_location(zone, locale=language, return_city=True)


def _area(area: str) -> str:
    names = {
        "Common": pgettext("time zone group", "Common"),
        "Africa": pgettext("time zone group", "Africa"),
        "America": pgettext("time zone group", "America"),
        "Antarctica": pgettext("time zone group", "Antarctica"),
        "Arctic": pgettext("time zone group", "Arctic"),
        "Asia": pgettext("time zone group", "Asia"),
        "Atlantic": pgettext("time zone group", "Atlantic"),
        "Australia": pgettext("time zone group", "Australia"),
        "Europe": pgettext("time zone group", "Europe"),
        "Indian": pgettext("time zone group", "Indian"),
        "Pacific": pgettext("time zone group", "Pacific"),
    }
    return names.get(area, area)


def contact_hours_field(label: str = _l("Contact hours")) -> DecimalField:
    """Contact hours, as the editor and the credit page ask for them; the bounds are events.rules'."""
    return DecimalField(label, validators=[Optional(), _domain_rule(rules.check_contact_hours)])


def min_minutes_field(label: str = _l("Minimum minutes to count as attended")) -> IntegerField:
    """Whole minutes; whether they fit the event's length is checked with the times (check_min_minutes)."""
    return IntegerField(label, validators=[Optional()])


def occurrence_field(label: str) -> RadioField:
    """Which of the two instants a wall-clock time in a fall-back hour means, asked only for such a time."""
    choices = [
        SelectChoice("first", _l("The first (before the clocks go back)")),
        SelectChoice("second", _l("The second (after)")),
    ]
    return RadioField(label, choices=choices, validators=[Optional()], validate_choice=True)


def _domain_rule(check):
    """A field validator from one of the domain's checks: its EventError's message becomes the field's error."""

    def validate(form, field) -> None:
        try:
            check(field.data)
        except rules.EventError as error:
            raise ValidationError(error.message) from None

    return validate


class ActionForm(FlaskForm):
    """Only the CSRF token, for buttons that post an action (publish, cancel, promote...)."""


class LoginForm(FlaskForm):
    # An e-mail keyboard on a phone, never autocapitalised; the template names it "username" for password managers.
    # No syntax check: a malformed address simply fails to sign in, with the same message as a wrong password.
    email = EmailField(
        _l("Email"),
        filters=[strip],
        validators=[DataRequired(_l("Please enter your email.")), Length(max=254)],
        render_kw=EMAIL_INPUT,
    )
    password = PasswordField(
        _l("Password"), validators=[DataRequired(_l("Please enter your password.")), Length(max=200)]
    )


class PasswordForm(FlaskForm):
    current = PasswordField(
        _l("Current password"), validators=[DataRequired(_l("Please enter your current password."))]
    )
    new = PasswordField(
        _l("New password"),
        validators=[
            DataRequired(_l("Please choose a new password.")),
            Length(min=MIN_PASSWORD_LENGTH, max=200, message=_l("Use at least %(min)d characters.")),
        ],
    )
    confirm = PasswordField(_l("New password again"), validators=[EqualTo("new", _l("The two new passwords differ."))])


def language_choices() -> list[SelectChoice]:
    """Our languages, each named in itself and marked as such (a screen reader says "Français" in French)."""
    return [SelectChoice(code, name, render_kw={"lang": code}) for code, name in LANGUAGES.items()]


def account_language_choices() -> list[SelectChoice]:
    """A host's own language, or none: then their browser's."""
    return [SelectChoice("", _l("My browser’s language")), *language_choices()]


class LanguageForm(FlaskForm):
    """The host's own language: their pages, and the mail sent to them."""

    locale = SelectField(_l("Language"), choices=account_language_choices, validate_choice=True)


class EventForm(FlaskForm):
    title = StringField(
        _l("Title"),
        filters=[strip],
        validators=[DataRequired(_l("Please give the event a title.")), Length(max=200), single_line],
    )
    slug = StringField(
        _l("Web address (slug)"),
        filters=[strip, lambda v: v.lower() if isinstance(v, str) else v],
        validators=[
            Optional(),
            Length(max=80),
            Regexp(
                SLUG_PATTERN, message=_l("Use lower-case letters, digits and single hyphens, like summer-reading-2025.")
            ),
        ],
    )
    summary = TextAreaField(
        _l("One-paragraph summary"),
        filters=[multi_line],
        validators=[Length(max=1000), plain_text],
        render_kw={"rows": 4},
    )
    description = TextAreaField(
        _l("Full description (Markdown)"),
        filters=[multi_line],
        validators=[Length(max=20000), plain_text],
        render_kw={"rows": 14},
    )
    format = SelectField(
        _l("Format"), choices=[SelectChoice(k, v) for k, v in Format.LABELS.items()], default=Format.WEBINAR
    )
    location = StringField(
        _l("Place (for in-person and hybrid)"), filters=[strip], validators=[Length(max=300), single_line]
    )
    host_name = StringField(_l("Presented by"), filters=[strip], validators=[Length(max=200), single_line])
    # Checkboxes: a multiple <select> needs Ctrl-click, which few people know.
    topics = SelectMultipleField(
        _l("Topics"), coerce=int, choices=[], widget=ListWidget(prefix_label=False), option_widget=CheckboxInput()
    )
    timezone = SelectField(_l("Time zone of the event"), choices=zone_choices)
    start_date = DateField(
        _l("Date"), validators=[DataRequired(_l("Please enter the date, like 2025-01-30.")), within_years]
    )
    start_time = TimeField(_l("Starts at"), validators=[DataRequired(_l("Please enter the start time, like 15:00."))])
    end_date = DateField(_l("End date (if not the same day)"), validators=[Optional(), within_years])
    end_time = TimeField(_l("Ends at"), validators=[DataRequired(_l("Please enter the end time, like 16:00."))])
    deadline_date = DateField(_l("Registration closes on"), validators=[Optional(), within_years])
    deadline_time = TimeField(_l("Registration closes at"), validators=[Optional()])
    past_ok = BooleanField(_l("Yes, the start is in the past: save it anyway"))
    # One choice per time, so an event may run from the first 1:30 AM to the second. An existing event's stored
    # choice is pre-selected (keep_occurrences): saving it again must not move it by an hour.
    start_occurrence = occurrence_field(_l("The start time happens twice that night (clocks go back). Which one?"))
    end_occurrence = occurrence_field(_l("The end time happens twice that night (clocks go back). Which one?"))
    deadline_occurrence = occurrence_field(_l("The closing time happens twice that night (clocks go back). Which one?"))
    capacity = IntegerField(
        _l("Seats (leave empty for no limit)"),
        validators=[Optional(), _domain_rule(rules.check_capacity)],
    )
    # Named as the column, so EventForm(obj=event) fills it in.
    requires_approval = BooleanField(_l("I approve each registration"))
    join_url = URLField(
        _l("Join link (sent only to confirmed registrants)"),
        filters=[strip],
        validators=[
            Optional(),
            URL(message=_l("Please enter a full web address starting with https://")),
            Length(max=500),
        ],
    )
    archive_url = URLField(
        _l("Recording (archive) link"),
        filters=[strip],
        validators=[
            Optional(),
            URL(message=_l("Please enter a full web address starting with https://")),
            Length(max=500),
        ],
    )
    reminder_hours = StringField(
        _l("Reminders, hours before the start"),
        default="24,1",
        filters=[strip],
        validators=[Optional(), _domain_rule(rules.check_reminder_hours)],
    )
    cohosts = StringField(_l("Co-hosts (emails of host accounts, comma separated)"), filters=[strip])
    # The language the host writes the event in (pages mark its text with it); each named in itself.
    language = SelectField(
        _l("Language of this event"),
        choices=language_choices,
        validate_choice=True,
    )
    # Named as the columns, so EventForm(obj=event) fills them in.
    contact_hours = contact_hours_field()
    credit_min_minutes = min_minutes_field()

    starts_at: datetime | None = None
    ends_at: datetime | None = None
    registration_deadline_at: datetime | None = None

    # The fields the rules across fields read: when one of them is wrong, those rules wait for it.
    WHEN_FIELDS = (
        "timezone",
        "start_date",
        "start_time",
        "end_date",
        "end_time",
        "deadline_date",
        "deadline_time",
        "start_occurrence",
        "end_occurrence",
        "deadline_occurrence",
    )

    def validate(self, extra_validators=None) -> bool:
        fields_ok = super().validate(extra_validators)
        if not fields_ok and any(self[name].errors for name in self.WHEN_FIELDS):
            return False
        zone = self.timezone.data
        start = datetime.combine(self.start_date.data, self.start_time.data)
        end = datetime.combine(self.end_date.data or self.start_date.data, self.end_time.data)
        self.starts_at = self._instant(start, zone, self.start_time)
        self.ends_at = self._instant(end, zone, self.end_time)
        if self.starts_at is None or self.ends_at is None:
            return False
        if not self._rule(rules.check_times, self.starts_at, self.ends_at):
            return False
        # Every error at once: the host should not fix the hours, save, and only then hear of the minimum.
        deadline_ok, minutes_ok = self._validate_deadline(zone), self._validate_min_minutes()
        return fields_ok and deadline_ok and minutes_ok

    # The field each rule across fields speaks of (events.rules' codes).
    RULE_FIELDS = {
        "ends_before_start": "end_time",
        "too_long": "end_time",
        "deadline_after_start": "deadline_time",
        "bad_minutes": "credit_min_minutes",
    }
    # Beside the rule's own words, what to do about it in this form's two deadline fields.
    RULE_HINTS = {"deadline_after_start": _l("Leave both empty to close it at the start.")}

    def _rule(self, check, *args, **kwargs) -> bool:
        """Run one of events.rules' checks; its error goes on the field it concerns."""
        try:
            check(*args, **kwargs)
        except rules.EventError as error:
            hint = self.RULE_HINTS.get(error.code)
            self[self.RULE_FIELDS[error.code]].errors.append(error.message + (f" {hint}" if hint else ""))
            return False
        return True

    def _validate_min_minutes(self) -> bool:
        return self._rule(
            rules.check_min_minutes, self.credit_min_minutes.data, starts_at=self.starts_at, ends_at=self.ends_at
        )

    def _validate_deadline(self, zone: str) -> bool:
        """Optional; both parts or neither. Registration then closes at it, which must be before the start."""
        date, time = self.deadline_date.data, self.deadline_time.data
        self.registration_deadline_at = None
        if date is None and time is None:
            return True
        if date is None or time is None:
            missing = self.deadline_date if date is None else self.deadline_time
            missing.errors.append(_("Please enter both the date and the time registration closes, or neither."))
            return False
        self.registration_deadline_at = self._instant(datetime.combine(date, time), zone, self.deadline_time)
        if self.registration_deadline_at is None:
            return False
        return self._rule(rules.check_deadline, self.registration_deadline_at, starts_at=self.starts_at)

    def _instant(self, local: datetime, zone: str, field) -> datetime | None:
        """The UTC instant, or None with an error on the field explaining the gap or the fold."""
        try:
            return timezones.to_utc(local, zone)
        except timezones.NonExistentTimeError:
            field.errors.append(timezones.gap_message(local, zone))
        except timezones.AmbiguousTimeError:
            occurrence = self[field.short_name.replace("_time", "_occurrence")]  # start_time: start_occurrence
            if occurrence.data in ("first", "second"):
                return timezones.to_utc_choosing(local, zone, first=occurrence.data == "first")
            field.errors.append(timezones.fold_message(local, zone))
            occurrence.flags.needed = True
        return None

    def keep_occurrences(self, event: Event) -> None:
        """For each of the event's stored times whose wall-clock time happens twice, pre-select the occurrence
        it is, so that saving the page unchanged keeps every instant."""
        times = {"start": event.starts_at, "end": event.ends_at, "deadline": event.registration_deadline_at}
        for name, instant in times.items():
            if instant is not None:
                self[f"{name}_occurrence"].data = timezones.occurrence(instant, event.timezone)

    def cohost_emails(self) -> list[str]:
        return [e.strip().lower() for e in re.split(r"[,\s;]+", self.cohosts.data or "") if e.strip()]


class AddRegistrantForm(FlaskForm):
    name = StringField(
        _l("Name"), filters=[strip], validators=[DataRequired(_l("Please enter a name.")), Length(max=120), single_line]
    )
    email = email_field(_l("Email"), _l("Please enter an email."), _l("Please enter a valid email."))
    organization = StringField(
        _l("Organization"),
        filters=[strip],
        validators=[DataRequired(_l("Please enter an organization.")), Length(max=200), single_line],
    )
    # Unticked, the person is emailed their confirmation with the join link (before the event ends; after it,
    # nobody added is emailed: registrations.operations.mails_added_person).
    dont_email = BooleanField(_l("Don’t email this person"))


class DecisionForm(FlaskForm):
    """The step that approves or declines the ticked registrations; their ids travel as `registration` values."""

    decision = HiddenField(validators=[AnyOf(["approve", "decline"])])
    note = TextAreaField(
        _l("Note to include in the email (optional)"),
        filters=[multi_line],
        validators=[Length(max=MAX_DECISION_NOTE), plain_text],
        render_kw={"rows": 4},
    )


class SearchForm(FlaskForm):
    class Meta:
        csrf = False

    q = StringField(_l("Search by name, email or organization"), filters=[strip], validators=[Length(max=200)])


def _whole_number(label: str, message: str, **kwargs) -> IntegerField:
    return IntegerField(label, validators=[DataRequired(message)], **kwargs)


class SeriesForm(FlaskForm):
    """A series' settings, as the "Edit the series" page asks for them (NewSeriesForm adds the kind and the pattern).
    The credit rule is checked against the number of sessions the view gives (check_course)."""

    title = StringField(
        _l("Title"),
        filters=[strip],
        validators=[DataRequired(_l("Please give the series a title.")), Length(max=200), single_line],
    )
    summary = TextAreaField(
        _l("One-paragraph summary"),
        filters=[multi_line],
        validators=[Length(max=1000), plain_text],
        render_kw={"rows": 3},
    )
    description = TextAreaField(
        _l("Full description (Markdown)"),
        filters=[multi_line],
        validators=[Length(max=20000), plain_text],
        render_kw={"rows": 8},
    )
    timezone = SelectField(_l("Time zone of the series"), choices=zone_choices)
    # A course's: a program's sessions keep their own seats and approval, and it has no course credit.
    capacity = IntegerField(_l("Seats in the course (leave empty for no limit)"), validators=[Optional()])
    requires_approval = BooleanField(_l("I approve each registration for the course"))
    credit_rule = RadioField(
        _l("What earns the course's credit"),
        choices=[SelectChoice(k, v) for k, v in CreditRule.LABELS.items()],
        default=CreditRule.ALL_SESSIONS,
        validate_choice=True,
    )
    credit_sessions = IntegerField(_l("Sessions to attend for credit"), validators=[Optional()])
    credit_minutes = IntegerField(_l("Minutes to attend for credit, in all"), validators=[Optional()])
    contact_hours = contact_hours_field(_l("Contact hours for the whole course"))

    def validate_capacity(self, field) -> None:
        try:
            rules.check_capacity(field.data)
        except rules.EventError as error:
            raise ValidationError(error.message) from None

    def course_fields(self, *, is_course: bool) -> dict:
        """The settings a course keeps; for a program, empty seats and approval and no course credit."""
        if not is_course:
            return {
                "capacity": None,
                "requires_approval": False,
                "credit_rule": CreditRule.ALL_SESSIONS,
                "credit_sessions": None,
                "credit_minutes": None,
                "contact_hours": None,
            }
        rule = self.credit_rule.data
        return {
            "capacity": self.capacity.data,
            "requires_approval": self.requires_approval.data,
            "credit_rule": rule,
            "credit_sessions": self.credit_sessions.data if rule == CreditRule.SOME_SESSIONS else None,
            "credit_minutes": self.credit_minutes.data if rule == CreditRule.TOTAL_MINUTES else None,
            "contact_hours": self.contact_hours.data,
        }

    def settings(self, *, is_course: bool) -> dict:
        return {
            "title": self.title.data,
            "summary": self.summary.data or "",
            "description": self.description.data or "",
            "timezone": self.timezone.data,
            **self.course_fields(is_course=is_course),
        }

    def check_course(self, total_sessions: int) -> bool:
        """The credit rule against the course's sessions (series.rules.check_credit); the error on its field."""
        try:
            series_rules.check_credit(
                self.credit_rule.data,
                sessions=self.credit_sessions.data,
                minutes=self.credit_minutes.data,
                total_sessions=total_sessions,
            )
        except series_rules.SeriesError as error:
            field = self.credit_sessions if error.code == "bad_credit_sessions" else self.credit_minutes
            field.errors.append(error.message)
            return False
        return True


class SessionFieldsMixin:
    """What each session made from a pattern says of itself, besides its time (its title is the series')."""

    format = SelectField(
        _l("Format"), choices=[SelectChoice(k, v) for k, v in Format.LABELS.items()], default=Format.WEBINAR
    )
    location = StringField(
        _l("Place (for in-person and hybrid)"), filters=[strip], validators=[Length(max=300), single_line]
    )
    join_url = URLField(
        _l("Join link (sent only to confirmed registrants)"),
        filters=[strip],
        validators=[
            Optional(),
            URL(message=_l("Please enter a full web address starting with https://")),
            Length(max=500),
        ],
    )
    host_name = StringField(_l("Presented by"), filters=[strip], validators=[Length(max=200), single_line])
    session_summary = TextAreaField(
        _l("Summary of each session"),
        filters=[multi_line],
        validators=[Length(max=1000), plain_text],
        render_kw={"rows": 3},
    )

    def session_fields(self, series_summary: str = "") -> dict:
        return {
            "format": self.format.data,
            "location": self.location.data or None,
            "join_url": self.join_url.data or None,
            "host_name": self.host_name.data or None,
            "summary": self.session_summary.data or series_summary,
        }


# The rule codes of series.rules.plan, and the pattern field each speaks of.
PATTERN_FIELDS = {
    "bad_count": "sessions_count",
    "bad_every": "every_weeks",
    "bad_length": "minutes",
    "pattern_gap": "start_time",
    "pattern_fold": "start_time",
    "starts_in_past": "first_day",
}


class NewSeriesForm(SessionFieldsMixin, SeriesForm):
    """A new series and its sessions from a weekly pattern. `plan(now)` gives the planned sessions, or None with
    the reason on the field it concerns (a gap or a fold names the day)."""

    kind = RadioField(
        _l("Kind of series"),
        choices=[
            SelectChoice(
                SeriesKind.COURSE,
                _l(
                    "A course: one registration covers every session. Seats, the waiting list and approval are the "
                    "course’s, and the course can award credit for the whole."
                ),
            ),
            SelectChoice(
                SeriesKind.PROGRAM,
                _l(
                    "A recurring program: people register for each session on its own, or for all upcoming ones at "
                    "once. Each session keeps its own seats."
                ),
            ),
        ],
        default=SeriesKind.COURSE,
        validate_choice=True,
    )
    first_day = DateField(
        _l("Date of the first session"),
        validators=[DataRequired(_l("Please enter the date, like 2025-03-04.")), within_years],
    )
    start_time = TimeField(_l("Starts at"), validators=[DataRequired(_l("Please enter the start time, like 15:00."))])
    minutes = _whole_number(_l("Length in minutes"), _l("Please enter the length in minutes, like 60."), default=60)
    sessions_count = _whole_number(_l("How many sessions"), _l("Please enter how many sessions, like 4."), default=4)
    every_weeks = _whole_number(_l("Every how many weeks"), _l("Please enter 1 for every week."), default=1)

    def pattern(self) -> series_rules.Pattern:
        return series_rules.Pattern(
            first_day=self.first_day.data,
            starts=self.start_time.data,
            minutes=self.minutes.data,
            zone=self.timezone.data,
            count=self.sessions_count.data,
            every_weeks=self.every_weeks.data,
        )

    def plan(self, *, now: datetime) -> list[series_rules.PlannedSession] | None:
        try:
            return series_rules.plan(self.pattern(), now=now)
        except series_rules.SeriesError as error:
            self[PATTERN_FIELDS[error.code]].errors.append(error.message)
            return None


class AddSessionForm(FlaskForm):
    """One more session of a series, on a date and time in the series' zone; its other fields are copied from the
    latest session (series.operations.session_defaults). A time that happens twice asks which one."""

    title = StringField(
        _l("Title (leave empty for the series’ title)"), filters=[strip], validators=[Length(max=200), single_line]
    )
    day = DateField(_l("Date"), validators=[DataRequired(_l("Please enter the date, like 2025-03-25.")), within_years])
    start_time = TimeField(_l("Starts at"), validators=[DataRequired(_l("Please enter the start time, like 15:00."))])
    minutes = _whole_number(_l("Length in minutes"), _l("Please enter the length in minutes, like 60."), default=60)
    start_occurrence = occurrence_field(_l("The start time happens twice that night (clocks go back). Which one?"))

    def planned(self, zone: str, *, now: datetime) -> series_rules.PlannedSession | None:
        """The session's UTC times, or None with the reason on its field (a gap, an unchosen fold, a start in the
        past, a length out of bounds)."""
        local = datetime.combine(self.day.data, self.start_time.data)
        try:
            series_rules.check_pattern(
                series_rules.Pattern(self.day.data, self.start_time.data, self.minutes.data, zone, 1)
            )
            starts_at = timezones.to_utc(local, zone)
        except series_rules.SeriesError as error:
            self.minutes.errors.append(error.message)
            return None
        except timezones.NonExistentTimeError:
            self.start_time.errors.append(timezones.gap_message(local, zone))
            return None
        except timezones.AmbiguousTimeError:
            if self.start_occurrence.data not in ("first", "second"):
                self.start_time.errors.append(timezones.fold_message(local, zone))
                self.start_occurrence.flags.needed = True
                return None
            starts_at = timezones.to_utc_choosing(local, zone, first=self.start_occurrence.data == "first")
        if starts_at <= now:
            self.day.errors.append(series_rules.SeriesError("session_in_past").message)
            return None
        return series_rules.PlannedSession(starts_at, starts_at + timedelta(minutes=self.minutes.data))
