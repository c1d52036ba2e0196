import hashlib
import secrets
from datetime import datetime

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, HiddenField, RadioField, SelectField, StringField, TextAreaField, TimeField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from eventreg import timezones
from eventreg.core.forms import email_field, multi_line, plain_text, single_line, strip
from eventreg.hosts.forms import occurrence_field, within_years, zone_choices
from eventreg.messages import merge
from eventreg.messages.rules import MessageError


def _merge_fields(allowed: tuple[str, ...]):
    """A field validator: every unknown merge field and stray brace in the text, each its own error."""

    def validate(form, field) -> None:
        found = merge.problems(field.data or "", allowed=allowed)
        if found:
            field.errors.extend(error.message for error in found[:-1])
            raise ValidationError(found[-1].message)

    return validate


class MessageForm(FlaskForm):
    # The options (with each audience's count, and why one cannot be chosen yet) are the view's to give and the
    # template's to draw; the operation refuses an audience that is unknown or not available.
    audience = RadioField(_l("Send to"), choices=[], validate_choice=False, default="confirmed")
    subject = StringField(
        _l("Subject"),
        filters=[strip],
        validators=[
            DataRequired(_l("Please write a subject.")),
            Length(max=150),
            single_line,
            _merge_fields(merge.SUBJECT_FIELDS),
        ],
    )
    body = TextAreaField(
        _l("Message (plain text)"),
        filters=[multi_line],
        validators=[
            DataRequired(_l("Please write a message.")),
            Length(max=10000),
            plain_text,
            _merge_fields(tuple(merge.FIELDS)),
        ],
        render_kw={"rows": 12},
    )
    reply_to = email_field(
        _l("Replies go to"), _l("Please give the address replies should go to."), _l("Please enter a valid email.")
    )
    when = RadioField(
        _l("When"),
        choices=[SelectChoice("now", _l("Now")), SelectChoice("later", _l("At a time I choose"))],
        default="now",
        validate_choice=True,
    )
    send_date = DateField(_l("Date"), validators=[Optional(), within_years])
    send_time = TimeField(_l("Time"), validators=[Optional()])
    send_zone = SelectField(_l("Time zone of that time"), choices=zone_choices)
    send_occurrence = occurrence_field(_l("That time happens twice that night (the clocks go back). Which one?"))
    # The preview's fingerprint of what it showed: "Send" sends only what the host has seen.
    previewed = HiddenField()
    # One per compose page: a second "Send" of the same page finds the message the first one made.
    form_key = HiddenField(validators=[Optional(), Length(max=64)])

    send_at: datetime | None = None  # the chosen instant, once validated; None for "now"

    # Each rule's error (rules.MessageError's codes) goes on the field it speaks of.
    RULE_FIELDS = {
        "in_the_past": "send_time",
        "unknown_audience": "audience",
        "unavailable_audience": "audience",
        "nobody": "audience",
    }

    def new_key(self) -> None:
        self.form_key.data = secrets.token_urlsafe(24)

    @property
    def later(self) -> bool:
        return self.when.data == "later"

    def validate(self, extra_validators=None) -> bool:
        fields_ok = super().validate(extra_validators)
        self.send_at = None
        if not self.later or self.send_date.errors or self.send_time.errors or self.send_zone.errors:
            return fields_ok
        date, time = self.send_date.data, self.send_time.data
        if date is None or time is None:
            missing = self.send_date if date is None else self.send_time
            missing.errors.append(_("Please enter the date and the time to send it, or choose “Now”."))
            return False
        self.send_at = self._instant(datetime.combine(date, time), self.send_zone.data)
        return fields_ok and self.send_at is not None

    def _instant(self, local: datetime, zone: str) -> datetime | None:
        """The UTC instant, or None with the editor's explanation of a spring-forward gap or a fall-back fold."""
        try:
            return timezones.to_utc(local, zone)
        except timezones.NonExistentTimeError:
            self.send_time.errors.append(timezones.gap_message(local, zone))
        except timezones.AmbiguousTimeError:
            if self.send_occurrence.data in ("first", "second"):
                return timezones.to_utc_choosing(local, zone, first=self.send_occurrence.data == "first")
            self.send_time.errors.append(timezones.fold_message(local, zone))
            self.send_occurrence.flags.needed = True
        return None

    def show_time(self, instant: datetime, zone: str) -> None:
        """Fill in the date, time, zone and (for a repeated hour) occurrence of a stored instant, for editing."""
        local = timezones.to_zone(instant, zone)
        self.when.data = "later"
        self.send_date.data, self.send_time.data, self.send_zone.data = local.date(), local.time(), zone
        self.send_occurrence.data = timezones.occurrence(instant, zone)

    def refuse(self, error: MessageError) -> None:
        """Put a rule's refusal on its field (or above the form)."""
        field = self.RULE_FIELDS.get(error.code)
        (self[field].errors if field else self.form_errors).append(error.message)

    def fingerprint(self) -> str:
        parts = (
            self.audience.data or "",
            self.subject.data or "",
            self.body.data or "",
            self.reply_to.data or "",
            self.send_at.isoformat() if self.send_at else "now",
        )
        return hashlib.sha256("\x00".join(parts).encode()).hexdigest()
