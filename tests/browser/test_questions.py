"""Hosts' registration questions in a real browser: registering on a phone with a required question left blank
(the error summary, then fixed), and axe on the registration page with questions and on the host's question pages."""

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from eventreg.questions import operations, queries, rules
from eventreg.questions.operations import Definition
from eventreg.registrations.models import Registration

pytestmark = pytest.mark.browser

PHONE = {"width": 375, "height": 740}


def ask(event, kind: str, label: str, clock, **definition):
    return operations.create_question(Definition(kind, label, **definition), event=event, now=clock.now())


@pytest.fixture
def asking(make_event, make_host, clock):
    """An event asking a question of each kind, the first two required, hosted by a host: (event, host)."""
    host = make_host()
    event = make_event(capacity=20, hosts=[host])
    ask(event, "choice", "Library type", clock, required=True, options=["Public", "Academic", "School"])
    ask(event, "consent", "Sharing", clock, required=True, consent_text="I agree that my name is shared.")
    ask(event, "multiple_choice", "Topics", clock, options=["Storytime", "Makerspaces"], help_text="Pick any.")
    ask(event, "yes_no", "Watching with colleagues?", clock)
    ask(event, "number", "How many colleagues?", clock, min_value=0, max_value=50)
    ask(event, "date", "When did you start?", clock)
    ask(event, "country", "Country", clock)
    ask(event, "short_text", "State or province", clock)
    ask(event, "long_text", "What do you hope to learn?", clock)
    return event, host


def fill_fixed_fields(page) -> None:
    page.get_by_label("Your name").fill("Ana Lima")
    page.get_by_label("Email address").fill("ana@library.example.org")
    page.get_by_label("Library or organization").fill("Springfield Public Library")


def no_sideways_scroll(page) -> None:
    page.wait_for_load_state("load")  # measured once the stylesheet applies
    assert page.evaluate("() => document.documentElement.scrollWidth") <= page.viewport_size["width"]


def test_on_a_phone_a_required_question_left_blank_is_summarised_then_fixed(
    browser, live_server, app, asking, db_session
):
    event, _host = asking
    db_session.commit()
    app.config["SERVER_NAME"], server_name = None, app.config["SERVER_NAME"]
    context = browser.new_context(base_url=live_server, viewport=PHONE, is_mobile=True, has_touch=True)
    page = context.new_page()
    page.set_default_timeout(10_000)
    try:
        page.goto(f"/events/{event.slug}/register")
        no_sideways_scroll(page)
        fill_fixed_fields(page)
        page.get_by_label("I agree that my name is shared.").check()
        page.get_by_label("How many colleagues? (optional)").fill("99")
        page.locator("#register button[type=submit]").click()

        summary = page.locator("#form-errors")
        expect(summary).to_be_focused()
        expect(summary).to_be_in_viewport()
        expect(summary).to_contain_text("Library type: Please choose one of the options.")
        expect(summary).to_contain_text("How many colleagues? (optional): Please enter a number between 0 and 50.")
        no_sideways_scroll(page)
        # What was given is kept; the summary's link goes to the question's first option.
        expect(page.get_by_label("Your name")).to_have_value("Ana Lima")
        expect(page.get_by_label("I agree that my name is shared.")).to_be_checked()
        summary.get_by_role("link", name="Library type: Please choose one of the options.").click()
        expect(page.get_by_role("radio", name="Public")).to_be_focused()
        page.get_by_role("group", name="Library type").get_by_label("Academic").check()
        page.get_by_label("How many colleagues? (optional)").fill("4")
        page.get_by_role("group", name="Topics (optional)").get_by_label("Makerspaces").check()
        page.get_by_label("Country (optional)").select_option("CA")
        page.locator("#register button[type=submit]").click()

        expect(page.get_by_role("heading", level=1)).to_have_text("Check your email")
        no_sideways_scroll(page)
    finally:
        context.close()
        app.config["SERVER_NAME"] = server_name
    db_session.rollback()  # a fresh snapshot: the server wrote in another connection
    registration = db_session.scalars(sa.select(Registration)).one()
    given = {a.label: a.value for a in queries.answers_of([registration.id])[registration.id]}
    assert given == {
        "Library type": "Academic",
        "Sharing": "Yes",
        "Topics": "Makerspaces",
        "How many colleagues?": "4",
        "Country": "Canada",
    }


def test_the_registration_page_with_questions_passes_axe_with_and_without_errors(page, axe, asking, db_session):
    event, _host = asking
    db_session.commit()
    page.goto(f"/events/{event.slug}/register")
    expect(page.get_by_role("group", name="Library type")).to_be_visible()
    axe(page)
    page.locator("#register button[type=submit]").click()
    expect(page.locator(".error-summary")).to_contain_text("Sharing: Please tick the box to agree")
    axe(page)


def test_the_hosts_question_pages_pass_axe_and_reflow(page, axe, asking, register, db_session, sign_in, clock):
    event, host = asking
    [kind] = [q for q in queries.list_for_event(event) if q.label == "Library type"]
    operations.save_to_library(kind, host=host)
    register(event, answers=[rules.read_answer(kind, str(kind.options[0].id))])
    db_session.commit()
    sign_in(page, host)
    for path, heading in (
        (f"/host/events/{event.id}/questions", f"Questions: {event.title}"),
        (f"/host/events/{event.id}/questions/new", f"Add a question: {event.title}"),
        (f"/host/events/{event.id}/questions/{kind.id}/edit", f"Edit question: {event.title}"),
        (f"/host/events/{event.id}/questions/{kind.id}/remove", "Remove this question?"),
        (f"/host/events/{event.id}/answers", f"Answers: {event.title}"),
        ("/host/questions", "Your question library"),
        (f"/host/questions/{kind.id}/delete", "Delete this question from your library?"),
        (f"/host/events/{event.id}/attendees", f"Registrants: {event.title}"),
    ):
        page.set_viewport_size({"width": 1280, "height": 800})
        page.goto(path)
        expect(page.get_by_role("heading", level=1)).to_have_text(heading)
        axe(page)
        page.set_viewport_size({"width": 320, "height": 640})
        no_sideways_scroll(page)
    # The form's errors, as a host meets them.
    page.goto(f"/host/events/{event.id}/questions/new")
    page.get_by_label("Type of answer").select_option("choice")
    page.get_by_role("button", name="Add question").click()
    expect(page.locator(".error-summary")).to_contain_text("Please write the question.")
    axe(page)
    # Reordering from the list, as a keyboard or touch user does it.
    page.goto(f"/host/events/{event.id}/questions")
    page.get_by_role("button", name="Down (move “Library type” later)").click()
    expect(page.locator("table.questions tbody tr").nth(1)).to_contain_text("Library type")
