"""HTML to PDF with WeasyPrint (Pango shapes every script: Arabic joins right to left, Devanagari conjuncts).

The fonts are the system's, found through fontconfig (`make fonts` installs Noto and WenQuanYi Micro Hei).
Nothing is fetched over the network: a document may use data: URIs and local files only, so a PDF never
waits on, or tells, another server."""

import logging

# WeasyPrint reports each rendering step at INFO and every unsupported CSS property at WARNING; our log
# (eventreg/core/logs.py) keeps one line per thing that happened, so only its errors get through.
for name in ("weasyprint", "weasyprint.progress", "fontTools"):
    logging.getLogger(name).setLevel(logging.ERROR)

LOCAL_PROTOCOLS = {"data", "file"}


def render_pdf(html: str, base_url: str | None = None) -> bytes:
    """The PDF of an HTML document (its own <style> included); relative URLs resolve against base_url."""
    # Imported on first use: loading WeasyPrint (Pango, fonts) takes a while, and most processes never render.
    import weasyprint
    from weasyprint.urls import URLFetcher

    fetcher = URLFetcher(allowed_protocols=LOCAL_PROTOCOLS, timeout=5)
    return weasyprint.HTML(string=html, base_url=base_url, url_fetcher=fetcher).write_pdf()
