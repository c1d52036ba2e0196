"""Response headers that keep browsers from doing what our pages never need: running injected scripts,
being framed, sniffing types, and leaking private links in the Referer header."""

from flask import Flask, request
from werkzeug.datastructures import Headers

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

# Paths whose URL is itself a secret (manage links, personal feeds) or whose page holds personal data.
PRIVATE_PREFIXES = ("/r/", "/feeds/", "/host", "/transcript/")


def secure(headers: Headers, path: str, *, hsts: bool) -> None:
    """Add the headers to a response for `path` (from an after-request hook)."""
    headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("X-Frame-Options", "DENY")  # frame-ancestors for browsers that predate it
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

    @app.after_request
    def add_security_headers(response):
        secure(response.headers, request.path, hsts=hsts)
        return response
