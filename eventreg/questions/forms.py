"""The host's question form, and the registration form's fields for an event's questions (one per question,
named question_<id>, each checked by rules.read_answer so the page and any other caller refuse the same input
with the same words)."""

import re

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, RadioField, SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, StopValidation, ValidationError

from eventreg.core import languages
from eventreg.core.forms import multi_line, plain_text, single_line, strip
from eventreg.questions import countries, rules
from eventreg.questions.models import CONSENT_LENGTH, HELP_LENGTH, LABEL_LENGTH, Question, QuestionType
from eventreg.questions.operations import Definition
from eventreg.questions.rules import Given, QuestionError

WHOLE_NUMBER = re.compile(r"[+-]?[0-9]{1,12}")


def _whole_number(form, field) -> None:
    if field.data and not WHOLE_NUMBER.fullmatch(field.data):
        raise ValidationError(_("Please enter a whole number, like 10, or leave it empty."))


class QuestionForm(FlaskForm):
    type = SelectField(
        _l("Type of answer"),
        choices=[SelectChoice(value, label) for value, label in QuestionType.LABELS.items()],
        default=QuestionType.SHORT_TEXT,
    )
    label = StringField(
        _l("Question"),
        filters=[strip],
        validators=[DataRequired(_l("Please write the question.")), Length(max=LABEL_LENGTH), single_line],
    )
    help_text = StringField(
        _l("Help text (optional)"), filters=[strip], validators=[Length(max=HELP_LENGTH), single_line]
    )
    required = BooleanField(_l("Registrants must answer it"))
    options = TextAreaField(
        _l("Options, one per line"),
        filters=[multi_line],
        validators=[Length(max=12_000), plain_text],
        render_kw={"rows": 6},
    )
    min_value = StringField(
        _l("Smallest number allowed (optional)"),
        filters=[strip],
        validators=[_whole_number],
        render_kw={"inputmode": "numeric"},
    )
    max_value = StringField(
        _l("Largest number allowed (optional)"),
        filters=[strip],
        validators=[_whole_number],
        render_kw={"inputmode": "numeric"},
    )
    consent_text = TextAreaField(
        _l("What they agree to by ticking the box"),
        filters=[multi_line],
        validators=[Length(max=CONSENT_LENGTH), plain_text],
        render_kw={"rows": 3},
    )

    # Which field each of the domain's refusals belongs to.
    FIELD_OF = {
        "unknown_type": "type",
        "too_few_options": "options",
        "too_many_options": "options",
        "duplicate_option": "options",
        "option_too_long": "options",
        "option_not_single_line": "options",
        "bounds_order": "max_value",
        "bound_too_large": "min_value",
        "consent_text_needed": "consent_text",
    }

    def validate(self, extra_validators=None) -> bool:
        if not super().validate(extra_validators):
            return False
        try:
            self.definition().checked()
        except QuestionError as error:
            name = self.FIELD_OF[error.code]
            if error.code == "bound_too_large" and self._within_bounds(self.min_value.data):
                name = "max_value"  # the smallest is fine, so the largest is the one out of range
            getattr(self, name).errors.append(error.message)
            return False
        return True

    @staticmethod
    def _within_bounds(text: str) -> bool:
        return not text or abs(int(text)) <= rules.MAX_NUMBER

    def definition(self) -> Definition:
        return Definition(
            type=self.type.data,
            label=self.label.data,
            help_text=self.help_text.data or "",
            required=bool(self.required.data),
            options=(self.options.data or "").split("\n"),
            min_value=int(self.min_value.data) if self.min_value.data else None,
            max_value=int(self.max_value.data) if self.max_value.data else None,
            consent_text=self.consent_text.data or "",
        )

    def fill(self, question: Question) -> None:
        """Show a stored question for editing."""
        self.type.data = question.type
        self.label.data = question.label
        self.help_text.data = question.help_text
        self.required.data = question.required
        self.options.data = "\n".join(option.label for option in question.options)
        self.min_value.data = "" if question.min_value is None else str(question.min_value)
        self.max_value.data = "" if question.max_value is None else str(question.max_value)
        self.consent_text.data = question.consent_text


# The registration form's questions


def field_name(question: Question) -> str:
    return f"question_{question.id}"


