"""Event descriptions: Markdown written by hosts, rendered to HTML that is safe to show anyone."""

from functools import lru_cache

import nh3
from markdown_it import MarkdownIt
from markupsafe import Markup

# Raw HTML in the source is escaped by the renderer; nh3 then keeps only the tags Markdown makes,
# so a renderer bug or a future plugin cannot smuggle script into a page.
_markdown = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
_ALLOWED_TAGS = {
    "a", "blockquote", "br", "code", "em", "h2", "h3", "h4", "h5", "h6", "hr", "li", "ol", "p", "pre", "strong", "ul",
}  # fmt: skip
_ALLOWED_ATTRIBUTES = {"a": {"href", "title"}}


@lru_cache(maxsize=4096)
def render_markdown(source: str | None) -> Markup:
    """Markdown to sanitized HTML. Headings start at h2: the page's h1 is the event title.

    Cached by source text: lists render the same descriptions on every request."""
    if not source:
        return Markup("")
    html = _markdown.render(_demote_headings(source))
    return Markup(
        nh3.clean(
            html,
            tags=_ALLOWED_TAGS,
            attributes=_ALLOWED_ATTRIBUTES,
            url_schemes={"http", "https", "mailto"},
            link_rel="noopener noreferrer nofollow",
        )
    )


def _demote_headings(source: str) -> str:
    lines = []
    for line in source.splitlines():
        stripped = line.lstrip()
        if stripped.startswith("#") and len(stripped) - len(stripped.lstrip("#")) < 6:
            line = "#" + stripped
        lines.append(line)
    return "\n".join(lines)


def without_lead(description: str | None, summary: str | None) -> str:
    """The description without the summary it opens with, if it does: a list shows the summary already, and
    the details under it should not say it twice."""
    if not description:
        return ""
    if summary and description.startswith(summary.strip()):
        return description[len(summary.strip()) :].strip()
    return description
