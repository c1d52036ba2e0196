"""The question pages (an event's questions, the library, the answers, the forms and confirmations) in Spanish and
French leave no English outside what hosts typed; a country question lists CLDR's names in the page's language,
and the answer is kept in English, as exports read it."""

import re

import pytest

from eventreg.questions import operations, rules

TITLE = "Building community connections by hiring for cultural knowledge"


def ours(html: str) -> str:
    """The page's own part: <main> without the host navigation (the header, footer and host menu are other
    templates' text)."""
    main = re.search(r"<main\b.*?</main>", html, flags=re.S)[0]
    return re.sub(r'<nav class="host-nav".*?</nav>', " ", main, flags=re.S)


@pytest.fixture
def asked(hosted_event, make_host, make_question, register, db_session, option_id):
    """An event asking a choice, a yes-or-no, a number and a library question, with two registrants' answers."""
    host = make_host()
    event = hosted_event(host)
    kind = make_question(event, type="choice", label="Library type", help_text="Where you work")
    watching = make_question(event, type="yes_no", label="Watching with colleagues")
    colleagues = make_question(event, type="number", label="How many colleagues", min_value=1, max_value=40)
    shared = make_question(host=host, type="short_text", label="State or province")
    make_question(host=host, type="country", label="Country of work")
    operations.ask_from_library(event, shared, host=host)
    register(event, name="Ana Lima", answers=[rules.read_answer(kind, option_id(kind, "Public")),
                                              rules.read_answer(watching, "yes")])  # fmt: skip
    register(event, name="Ben Okafor", answers=[rules.read_answer(kind, option_id(kind, "School"))])
    db_session.commit()
    return {"event": event, "kind": kind, "shared": shared, "colleagues": colleagues}


CONTENT = (TITLE, "Library type", "Where you work", "Watching with colleagues", "How many colleagues")
CONTENT += ("State or province", "Country of work", "Public", "Academic", "School", "Ana Lima", "Ben Okafor")


@pytest.mark.parametrize("language", ["es", "fr"])
def test_question_pages_leave_no_english(client, asked, english_left, language):
    event, kind, shared = asked["event"], asked["kind"], asked["shared"]
    pages = [
        f"/host/events/{event.id}/questions",
        f"/host/events/{event.id}/questions/new",
        f"/host/events/{event.id}/questions/{kind.id}/edit",
        f"/host/events/{event.id}/questions/{shared.id}/edit",
        f"/host/events/{event.id}/questions/{kind.id}/remove",
        f"/host/events/{event.id}/questions/{shared.id}/remove",
        f"/host/events/{event.id}/answers",
        "/host/questions",
        "/host/questions/new",
        f"/host/questions/{shared.id}/edit",
        f"/host/questions/{shared.id}/delete",
    ]
    for url in pages:
        page = client.get(url, headers={"Accept-Language": language})
        assert page.status_code == 200, url
        html = page.get_data(as_text=True)
        assert f'<html lang="{language}"' in html
        assert english_left(ours(html), *CONTENT) == [], url
    answers = client.get(f"/host/events/{event.id}/answers", headers={"Accept-Language": language})
    assert {"es": '<th scope="row">Sí', "fr": '<th scope="row">Oui'}[language] in answers.get_data(as_text=True)


@pytest.mark.parametrize("language", ["es", "fr"])
def test_a_refused_question_and_the_flashes_leave_no_english(client, asked, english_left, language):
    event = asked["event"]
    url = f"/host/events/{event.id}/questions/new?lang={language}"
    form = {"type": "choice", "label": "Format", "help_text": "", "options": "Zoom\nzoom", "min_value": "",
            "max_value": "", "consent_text": ""}  # fmt: skip
    refused = client.post(url, data=form)
    assert refused.status_code == 400
    errors = " ".join(re.findall(r'<p class="error".*?</p>', refused.get_data(as_text=True), flags=re.S))
    assert {"es": "Cada opción debe ser distinta", "fr": "Chaque option doit être différente"}[language] in errors
    assert english_left(errors, "zoom", "Zoom") == []
    added = client.post(url, data={**form, "options": "Zoom\nTeams"}, follow_redirects=True)
    html = added.get_data(as_text=True)
    assert {"es": "Pregunta añadida: «Format»", "fr": "Question ajoutée : « Format »"}[language] in html
    assert english_left(ours(html), *CONTENT, "Format", "Zoom", "Teams") == []


@pytest.mark.parametrize(
    ("language", "spain", "germany"), [("es", "España", "Alemania"), ("fr", "Espagne", "Allemagne")]
)
def test_a_country_question_lists_countries_in_the_page_language_and_keeps_the_english_name(
    client, hosted_event, make_question, db_session, language, spain, germany
):
    event = hosted_event()
    question = make_question(event, type="country", label="Country of work")
    db_session.commit()
    html = client.get(f"/events/{event.slug}/register", headers={"Accept-Language": language}).get_data(as_text=True)
    assert f'<option value="ES">{spain}</option>' in html
    assert f'<option value="DE">{germany}</option>' in html
    assert rules.read_answer(question, "ES").value == "Spain"  # stored as exports read it, in any language
