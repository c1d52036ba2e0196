"""The rules of questions and answers, once: what a host may save as a question (check_question) and what a
registrant's answer must be (read_answer). The host's form, the registration form and the operations all call
these; each refusal is a QuestionError whose code a form maps to its field.

Plain functions of values, as events/rules.py: they return what was read or raise, and never touch the database."""

import re
from dataclasses import dataclass, field
from datetime import date

from flask_babel import lazy_gettext as _l

from eventreg.core.errors import CodedError
from eventreg.core.text import is_plain_text, is_single_line
from eventreg.questions import countries
from eventreg.questions.models import OPTION_LENGTH, Question, QuestionType

SHORT_TEXT_LENGTH = 200
LONG_TEXT_LENGTH = 2000
MAX_OPTIONS = 50
MAX_NUMBER = 999_999_999  # far beyond any count a form asks for, and inside the bounds' INTEGER columns
NUMBER = re.compile(r"[+-]?[0-9]{1,9}")
ISO_DATE = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})")
EARLIEST_DATE, LATEST_DATE = date(1900, 1, 1), date(2100, 12, 31)


class QuestionError(CodedError):
    MESSAGES = {
        # A host's question
        "unknown_type": _l("Choose a type from the list."),
        "too_few_options": _l("Give at least two options, one per line."),
        "too_many_options": _l("Give at most {limit} options."),
        "duplicate_option": _l("Each option must be different: “{label}” is there twice."),
        "option_too_long": _l("Keep each option to {limit} characters or fewer."),
        "option_not_single_line": _l("Options cannot contain special control characters."),
        "bounds_order": _l("The smallest number allowed must not be larger than the largest."),
        "bound_too_large": _l("Use numbers between -{limit:,} and {limit:,}."),
        "consent_text_needed": _l("Write what the registrant agrees to by ticking the box."),
        "not_owner": _l(
            "Only {owner}, whose library this question is in, can change or delete it. You can remove it "
            "from this event."
        ),
        "already_asked": _l("This event already asks that question."),
        "not_in_library": _l("That question is not in your library."),
        # A registrant's answer
        "required_text": _l("Please answer this question."),
        "required_choice": _l("Please choose one of the options."),
        "required_choices": _l("Please choose at least one of the options."),
        "required_yes_no": _l("Please choose yes or no."),
        "required_number": _l("Please enter a whole number, like 12."),
        "required_date": _l("Please enter a date, like 2025-03-31."),
        "required_country": _l("Please choose a country from the list."),
        "required_consent": _l("Please tick the box to agree, or you cannot register."),
        "too_long": _l("Please use {limit:,} characters or fewer."),
        "not_single_line": _l("Please use a single line without special control characters."),
        "control_characters": _l("Please remove the special control characters."),
        "not_in_list": _l("Please choose from the list."),
        "not_a_number": _l("Please enter a whole number, like 12, using digits only."),
        "number_too_small": _l("Please enter a number of {low:,} or more."),
        "number_too_large": _l("Please enter a number of {high:,} or less."),
        "number_out_of_range": _l("Please enter a number between {low:,} and {high:,}."),
        "not_a_date": _l("Please enter a real date as year-month-day, like 2025-03-31."),
        "date_out_of_range": _l("Please enter a date between 1900 and 2100."),
    }


# What a host may save


def check_type(kind: str) -> None:
    if kind not in QuestionType.ALL:
        raise QuestionError("unknown_type")


def read_options(text: str) -> list[str]:
    """The options a host typed, one per line, blank lines dropped and each stripped. QuestionError for fewer than
    two, more than MAX_OPTIONS, one that is too long or has control characters, or one given twice (in any case)."""
    labels = [line.strip() for line in (text or "").splitlines() if line.strip()]
    if len(labels) < 2:
        raise QuestionError("too_few_options")
    if len(labels) > MAX_OPTIONS:
        raise QuestionError("too_many_options", limit=MAX_OPTIONS)
    seen = set()
    for label in labels:
        if len(label) > OPTION_LENGTH:
            raise QuestionError("option_too_long", limit=OPTION_LENGTH)
        if not is_single_line(label):
            raise QuestionError("option_not_single_line")
        if label.casefold() in seen:
            raise QuestionError("duplicate_option", label=label)
        seen.add(label.casefold())
    return labels


def check_bounds(low: int | None, high: int | None) -> None:
    for bound in (low, high):
        if bound is not None and abs(bound) > MAX_NUMBER:
            raise QuestionError("bound_too_large", limit=MAX_NUMBER)
    if low is not None and high is not None and low > high:
        raise QuestionError("bounds_order")


def check_consent_text(kind: str, text: str) -> None:
    if kind == QuestionType.CONSENT and not (text or "").strip():
        raise QuestionError("consent_text_needed")


# What a registrant may answer


@dataclass(frozen=True)
class Given:
    """An answer as it will be stored: the text, and the labels chosen (choices and yes or no)."""

    question: Question
    value: str
    choices: tuple[str, ...] = field(default=())


