"""Questions and answers through the operations and queries, without HTTP: an event's order, the library, answers
kept as given whatever happens to the question later, and the counts of choices."""

import pytest
import sqlalchemy as sa

from eventreg.questions import operations, queries, rules
from eventreg.questions.models import Answer, EventQuestion, Question
from eventreg.questions.operations import Definition
from eventreg.questions.rules import QuestionError
from eventreg.registrations import operations as registrations


def labels(event) -> list[str]:
    return [question.label for question in queries.list_for_event(event)]


def answer(question, raw):
    return rules.read_answer(question, raw)


def test_an_events_questions_are_asked_in_the_order_added_and_move_up_and_down(make_event, make_question):
    event = make_event()
    first, second, third = (make_question(event, label=label) for label in ("First", "Second", "Third"))
    assert labels(event) == ["First", "Second", "Third"]
    assert operations.move(event, third, "up")
    assert labels(event) == ["First", "Third", "Second"]
    assert operations.move(event, first, "down")
    assert labels(event) == ["Third", "First", "Second"]
    assert not operations.move(event, third, "up")  # already first
    assert not operations.move(event, second, "down")  # already last
    assert [asked.position for asked in queries.list_event_questions(event)] == [1, 2, 3]


def test_a_library_question_is_asked_by_no_event_until_chosen(make_event, make_host, make_question):
    host, event = make_host(), make_event()
    question = make_question(host=host, label="State or province")
    assert labels(event) == []
    assert queries.list_library_not_asked(host, event) == [question]
    operations.ask_from_library(event, question, host=host)
    assert labels(event) == ["State or province"]
    assert queries.list_library_not_asked(host, event) == []
    with pytest.raises(QuestionError) as error:
        operations.ask_from_library(event, question, host=host)
    assert error.value.code == "already_asked"
    with pytest.raises(QuestionError) as error:
        operations.ask_from_library(make_event(), question, host=make_host("other@library.example.org"))
    assert error.value.code == "not_in_library"


def test_editing_a_library_question_changes_it_for_every_event_that_asks_it(make_event, make_host, make_question):
    host = make_host()
    question = make_question(host=host, type="choice", label="Library type")
    events = [make_event(), make_event()]
    for event in events:
        operations.ask_from_library(event, question, host=host)
    operations.update_question(
        question, Definition("choice", "Type of library", options=["Public", "Academic", "Special"]), host=host
    )
    for event in events:
        [asked] = queries.list_for_event(event)
        assert (asked.label, asked.choice_labels) == ("Type of library", ["Public", "Academic", "Special"])


def test_an_option_kept_by_label_keeps_its_id_so_an_open_form_still_names_it(make_event, make_host, make_question):
    host = make_host()
    question = make_question(make_event(), type="choice")
    ids = {option.label: option.id for option in question.options}
    operations.update_question(
        question, Definition("choice", "Type", options=["School", "Public", "Prison"]), host=host
    )
    kept = {option.label: option.id for option in question.options}
    assert (kept["School"], kept["Public"]) == (ids["School"], ids["Public"])
    assert "Academic" not in kept
    assert [option.label for option in question.options] == ["School", "Public", "Prison"]


def test_only_its_owner_or_an_admin_changes_or_deletes_a_library_question(make_host, make_question):
    owner, other = make_host(), make_host("other@library.example.org")
    question = make_question(host=owner, label="State")
    for attempt in (
        lambda: operations.update_question(question, Definition("short_text", "Region"), host=other),
        lambda: operations.delete_from_library(question, host=other),
    ):
        with pytest.raises(QuestionError) as error:
            attempt()
        assert error.value.code == "not_owner"
        assert "host@library.example.org" in error.value.message
    operations.update_question(question, Definition("short_text", "Region"), host=make_host("a@x.org", admin=True))
    assert question.label == "Region"


def test_save_to_library_moves_an_events_question_into_the_hosts_library_and_keeps_it_asked(
    make_event, make_host, make_question
):
    host, event = make_host(), make_event()
    question = make_question(event, label="What do you hope to learn?", type="long_text")
    operations.save_to_library(question, host=host)
    assert (question.event_id, question.host_id) == (None, host.id)
    assert labels(event) == ["What do you hope to learn?"]
    assert queries.list_library(host) == [question]


