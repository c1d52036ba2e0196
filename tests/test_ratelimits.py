"""Registration and sign-in POSTs, certificate look-ups and PDF downloads are limited per client address (PDFs also
per link), in memory or shared through Redis."""

import os
import uuid
from datetime import timedelta
from decimal import Decimal

import pytest
import redis

from eventreg import create_app

REDIS_URL = os.environ.get("EVENTREG_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


SHARED_SETTINGS = ("TESTING", "SQLALCHEMY_DATABASE_URI", "CLOCK", "SECRET_KEY", "BASE_URL")
SHARED_SETTINGS += ("MAIL_SERVER", "MAIL_PORT", "MAIL_DELIVERY")  # mail sent in the request, to the test server


@pytest.fixture
def make_limited_app(app):
    """Another app on the test database with the limits on, as a second server would be."""
    made = []

    def make(**config):
        limited = create_app(
            {
                **{key: app.config[key] for key in SHARED_SETTINGS},
                "WTF_CSRF_ENABLED": False,
                "RATELIMIT_ENABLED": True,
                "REGISTRATION_RATE_LIMIT": "3 per hour",
                **config,
            }
        )
        made.append(limited)
        return limited

    yield make
    for limited in made:
        with limited.app_context():
            from eventreg.core.extensions import db

            db.engine.dispose()


@pytest.fixture
def redis_url():
    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2).ping()
    except redis.exceptions.ConnectionError as error:
        pytest.skip(f"Redis not reachable at {REDIS_URL}: {error}")
    return REDIS_URL


@pytest.fixture
def register_numbered(registration_form):
    """register_numbered(client, event, n, **headers): registration n, with an address and form key of its own."""

    def register(client, event, n, **headers):
        data = {**registration_form, "email": f"r{n}@library.example.org", "form_key": f"k{n}"}
        return client.post(f"/events/{event.slug}/register", data=data, headers=headers)

    return register


def test_the_fourth_registration_from_one_address_gets_a_readable_429(
    make_limited_app, make_event, db_session, register_numbered
):
    event = make_event()
    db_session.commit()
    client = make_limited_app().test_client()
    assert [register_numbered(client, event, n).status_code for n in range(3)] == [200, 200, 200]
    refused = register_numbered(client, event, 3)
    assert refused.status_code == 429
    assert int(refused.headers["Retry-After"]) > 0
    page = refused.get_data(as_text=True)
    assert "<h1>Too many requests</h1>" in page
    assert "Please wait a moment and try again." in page
    # Reading pages is never limited.
    assert client.get(f"/events/{event.slug}").status_code == 200


def test_addresses_are_counted_apart_behind_a_trusted_proxy(
    make_limited_app, make_event, db_session, register_numbered
):
    event = make_event()
    db_session.commit()
    client = make_limited_app(TRUSTED_PROXY_COUNT=1).test_client()
    for n in range(3):
        assert register_numbered(client, event, n, **{"X-Forwarded-For": "198.51.100.1"}).status_code == 200
    assert register_numbered(client, event, 3, **{"X-Forwarded-For": "198.51.100.1"}).status_code == 429
    assert register_numbered(client, event, 4, **{"X-Forwarded-For": "198.51.100.2"}).status_code == 200


def test_without_a_trusted_proxy_a_forged_forwarded_for_changes_nothing(
    make_limited_app, make_event, db_session, register_numbered
):
    event = make_event()
    db_session.commit()
    client = make_limited_app().test_client()
    codes = [
        register_numbered(client, event, n, **{"X-Forwarded-For": f"198.51.100.{n}"}).status_code for n in range(4)
    ]
    assert codes == [200, 200, 200, 429]


def test_two_servers_share_the_count_through_redis(
    make_limited_app, make_event, db_session, redis_url, register_numbered
):
    event = make_event()
    db_session.commit()
    shared = {"RATELIMIT_STORAGE_URI": redis_url, "RATELIMIT_KEY_PREFIX": uuid.uuid4().hex}
    first, second = make_limited_app(**shared).test_client(), make_limited_app(**shared).test_client()
    assert register_numbered(first, event, 0).status_code == 200
    assert register_numbered(first, event, 1).status_code == 200
    assert register_numbered(second, event, 2).status_code == 200
    assert register_numbered(second, event, 3).status_code == 429
    assert register_numbered(first, event, 4).status_code == 429


def test_registration_still_works_when_the_limit_store_is_down(
    make_limited_app, make_event, db_session, register_numbered, free_port
):
    event = make_event()
    db_session.commit()
    client = make_limited_app(RATELIMIT_STORAGE_URI=f"redis://127.0.0.1:{free_port()}/0").test_client()
    assert register_numbered(client, event, 0).status_code == 200


