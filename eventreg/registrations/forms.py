import secrets

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


class RegistrationForm(FlaskForm):
    name = StringField(
        "Your name",
        filters=[strip],
        validators=[DataRequired("Please enter your name."), Length(max=120), single_line],
    )
    email = email_field()
    organization = StringField(
        "Library or organization",
        filters=[strip],
        validators=[DataRequired("Please enter your library or organization."), Length(max=200), single_line],
    )
    job_role = StringField(
        "Job role (optional)", filters=[strip], validators=[Optional(), Length(max=120), single_line]
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
    form_key = HiddenField(filters=[strip], validators=[Length(max=64)])
    # A honeypot: hidden from people by CSS, filled in by simple bots.
    website = StringField("Leave this field empty", filters=[strip])

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