def test_a_question_has_exactly_one_owner_in_the_database(db_session, make_event, make_host, clock):
    event, host = make_event(), make_host()
    for owners in ({"event_id": event.id, "host_id": host.id}, {}):
        db_session.add(Question(type="short_text", label="Both or none", created_at=clock.now(), **owners))
        with pytest.raises(sa.exc.IntegrityError):
            db_session.flush()
        db_session.rollback()


def test_answers_are_stored_with_the_registration_before_anyone_hears_of_it(
    make_event, make_question, register, option_id, db_session
):
    event = make_event()
    kind = make_question(event, type="choice", label="Library type")
    colleagues = make_question(event, type="number", label="Colleagues watching")
    make_question(event, type="short_text", label="State")  # optional, left blank
    given = [answer(kind, option_id(kind, "Academic")), answer(colleagues, "4")]
    registration = register(event, answers=given)
    stored = queries.answers_of([registration.id])[registration.id]
    assert [(a.label, a.type, a.value, a.choice_labels) for a in stored] == [
        ("Library type", "choice", "Academic", ["Academic"]),
        ("Colleagues watching", "number", "4", []),
    ]
    assert [a.position for a in stored] == [1, 2]


def test_registering_again_after_cancelling_replaces_the_answers_and_a_host_adding_someone_keeps_them(
    make_event, make_question, register, clock, db_session
):
    event = make_event()
    state = make_question(event, label="State")
    registration = register(event, email="ana@library.example.org", answers=[answer(state, "Ohio")])
    registrations.cancel_registration(registration, now=clock.now())
    again = register(event, email="ana@library.example.org", answers=[answer(state, "Iowa")])
    assert again.id == registration.id
    assert [a.value for a in queries.answers_of([again.id])[again.id]] == ["Iowa"]
    registrations.cancel_registration(again, now=clock.now())
    registrations.add_registrant(
        event, email="ana@library.example.org", name="Ana", organization="Lib", email_them=False, now=clock.now()
    )
    assert [a.value for a in queries.answers_of([again.id])[again.id]] == ["Iowa"]


def test_changing_a_question_after_answers_exist_keeps_the_answers_as_given(
    make_event, make_host, make_question, register, option_id
):
    host, event = make_host(), make_event()
    question = make_question(event, type="multiple_choice", label="Library type")
    registration = register(
        event, answers=[answer(question, [option_id(question, "Public"), option_id(question, "School")])]
    )
    operations.update_question(
        question, Definition("short_text", "Where do you work?", options=None), host=host
    )  # new wording, another type, no options
    [kept] = queries.answers_of([registration.id])[registration.id]
    assert (kept.label, kept.type, kept.value, kept.choice_labels) == (
        "Library type",
        "multiple_choice",
        "Public; School",
        ["Public", "School"],
    )
    assert queries.shown(kept) == {
        "question_id": question.id,
        "label": "Library type",
        "type": "multiple_choice",
        "value": "Public; School",
        "choices": ["Public", "School"],
    }


def test_deleting_an_events_question_keeps_its_answers_for_the_export(make_event, make_question, register, db_session):
    event = make_event()
    first, gone, last = (make_question(event, label=label) for label in ("Keep me", "Gone", "Last"))
    registration = register(event, answers=[answer(first, "a"), answer(gone, "b"), answer(last, "c")])
    assert operations.remove_from_event(event, gone) is True
    assert db_session.get(Question, gone.id) is None
    assert [asked.position for asked in queries.list_event_questions(event)] == [1, 2]
    kept = db_session.scalars(sa.select(Answer).where(Answer.label == "Gone")).one()
    assert (kept.question_id, kept.value) == (None, "b")
    columns = queries.answer_columns(event)
    assert [heading for _, heading in columns] == ["Keep me", "Last", "Gone (question removed)"]
    table = queries.answer_table(event)[registration.id]
    assert [table.get(key, "") for key, _ in columns] == ["a", "c", "b"]


def test_removing_a_library_question_from_an_event_keeps_it_in_the_library(
    make_event, make_host, make_question, register, db_session
):
    host, event = make_host(), make_event()
    question = make_question(host=host, label="State")
    operations.ask_from_library(event, question, host=host)
    register(event, answers=[answer(question, "Ohio")])
    assert operations.remove_from_event(event, question) is False
    assert queries.list_library(host) == [question]
    assert labels(event) == []
    assert [heading for _, heading in queries.answer_columns(event)] == ["State (question removed)"]


