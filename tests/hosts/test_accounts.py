import hashlib
import re
from urllib.parse import urlsplit

import pytest
import sqlalchemy as sa

from eventreg import create_app
from eventreg.hosts.models import Host


def test_create_host_cli_prompts_for_the_password_and_hashes_it(app, db_session):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["create-host", "New@Library.example.org", "--admin"], input="a long passphrase\n" * 2)
    assert result.exit_code == 0, result.output
    host = db_session.scalars(sa.select(Host)).one()
    assert host.email == "new@library.example.org"
    assert host.is_admin
    assert host.password_hash.startswith(("scrypt:", "pbkdf2:"))
    assert "a long passphrase" not in host.password_hash
    assert host.check_password("a long passphrase")


def test_create_host_cli_refuses_short_passwords_and_duplicates(app, make_host):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["create-host", "x@library.example.org"], input="short\nshort\n")
    assert result.exit_code != 0
    assert "at least 12 characters" in result.output
    make_host("taken@library.example.org")
    result = runner.invoke(args=["create-host", "taken@library.example.org", "--password", "a long passphrase"])
    assert "already exists" in result.output


def test_sign_in_and_out(client, make_host, host_password):
    make_host()
    response = client.post("/host/login", data={"email": "HOST@library.example.org", "password": host_password})
    assert response.status_code == 303
    assert client.get("/host/").status_code == 200
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie
    assert client.post("/host/logout").status_code == 303
    assert client.get("/host/").status_code == 302


def test_wrong_password_is_refused_with_a_message(client, make_host):
    make_host()
    response = client.post("/host/login", data={"email": "host@library.example.org", "password": "wrong"})
    assert response.status_code == 401
    assert "don’t match an account" in response.get_data(as_text=True)


def test_sign_in_is_rate_limited_per_email_even_with_the_right_password(client, make_host, clock, host_password):
    make_host()
    for _ in range(5):
        client.post("/host/login", data={"email": "host@library.example.org", "password": "wrong"})
    response = client.post("/host/login", data={"email": "host@library.example.org", "password": host_password})
    assert response.status_code == 429
    assert "Too many failed sign-in attempts" in response.get_data(as_text=True)
    clock.advance(minutes=16)
    assert (
        client.post("/host/login", data={"email": "host@library.example.org", "password": host_password}).status_code
        == 303
    )


def test_next_parameter_leads_to_a_page_of_the_site(client, make_host, host_password):
    make_host()
    data = {"email": "host@library.example.org", "password": host_password}
    location = client.post("/host/login?next=/host/password%3Fa%3D1", data=data).headers["Location"]
    assert location == "/host/password?a=1"


# Each as it appears in the query string: browsers (and Werkzeug, writing the Location header) drop tabs and
# line breaks and read a backslash as a slash, so "/\t/evil.example" would become "//evil.example".
HOSTILE_NEXT = [
    "//evil.example/",
    "https://evil.example/",
    "/\\evil.example",
    "\\evil.example",
    "/%09/evil.example",
    "/%0a/evil.example",
    "/%0d%0a/evil.example",
    "%09//evil.example",
    "%20//evil.example",
    "/%5Cevil.example",
    "%2F%2Fevil.example",
    "%2F%09%2Fevil.example",
    "javascript:alert(1)",
    "JavaScript%3Aalert(1)",
    "java%09script:alert(1)",
    "data:text/html,evil",
    "http:evil.example",
    "https:/evil.example",
    "evil.example",
    "/%E3%80%80/evil.example",  # an ideographic space
    "///evil.example",
]


@pytest.mark.parametrize("target", HOSTILE_NEXT)
def test_next_parameter_never_leads_off_the_site(client, make_host, target, host_password):
    make_host()
    data = {"email": "host@library.example.org", "password": host_password}
    response = client.post(f"/host/login?next={target}", data=data)
    assert response.status_code == 303
    # The header as a browser reads it: without tabs and line breaks, a backslash taken for a slash.
    location = re.sub(r"[\t\r\n]", "", response.headers["Location"]).replace("\\", "/").strip()
    assert location == "/host/"
    assert urlsplit(location).netloc == ""


