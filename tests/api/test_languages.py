"""The API in three languages: problem documents' title and detail (and our field messages) in the request's
language, from Accept-Language, their codes unchanged; the events' content `language`, read and written; the host's
API token pages in Spanish and French."""

import re

import pytest

from eventreg.events.models import Event

NEW_EVENT = {
    "title": "Zines at the library",
    "timezone": "Europe/Berlin",
    "starts_at": "2025-03-04T14:00:00+01:00",
    "ends_at": "2025-03-04T15:00:00+01:00",
}


@pytest.fixture
def writer(make_host, make_token, bearer):
    """A host with a read-write token: (host, headers)."""
    host = make_host()
    return host, bearer(make_token(host))


def own_part(html: str) -> str:
    """The page's main content without the host menu (hosts/_nav.html, another area's): what this area wrote."""
    main = html[html.index("<main") : html.index("</main>")]
    return re.sub(r'<nav class="host-nav".*?</nav>', " ", main, flags=re.S)


# Problem documents


def messages(errors) -> list[str]:
    """Every message in a problem's `errors` (by location, then field; lists of messages)."""
    if isinstance(errors, dict):
        return [message for value in errors.values() for message in messages(value)]
    if isinstance(errors, list):
        return [message for value in errors for message in messages(value)]
    return [errors] if isinstance(errors, str) else []


def test_a_problem_document_is_in_spanish_for_accept_language_es_and_english_otherwise(client, as_problem):
    english = as_problem(client.get("/api/v1/events/no-such-event"))
    assert (english["title"], english["code"]) == ("Not Found", "not_found")
    assert english["detail"] == "There is nothing here, or nothing this token may see."
    assert as_problem(client.get("/api/v1/events/no-such-event", headers={"Accept-Language": "en-GB"})) == english

    response = client.get("/api/v1/events/no-such-event", headers={"Accept-Language": "es-MX,es;q=0.9"})
    spanish = as_problem(response)
    assert response.headers["Content-Language"] == "es"
    assert "Accept-Language" in response.headers["Vary"]
    assert (spanish["title"], spanish["code"], spanish["type"]) == ("No encontrado", "not_found", english["type"])
    assert spanish["detail"] == "Aquí no hay nada, o nada que este token pueda ver."

    french = as_problem(client.get("/api/v1/events/no-such-event", headers={"Accept-Language": "fr"}))
    assert (french["title"], french["code"]) == ("Introuvable", "not_found")
    assert french["detail"] == "Il n’y a rien ici, ou rien que ce jeton puisse voir."


@pytest.mark.parametrize("language", ["es", "fr"])
def test_every_kind_of_refusal_speaks_the_request_language(client, writer, as_problem, english_left, language):
    _host, headers = writer
    asked = {**headers, "Accept-Language": language}
    refusals = [
        client.get("/api/v1/host/events", headers={"Accept-Language": language}),  # no token: 401
        client.get("/api/v1/events?colour=red&size=2", headers=asked),  # unknown parameters: 400
        client.get("/api/v1/events?cursor=made-up", headers=asked),  # 400 invalid_cursor
        client.post("/api/v1/host/events", data="title=x", headers={**asked, "Content-Type": "text/plain"}),  # 415
        client.patch("/api/v1/host/events/1", headers=asked),  # 400 body_required: a PATCH without a body
        client.post("/api/v1/host/events", json={**NEW_EVENT, "timezone": "Mars/Olympus"}, headers=asked),  # 422
        client.post("/api/v1/host/events", json={**NEW_EVENT, "topics": ["knitting"]}, headers=asked),
        client.delete("/api/v1/events", headers=asked),  # 405
    ]
    codes = []
    for response in refusals:
        body = response.get_json(force=True)
        codes.append(body["code"])
        assert response.headers["Content-Language"] == language
        words = "\n".join([body["title"], body["detail"], *messages(body.get("errors"))])
        # Left aside: the URL paths, and parameter names and values quoted from the request.
        kept = ("/api/v1/topics", "America/New_York", "colour", "size", "knitting", "text/plain")
        assert english_left(words, *kept) == [], words
    assert codes == [
        "unauthorized", "unknown_parameter", "invalid_cursor", "unsupported_media_type", "body_required",
        "invalid_input", "unknown_topic", "method_not_allowed",
    ]  # fmt: skip


def test_field_messages_follow_the_request_language_and_stay_english_without_one(client, writer, as_problem):
    _host, headers = writer
    bad = {**NEW_EVENT, "language": "de", "title": "Two\nlines"}
    english = as_problem(client.post("/api/v1/host/events", json=bad, headers=headers))
    assert english["code"] == "invalid_input"
    assert english["errors"]["json"]["language"] == ["Use one of the languages en, es or fr."]
    assert english["errors"]["json"]["title"] == ["Use a single line without control characters."]
    assert english["detail"] == "Some values are missing or not valid; see errors."

    spanish = as_problem(client.post("/api/v1/host/events", json=bad, headers={**headers, "Accept-Language": "es"}))
    assert spanish["code"] == "invalid_input"
    assert spanish["errors"]["json"]["language"] == ["Use uno de los idiomas en, es o fr."]
    assert spanish["errors"]["json"]["title"] == ["Use una sola línea sin caracteres de control."]
    assert spanish["detail"] == "Faltan valores o algunos no son válidos; consulte errors."


