"""The hosts' "Embed on your site" choices: a GET form (no CSRF token: it changes nothing) that builds a snippet."""

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import Form, IntegerField, RadioField, SelectField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, NumberRange

from eventreg.core.languages import LANGUAGES
from eventreg.embeds.options import DEFAULT_LIMIT, MAX_LIMIT, MIN_LIMIT, THEMES, EmbedOptions

LIMIT_MESSAGE = _l("Enter a whole number from %(low)d to %(high)d.", low=MIN_LIMIT, high=MAX_LIMIT)


class EmbedForm(Form):
    topic = SelectField(_l("Events to show"), choices=[], default="")
    language = SelectField(_l("Language of the events"), choices=[], default="")
    limit = IntegerField(
        _l("How many events"),
        default=DEFAULT_LIMIT,
        validators=[InputRequired(LIMIT_MESSAGE), NumberRange(MIN_LIMIT, MAX_LIMIT, LIMIT_MESSAGE)],
    )
    theme = RadioField(_l("Colours"), choices=[], default="")

    def __init__(self, formdata, topics):
        super().__init__(formdata)
        # Built per request, as plain text in its language (a label is escaped as it always was).
        every = SelectChoice("", _("All upcoming events"))
        self.topic.choices = [every] + [SelectChoice(t.slug, t.name) for t in topics]
        self.theme.choices = [SelectChoice(value, str(label)) for value, label in THEMES.items()]
        every_language = SelectChoice("", _("All languages"))
        self.language.choices = [every_language] + [SelectChoice(code, name) for code, name in LANGUAGES.items()]

    def topic_name(self) -> str | None:
        return next((choice.label for choice in self.topic.choices if choice.value == self.topic.data), None)

    def options(self) -> EmbedOptions:
        return EmbedOptions(
            topic=self.topic.data or "",
            limit=self.limit.data,
            theme=self.theme.data or "",
            language=self.language.data or "",
        )