def test_unknown_email_costs_the_same_password_check_as_a_wrong_password(
    client, make_host, monkeypatch, text_of, host_password
):
    """No wall clock: count the scrypt runs (Werkzeug's, through hashlib) and their parameters instead."""
    make_host()
    client.post("/host/login", data={"email": "warm-up@library.example.org", "password": "anything at all"})
    runs = []
    real_scrypt = hashlib.scrypt

    def counting_scrypt(*args, **kwargs):
        runs.append({key: kwargs[key] for key in ("n", "r", "p")})
        return real_scrypt(*args, **kwargs)

    monkeypatch.setattr(hashlib, "scrypt", counting_scrypt)
    unknown = client.post("/host/login", data={"email": "nobody@library.example.org", "password": "a password"})
    unknown_runs, runs[:] = list(runs), []
    wrong = client.post("/host/login", data={"email": "host@library.example.org", "password": "a password"})
    wrong_runs, runs[:] = list(runs), []
    right = client.post("/host/login", data={"email": "host@library.example.org", "password": host_password})
    assert unknown.status_code == wrong.status_code == 401
    assert right.status_code == 303
    assert len(unknown_runs) == 1
    assert unknown_runs == wrong_runs == runs
    # The same page either way, so neither the answer nor its time tells whether an account exists.
    assert text_of(unknown) == text_of(wrong)


def test_change_password(client, make_host, login, db_session, host_password):
    host = login(make_host())
    bad = client.post("/host/password", data={"current": "nope", "new": "x" * 12, "confirm": "x" * 12})
    assert bad.status_code == 400
    assert "current password is not right" in bad.get_data(as_text=True)
    mismatch = client.post("/host/password", data={"current": host_password, "new": "x" * 12, "confirm": "y" * 12})
    assert "The two new passwords differ." in mismatch.get_data(as_text=True)
    ok = client.post(
        "/host/password",
        data={"current": host_password, "new": "new long passphrase", "confirm": "new long passphrase"},
    )
    assert ok.status_code == 303
    db_session.refresh(host)
    assert host.check_password("new long passphrase")


def test_production_refuses_the_default_secret_key(tmp_path):
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app({"PRODUCTION": True, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/x.sqlite"})


def test_production_cookies_are_secure(tmp_path):
    app = create_app(
        {
            "PRODUCTION": True,
            "SECRET_KEY": "a-real-secret-" * 4,
            "BASE_URL": "https://events.example.org",
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/x.sqlite",
        }
    )
    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert app.config["SESSION_COOKIE_HTTPONLY"] is True
    assert app.config["SESSION_COOKIE_SAMESITE"] == "Lax"


@pytest.mark.parametrize("key", ["", "short", "x" * 31, "é" * 15])
def test_production_refuses_a_secret_key_shorter_than_32_bytes(tmp_path, key):
    with pytest.raises(RuntimeError, match="under 32 bytes"):
        create_app({"PRODUCTION": True, "SECRET_KEY": key, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/x.sqlite"})


def test_production_accepts_a_32_byte_secret_key_and_development_any(tmp_path):
    database = {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/x.sqlite", "BASE_URL": "https://events.example.org"}
    assert create_app({"PRODUCTION": True, "SECRET_KEY": "k" * 32, **database}).config["SESSION_COOKIE_SECURE"]
    assert create_app({"PRODUCTION": False, "SECRET_KEY": "short", **database})


def test_production_refuses_the_development_base_url(tmp_path):
    settings = {"PRODUCTION": True, "SECRET_KEY": "k" * 32, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/x.sqlite"}
    with pytest.raises(RuntimeError, match="EVENTREG_BASE_URL"):
        create_app(settings)
    assert create_app({**settings, "BASE_URL": "https://events.example.org"})


def test_the_sign_in_email_field_brings_a_phones_email_keyboard(client, db_session):
    html = client.get("/host/login").get_data(as_text=True)
    field = re.search(r'<input[^>]*name="email"[^>]*>', html)[0]
    for attribute in ('type="email"', 'autocomplete="username"', 'autocapitalize="off"', 'spellcheck="false"'):
        assert attribute in field
