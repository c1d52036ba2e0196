"""The host's question pages (an event's questions, the library, the answers page), and answers where hosts read
them: the registrant list and its CSV export. Never on transcripts or certificates."""

import csv
import io
from datetime import timedelta
from decimal import Decimal

import pytest
import sqlalchemy as sa

from eventreg.certificates import operations as certificate_operations
from eventreg.certificates import rendering
from eventreg.questions import operations, queries, rules
from eventreg.questions.models import Answer, Question
from eventreg.transcripts import tokens as transcript_tokens

QUESTION_FORM = {"type": "short_text", "label": "State or province", "help_text": "", "options": "", "min_value": "",
                 "max_value": "", "consent_text": ""}  # fmt: skip


def given(question, raw):
    return rules.read_answer(question, raw)


def export(client, event) -> tuple[list[str], list[list[str]]]:
    response = client.get(f"/host/events/{event.id}/attendees.csv")
    assert response.status_code == 200
    header, *rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))
    return header, rows


@pytest.fixture
def hosted(hosted_event, db_session):
    """An event whose host is signed in, committed: a GET may not write what the test left pending."""
    event = hosted_event()
    db_session.commit()
    return event


def test_the_questions_page_is_reached_from_the_events_host_pages_and_only_by_its_hosts(
    client, hosted, make_host, login, text_of
):
    for page in (f"/host/events/{hosted.id}/attendees", f"/host/events/{hosted.id}/edit"):
        assert f'href="/host/events/{hosted.id}/questions"' in client.get(page).get_data(as_text=True)
    response = client.get(f"/host/events/{hosted.id}/questions")
    assert response.status_code == 200
    assert "This event asks no questions of its own yet" in text_of(response)
    login(make_host("other@library.example.org"))
    for path in ("questions", "questions/new", "answers"):
        assert client.get(f"/host/events/{hosted.id}/{path}").status_code == 404


def test_signed_out_the_pages_lead_to_sign_in(client, make_event):
    event = make_event()
    for path in (f"/host/events/{event.id}/questions", "/host/questions", f"/host/events/{event.id}/answers"):
        response = client.get(path)
        assert response.status_code == 302
        assert "/host/login" in response.headers["Location"]


def test_a_host_adds_edits_and_reorders_questions(client, hosted, db_session, text_of):
    response = client.post(f"/host/events/{hosted.id}/questions/new", data=QUESTION_FORM)
    assert response.status_code == 303
    choice = {**QUESTION_FORM, "type": "choice", "label": "Library type", "options": "Public\r\nAcademic\r\n",
              "required": "y"}  # fmt: skip
    assert client.post(f"/host/events/{hosted.id}/questions/new", data=choice).status_code == 303
    page = text_of(client.get(f"/host/events/{hosted.id}/questions"))
    assert "Question added: “Library type”" in page
    assert page.index("State or province") < page.index("Library type")
    assert "Single choice (one of a list), required" in page
    assert "Public · Academic" in page
    state, kind = queries.list_for_event(hosted)

    edit = client.get(f"/host/events/{hosted.id}/questions/{kind.id}/edit")
    assert 'value="Library type"' in edit.get_data(as_text=True)
    assert "Public\nAcademic</textarea>" in edit.get_data(as_text=True)
    changed = {**choice, "label": "Type of library", "options": "Public\nAcademic\nSchool"}
    assert client.post(f"/host/events/{hosted.id}/questions/{kind.id}/edit", data=changed).status_code == 303
    assert client.post(f"/host/events/{hosted.id}/questions/{kind.id}/up").status_code == 303
    db_session.expire_all()
    assert [q.label for q in queries.list_for_event(hosted)] == ["Type of library", "State or province"]
    assert [option.label for option in kind.options] == ["Public", "Academic", "School"]


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"label": ""}, "Please write the question."),
        ({"type": "choice", "options": "Only one"}, "Give at least two options, one per line."),
        ({"type": "number", "min_value": "ten"}, "Please enter a whole number, like 10, or leave it empty."),
        ({"type": "number", "min_value": "10", "max_value": "1"}, "The smallest number allowed must not be larger"),
        ({"type": "number", "max_value": "99999999999"}, "Use numbers between -999,999,999 and 999,999,999."),
        ({"type": "consent"}, "Write what the registrant agrees to by ticking the box."),
        ({"type": "essay"}, "Not a valid choice"),
    ],
)
def test_a_question_its_type_cannot_have_is_refused_with_the_reason(client, hosted, text_of, changes, message):
    response = client.post(f"/host/events/{hosted.id}/questions/new", data={**QUESTION_FORM, **changes})
    assert response.status_code == 400
    assert message in text_of(response)
    assert 'class="error-summary"' in response.get_data(as_text=True)
    assert queries.list_for_event(hosted) == []


