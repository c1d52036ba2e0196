"""Defaults. Environment variables override them: EVENTREG_<NAME> for any key, plus the
conventional SECRET_KEY and DATABASE_URL that hosting platforms set."""

import os

DEFAULT_SECRET_KEY = "dev-only-not-secret"


class Defaults:
    SECRET_KEY = DEFAULT_SECRET_KEY
    SQLALCHEMY_DATABASE_URI = None  # filled in by database_url() with a SQLite file in the instance folder
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}
    EVENTS_PER_PAGE = 20
    SITE_NAME = "eventreg"
    TZ_COOKIE = "tz"
    TZ_COOKIE_MAX_AGE = 365 * 24 * 3600


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
