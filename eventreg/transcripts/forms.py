import re
from datetime import date

from flask_wtf import FlaskForm
from wtforms import DateField, SelectField, StringField
from wtforms.validators import DataRequired, Email, Length, Optional, ValidationError

from eventreg.registrations.forms import _strip, single_line

# Dates a report can sensibly cover; outside them a date is a typo (and year 9999 has no day after it).
FIRST_YEAR, LAST_YEAR = 2000, 2100


class TranscriptRequestForm(FlaskForm):
    email = StringField(
        "Email address",
        filters=[_strip],
        validators=[
            DataRequired("Please enter your email address."),
            Length(max=254),
            single_line,
            Email("Please enter a valid email address, like name@library.org."),
        ],
    )
    # A honeypot, as on the registration form: hidden from people by CSS, filled in by simple bots.
    website = StringField("Leave this field empty", filters=[_strip])

    @property
    def is_bot(self) -> bool:
        return bool(self.website.data)


def _sensible_year(form, field):
    if field.data is not None and not FIRST_YEAR <= field.data.year <= LAST_YEAR:
        raise ValidationError(f"Please enter a date between {FIRST_YEAR} and {LAST_YEAR}.")


class CeReportForm(FlaskForm):
    """Read from the query string: a download changes nothing, so it needs no CSRF token."""

    class Meta:
        csrf = False

    event_id = SelectField("Event", choices=[], validate_choice=False, default="")
    start = DateField(
        "From (the event’s date)", validators=[Optional(), _sensible_year],
        format="%Y-%m-%d", render_kw={"type": "date"},
    )  # fmt: skip
    end = DateField(
        "To (inclusive)", validators=[Optional(), _sensible_year], format="%Y-%m-%d", render_kw={"type": "date"}
    )

    def validate(self, extra_validators=None) -> bool:
        if not super().validate(extra_validators):
            return False
        if self.event_id.data:
            if not re.fullmatch(r"[0-9]{1,10}", self.event_id.data):
                self.event_id.errors.append("Please choose an event from the list.")
                return False
            return True
        if self.start.data is None or self.end.data is None:
            self.form_errors.append("Choose one event, or enter both dates of a date range.")
            return False
        if self.end.data < self.start.data:
            self.end.errors.append("The end date is before the start date.")
            return False
        return True

    @property
    def chosen_event_id(self) -> int | None:
        return int(self.event_id.data) if self.event_id.data else None

    @property
    def dates(self) -> tuple[date, date]:
        return self.start.data, self.end.data
