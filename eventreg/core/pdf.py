"""HTML to PDF with WeasyPrint (Pango shapes every script: Arabic joins right to left, Devanagari conjuncts).

The fonts are the system's, found through fontconfig (`make fonts` installs Noto and WenQuanYi Micro Hei).
Nothing is fetched over the network: a document may use data: URIs and local files only, so a PDF never
waits on, or tells, another server.

Rendering takes a WeasyPrint run (tenths of a second of CPU), so downloads are bounded twice: each client and
each link get a few a minute (core/ratelimits.py, PDF_RATE_LIMIT and PDF_LINK_RATE_LIMIT), and a PDF carries an
ETag computed from the HTML it is made from, so asking again with If-None-Match gets a 304 without rendering.
The HTML holds everything the PDF shows (names, dates, settings, the logo as a data: URI, the template's own
text), so the validator changes exactly when the pages would; it is the standard HTTP way, and it keeps no
copy of anyone's PDF in the server's memory."""

import hashlib
import logging
from importlib import metadata

from flask import Response, request

# WeasyPrint reports each rendering step at INFO and every unsupported CSS property at WARNING; our log
# (eventreg/core/logs.py) keeps one line per thing that happened, so only its errors get through.
for name in ("weasyprint", "weasyprint.progress", "fontTools"):
    logging.getLogger(name).setLevel(logging.ERROR)

log = logging.getLogger(__name__)
LOCAL_PROTOCOLS = {"data", "file"}
# Part of every fingerprint: another WeasyPrint may lay out the same HTML differently.
RENDERER = f"weasyprint {metadata.version('weasyprint')}"


def render_pdf(html: str, base_url: str | None = None) -> bytes:
    """The PDF of an HTML document (its own <style> included); relative URLs resolve against base_url."""
    # Imported on first use: loading WeasyPrint (Pango, fonts) takes a while, and most processes never render.
    import weasyprint
    from weasyprint.urls import URLFetcher

    fetcher = URLFetcher(allowed_protocols=LOCAL_PROTOCOLS, timeout=5)
    body = weasyprint.HTML(string=html, base_url=base_url, url_fetcher=fetcher).write_pdf()
    log.debug("pdf rendered", extra={"bytes": len(body)})
    return body


def fingerprint(html: str, base_url: str | None = None) -> str:
    """A strong validator for the PDF of this document: the same HTML, base and renderer make the same pages."""
    digest = hashlib.sha256()
    for part in (RENDERER, base_url or "", html):
        digest.update(part.encode("utf-8"))
        digest.update(b"\0")
    return digest.hexdigest()[:32]


def download(html: str, *, filename: str, base_url: str | None = None, headers: dict | None = None) -> Response:
    """The PDF of html as an attachment with its ETag, or a 304 without rendering when the client already holds
    that version (If-None-Match). Personal: kept only by the browser, and asked again each time (no-cache)."""
    etag = fingerprint(html, base_url)
    headers = {**(headers or {}), "Cache-Control": "private, no-cache"}
    if request.if_none_match.contains(etag):
        response = Response(status=304, headers=headers)
    else:
        response = Response(render_pdf(html, base_url), mimetype="application/pdf", headers=headers)
        response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.set_etag(etag)
    return response
