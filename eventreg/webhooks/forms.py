from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
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
        _l("Endpoint URL"),
        filters=[strip],
        validators=[DataRequired(_l("Please enter the address to post to.")), Length(max=URL_MAX), single_line],
    )
    description = StringField(_l("Description (optional)"), filters=[strip], validators=[Length(max=200), single_line])
    event_types = SelectMultipleField(
        _l("Event types"),
        choices=[SelectChoice(kind, f"{kind}: {label}") for kind, label in EVENT_TYPES.items()],
        validators=[DataRequired(_l("Choose at least one event type to receive."))],
        widget=ListWidget(prefix_label=False),
        option_widget=CheckboxInput(),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The labels in the page's language (EVENT_TYPES keeps them English for the API document).
        self.event_types.choices = [SelectChoice(kind, f"{kind}: {_(label)}") for kind, label in EVENT_TYPES.items()]
