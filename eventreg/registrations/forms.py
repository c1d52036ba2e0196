import secrets

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from eventreg.core.forms import email_field, multi_line, plain_text, single_line, strip
from eventreg.registrations.models import Accessibility
from eventreg.timezones import is_valid_zone


def known_zone_or_none(value):
    value = strip(value)
    return value if value and is_valid_zone(value) else None


# The fields a registrant fills in, made once and shared by the registration form and the form that changes them
# (WTForms orders a form's fields by when each was made: the error summary lists them in the page's order).
NAME = StringField(
    _l("Your name"),
    filters=[strip],
    validators=[DataRequired(_l("Please enter your name.")), Length(max=120), single_line],
)
EMAIL = email_field()
ORGANIZATION = StringField(
    _l("Library or organization"),
    filters=[strip],
    validators=[DataRequired(_l("Please enter your library or organization.")), Length(max=200), single_line],
)
JOB_ROLE = StringField(
    _l("Job role (optional)"), filters=[strip], validators=[Optional(), Length(max=120), single_line]
)
ACCESSIBILITY = SelectField(
    _l("Accessibility request (optional)"),
    choices=[SelectChoice(value, Accessibility.SHOWN[value]) for value, _label in Accessibility.CHOICES],
    default="",
)
ACCESSIBILITY_DETAILS = TextAreaField(
    _l("Tell us what would help (optional)"), filters=[multi_line], validators=[Length(max=500), plain_text]
)
WANTS_RECORDING = BooleanField(_l("Email me when the recording is posted"))


class PersonalDetails(FlaskForm):
    """What both forms check and give of a person's details. `extra_names`: fields added after them by
    with_fields (a host's own questions), which the templates show after the details, in order."""

    extra_names: tuple[str, ...] = ()

    @classmethod
    def with_fields(cls, extra: dict) -> type:
        """This form with more fields (name -> an unbound WTForms field) after its own."""
        return type(cls.__name__, (cls,), {**extra, "extra_names": (*cls.extra_names, *extra)})

    def validate_accessibility_details(self, field):
        if self.accessibility.data == Accessibility.OTHER and not field.data:
            raise ValidationError(_l("Please tell us what you need, so we can arrange it."))

    def details(self) -> dict:
        """The details as the operations take them (registrations.operations.register, changes.change_details)."""
        return {
            "name": self.name.data,
            "organization": self.organization.data,
            "job_role": self.job_role.data or "",
            "accessibility": self.accessibility.data or "",
            "accessibility_details": self.accessibility_details.data or "",
            "wants_recording": bool(self.wants_recording.data),
        }


class SignUpForm(FlaskForm):
    """What every public sign-up form carries besides its fields: the visitor's own zone, a key that makes a
    double-click's second submission a replay of the first, and a honeypot (an event's registration, a series')."""

    timezone = HiddenField(filters=[known_zone_or_none])
    form_key = HiddenField(filters=[strip], validators=[Length(max=64)])
    # A honeypot: hidden from people by CSS, filled in by simple bots.
    website = StringField(_l("Leave this field empty"), filters=[strip])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.form_key.data:
            self.form_key.data = secrets.token_urlsafe(16)

    @property
    def is_bot(self) -> bool:
        return bool(self.website.data)


class RegistrationForm(PersonalDetails, SignUpForm):
    name = NAME
    email = EMAIL
    organization = ORGANIZATION
    job_role = JOB_ROLE
    accessibility = ACCESSIBILITY
    accessibility_details = ACCESSIBILITY_DETAILS
    wants_recording = WANTS_RECORDING


class DetailsForm(PersonalDetails):
    """A registrant's own details, changed from their manage page (registrations/changes.py): all but the e-mail
    address, which is who the registration belongs to."""

    name = NAME
    organization = ORGANIZATION
    job_role = JOB_ROLE
    accessibility = ACCESSIBILITY
    accessibility_details = ACCESSIBILITY_DETAILS
    wants_recording = WANTS_RECORDING


class CancelForm(FlaskForm):
    """Only the CSRF token: cancelling is a POST so that link scanners in mail never cancel anyone."""
