"""Headers on every response, request size limits, and error pages in the site's style."""

import json
import logging

import pytest
import sqlalchemy as sa
from flask import abort

from eventreg import create_app
from eventreg.core import logs
from eventreg.registrations.models import Registration


def test_every_page_sends_the_security_headers(client, make_event):
    event = make_event()
    for url in ("/", f"/events/{event.slug}", "/calendar.ics", "/static/style.css", "/healthz", "/nowhere"):
        response = client.get(url)
        response.close()  # static files are streamed from an open file
        headers = response.headers
        policy = headers["Content-Security-Policy"]
        assert "script-src 'self'" in policy, url
        assert "'unsafe-inline'" not in policy, url
        assert "frame-ancestors 'none'" in policy, url
        assert headers["X-Content-Type-Options"] == "nosniff", url
        assert headers["Referrer-Policy"] == "strict-origin-when-cross-origin", url


def test_private_links_are_never_sent_on_as_referrers_nor_cached(
    client, make_event, db_session, post_registration, mailed_path
):
    event = make_event()
    manage = client.get(mailed_path(post_registration(event)))
    assert manage.headers["Referrer-Policy"] == "no-referrer"
    assert manage.headers["Cache-Control"] == "private, no-store"
    login = client.get("/host/login")
    assert login.headers["Referrer-Policy"] == "no-referrer"


def test_pages_have_no_inline_scripts_or_styles(client, make_event):
    event = make_event()
    for url in ("/", f"/events/{event.slug}", "/host/login"):
        html = client.get(url).get_data(as_text=True)
        for inline in ("<script>", " style=", " onclick="):
            assert inline not in html, url


def test_a_body_over_the_limit_gets_a_413_page_and_stores_nothing(client, make_event, db_session, post_registration):
    event = make_event()
    response = post_registration(event, organization="x" * (1024 * 1024 + 1))
    assert response.status_code == 413
    assert "<h1>Too large</h1>" in response.get_data(as_text=True)
    assert db_session.scalar(sa.select(sa.func.count()).select_from(Registration)) == 0


@pytest.fixture
def error_app(tmp_path):
    """An app with routes that fail on purpose, and exceptions handled as in production."""
    app = create_app(
        {
            "TESTING": True,
            "PROPAGATE_EXCEPTIONS": False,
            "SECRET_KEY": "x",
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/errors.sqlite",
        }
    )

    @app.get("/fail/<int:code>")
    def fail(code):
        abort(code)

    @app.get("/crash")
    def crash():
        raise RuntimeError("boom")

    return app


@pytest.mark.parametrize(
    ("url", "method", "code", "title"),
    [
        ("/fail/400", "get", 400, "Bad request"),
        ("/fail/403", "get", 403, "Not allowed"),
        ("/nowhere", "get", 404, "Page not found"),
        ("/healthz", "post", 405, "Method not allowed"),
        ("/crash", "get", 500, "Something went wrong"),
    ],
)
def test_error_pages_are_in_the_site_style(error_app, url, method, code, title):
    response = getattr(error_app.test_client(), method)(url)
    assert response.status_code == code
    html = response.get_data(as_text=True)
    assert f"<h1>{title}</h1>" in html
    assert 'href="/static/style.css' in html
    assert "boom" not in html
    assert "Traceback" not in html
    assert response.headers["Content-Security-Policy"]


def test_a_crash_is_logged_with_its_traceback(error_app, caplog):
    with caplog.at_level(logging.ERROR):
        error_app.test_client().get("/crash")
    assert any(record.exc_info and "boom" in str(record.exc_info[1]) for record in caplog.records)


def test_production_adds_hsts(tmp_path):
    app = create_app(
        {
            "PRODUCTION": True,
            "SECRET_KEY": "a-real-secret-" * 4,
            "BASE_URL": "https://events.example.org",
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/x.sqlite",
        }
    )
    assert app.test_client().get("/healthz").headers["Strict-Transport-Security"] == "max-age=31536000"


def make_record(message, **fields):
    record = logging.LogRecord("eventreg.test", logging.INFO, __file__, 1, message, None, None)
    record.__dict__.update(fields)
    return record


def test_text_logs_are_key_value_pairs_that_cannot_be_forged():
    line = logs.TextFormatter().format(make_record("registered", event_id=7, reason='closed\nlevel=ERROR "x"'))
    assert "\n" not in line
    assert " INFO eventreg.test registered event_id=7 reason=" in line
    assert line.endswith(r'reason="closed\nlevel=ERROR \"x\""')


def test_an_unknown_log_level_or_format_stops_the_start_with_a_message():
    with pytest.raises(ValueError, match="LOG_LEVEL must be"):
        logs.configure("text", "loud")
    with pytest.raises(ValueError, match="LOG_FORMAT must be"):
        logs.configure("xml")


def test_json_logs_are_one_object_per_line():
    entry = json.loads(logs.JSONFormatter().format(make_record("mail sent", outbox_id=3, kind="confirmation")))
    assert entry["message"] == "mail sent"
    assert entry["outbox_id"] == 3
    assert entry["kind"] == "confirmation"
    assert entry["level"] == "INFO"


def test_registrations_are_logged_with_ids_and_no_personal_data(
    client, make_event, db_session, caplog, post_registration, registration_form
):
    event = make_event()
    with caplog.at_level(logging.INFO, logger="eventreg"):
        post_registration(event)
    registered = [r for r in caplog.records if r.getMessage() == "registration submitted"]
    assert len(registered) == 1
    registration_id = db_session.scalar(sa.select(Registration.id))
    assert logs.fields_of(registered[0]) == {
        "event_id": event.id,
        "registration_id": registration_id,
        "outcome": "registered",
        "status": "confirmed",
    }
    ours = [record for record in caplog.records if record.name.startswith("eventreg")]  # not the test SMTP server
    everything = "\n".join(logs.TextFormatter().format(record) for record in ours)
    assert registration_form["email"] not in everything
    assert registration_form["name"] not in everything
