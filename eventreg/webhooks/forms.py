from flask_wtf import FlaskForm
from wtforms import SelectMultipleField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length
from wtforms.widgets import CheckboxInput, ListWidget

from eventreg.core.forms import single_line, strip
from eventreg.webhooks.models import EVENT_TYPES
from eventreg.webhooks.network import URL_MAX


class EndpointForm(FlaskForm):
    url = StringField(
        "Endpoint URL",
        filters=[strip],
        validators=[DataRequired("Please enter the address to post to."), Length(max=URL_MAX), single_line],
    )
    description = StringField("Description (optional)", filters=[strip], validators=[Length(max=200), single_line])
    event_types = SelectMultipleField(
        "Event types",
        choices=[SelectChoice(kind, f"{kind}: {label}") for kind, label in EVENT_TYPES.items()],
        validators=[DataRequired("Choose at least one event type to receive.")],
        widget=ListWidget(prefix_label=False),
        option_widget=CheckboxInput(),
    )