def test_the_openapi_document_stays_english_whatever_the_request_language(client):
    english = client.get("/api/v1/openapi.json").get_json()
    spanish = client.get("/api/v1/openapi.json", headers={"Accept-Language": "es"}).get_json()
    assert spanish == english
    assert english["components"]["responses"]["NOT_FOUND"]["description"] == (
        "There is nothing here, or nothing this token may see."
    )
    language = english["components"]["schemas"]["Event"]["properties"]["language"]
    assert language["enum"] == ["en", "es", "fr"]


# The events' content language


def test_events_carry_their_content_language_in_the_public_and_host_objects(
    client, make_event, writer, db_session, bearer
):
    host, headers = writer
    event = make_event(title="Club de lectura en voz alta", language="es")
    event.hosts = [host]
    db_session.commit()
    assert client.get(f"/api/v1/events/{event.slug}").get_json()["language"] == "es"
    assert client.get("/api/v1/events").get_json()["events"][0]["language"] == "es"
    assert client.get(f"/api/v1/host/events/{event.id}", headers=headers).get_json()["language"] == "es"


def test_the_host_api_writes_an_events_language_defaulting_to_the_hosts_own(client, writer, db_session, as_problem):
    host, headers = writer
    host.locale = "fr"
    db_session.commit()
    made = client.post("/api/v1/host/events", json=NEW_EVENT, headers=headers)
    assert made.status_code == 201, made.get_data(as_text=True)
    assert made.get_json()["language"] == "fr"
    event_id = made.get_json()["id"]

    chosen = client.post("/api/v1/host/events", json={**NEW_EVENT, "language": "es"}, headers=headers)
    assert chosen.get_json()["language"] == "es"

    changed = client.patch(f"/api/v1/host/events/{event_id}", json={"language": "en"}, headers=headers)
    assert changed.status_code == 200, changed.get_data(as_text=True)
    assert (changed.get_json()["event"]["language"], changed.get_json()["changed"]) == ("en", ["language"])
    db_session.expire_all()
    assert db_session.get(Event, event_id).language == "en"

    for value in ("de", "ES", "", None):
        refused = client.patch(f"/api/v1/host/events/{event_id}", json={"language": value}, headers=headers)
        assert refused.status_code == 422
        assert "language" in as_problem(refused)["errors"]["json"]
    db_session.expire_all()
    assert db_session.get(Event, event_id).language == "en"


# The token pages


@pytest.mark.parametrize("language", ["es", "fr"])
def test_the_token_pages_are_in_the_hosts_language(client, make_host, login, english_left, db_session, language):
    host = login(make_host())
    asked = {"Accept-Language": language}
    page = client.get("/host/api-tokens/", headers=asked).get_data(as_text=True)
    assert f'lang="{language}"' in page
    assert english_left(own_part(page), "eventreg") == []

    refused = client.post("/host/api-tokens/", data={"name": "", "access": "read"}, headers=asked)
    assert refused.status_code == 400
    # "Please check the form" is _forms.html's (another area's); the rest of the summary is ours.
    assert english_left(own_part(refused.get_data(as_text=True)), "eventreg", "Please check the form") == []

    made = client.post("/host/api-tokens/", data={"name": "Library website", "access": "write"}, headers=asked)
    assert made.status_code == 200
    html = made.get_data(as_text=True)
    secret = re.search(r'value="(ereg_[^"]+)"', html)[1]
    command = f'curl -H "Authorization: Bearer {secret}" http://eventreg.test/api/v1/host/events'
    assert english_left(own_part(html), command, secret, "Library website") == []

    listed = client.get("/host/api-tokens/", headers=asked).get_data(as_text=True)
    assert english_left(own_part(listed), "Library website", "eventreg") == []
    assert ("de enero de 2025" if language == "es" else "janvier 2025") in listed  # made on 15 January 2025

    token_id = re.search(r"/host/api-tokens/(\d+)/revoke", listed)[1]
    confirm = client.get(f"/host/api-tokens/{token_id}/revoke", headers=asked).get_data(as_text=True)
    assert english_left(own_part(confirm), "Library website") == []
    revoked = client.post(f"/host/api-tokens/{token_id}/revoke", headers=asked, follow_redirects=True)
    assert english_left(own_part(revoked.get_data(as_text=True)), "Library website", "eventreg") == []
    assert host.email not in own_part(listed)