def _answer_rule(question: Question):
    """The field's one check: rules.read_answer, whose answer the form keeps for answers()."""

    def check(form, field) -> None:
        field.given = None
        try:
            field.given = rules.read_answer(question, field.data)
        except QuestionError as error:
            raise StopValidation(error.message) from None

    return check


def answer_field(question: Question):
    """The field that asks the question: its label says "(optional)" as the form's other optional fields do."""
    label = question.label if question.required else _("%(question)s (optional)", question=question.label)
    validators = [_answer_rule(question)]
    kind = question.type
    if kind == QuestionType.SHORT_TEXT:
        return StringField(
            label, filters=[strip], validators=validators, render_kw={"maxlength": rules.SHORT_TEXT_LENGTH}
        )
    if kind == QuestionType.LONG_TEXT:
        return TextAreaField(label, filters=[multi_line], validators=validators, render_kw={"rows": 4})
    options = [SelectChoice(str(option.id), option.label) for option in question.options]
    if kind == QuestionType.CHOICE:
        return RadioField(label, choices=options, validators=validators, validate_choice=False)
    if kind == QuestionType.MULTIPLE_CHOICE:
        return SelectMultipleField(label, choices=options, validators=validators, validate_choice=False)
    if kind == QuestionType.YES_NO:
        yes_no = [SelectChoice("yes", _("Yes")), SelectChoice("no", _("No"))]
        return RadioField(label, choices=yes_no, validators=validators, validate_choice=False)
    if kind == QuestionType.NUMBER:
        return StringField(label, filters=[strip], validators=validators, render_kw={"inputmode": "numeric"})
    if kind == QuestionType.DATE:
        # Typed as the hint says, not a browser's date picker: a picker shows each locale's own order (03/31 or
        # 31/03), which the hint could not match, and a half-filled one sends nothing at all.
        return StringField(label, filters=[strip], validators=validators, render_kw={"maxlength": 10})
    if kind == QuestionType.COUNTRY:
        listed = [SelectChoice("", _("Choose a country"))] + [
            SelectChoice(code, name) for code, name in countries.choices(languages.current())
        ]
        return SelectField(label, choices=listed, validators=validators, validate_choice=False, default="")
    return BooleanField(label, validators=validators)  # consent


def with_questions(form_class: type[FlaskForm], questions: list[Question]) -> type[FlaskForm]:
    """form_class with a field for each question, after its own, and `questions` and answers() to read them."""
    fields = {field_name(question): answer_field(question) for question in questions}
    return type(form_class.__name__, (form_class, AnswersMixin), {**fields, "questions": questions})


class AnswersMixin:
    questions: list[Question] = []

    def question_field(self, question: Question):
        return self[field_name(question)]

    def answers(self) -> list[Given]:
        """The answers given, once the form has validated (unanswered optional questions left out)."""
        given = (getattr(self.question_field(question), "given", None) for question in self.questions)
        return [answer for answer in given if answer is not None]


def answer_data(questions: list[Question], answers: list) -> dict[str, object]:
    """The form's data for answers given earlier (questions.models.Answer), as the fields take it: an option's id
    for what was chosen (by its label: options keep no ids in an answer), "yes" or "no", a country's code, the text
    otherwise. An answer whose option has since been renamed or removed is left blank, to be answered again."""
    given = {answer.question_id: answer for answer in answers if answer.question_id is not None}
    data = {}
    for question in questions:
        answer = given.get(question.id)
        if answer is None:
            continue
        kind = question.type
        if kind in QuestionType.WITH_OPTIONS:
            ids = {option.label: str(option.id) for option in question.options}
            chosen = [ids[label] for label in answer.choice_labels if label in ids]
            data[field_name(question)] = chosen if kind == QuestionType.MULTIPLE_CHOICE else next(iter(chosen), None)
        elif kind == QuestionType.YES_NO:
            data[field_name(question)] = {"Yes": "yes", "No": "no"}.get(answer.value)
        elif kind == QuestionType.COUNTRY:
            codes = {name: code for code, name in countries.choices()}
            data[field_name(question)] = codes.get(answer.value, "")
        elif kind == QuestionType.CONSENT:
            data[field_name(question)] = True
        else:
            data[field_name(question)] = answer.value
    return data
