"""The rules of a question and of an answer, without HTTP: what a host may save, and what each type of answer must
be, with the code each refusal carries."""

import pytest

from eventreg.questions import countries, rules
from eventreg.questions.operations import Definition
from eventreg.questions.rules import QuestionError


def outcome(question, raw, what: str = "message") -> str:
    """The stored value, or the refusal's message (or code)."""
    try:
        return rules.read_answer(question, raw).value
    except QuestionError as error:
        return getattr(error, what)


def refused(question, raw) -> str:
    with pytest.raises(QuestionError) as error:
        rules.read_answer(question, raw)
    return error.value.code


# What a host may save


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("Only one", "too_few_options"),
        ("\n\n  \n", "too_few_options"),
        ("Public\npublic", "duplicate_option"),
        ("A\n" + "x" * 201, "option_too_long"),
        ("\n".join(f"Option {n}" for n in range(51)), "too_many_options"),
        ("A\nB\x07", "option_not_single_line"),
    ],
)
def test_choice_options_must_be_two_or_more_distinct_short_lines(text, code):
    with pytest.raises(QuestionError) as error:
        rules.read_options(text)
    assert error.value.code == code


def test_options_are_read_one_per_line_stripped_and_blank_lines_dropped():
    assert rules.read_options("  Public \n\nAcademic\r\n School") == ["Public", "Academic", "School"]


def test_duplicate_option_names_the_option():
    with pytest.raises(QuestionError) as error:
        rules.read_options("Public\nPUBLIC")
    assert "“PUBLIC” is there twice" in error.value.message


@pytest.mark.parametrize(
    ("definition", "code"),
    [
        (Definition("essay", "Tell us"), "unknown_type"),
        (Definition("choice", "Library type", options=["Only"]), "too_few_options"),
        (Definition("number", "Colleagues", min_value=10, max_value=1), "bounds_order"),
        (Definition("number", "Colleagues", max_value=10**10), "bound_too_large"),
        (Definition("consent", "Photos", consent_text="   "), "consent_text_needed"),
    ],
)
def test_a_definition_its_type_cannot_have_is_refused(definition, code):
    with pytest.raises(QuestionError) as error:
        definition.checked()
    assert error.value.code == code


def test_a_definition_keeps_only_what_its_type_uses():
    checked = Definition(
        "short_text", "State", options=["A", "B"], min_value=1, max_value=2, consent_text="I agree"
    ).checked()
    assert (checked.options, checked.min_value, checked.max_value, checked.consent_text) == ([], None, None, "")


# What a registrant may answer


def test_an_optional_question_left_blank_has_no_answer(make_question, make_event):
    event = make_event()
    for kind in ("short_text", "long_text", "choice", "multiple_choice", "yes_no", "number", "date", "country"):
        question = make_question(event, type=kind)
        for blank in (None, "", "   ", []):
            assert rules.read_answer(question, blank) is None
    assert rules.read_answer(make_question(event, type="consent"), False) is None


@pytest.mark.parametrize(
    ("kind", "code", "message"),
    [
        ("short_text", "required_text", "Please answer this question."),
        ("long_text", "required_text", "Please answer this question."),
        ("choice", "required_choice", "Please choose one of the options."),
        ("multiple_choice", "required_choices", "Please choose at least one of the options."),
        ("yes_no", "required_yes_no", "Please choose yes or no."),
        ("number", "required_number", "Please enter a whole number, like 12."),
        ("date", "required_date", "Please enter a date, like 2025-03-31."),
        ("country", "required_country", "Please choose a country from the list."),
        ("consent", "required_consent", "Please tick the box to agree, or you cannot register."),
    ],
)
def test_a_required_question_left_blank_says_what_to_do(make_question, make_event, kind, code, message):
    question = make_question(make_event(), type=kind, required=True)
    blank = False if kind == "consent" else ""
    with pytest.raises(QuestionError) as error:
        rules.read_answer(question, blank)
    assert (error.value.code, error.value.message) == (code, message)


