"""Response headers that keep browsers from doing what our pages never need: running injected scripts,
being framed, sniffing types, and leaking private links in the Referer header."""

import re

from flask import Flask, request
from werkzeug.datastructures import Headers

from eventreg.core.config import ConfigurationError

# No inline scripts or styles anywhere: our two scripts and one stylesheet come from /static.
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "connect-src 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
        "base-uri 'none'",
        "object-src 'none'",
    ]
)

# Only the embeddable pages may be framed, by the origins EMBED_ORIGINS names (and by our own host pages'
# preview); every other page refuses any frame, with X-Frame-Options for browsers that predate frame-ancestors.
EMBED_PREFIX = "/embed/"
EMBED_ORIGIN = re.compile(r"\*|https?://(\*\.)?[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*(:([0-9]{1,5}|\*))?")

# Paths whose URL is itself a secret (manage links, personal feeds) or whose page holds personal data.
PRIVATE_PREFIXES = ("/r/", "/feeds/", "/host", "/transcript/")


def embed_policy(origins: str | list[str]) -> str:
    """The Content-Security-Policy of an /embed/ page: the site's, framable by 'self' and the configured origins
    ("*": any site; else space-separated origins such as https://library.example.org or https://*.example.org).
    Anything else raises ConfigurationError, so a typo can never write a broken or wider policy."""
    names = " ".join(origins).split() if isinstance(origins, list | tuple) else str(origins).split()
    bad = [name for name in names if not EMBED_ORIGIN.fullmatch(name)]
    if bad or not names:
        raise ConfigurationError(
            f"EVENTREG_EMBED_ORIGINS must be * or space-separated origins such as https://library.example.org, "
            f"not {origins!r}"
        )
    return CONTENT_SECURITY_POLICY.replace("frame-ancestors 'none'", "frame-ancestors 'self' " + " ".join(names))


def secure(headers: Headers, path: str, *, hsts: bool, embed_policy: str = "") -> None:
    """Add the headers to a response for `path` (from an after-request hook)."""
    if path.startswith(EMBED_PREFIX) and embed_policy:
        headers.setdefault("Content-Security-Policy", embed_policy)
    else:
        headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        headers.setdefault("X-Frame-Options", "DENY")  # frame-ancestors for browsers that predate it
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
    headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=(), payment=()")
    if path.startswith(PRIVATE_PREFIXES):
        # A manage page links out (join link, calendar sites): the token in its URL must not follow.
        headers["Referrer-Policy"] = "no-referrer"
        if path.startswith(("/r/", "/host", "/transcript/")):
            headers.setdefault("Cache-Control", "private, no-store")
    else:
        headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
    if hsts:
        # Production cookies are Secure already; HSTS keeps the browser from ever trying plain HTTP.
        headers.setdefault("Strict-Transport-Security", "max-age=31536000")


def wants_hsts(app: Flask) -> bool:
    return app.config["PRODUCTION"] and not app.testing


def init_app(app: Flask) -> None:
    hsts = wants_hsts(app)
    framed = embed_policy(app.config["EMBED_ORIGINS"])

    @app.after_request
    def add_security_headers(response):
        secure(response.headers, request.path, hsts=hsts, embed_policy=framed)
        return response
