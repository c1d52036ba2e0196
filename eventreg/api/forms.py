from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import RadioField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length

from eventreg.core.forms import single_line, strip


class TokenForm(FlaskForm):
    name = StringField(
        _l("Name (what the token is for)"),
        filters=[strip],
        validators=[DataRequired(_l("Please name the token, like “Library website”.")), Length(max=120), single_line],
    )
    access = RadioField(
        _l("Access"),
        choices=[
            SelectChoice("read", _l("Read only: list events and registrations")),
            SelectChoice("write", _l("Read and write: also create and change events, add and cancel registrations")),
        ],
        default="read",
        validators=[DataRequired(_l("Please choose the access."))],
        validate_choice=True,
    )
