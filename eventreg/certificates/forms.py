from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from eventreg.core.forms import multi_line, plain_text, single_line, strip


class NameForm(FlaskForm):
    """A registrant's (before issue) or a host's (reissue) spelling of the name on a certificate."""

    name = StringField(
        _l("Your name as it should appear on the certificate"),
        validators=[DataRequired(_l("Please enter the name.")), Length(max=120), single_line],
        filters=[strip],
    )


class ReissueForm(NameForm):
    pass


class RevokeForm(FlaskForm):
    reason = TextAreaField(
        _l("Reason (kept in the certificate’s log and shown to its holder)"),
        validators=[DataRequired(_l("Please give the reason.")), Length(max=500), plain_text],
        filters=[multi_line],
    )


class FinaliseForm(FlaskForm):
    """Only the CSRF token: finalising sends mail, so it is a POST from the confirmation page."""


def _line(label, **kwargs) -> StringField:
    return StringField(label, validators=[Optional(), Length(max=200), single_line], filters=[strip], **kwargs)


class SignerForm(FlaskForm):
    """Issuer, signer and the signer's title: the site's (admins) or one event's (its hosts); empty keeps the
    default shown beside each field."""

    issuer = _line(_l("Issuing organisation"))
    signer = _line(_l("Signer’s name"))
    signer_title = _line(_l("Signer’s title"))


class SettingsForm(SignerForm):
    accent_colour = StringField(_l("Accent colour"), filters=[strip], render_kw={"type": "color"})
    logo_file = FileField(_l("Logo (PNG or SVG, up to 512 kB)"), render_kw={"accept": "image/png,image/svg+xml"})


class ConfirmForm(FlaskForm):
    """Only the CSRF token, for a confirmed action such as removing the logo."""
