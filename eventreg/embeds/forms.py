"""The hosts' "Embed on your site" choices: a GET form (no CSRF token: it changes nothing) that builds a snippet."""

from wtforms import Form, IntegerField, RadioField, SelectField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, NumberRange

from eventreg.embeds.options import DEFAULT_LIMIT, MAX_LIMIT, MIN_LIMIT, THEMES, EmbedOptions

LIMIT_MESSAGE = f"Enter a whole number from {MIN_LIMIT} to {MAX_LIMIT}."


class EmbedForm(Form):
    topic = SelectField("Events to show", choices=[SelectChoice("", "All upcoming events")], default="")
    limit = IntegerField(
        "How many events",
        default=DEFAULT_LIMIT,
        validators=[InputRequired(LIMIT_MESSAGE), NumberRange(MIN_LIMIT, MAX_LIMIT, LIMIT_MESSAGE)],
    )
    theme = RadioField("Colours", choices=[SelectChoice(value, label) for value, label in THEMES.items()], default="")

    def __init__(self, formdata, topics):
        super().__init__(formdata)
        self.topic.choices = [SelectChoice("", "All upcoming events")] + [SelectChoice(t.slug, t.name) for t in topics]

    def topic_name(self) -> str | None:
        return next((choice.label for choice in self.topic.choices if choice.value == self.topic.data), None)

    def options(self) -> EmbedOptions:
        return EmbedOptions(topic=self.topic.data or "", limit=self.limit.data, theme=self.theme.data or "")