def test_deleting_a_question_with_answers_is_confirmed_and_keeps_the_answers_in_the_export(
    client, hosted, make_question, register, db_session, text_of
):
    state = make_question(hosted, label="State")
    register(hosted, name="Ana", answers=[given(state, "Ohio")])
    db_session.commit()
    confirm = client.get(f"/host/events/{hosted.id}/questions/{state.id}/remove")
    page = text_of(confirm)
    assert "Delete this question?" in page
    assert "1 registrant answered it. The answer stays on the registrant list and in its CSV export" in page
    assert "This cannot be undone" in page
    assert queries.list_for_event(hosted) == [state]  # nothing happens until the host confirms
    response = client.post(f"/host/events/{hosted.id}/questions/{state.id}/remove")
    assert response.status_code == 303
    assert "“State” was deleted" in text_of(client.get(response.headers["Location"]))
    db_session.expire_all()
    assert db_session.get(Question, state.id) is None
    header, rows = export(client, hosted)
    assert header[-1] == "State (question removed)"
    assert rows[0][-1] == "Ohio"
    assert "(question removed)" in text_of(client.get(f"/host/events/{hosted.id}/attendees"))


def test_the_registrant_list_shows_each_registrants_answers(client, hosted, make_question, register, db_session):
    state = make_question(hosted, label="State")
    watching = make_question(hosted, type="yes_no", label="Watching with others?")
    register(hosted, name="Ana", answers=[given(state, "<b>Ohio</b>"), given(watching, "yes")])
    register(hosted, name="Ben", answers=[])
    db_session.commit()
    html = client.get(f"/host/events/{hosted.id}/attendees").get_data(as_text=True)
    assert '<th scope="col">Answers</th>' in html
    assert "<summary>2 answers" in html
    assert "<dt>State</dt><dd>&lt;b&gt;Ohio&lt;/b&gt;</dd>" in html  # escaped where shown
    assert "<dt>Watching with others?</dt><dd>Yes</dd>" in html


def test_the_registrant_list_of_an_event_without_questions_has_no_answers_column(client, hosted, register, db_session):
    register(hosted)
    db_session.commit()
    assert '<th scope="col">Answers</th>' not in client.get(f"/host/events/{hosted.id}/attendees").get_data(
        as_text=True
    )


def test_the_export_has_a_column_per_question_safe_from_formulas(client, hosted, make_question, register, db_session):
    formula = make_question(hosted, label='=HYPERLINK("http://evil.example")')
    colleagues = make_question(hosted, type="number", label="Colleagues")
    register(hosted, name="Ana", answers=[given(formula, "=1+1"), given(colleagues, "-3")])
    register(hosted, name="Ben", answers=[given(colleagues, "4")])
    db_session.commit()
    header, rows = export(client, hosted)
    assert header[-2:] == ['\'=HYPERLINK("http://evil.example")', "Colleagues"]
    assert [row[-2:] for row in rows] == [["'=1+1", "'-3"], ["", "4"]]


def test_the_answers_page_counts_choices_in_a_table(client, hosted, make_question, register, db_session, option_id):
    kind = make_question(hosted, type="choice", label="Library type")
    make_question(hosted, type="short_text", label="State")
    for label in ("Public", "Public", "School"):
        register(hosted, answers=[given(kind, option_id(kind, label))])
    db_session.commit()
    html = client.get(f"/host/events/{hosted.id}/answers").get_data(as_text=True)
    assert f'<caption id="counts-{kind.id}">Library type' in html
    assert '<th scope="row">Public</th>\n          <td class="number">2</td>' in html
    assert '<th scope="row">Academic</th>\n          <td class="number">0</td>' in html
    assert "67%" in html
    assert 'id="counts-' in html
    assert html.count("<table") == 1  # the short text question is not counted


def test_the_answers_page_of_an_event_without_choice_questions_says_so(client, hosted, text_of):
    assert "nothing to count" in text_of(client.get(f"/host/events/{hosted.id}/answers"))


def test_the_library_saves_once_and_any_event_of_the_host_asks_it(client, hosted, hosted_event, db_session, text_of):
    host = hosted.hosts[0]
    other = hosted_event(host)
    assert client.post("/host/questions/new", data={**QUESTION_FORM, "label": "State"}).status_code == 303
    [question] = queries.list_library(host)
    page = text_of(client.get(f"/host/events/{hosted.id}/questions"))
    assert "Ask a question from your library" in page
    assert "Ask at this event (“State”) State (Short text (one line), optional)" in page
    for event in (hosted, other):
        assert client.post(f"/host/events/{event.id}/questions/ask/{question.id}").status_code == 303
    again = client.post(f"/host/events/{hosted.id}/questions/ask/{question.id}")
    assert again.status_code == 409
    assert "This event already asks that question." in text_of(again)
    assert "2 events" in text_of(client.get("/host/questions"))
    edit = text_of(client.get(f"/host/events/{hosted.id}/questions/{question.id}/edit"))
    assert "a change reaches 2 events that ask it" in edit
    assert (
        client.post(f"/host/questions/{question.id}/edit", data={**QUESTION_FORM, "label": "Region"}).status_code == 303
    )
    db_session.expire_all()
    assert [q.label for q in queries.list_for_event(other)] == ["Region"]


