"""Defaults. Environment variables override them: EVENTREG_<NAME> for any key, plus the
conventional SECRET_KEY and DATABASE_URL that hosting platforms set."""

import os

import click

DEFAULT_SECRET_KEY = "dev-only-not-secret"
DEFAULT_BASE_URL = "http://127.0.0.1:5000"


class ConfigurationError(click.ClickException, RuntimeError):
    """A setting the app refuses to start with. A ClickException, so the flask command (which loads the app
    before any of its commands runs) prints it as one "Error: ..." line and exits 1, never a traceback."""


MIN_SECRET_KEY_BYTES = 32  # production refuses shorter keys: they sign sessions and manage links


class Defaults:
    PRODUCTION = True  # secure cookies, and a real SECRET_KEY required; `make run` sets EVENTREG_PRODUCTION=false
    SECRET_KEY = DEFAULT_SECRET_KEY
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SQLALCHEMY_DATABASE_URI = None  # filled in by database_url() with a SQLite file in the instance folder
    # No pool_pre_ping: on PostgreSQL a cheaper check replaces connections the server dropped (database.py).
    SQLALCHEMY_ENGINE_OPTIONS = {}
    LOG_FORMAT = "text"  # or "json": one object per line, for a log pipeline
    LOG_LEVEL = "INFO"  # one line per registration and per message sent; WARNING keeps only trouble
    EVENTS_PER_PAGE = 20
    SITE_NAME = "eventreg"
    DEFAULT_LOCALE = "en"  # en, es or fr: pages for a browser that asks for none of them, and the CLI's mail
    TZ_COOKIE = "tz"
    TZ_COOKIE_MAX_AGE = 365 * 24 * 3600
    BASE_URL = DEFAULT_BASE_URL  # every link that leaves a request (mail, webhooks, PDFs); production must set it
    MANAGE_LINK_MAX_AGE = 2 * 365 * 24 * 3600  # seconds a registrant's manage link stays valid
    HOST_SESSION_MAX_AGE = 14 * 24 * 3600  # seconds a host stays signed in, remember-me included
    TRANSCRIPT_LINK_MAX_AGE = 7 * 24 * 3600  # seconds a mailed transcript link stays valid
    # Sites that may frame the embeddable event list (/embed/): "*" for any, or space-separated origins.
    EMBED_ORIGINS = "*"
    CALENDAR_UID_DOMAIN = "eventreg.invalid"  # the right-hand side of calendar UIDs; never change it once live

    # Mail: with no MAIL_SERVER, messages are written as .eml files to MAIL_OUTBOX_DIR (default instance/outbox).
    MAIL_SERVER = None
    MAIL_PORT = 25
    MAIL_USE_TLS = False  # STARTTLS after connecting
    MAIL_USE_SSL = False  # TLS from the start (port 465)
    MAIL_USERNAME = None
    MAIL_PASSWORD = None
    MAIL_SENDER_NAME = "eventreg"
    MAIL_SENDER_ADDRESS = "events@eventreg.invalid"
    MAIL_TIMEOUT = 10  # seconds; a slow server must not hold a registration page for long
    MAIL_OUTBOX_DIR = None
    # "background": a thread in each app process sends after the response; "request": before it.
    MAIL_DELIVERY = "background"

    # Webhooks (eventreg/webhooks): "background" posts from a thread in each app process, "request" before the
    # response. Hosts listed in WEBHOOK_ALLOWED_HOSTS ("127.0.0.1,receiver.test") skip the public-address check
    # and may use http://: for tests and a trusted in-house receiver, never for what a host may type.
    WEBHOOK_DELIVERY = "background"
    WEBHOOK_ALLOWED_HOSTS = ""
    WEBHOOK_TIMEOUT = 5  # seconds for a whole delivery attempt, connecting included

    # Abuse limits. Counters in memory:// suit one process; point RATELIMIT_STORAGE_URI at Redis
    # (redis://host:6379/0) when several workers or servers share the load, so they share the counts.
    RATELIMIT_ENABLED = True
    RATELIMIT_STORAGE_URI = "memory://"
    RATELIMIT_STRATEGY = "moving-window"  # no burst allowance at a window's edge, unlike fixed windows
    # Per client address: generous, because a whole library's staff may sit behind one address.
    REGISTRATION_RATE_LIMIT = "20 per minute;200 per hour"
    LOGIN_RATE_LIMIT = "10 per minute;100 per hour"
    TRANSCRIPT_RATE_LIMIT = "5 per minute;30 per hour"  # asking for a transcript link (also 3 per address a day)
    # Per registration, a registrant's "Change my details" page (read and saved): each save that changes something
    # is a webhook delivery to the hosts, so a link's holder must not be able to flood their endpoints.
    DETAILS_RATE_LIMIT = "10 per minute;60 per hour"
    TRUSTED_PROXY_COUNT = 0  # how many proxies (load balancer, nginx) put X-Forwarded-For in front of us
    MAX_CONTENT_LENGTH = 1024 * 1024  # no form of ours comes near this; larger bodies get a 413
    # Seconds a shared cache (nginx, deploy/) and browsers may keep a public page: a host's change shows
    # everywhere within this. Kept short, as nothing tells the cache when a page changes.
    PUBLIC_MAX_AGE = 5

    # Certificates of completion (eventreg/certificates): who issues them and who signs, printed on each one.
    CERTIFICATE_ISSUER = None  # the issuing organisation; SITE_NAME when unset
    CERTIFICATE_SIGNER = ""  # e.g. "Dana Whitfield"; no signature line when empty
    CERTIFICATE_SIGNER_TITLE = ""  # e.g. "Director of Continuing Education"
    # Per client address, for the public verification page: enough for a person checking a pile of them.
    CERTIFICATE_VERIFY_RATE_LIMIT = "30 per minute;300 per hour"
    # Certificate and transcript PDFs: each download renders one (tenths of a second of CPU). Per client address,
    # enough for a host downloading a class's certificates one by one; per link, whoever holds it.
    PDF_RATE_LIMIT = "20 per minute;200 per hour"
    PDF_LINK_RATE_LIMIT = "5 per minute;30 per hour"


def database_url(instance_path: str) -> str:
    """DATABASE_URL if set, else a SQLite file in the instance folder.

    Plain postgres:// and postgresql:// URLs are pointed at psycopg 3, the driver we install."""
    url = os.environ.get("DATABASE_URL") or os.environ.get("EVENTREG_DATABASE_URL")
    if not url:
        return "sqlite:///" + os.path.join(instance_path, "eventreg.sqlite")
    return normalise_database_url(url)


def normalise_database_url(url: str) -> str:
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url
