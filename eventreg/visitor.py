"""The visitor's own time zone: from ?tz=, else the cookie that remembers it.

An unknown name never errors: the pages fall back to each event's own zone and say so."""

from flask import current_app, g, request

from eventreg.core.security import EMBED_PREFIX
from eventreg.timezones import is_valid_zone


def load_visitor_zone() -> None:
    g.visitor_zone = None
    g.unknown_zone = None
    asked = request.args.get("tz")
    name = asked if asked is not None else request.cookies.get(current_app.config["TZ_COOKIE"])
    if not name:
        return
    name = name.strip()[:64]
    if is_valid_zone(name):
        g.visitor_zone = name
    else:
        g.unknown_zone = name


def remember_visitor_zone(response):
    """Keep a zone chosen with ?tz= in a cookie; ?tz= with no value forgets it."""
    asked = request.args.get("tz")
    if asked is None or request.endpoint in (None, "static") or request.path.startswith(EMBED_PREFIX):
        return response  # a framed list sets no cookie: it is the same for every visitor of every site
    cookie = current_app.config["TZ_COOKIE"]
    if asked == "":
        response.delete_cookie(cookie)
    elif g.get("visitor_zone"):
        response.set_cookie(
            cookie, g.visitor_zone, max_age=current_app.config["TZ_COOKIE_MAX_AGE"], samesite="Lax", httponly=True
        )
    return response
