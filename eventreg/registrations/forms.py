import secrets

from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, HiddenField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Email, Length, Optional, ValidationError

from eventreg.core.text import is_plain_text, is_single_line, normalise_multi_line
from eventreg.registrations.models import Accessibility
from eventreg.timezones import is_valid_zone


def _strip(value):
    return value.strip() if isinstance(value, str) else value


def multi_line(value):
    """The filter of every textarea: LF line endings and stripped (core.text.normalise_multi_line)."""
    return normalise_multi_line(value) if isinstance(value, str) else value


def single_line(form, field):
    if field.data and not is_single_line(field.data):
        raise ValidationError("Please use a single line without special control characters.")


def plain_text(form, field):
    if field.data and not is_plain_text(field.data):
        raise ValidationError("Please remove the special control characters.")


EMAIL_INPUT = {"autocomplete": "email", "autocapitalize": "off", "spellcheck": "false"}


def email_field(
    label: str = "Email address",
    required: str = "Please enter your email address.",
    invalid: str = "Please enter a valid email address, like name@library.org.",
) -> StringField:
    """A required e-mail address on one line, as every form that asks for one reads it. It renders as
    type="email" (a phone shows its e-mail keyboard) and is never autocapitalised or spell-checked; a template
    may still name another autocomplete (the sign-in form's "username")."""
    return EmailField(
        label,
        filters=[_strip],
        validators=[DataRequired(required), Length(max=254), single_line, Email(invalid)],
        render_kw=EMAIL_INPUT,
    )


def known_zone_or_none(value):
    value = _strip(value)
    return value if value and is_valid_zone(value) else None


class RegistrationForm(FlaskForm):
    name = StringField(
        "Your name",
        filters=[_strip],
        validators=[DataRequired("Please enter your name."), Length(max=120), single_line],
    )
    email = email_field()
    organization = StringField(
        "Library or organization",
        filters=[_strip],
        validators=[DataRequired("Please enter your library or organization."), Length(max=200), single_line],
    )
    job_role = StringField(
        "Job role (optional)", filters=[_strip], validators=[Optional(), Length(max=120), single_line]
    )
    accessibility = SelectField(
        "Accessibility request (optional)",
        choices=[SelectChoice(value, label) for value, label in Accessibility.CHOICES],
        default="",
    )
    accessibility_details = TextAreaField(
        "Tell us what would help (optional)", filters=[multi_line], validators=[Length(max=500), plain_text]
    )
    wants_recording = BooleanField("Email me when the recording is posted")
    timezone = HiddenField(filters=[known_zone_or_none])
    form_key = HiddenField(filters=[_strip], validators=[Length(max=64)])
    # A honeypot: hidden from people by CSS, filled in by simple bots.
    website = StringField("Leave this field empty", filters=[_strip])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.form_key.data:
            self.form_key.data = secrets.token_urlsafe(16)

    def validate_accessibility_details(self, field):
        if self.accessibility.data == Accessibility.OTHER and not field.data:
            raise ValidationError("Please tell us what you need, so we can arrange it.")

    @property
    def is_bot(self) -> bool:
        return bool(self.website.data)


class CancelForm(FlaskForm):
    """Only the CSRF token: cancelling is a POST so that link scanners in mail never cancel anyone."""