def test_text_answers_keep_their_words_within_their_limits(make_question, make_event):
    event = make_event()
    short, long = make_question(event, type="short_text"), make_question(event, type="long_text")
    assert rules.read_answer(short, "  Ohio  ").value == "Ohio"
    assert rules.read_answer(long, "Line one\nLine two").value == "Line one\nLine two"
    assert refused(short, "x" * 201) == "too_long"
    assert refused(short, "two\nlines") == "not_single_line"
    assert refused(long, "x" * 2001) == "too_long"
    assert refused(long, "bell\x07") == "control_characters"


def test_choices_are_stored_as_their_labels_in_the_questions_order(make_question, make_event, option_id):
    event = make_event()
    single = make_question(event, type="choice")
    given = rules.read_answer(single, option_id(single, "Academic"))
    assert (given.value, given.choices) == ("Academic", ("Academic",))
    several = make_question(event, type="multiple_choice")
    given = rules.read_answer(several, [option_id(several, "School"), option_id(several, "Public")])
    assert (given.value, given.choices) == ("Public; School", ("Public", "School"))


def test_a_choice_not_on_the_list_is_refused(make_question, make_event, option_id):
    event = make_event()
    single, several = make_question(event, type="choice"), make_question(event, type="multiple_choice")
    other = option_id(several, "Public")  # an option, but of another question
    assert refused(single, other) == "not_in_list"
    assert refused(single, "999999") == "not_in_list"
    assert refused(several, [option_id(several, "Public"), "Public"]) == "not_in_list"
    assert refused(single, ["a", "list"]) == "not_in_list"


def test_yes_or_no(make_question, make_event):
    question = make_question(make_event(), type="yes_no")
    assert rules.read_answer(question, "yes").value == "Yes"
    assert rules.read_answer(question, "no").choices == ("No",)
    assert refused(question, "maybe") == "not_in_list"


@pytest.mark.parametrize(
    ("low", "high", "raw", "expected"),
    [
        (None, None, " 12 ", "12"),
        (None, None, "-3", "-3"),
        (None, None, "+7", "7"),
        (1, 50, "1", "1"),
        (1, 50, "50", "50"),
        (1, 50, "0", "Please enter a number between 1 and 50."),
        (1, 50, "51", "Please enter a number between 1 and 50."),
        (1, None, "0", "Please enter a number of 1 or more."),
        (None, 1000, "1001", "Please enter a number of 1,000 or less."),
        (None, None, "1.5", "Please enter a whole number, like 12, using digits only."),
        (None, None, "twelve", "Please enter a whole number, like 12, using digits only."),
        (None, None, "9" * 5000, "Please enter a whole number, like 12, using digits only."),
    ],
)
def test_numbers_are_whole_and_within_the_questions_bounds(make_question, make_event, low, high, raw, expected):
    question = make_question(make_event(), type="number", min_value=low, max_value=high)
    assert outcome(question, raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("2025-03-31", "2025-03-31"),
        ("1900-01-01", "1900-01-01"),
        ("2025-02-30", "not_a_date"),
        ("31/03/2025", "not_a_date"),
        ("2025-3-31", "not_a_date"),
        ("1899-12-31", "date_out_of_range"),
        ("2101-01-01", "date_out_of_range"),
    ],
)
def test_dates_are_real_and_written_year_month_day(make_question, make_event, raw, expected):
    question = make_question(make_event(), type="date")
    assert outcome(question, raw, "code") == expected


def test_a_country_is_an_iso_3166_code_stored_as_its_name(make_question, make_event):
    question = make_question(make_event(), type="country")
    assert rules.read_answer(question, "ca").value == "Canada"
    assert rules.read_answer(question, "VN").value == "Vietnam"  # CLDR's name, not ISO's "Viet Nam"
    assert refused(question, "EU") == "not_in_list"  # in CLDR's territories, not a country
    assert refused(question, "XK") == "not_in_list"  # a user-assigned code, not ISO 3166-1
    assert refused(question, "Canada") == "not_in_list"


def test_the_country_list_is_iso_3166_1_sorted_for_people():
    listed = countries.choices()
    assert len(listed) == len({code for code, _ in listed}) >= 249
    names = [name for _, name in listed]
    assert names.index("Åland Islands") < names.index("Albania")  # accents set aside for the order
    assert ("US", "United States") in listed


def test_a_ticked_consent_box_is_a_yes(make_question, make_event):
    question = make_question(make_event(), type="consent", required=True)
    assert rules.read_answer(question, True).value == "Yes"
