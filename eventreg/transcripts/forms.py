import re
from datetime import date

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, SelectField, StringField
from wtforms.validators import Optional

from eventreg.core.forms import email_field, strip
from eventreg.hosts.forms import within_years


class TranscriptRequestForm(FlaskForm):
    email = email_field()
    # A honeypot, as on the registration form: hidden from people by CSS, filled in by simple bots.
    website = StringField(_l("Leave this field empty"), filters=[strip])

    @property
    def is_bot(self) -> bool:
        return bool(self.website.data)


class CeReportForm(FlaskForm):
    """Read from the query string: a download changes nothing, so it needs no CSRF token."""

    class Meta:
        csrf = False

    event_id = SelectField(_l("Event"), choices=[], validate_choice=False, default="")
    start = DateField(
        _l("From (the event’s date)"),
        validators=[Optional(), within_years],
        format="%Y-%m-%d",
        render_kw={"type": "date"},
    )
    end = DateField(
        _l("To (inclusive)"), validators=[Optional(), within_years], format="%Y-%m-%d", render_kw={"type": "date"}
    )

    def validate(self, extra_validators=None) -> bool:
        if not super().validate(extra_validators):
            return False
        if self.event_id.data:
            if not re.fullmatch(r"[0-9]{1,10}", self.event_id.data):
                self.event_id.errors.append(_("Please choose an event from the list."))
                return False
            return True
        if self.start.data is None or self.end.data is None:
            self.form_errors.append(_("Choose one event, or enter both dates of a date range."))
            return False
        if self.end.data < self.start.data:
            self.end.errors.append(_("The end date is before the start date."))
            return False
        return True

    @property
    def chosen_event_id(self) -> int | None:
        return int(self.event_id.data) if self.event_id.data else None

    @property
    def dates(self) -> tuple[date, date]:
        return self.start.data, self.end.data