def test_deleting_a_library_question_stops_every_event_asking_it(
    make_event, make_host, make_question, register, db_session
):
    host = make_host()
    question = make_question(host=host, label="State")
    events = [make_event(), make_event()]
    for event in events:
        make_question(event, label="Own")
        operations.ask_from_library(event, question, host=host)
    registration = register(events[0], answers=[answer(question, "Ohio")])
    assert operations.delete_from_library(question, host=host) == events
    for event in events:
        assert labels(event) == ["Own"]
        assert [asked.position for asked in queries.list_event_questions(event)] == [1]
    assert db_session.scalar(sa.select(sa.func.count()).select_from(EventQuestion)) == 2
    [kept] = queries.answers_of([registration.id])[registration.id]
    assert (kept.question_id, kept.value) == (None, "Ohio")


def test_answer_counts_count_each_option_of_choice_and_yes_no_questions(
    make_event, make_host, make_question, register, option_id, clock
):
    event, host = make_event(capacity=None), make_host()
    kind = make_question(event, type="choice", label="Library type")
    topics = make_question(event, type="multiple_choice", label="Topics")
    watch = make_question(event, type="yes_no", label="Watching with others?")
    make_question(event, type="short_text", label="State")  # not counted
    pick = [("Public", ["Public", "School"], "yes"), ("Public", ["School"], "no"), ("Academic", [], "yes")]
    people = []
    for kind_label, topic_labels, yes_no in pick:
        given = [answer(kind, option_id(kind, kind_label)), answer(watch, yes_no)]
        if topic_labels:
            given.append(answer(topics, [option_id(topics, label) for label in topic_labels]))
        people.append(register(event, answers=given))
    registrations.cancel_registration(people[2], now=clock.now())  # a cancelled registration is not counted
    counts = queries.answer_counts(event)
    assert list(counts) == [kind, topics, watch]
    assert counts[kind] == [("Public", 2), ("Academic", 0), ("School", 0)]
    assert counts[topics] == [("Public", 1), ("Academic", 0), ("School", 2)]
    assert counts[watch] == [("Yes", 1), ("No", 1)]
    assert queries.count_respondents(event) == {
        kind.id: 2,
        topics.id: 2,
        watch.id: 2,
        queries.list_for_event(event)[3].id: 0,
    }
    # An option renamed after it was chosen: the answers are counted as given, after the current options.
    operations.update_question(
        kind, Definition("choice", "Library type", options=["Public library", "Academic"]), host=host
    )
    assert queries.answer_counts(event)[kind] == [("Public library", 0), ("Academic", 0), ("Public", 2)]


def test_answer_counts_of_a_library_question_count_this_events_registrants_only(
    make_event, make_host, make_question, register
):
    host = make_host()
    question = make_question(host=host, type="yes_no", label="First time?")
    ours, theirs = make_event(), make_event()
    for event in (ours, theirs):
        operations.ask_from_library(event, question, host=host)
    register(ours, answers=[answer(question, "yes")])
    register(theirs, answers=[answer(question, "yes")])
    register(theirs, answers=[answer(question, "no")])
    assert queries.answer_counts(ours) == {question: [("Yes", 1), ("No", 0)]}
    assert queries.answer_counts(make_event()) == {}


def test_running_an_event_again_asks_the_same_questions_with_its_own_copies(
    make_event, make_host, make_question, clock
):
    host, source, target = make_host(), make_event(), make_event()
    own = make_question(source, type="choice", label="Library type", required=True)
    shared = make_question(host=host, label="State")
    operations.ask_from_library(source, shared, host=host)
    operations.copy_questions(source, target, now=clock.now())
    copied, still_shared = queries.list_for_event(target)
    assert still_shared is shared
    assert copied.id != own.id
    assert (copied.event_id, copied.label, copied.required, copied.choice_labels) == (
        target.id,
        "Library type",
        True,
        ["Public", "Academic", "School"],
    )
    operations.update_question(copied, Definition("choice", "Type", options=["A", "B"]), host=host)
    assert own.label == "Library type"
