"""Absolute URLs for what leaves a request: e-mails, invitations, webhooks, PDFs and QR codes.

They are built from BASE_URL alone, never from the request's Host header: a stranger who posts a form with
`Host: evil.example` must not make our own mail carry someone's secret link to the stranger's server."""

from urllib.parse import urlsplit

from flask import current_app


def external_url(endpoint: str, **values) -> str:
    """The absolute URL of `endpoint` at the configured site address (BASE_URL), in a request or outside one."""
    base = urlsplit(current_app.config["BASE_URL"])
    adapter = current_app.url_map.bind(base.netloc, script_name=base.path or "/", url_scheme=base.scheme or "https")
    return adapter.build(endpoint, values, force_external=True)
