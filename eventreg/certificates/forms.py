from flask_wtf import FlaskForm
from wtforms import StringField, TextAreaField
from wtforms.validators import DataRequired, Length

from eventreg.registrations.forms import _strip, plain_text, single_line


class NameForm(FlaskForm):
    """A registrant's (before issue) or a host's (reissue) spelling of the name on a certificate."""

    name = StringField(
        "Your name as it should appear on the certificate",
        validators=[DataRequired("Please enter the name."), Length(max=120), single_line],
        filters=[_strip],
    )


class ReissueForm(NameForm):
    pass


class RevokeForm(FlaskForm):
    reason = TextAreaField(
        "Reason (kept in the certificate’s log and shown to its holder)",
        validators=[DataRequired("Please give the reason."), Length(max=500), plain_text],
        filters=[_strip],
    )


class FinaliseForm(FlaskForm):
    """Only the CSRF token: finalising sends mail, so it is a POST from the confirmation page."""