def test_save_to_my_library_then_remove_keeps_it_in_the_library(client, hosted, make_question, db_session, text_of):
    question = make_question(hosted, label="What do you hope to learn?", type="long_text")
    db_session.commit()
    assert client.post(f"/host/events/{hosted.id}/questions/{question.id}/save-to-library").status_code == 303
    confirm = text_of(client.get(f"/host/events/{hosted.id}/questions/{question.id}/remove"))
    assert "Remove this question?" in confirm
    assert "The question stays in the library" in confirm
    assert client.post(f"/host/events/{hosted.id}/questions/{question.id}/remove").status_code == 303
    db_session.expire_all()
    assert queries.list_for_event(hosted) == []
    assert [q.label for q in queries.list_library(hosted.hosts[0])] == ["What do you hope to learn?"]


def test_deleting_from_the_library_is_confirmed_naming_the_events_that_ask_it(
    client, hosted, make_question, db_session, text_of
):
    host = hosted.hosts[0]
    question = make_question(host=host, label="State")
    operations.ask_from_library(hosted, question, host=host)
    db_session.commit()
    confirm = text_of(client.get(f"/host/questions/{question.id}/delete"))
    assert "1 event asks it, and will stop asking it" in confirm
    assert hosted.title in confirm
    assert client.post(f"/host/questions/{question.id}/delete").status_code == 303
    db_session.expire_all()
    assert queries.list_library(host) == []
    assert queries.list_for_event(hosted) == []


def test_a_cohost_cannot_change_another_hosts_library_question_but_can_remove_it_from_the_event(
    client, hosted, make_host, make_question, login, db_session, text_of
):
    owner = hosted.hosts[0]
    question = make_question(host=owner, label="State")
    operations.ask_from_library(hosted, question, host=owner)
    cohost = make_host("cohost@library.example.org")
    hosted.hosts.append(cohost)
    db_session.commit()
    login(cohost)
    page = client.get(f"/host/events/{hosted.id}/questions").get_data(as_text=True)
    assert f"/questions/{question.id}/edit" not in page
    assert "another host’s library" in page
    refused = client.get(f"/host/events/{hosted.id}/questions/{question.id}/edit", follow_redirects=True)
    assert "Only host@library.example.org, whose library this question is in, can change or delete it" in text_of(
        refused
    )
    assert client.get(f"/host/questions/{question.id}/edit").status_code == 404  # not in the cohost's library
    assert client.post(f"/host/events/{hosted.id}/questions/{question.id}/remove").status_code == 303
    db_session.expire_all()
    assert queries.list_library(owner) == [question]


def test_a_question_the_event_does_not_ask_is_not_found_on_its_pages(
    client, hosted, make_event, make_question, db_session
):
    elsewhere = make_question(make_event(), label="Elsewhere")
    db_session.commit()
    for path in ("edit", "remove"):
        assert client.get(f"/host/events/{hosted.id}/questions/{elsewhere.id}/{path}").status_code == 404
    assert client.post(f"/host/events/{hosted.id}/questions/{elsewhere.id}/up").status_code == 404
    assert client.get(f"/host/events/{hosted.id}/questions/99999999999/edit").status_code == 404


def test_answers_are_never_on_transcripts_or_certificates(
    app, client, hosted, make_question, register, db_session, clock, mailbox
):
    hosted.contact_hours = Decimal("1.5")
    secret = make_question(hosted, label="Private note")
    registration = register(hosted, email="ana@library.example.org", answers=[given(secret, "SENTINEL-ANSWER")])
    registration.attended, registration.minutes_attended = True, 60
    clock.set(hosted.ends_at + timedelta(hours=1))
    [certificate] = certificate_operations.finalise(hosted, host=hosted.hosts[0], now=clock.now())
    db_session.commit()
    with app.test_request_context():
        assert "SENTINEL" not in rendering.certificate_html(certificate)
        link = transcript_tokens.transcript_token("ana@library.example.org")
    for path in (f"/transcript/{link}", f"/transcript/{link}/transcript.csv"):
        response = client.get(path)
        assert response.status_code == 200
        assert b"SENTINEL" not in response.data
    assert db_session.scalar(sa.select(Answer.value)) == "SENTINEL-ANSWER"


def test_run_it_again_copies_the_questions(client, hosted, make_question, db_session):
    make_question(hosted, type="yes_no", label="First time?")
    db_session.commit()
    response = client.post(f"/host/events/{hosted.id}/duplicate")
    assert response.status_code == 303
    copy_id = int(response.headers["Location"].rstrip("/").split("/")[-2])
    db_session.expire_all()
    copy = db_session.get(type(hosted), copy_id)
    assert [q.label for q in queries.list_for_event(copy)] == ["First time?"]
