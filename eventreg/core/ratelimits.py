"""Per-client limits on the requests a bot would hammer: registration, host sign-in, transcript links,
certificate verification, and PDF downloads (per client and per link).

Counters live in RATELIMIT_STORAGE_URI: Redis (redis://...) when several processes or servers serve the
site, so they share one count; memory:// for a single process. Each app gets its own Limiter, so its
settings and counters never leak into another app in the same process (the tests make several)."""

import logging
from collections.abc import Callable

from flask import Flask, current_app, request
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from werkzeug.middleware.proxy_fix import ProxyFix

log = logging.getLogger(__name__)

# Endpoint -> config key holding its limit, e.g. "10 per minute;60 per hour" (limits' notation).
LIMITED_POSTS = {
    "registrations.register": "REGISTRATION_RATE_LIMIT",
    "hosts.login": "LOGIN_RATE_LIMIT",
    "transcripts.request_link": "TRANSCRIPT_RATE_LIMIT",
}
# The same for GETs: pages that look a secret up, so that guessing would take forever anyway.
LIMITED_GETS = {
    "certificates.verify": "CERTIFICATE_VERIFY_RATE_LIMIT",
}

# PDF downloads, each a WeasyPrint run: endpoint -> the URL argument naming what is rendered. Two counts: one per
# client address across all of them (PDF_RATE_LIMIT), one per link whoever asks (PDF_LINK_RATE_LIMIT), so
# neither one client nor many clients sharing one link can keep the workers rendering.
LIMITED_PDFS = {
    "certificates.download": "signed",
    "certificates.host_download": "certificate_id",
    "transcripts.download_pdf": "link",
}


def pdf_link() -> str:
    argument = LIMITED_PDFS[request.endpoint]
    return f"{request.endpoint}:{(request.view_args or {}).get(argument)}"


def limited(config_key: str, *, key: Callable[[], str], scope: str) -> Callable:
    """Mark a view as limited, every method, to the config key's limit per key() (the API: per token). Views
    marked with one scope share one count. The view runs after the before_request hooks, so key() may read
    what they found (the token)."""

    def mark(view):
        view.rate_limit = (config_key, key, scope)  # a flag that wrappers copy, applied in init_app
        return view

    return mark


def init_app(app: Flask) -> None:
    proxies = int(app.config["TRUSTED_PROXY_COUNT"])
    if proxies:
        # Behind a load balancer every request comes from it: trust exactly that many X-Forwarded-* hops.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=proxies)

    # Registered before the limiter's own hook so that it runs after it (Flask runs them in reverse): the
    # limiter writes Retry-After on every limited answer, but it is true only of a refusal (RFC 9110: "how long
    # to wait"), so a client reading it on a 200 would back off for nothing.
    @app.after_request
    def retry_after_only_on_refusals(response):
        if response.status_code != 429:
            response.headers.pop("Retry-After", None)
        return response

    limiter = Limiter(
        get_remote_address,
        app=app,
        storage_uri=app.config["RATELIMIT_STORAGE_URI"],
        headers_enabled=True,  # Retry-After on the 429, so well-behaved clients know when to come back
        # If Redis is down we would rather take a registration than turn everyone away.
        swallow_errors=True,
    )
    app.extensions["eventreg.limiter"] = limiter
    # Flask-Limiter also checks every request against default and application-wide limits. We set none, and
    # the views below check their own limits inside their wrappers, so that hook only added to the time of
    # each page and feed poll (python -m benchmarks.calendar_feed measures a 304).
    hooks = app.before_request_funcs.setdefault(None, [])
    if limiter._check_request_limit in hooks:  # not there when RATELIMIT_ENABLED is false
        hooks.remove(limiter._check_request_limit)
    for endpoint, config_key in LIMITED_POSTS.items():
        view = app.view_functions[endpoint]
        limit = limiter.limit(lambda key=config_key: current_app.config[key], methods=["POST"])
        app.view_functions[endpoint] = limit(view)
    for endpoint, config_key in LIMITED_GETS.items():
        view = app.view_functions[endpoint]
        limit = limiter.limit(lambda key=config_key: current_app.config[key], methods=["GET"])
        app.view_functions[endpoint] = limit(view)
    per_client = limiter.shared_limit(lambda: current_app.config["PDF_RATE_LIMIT"], scope="pdf")
    per_link = limiter.shared_limit(
        lambda: current_app.config["PDF_LINK_RATE_LIMIT"], scope="pdf-link", key_func=pdf_link
    )
    for endpoint in LIMITED_PDFS:
        app.view_functions[endpoint] = per_client(per_link(app.view_functions[endpoint]))
    for endpoint, view in list(app.view_functions.items()):
        if getattr(view, "rate_limit", None):
            config_key, key, scope = view.rate_limit
            limit = limiter.shared_limit(lambda key=config_key: current_app.config[key], scope=scope, key_func=key)
            app.view_functions[endpoint] = limit(view)
