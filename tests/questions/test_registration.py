"""The public registration form with an event's own questions: shown after the fixed fields, accessible, checked on
the server with words that say what to fix, and the answers stored with the registration and sent in its webhook."""

import json
import re

import sqlalchemy as sa

from eventreg.questions import queries
from eventreg.registrations.models import Registration
from eventreg.webhooks import network
from eventreg.webhooks import operations as webhook_operations
from eventreg.webhooks.models import WebhookDelivery


def the_registration(db_session) -> Registration | None:
    return db_session.scalars(sa.select(Registration)).one_or_none()


def summary_items(html: str) -> list[str]:
    summary = re.search(r'<div class="error-summary".*?</div>', html, re.S)
    assert summary, "no error summary"
    return [" ".join(re.sub(r"<[^>]+>", " ", item).split()) for item in re.findall(r"<li>(.*?)</li>", summary[0], re.S)]


def test_the_form_asks_the_events_questions_after_its_own_fields_in_order(client, make_event, make_question):
    event = make_event()
    state = make_question(event, type="short_text", label="State or province", help_text="Where your library is.")
    make_question(event, type="choice", label="Library type", required=True)
    make_question(event, type="multiple_choice", label="Topics")
    make_question(event, type="yes_no", label="Watching with colleagues?")
    make_question(event, type="number", label="How many colleagues?", min_value=0, max_value=50)
    make_question(event, type="date", label="When did you start?")
    make_question(event, type="country", label="Country")
    make_question(event, type="long_text", label="What do you hope to learn?")
    make_question(event, type="consent", label="Sharing", required=True)
    html = client.get(f"/events/{event.slug}/register").get_data(as_text=True)
    order = [html.index(text) for text in (
        "Email me when the recording is posted", "State or province (optional)", "Library type</legend>",
        "Topics (optional)</legend>", "Watching with colleagues? (optional)</legend>",
        "How many colleagues? (optional)", "When did you start? (optional)", "Country (optional)",
        "What do you hope to learn? (optional)", "Sharing</legend>", ">Register</button>",
    )]  # fmt: skip
    assert order == sorted(order)
    assert f'<p class="hint" id="question_{state.id}-hint">Where your library is.</p>' in html
    assert f'aria-describedby="question_{state.id}-hint"' in html
    assert "A whole number from 0 to 50." in html
    assert "Year-month-day, for example 2025-03-31." in html
    assert "Choose all that apply." in html
    assert 'type="date"' not in html  # typed as the hint says, whatever the browser's locale
    assert 'inputmode="numeric"' in html
    assert '<option value="CA">Canada</option>' in html
    assert "I agree that my name is shared with my library." in html
    assert html.count('type="radio"') == 3 + 2  # the choice's three options, yes and no


def test_required_questions_left_blank_are_listed_in_the_error_summary(
    client, make_event, make_question, post_registration, db_session
):
    event = make_event()
    kind = make_question(event, type="choice", label="Library type", required=True)
    make_question(event, type="short_text", label="State", required=False)
    consent = make_question(event, type="consent", label="Sharing", required=True)
    response = post_registration(event, name="")
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert summary_items(html) == [
        "Your name: Please enter your name.",
        "Library type: Please choose one of the options.",
        "Sharing: Please tick the box to agree, or you cannot register.",
    ]
    # Each summary link lands on the question's first box, which the question's error describes.
    assert f'href="#question_{kind.id}"' in html
    assert f'id="question_{kind.id}" value=' in html
    assert f'aria-describedby="question_{consent.id}-error-1"' in html
    assert the_registration(db_session) is None


def test_answers_are_checked_with_specific_messages_and_what_was_typed_comes_back(
    client, make_event, make_question, post_registration, db_session
):
    event = make_event()
    number = make_question(event, type="number", label="Colleagues", min_value=1, max_value=20)
    day = make_question(event, type="date", label="Start date")
    kind = make_question(event, type="choice", label="Library type")
    country = make_question(event, type="country", label="Country")
    response = post_registration(
        event,
        **{
            f"question_{number.id}": "25",
            f"question_{day.id}": "31/03/2025",
            f"question_{kind.id}": "999999",  # no such option
            f"question_{country.id}": "XX",
        },
    )
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert summary_items(html) == [
        "Colleagues (optional): Please enter a number between 1 and 20.",
        "Start date (optional): Please enter a real date as year-month-day, like 2025-03-31.",
        "Library type (optional): Please choose from the list.",
        "Country (optional): Please choose from the list.",
    ]
    assert 'value="25"' in html
    assert 'value="31/03/2025"' in html
    assert the_registration(db_session) is None


