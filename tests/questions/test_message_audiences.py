"""A host's message can go to those who chose an option (eventreg/messages/audiences.py reads the answers' chosen
labels): one audience per option of each single choice, multiple choice and yes-or-no question, confirmed
registrants only."""

from eventreg.messages import audiences
from eventreg.questions.rules import read_answer
from eventreg.registrations import operations as seats


def test_each_option_of_a_counted_question_is_an_audience_of_the_confirmed_who_chose_it(
    make_event, make_question, register, option_id, clock
):
    event = make_event(capacity=3)
    kind = make_question(event, type="multiple_choice", label="Library type")
    together = make_question(event, type="yes_no", label="Watching with colleagues?")
    make_question(event, type="short_text", label="What do you hope to learn?")  # nothing to choose: no audience

    def answers(kinds, watching):
        return [read_answer(kind, [option_id(kind, label) for label in kinds]), read_answer(together, watching)]

    register(event, name="Ana Lima", answers=answers(["Public", "School"], "yes"))
    register(event, name="Ben Okafor", answers=answers(["Academic"], "no"))
    cy = register(event, name="Cy Wu", answers=answers(["Public"], "yes"))
    register(event, name="Dee Roy", answers=answers(["Public"], "yes"))  # waiting: no seat left
    seats.cancel_registration(cy, now=clock.now())  # Dee takes Cy's seat
    register(event, name="Eve Ito", answers=answers(["Public"], "no"))  # waiting

    now = clock.now()
    by_answer = {a.label: a for a in audiences.for_event(event) if a.key.startswith("answer-")}
    assert list(by_answer) == [
        "Answered “Public” to “Library type”",
        "Answered “Academic” to “Library type”",
        "Answered “School” to “Library type”",
        "Answered “Yes” to “Watching with colleagues?”",
        "Answered “No” to “Watching with colleagues?”",
    ]
    chose = {label: [r.name for r in audiences.recipients(a, event, now)] for label, a in by_answer.items()}
    assert chose["Answered “Public” to “Library type”"] == ["Ana Lima", "Dee Roy"]  # not Cy (cancelled), not Eve
    assert chose["Answered “School” to “Library type”"] == ["Ana Lima"]
    assert chose["Answered “Yes” to “Watching with colleagues?”"] == ["Ana Lima", "Dee Roy"]
    assert chose["Answered “No” to “Watching with colleagues?”"] == ["Ben Okafor"]
    # A message keeps the key: the same audience is found again when it is due, and its label fits the log.
    public = by_answer["Answered “Public” to “Library type”"]
    assert audiences.get(event, audiences.answer_key(kind.id, "Public")).label == public.label
    assert len(public.key) <= 64


def test_long_labels_are_cut_to_fit_the_message_log(make_event, make_question):
    event = make_event()
    make_question(event, type="choice", label="Q" * 200, options=["O" * 200, "Short"])
    labels = [a.label for a in audiences.for_event(event) if a.key.startswith("answer-")]
    assert len(labels) == 2
    assert all(len(label) <= 200 for label in labels)
    assert labels[0].startswith("Answered “" + "O" * 79 + "…”")
