"""Form helpers every area's forms share: filters that normalise input where it enters, validators for text
on one line or plain, and the one e-mail field. Shapes only: no domain rules here (those are the areas' own)."""

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import EmailField, StringField
from wtforms.validators import DataRequired, Email, Length, ValidationError

from eventreg.core.text import is_plain_text, is_single_line, normalise_multi_line


def strip(value):
    """The filter of every one-line field: surrounding spaces dropped."""
    return value.strip() if isinstance(value, str) else value


def multi_line(value):
    """The filter of every textarea: LF line endings and stripped (core.text.normalise_multi_line)."""
    return normalise_multi_line(value) if isinstance(value, str) else value


def single_line(form, field):
    if field.data and not is_single_line(field.data):
        raise ValidationError(_("Please use a single line without special control characters."))


def plain_text(form, field):
    if field.data and not is_plain_text(field.data):
        raise ValidationError(_("Please remove the special control characters."))


EMAIL_INPUT = {"autocomplete": "email", "autocapitalize": "off", "spellcheck": "false"}


def email_field(
    label: str = _l("Email address"),
    required: str = _l("Please enter your email address."),
    invalid: str = _l("Please enter a valid email address, like name@library.org."),
) -> StringField:
    """A required e-mail address on one line, as every form that asks for one reads it. It renders as
    type="email" (a phone shows its e-mail keyboard) and is never autocapitalised or spell-checked; a template
    may still name another autocomplete (the sign-in form's "username"). Texts are lazy (_l), read in the
    language of the page that shows them."""
    return EmailField(
        label,
        filters=[strip],
        validators=[DataRequired(required), Length(max=254), single_line, Email(invalid)],
        render_kw=EMAIL_INPUT,
    )