def test_a_registration_with_answers_stores_them_as_given(
    client, make_event, make_question, post_registration, db_session, option_id, mailbox
):
    event = make_event()
    kind = make_question(event, type="choice", label="Library type", required=True)
    topics = make_question(event, type="multiple_choice", label="Topics")
    number = make_question(event, type="number", label="Colleagues")
    country = make_question(event, type="country", label="Country")
    note = make_question(event, type="long_text", label="Hopes")
    consent = make_question(event, type="consent", label="Sharing", required=True)
    make_question(event, type="short_text", label="State")  # optional, left empty
    form = {
        f"question_{kind.id}": option_id(kind, "School"),
        f"question_{topics.id}": [option_id(topics, "Academic"), option_id(topics, "Public")],
        f"question_{number.id}": " 3 ",
        f"question_{country.id}": "NZ",
        f"question_{note.id}": "Better\r\nstorytimes",
        f"question_{consent.id}": "y",
    }
    response = post_registration(event, **form)
    assert response.status_code == 200, response.get_data(as_text=True)
    registration = the_registration(db_session)
    assert queries.shown_answers_of([registration.id])[registration.id] == [
        {"question_id": kind.id, "label": "Library type", "type": "choice", "value": "School", "choices": ["School"]},
        {"question_id": topics.id, "label": "Topics", "type": "multiple_choice", "value": "Public; Academic",
         "choices": ["Public", "Academic"]},
        {"question_id": number.id, "label": "Colleagues", "type": "number", "value": "3", "choices": []},
        {"question_id": country.id, "label": "Country", "type": "country", "value": "New Zealand", "choices": []},
        {"question_id": note.id, "label": "Hopes", "type": "long_text", "value": "Better\nstorytimes", "choices": []},
        {"question_id": consent.id, "label": "Sharing", "type": "consent", "value": "Yes", "choices": []},
    ]  # fmt: skip
    # The confirmation is the usual one: answers are for the hosts, not repeated in the mail.
    assert len(mailbox) == 1
    assert "School" not in mailbox[0].get_body(("plain",)).get_content()


def test_the_same_form_sent_twice_stores_the_answers_once(
    client, make_event, make_question, post_registration, db_session
):
    event = make_event()
    state = make_question(event, label="State")
    for _ in range(2):
        assert post_registration(event, **{f"question_{state.id}": "Ohio"}).status_code == 200
    registration = the_registration(db_session)
    assert [a.value for a in queries.answers_of([registration.id])[registration.id]] == ["Ohio"]


def test_an_event_without_questions_keeps_its_form_as_it_was(client, make_event):
    html = client.get(f"/events/{make_event().slug}/register").get_data(as_text=True)
    assert "question_" not in html


def test_the_webhook_of_a_new_registration_carries_its_answers(
    app, client, make_event, make_host, make_question, post_registration, db_session, clock, monkeypatch
):
    monkeypatch.setitem(app.config, "WEBHOOK_ALLOWED_HOSTS", "127.0.0.1")
    event = make_event()
    state = make_question(event, label="State")
    watching = make_question(event, type="yes_no", label="Watching with others?")
    webhook_operations.create_endpoint(
        make_host(admin=True),
        url="http://127.0.0.1:9/hook",
        event_types=["registration.created"],
        description="",
        allowed=network.allowed_hosts("127.0.0.1"),
        now=clock.now(),
    )
    db_session.commit()
    assert (
        post_registration(event, **{f"question_{state.id}": "Ohio", f"question_{watching.id}": "no"}).status_code == 200
    )
    delivery = db_session.scalars(sa.select(WebhookDelivery)).one()
    answers = json.loads(delivery.payload)["data"]["registration"]["answers"]
    assert answers == [
        {"question_id": state.id, "label": "State", "type": "short_text", "value": "Ohio", "choices": []},
        {"question_id": watching.id, "label": "Watching with others?", "type": "yes_no", "value": "No",
         "choices": ["No"]},
    ]  # fmt: skip
