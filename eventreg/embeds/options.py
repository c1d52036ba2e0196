"""What an embedded event list may be asked for (`?topic=`, `?limit=`, `?theme=`), and the snippet that asks.

The embed page and the hosts' "Embed on your site" page read the same options, so a snippet the page builds
is always one the embed page accepts."""

import re
from dataclasses import dataclass

from flask import url_for
from flask_babel import lazy_gettext as _l
from markupsafe import escape

from eventreg.core import languages
from eventreg.core.errors import CodedError

MIN_LIMIT = 1
MAX_LIMIT = 20
DEFAULT_LIMIT = 5
THEMES = {"": _l("Follow the site's light or dark setting"), "light": _l("Always light"), "dark": _l("Always dark")}
# Without the loader script the frame keeps this height and scrolls; with it, the frame fits its content.
FRAME_HEIGHT = 600


class EmbedError(CodedError):
    MESSAGES = {
        "limit": _l("limit must be a whole number from %(low)d to %(high)d.", low=MIN_LIMIT, high=MAX_LIMIT),
        "theme": _l("theme must be light or dark (or left out to follow the site's setting)."),
    }


@dataclass(frozen=True)
class EmbedOptions:
    topic: str = ""  # a topic's slug; "" for every event
    limit: int = DEFAULT_LIMIT
    theme: str = ""  # "" follows the embedding page's preference
    language: str = ""  # only events written in this language ("es"); "" for every event

    def query(self) -> dict[str, str | int]:
        """The query parameters that say these options, defaults left out so most snippets stay short."""
        query: dict[str, str | int] = {}
        if self.topic:
            query["topic"] = self.topic
        if self.limit != DEFAULT_LIMIT:
            query["limit"] = self.limit
        if self.theme:
            query["theme"] = self.theme
        if self.language:
            query["language"] = self.language
        return query


def parse(args) -> EmbedOptions:
    """The options in a query string; EmbedError("limit" | "theme") for values outside them. The topic is only
    read here: whether it exists is the caller's question. A language not ours is no filter."""
    limit_text = args.get("limit", "")
    if limit_text == "":
        limit = DEFAULT_LIMIT
    elif re.fullmatch(r"[0-9]{1,3}", limit_text) and MIN_LIMIT <= int(limit_text) <= MAX_LIMIT:
        limit = int(limit_text)
    else:
        raise EmbedError("limit")
    theme = args.get("theme", "")
    if theme not in THEMES:
        raise EmbedError("theme")
    language = args.get("language", "")
    language = language if languages.is_known(language) else ""
    return EmbedOptions(topic=args.get("topic", "").strip(), limit=limit, theme=theme, language=language)


def embed_url(options: EmbedOptions) -> str:
    return url_for("embeds.events", _external=True, **options.query())


def snippet(options: EmbedOptions, *, title: str) -> str:
    """The HTML a site pastes: the framed list, which works alone, then the loader that fits its height."""
    src = escape(embed_url(options))
    loader = escape(url_for("static", filename="embed.js", _external=True))
    return (
        f'<iframe src="{src}" title="{escape(title)}" width="100%" height="{FRAME_HEIGHT}" style="border:0" '
        f'loading="lazy"></iframe>\n<script src="{loader}" async></script>'
    )