def _blank(raw) -> bool:
    if raw is None or raw is False:
        return True
    if isinstance(raw, str):
        return not raw.strip()
    if isinstance(raw, list | tuple):
        return not any(isinstance(item, str) and item.strip() for item in raw)
    return False


REQUIRED_CODES = {
    QuestionType.SHORT_TEXT: "required_text",
    QuestionType.LONG_TEXT: "required_text",
    QuestionType.CHOICE: "required_choice",
    QuestionType.MULTIPLE_CHOICE: "required_choices",
    QuestionType.YES_NO: "required_yes_no",
    QuestionType.NUMBER: "required_number",
    QuestionType.DATE: "required_date",
    QuestionType.COUNTRY: "required_country",
    QuestionType.CONSENT: "required_consent",
}


def read_answer(question: Question, raw) -> Given | None:
    """What a registrant gave for the question, checked: None for no answer to an optional question, else the
    answer to store. `raw` is what the form sent: text (one line or several, already normalised), an option's id
    as text for a single choice, a list of them for multiple choice, "yes" or "no", digits, a YYYY-MM-DD date, an
    ISO 3166 alpha-2 code, or True for a ticked consent box. QuestionError with a code saying what is wrong."""
    if _blank(raw):
        if question.required:
            raise QuestionError(REQUIRED_CODES[question.type])
        return None
    reader = READERS[question.type]
    return reader(question, raw)


def _text(limit: int, one_line: bool):
    def read(question: Question, raw) -> Given:
        text = raw.strip() if isinstance(raw, str) else ""
        if len(text) > limit:
            raise QuestionError("too_long", limit=limit)
        if one_line and not is_single_line(text):
            raise QuestionError("not_single_line")
        if not one_line and not is_plain_text(text):
            raise QuestionError("control_characters")
        return Given(question, text)

    return read


def _option_labels(question: Question, raws: list) -> tuple[str, ...]:
    """The labels of the options these ids name, in the question's order. QuestionError("not_in_list") if any
    id is not one of its options (an option deleted while the form was open, or a forged value)."""
    by_id = {str(option.id): option for option in question.options}
    wanted = {raw.strip() for raw in raws if isinstance(raw, str) and raw.strip()}
    if any(raw not in by_id for raw in wanted):
        raise QuestionError("not_in_list")
    return tuple(option.label for option in question.options if str(option.id) in wanted)


def _choice(question: Question, raw) -> Given:
    if not isinstance(raw, str):
        raise QuestionError("not_in_list")
    labels = _option_labels(question, [raw])
    return Given(question, labels[0], labels)


def _multiple_choice(question: Question, raw) -> Given:
    labels = _option_labels(question, list(raw) if isinstance(raw, list | tuple) else [raw])
    return Given(question, "; ".join(labels), labels)


def _yes_no(question: Question, raw) -> Given:
    chosen = {"yes": "Yes", "no": "No"}.get(raw.strip().lower() if isinstance(raw, str) else "")
    if chosen is None:
        raise QuestionError("not_in_list")
    return Given(question, chosen, (chosen,))


def _number(question: Question, raw) -> Given:
    text = raw.strip() if isinstance(raw, str) else ""
    if not NUMBER.fullmatch(text):
        raise QuestionError("not_a_number")
    number = int(text)
    low, high = question.min_value, question.max_value
    if (low is not None and number < low) or (high is not None and number > high):
        if low is not None and high is not None:
            raise QuestionError("number_out_of_range", low=low, high=high)
        if low is not None:
            raise QuestionError("number_too_small", low=low)
        raise QuestionError("number_too_large", high=high)
    return Given(question, str(number))


def _date(question: Question, raw) -> Given:
    match = ISO_DATE.fullmatch(raw.strip() if isinstance(raw, str) else "")
    if not match:
        raise QuestionError("not_a_date")
    try:
        given = date(*(int(part) for part in match.groups()))
    except ValueError:  # 2025-02-30
        raise QuestionError("not_a_date") from None
    if not EARLIEST_DATE <= given <= LATEST_DATE:
        raise QuestionError("date_out_of_range")
    return Given(question, given.isoformat())


def _country(question: Question, raw) -> Given:
    name = countries.name_of(raw.strip().upper() if isinstance(raw, str) else "")
    if name is None:
        raise QuestionError("not_in_list")
    return Given(question, name)


def _consent(question: Question, raw) -> Given:
    return Given(question, "Yes")


READERS = {
    QuestionType.SHORT_TEXT: _text(SHORT_TEXT_LENGTH, one_line=True),
    QuestionType.LONG_TEXT: _text(LONG_TEXT_LENGTH, one_line=False),
    QuestionType.CHOICE: _choice,
    QuestionType.MULTIPLE_CHOICE: _multiple_choice,
    QuestionType.YES_NO: _yes_no,
    QuestionType.NUMBER: _number,
    QuestionType.DATE: _date,
    QuestionType.COUNTRY: _country,
    QuestionType.CONSENT: _consent,
}
