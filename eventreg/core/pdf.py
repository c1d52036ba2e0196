"""PDF from HTML and CSS, typeset by WeasyPrint (Pango shapes the text, so any script the installed fonts
cover comes out right)."""

import logging

# WeasyPrint narrates every step at INFO ("Step 2 - Fetching and parsing CSS"), and fontTools each table it
# subsets ("cmap pruned"): dozens of lines per PDF, none of them news. Their warnings and errors still show.
for name in ("weasyprint.progress", "fontTools"):
    logging.getLogger(name).setLevel(logging.WARNING)

# A PDF is made from our own templates: whatever it loads (a stylesheet, an image, a font) is a local file
# or inline data. Never the network, so no text typed into an event can make the server fetch a URL.
ALLOWED_PROTOCOLS = ("data", "file")


def render_pdf(html: str, base_url: str | None = None) -> bytes:
    """The PDF of an HTML document; relative URLs in it are read against base_url (a folder, as file:)."""
    # Imported here: loading WeasyPrint (and its stylesheets) takes a moment every app start would pay.
    from weasyprint import HTML
    from weasyprint.urls import URLFetcher

    fetcher = URLFetcher(allowed_protocols=ALLOWED_PROTOCOLS, timeout=5)
    return HTML(string=html, base_url=base_url, url_fetcher=fetcher).write_pdf()