def test_host_sign_in_is_limited_per_address(make_limited_app, make_host, db_session, host_password):
    host = make_host()
    db_session.commit()
    client = make_limited_app(LOGIN_RATE_LIMIT="2 per hour").test_client()
    wrong = {"email": host.email, "password": "wrong"}
    assert client.post("/host/login", data=wrong).status_code != 429
    assert client.post("/host/login", data=wrong).status_code != 429
    refused = client.post("/host/login", data={"email": host.email, "password": host_password})
    assert refused.status_code == 429


def test_asking_for_transcript_links_is_limited_per_address(make_limited_app, db_session, mailbox):
    client = make_limited_app(TRANSCRIPT_RATE_LIMIT="2 per hour").test_client()
    # Different addresses each time: the per-address daily cap is not what stops the third.
    answers = [client.post("/transcript", data={"email": f"p{n}@library.example.org"}) for n in range(3)]
    assert [a.status_code for a in answers] == [200, 200, 429]
    assert len(mailbox) == 2
    assert client.get("/transcript").status_code == 200  # reading the form is never limited


def test_certificate_lookups_are_limited_per_address(make_limited_app, db_session):
    """Codes carry 80 random bits, so guessing is hopeless anyway; the limit also stops a scraper early."""
    client = make_limited_app(CERTIFICATE_VERIFY_RATE_LIMIT="3 per hour").test_client()
    codes = ["ABCD-EFGH-IJKL-MNOP", "abcd-efgh-ijkl-mnoq", "not-a-code"]
    assert [client.get(f"/certificates/{code}").status_code for code in codes] == [404, 404, 404]
    refused = client.get("/certificates/ABCD-EFGH-IJKL-MNOR")
    assert refused.status_code == 429
    assert int(refused.headers["Retry-After"]) > 0
    other = client.get("/certificates/ABCD-EFGH-IJKL-MNOS", environ_base={"REMOTE_ADDR": "192.0.2.7"})
    assert other.status_code == 404  # another address has its own count


@pytest.fixture
def pdf_links(app, make_event, make_host, register, db_session, clock):
    """{"certificate": Ana's mailed link to her issued certificate's PDF, "transcript": her transcript PDF}."""
    from eventreg.certificates import operations as certificates
    from eventreg.registrations import tokens
    from eventreg.transcripts import tokens as transcript_tokens

    event = make_event(contact_hours=Decimal("1.5"))
    ana = register(event, name="Ana Lopez", email="ana@library.example.org")
    ana.attended, ana.minutes_attended = True, 60
    clock.set(event.ends_at + timedelta(hours=1))
    certificates.finalise(event, host=make_host(), now=clock.now())
    db_session.commit()
    with app.test_request_context():
        return {
            "certificate": f"/r/{tokens.mailed_manage_token(ana)}/certificate.pdf",
            "transcript": f"/transcript/{transcript_tokens.transcript_token(ana.email)}/transcript.pdf",
        }


def test_one_pdf_link_is_limited_whoever_asks(make_limited_app, pdf_links):
    """Six clients looping on one certificate link kept the workers rendering: the link has its own count."""
    client = make_limited_app(PDF_LINK_RATE_LIMIT="2 per minute", PDF_RATE_LIMIT="100 per minute").test_client()
    link = pdf_links["certificate"]
    assert [client.get(link).status_code for _ in range(2)] == [200, 200]
    refused = client.get(link)
    assert refused.status_code == 429
    assert int(refused.headers["Retry-After"]) > 0
    assert not refused.data.startswith(b"%PDF")
    assert "Please wait a moment and try again." in refused.get_data(as_text=True)
    elsewhere = client.get(link, environ_base={"REMOTE_ADDR": "192.0.2.7"})
    assert elsewhere.status_code == 429  # another address, the same link: the same count
    # Another link is counted apart, from either address.
    assert client.get(pdf_links["transcript"], environ_base={"REMOTE_ADDR": "192.0.2.7"}).status_code == 200
    assert client.get(pdf_links["transcript"]).status_code == 200


def test_pdf_downloads_are_limited_per_client_across_links(make_limited_app, pdf_links):
    client = make_limited_app(PDF_LINK_RATE_LIMIT="100 per minute", PDF_RATE_LIMIT="2 per minute").test_client()
    assert client.get(pdf_links["certificate"]).status_code == 200
    assert client.get(pdf_links["transcript"]).status_code == 200
    refused = client.get(pdf_links["certificate"])
    assert refused.status_code == 429  # the third PDF from this address in the window, whichever link
    assert 0 < int(refused.headers["Retry-After"]) <= 60
    assert client.get(pdf_links["transcript"], environ_base={"REMOTE_ADDR": "192.0.2.7"}).status_code == 200
    assert client.get(pdf_links["certificate"].removesuffix("/certificate.pdf")).status_code == 200  # pages are not
