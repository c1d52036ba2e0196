"""A registrant's answers on the details page of their mailed link: shown as given, changed like their other
details (recorded for the host as "answers", updated_at moved), and filled in again by "Register again"."""

import re

import sqlalchemy as sa

from eventreg.questions.models import Answer
from eventreg.questions.rules import read_answer
from eventreg.registrations import tokens
from eventreg.registrations.models import Registration, RegistrationChange

DETAILS = {"name": "Ana Lima", "organization": "Springfield Public Library", "job_role": "", "accessibility": ""}


def checked_values(html: str) -> set[str]:
    """The values of the ticked boxes and chosen radio buttons of the questions' fields."""
    return set(
        re.findall(r'<input type="(?:checkbox|radio)" name="question_\d+" id="[^"]+" value="([^"]+)" checked>', html)
    )


def mailed_link(app, registration) -> str:
    with app.test_request_context():
        return f"/r/{tokens.mailed_manage_token(registration)}"


def test_answers_are_shown_changed_and_recorded_from_the_details_page(
    app, client, make_event, make_question, register, option_id, db_session, clock
):
    event = make_event()
    kind = make_question(event, type="choice", label="Library type", required=True)
    country = make_question(event, type="country", label="Country")
    hope = make_question(event, type="short_text", label="What do you hope to learn?")
    ana = register(
        event,
        name="Ana Lima",
        organization="Springfield Public Library",
        answers=[read_answer(kind, option_id(kind, "Public")), read_answer(country, "CA")],
    )
    db_session.commit()
    page = mailed_link(app, ana) + "/details"

    html = client.get(page).get_data(as_text=True)
    assert checked_values(html) == {option_id(kind, "Public")}
    assert '<option selected value="CA">' in html

    unchanged = {**DETAILS, f"question_{kind.id}": option_id(kind, "Public"), f"question_{country.id}": "CA"}
    assert client.post(page, data=unchanged).status_code == 303
    assert db_session.scalar(sa.select(sa.func.count()).select_from(RegistrationChange)) == 0

    blank = {**unchanged, f"question_{kind.id}": ""}
    refused = client.post(page, data=blank)
    assert refused.status_code == 400
    assert "Library type" in refused.get_data(as_text=True)

    clock.advance(minutes=5)
    changed = {**unchanged, f"question_{kind.id}": option_id(kind, "Academic"), f"question_{hope.id}": "Grants"}
    assert client.post(page, data=changed).status_code == 303
    db_session.expire_all()
    answers = {a.label: (a.value, a.choice_labels) for a in db_session.scalars(sa.select(Answer))}
    assert answers == {
        "Library type": ("Academic", ["Academic"]),
        "Country": ("Canada", []),
        "What do you hope to learn?": ("Grants", []),
    }
    (record,) = db_session.scalars(sa.select(RegistrationChange))
    assert record.fields == [
        {"field": "answers", "label": "Library type", "old": "Public", "new": "Academic"},
        {"field": "answers", "label": "What do you hope to learn?", "old": "", "new": "Grants"},
    ]
    assert db_session.get(Registration, ana.id).updated_at == clock.now()


def test_register_again_fills_in_the_answers_of_the_cancelled_registration(
    app, client, make_event, make_question, register, option_id, db_session
):
    event = make_event()
    kinds = make_question(event, type="multiple_choice", label="Library type")
    together = make_question(event, type="yes_no", label="Watching with colleagues?")
    ana = register(
        event,
        answers=[
            read_answer(kinds, [option_id(kinds, "Public"), option_id(kinds, "School")]),
            read_answer(together, "no"),
        ],
    )
    db_session.commit()
    manage = mailed_link(app, ana)
    assert client.post(f"{manage}/cancel").status_code == 303
    html = client.get(f"{manage}/register-again").get_data(as_text=True)
    assert checked_values(html) == {option_id(kinds, "Public"), option_id(kinds, "School"), "no"}
