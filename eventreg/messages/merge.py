"""Merge fields: {first_name}, {event_title}, {event_time} and {manage_link} in a host's subject and message, filled
in for each recipient. A text is read once into parts (literal text, and the fields between them), so the same parts
make the plain text, the HTML (every value escaped, the link a link) and the subject.

Only these four names are fields; "{{" and "}}" write a brace itself. Anything else between braces, or a brace left
open, is a MessageError naming it, so a typo is caught on the form instead of reaching a hundred inboxes as
"Hello {frist_name}"."""

import re
from dataclasses import dataclass

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from markupsafe import Markup, escape

from eventreg import timezones
from eventreg.events.models import Event
from eventreg.messages.rules import MessageError

FIELDS = {
    "first_name": _l("the person’s first name (the first word of the name they registered with)"),
    "event_title": _l("the event’s title"),
    "event_time": _l("the event’s date and time in the person’s own time zone (else the event’s), with the zone named"),
    "manage_link": _l("the person’s own link to manage their registration (in the message only)"),
}
# A subject is one line that the message log shows: no personal link in it.
SUBJECT_FIELDS = tuple(name for name in FIELDS if name != "manage_link")
LINK_FIELDS = ("manage_link",)

# "{{" and "}}" are braces; "{name}" a field (never across a line); any other brace is a stray one.
_TOKEN = re.compile(r"\{\{|\}\}|\{([^{}\n]*)\}|[{}]")


@dataclass(frozen=True)
class Part:
    text: str = ""  # literal text, when field is None
    field: str | None = None


def problems(text: str, *, allowed: tuple[str, ...] = tuple(FIELDS)) -> list[MessageError]:
    """Everything wrong with the text's braces, in order: unknown fields, fields not allowed here, stray braces."""
    return _read(text, allowed)[1]


def parse(text: str, *, allowed: tuple[str, ...] = tuple(FIELDS)) -> list[Part]:
    """The text as parts; the first of its problems() as a MessageError."""
    parts, found = _read(text, allowed)
    if found:
        raise found[0]
    return parts


def _read(text: str, allowed: tuple[str, ...]) -> tuple[list[Part], list[MessageError]]:
    parts: list[Part] = []
    found: list[MessageError] = []
    literal: list[str] = []
    position = 0
    for match in _TOKEN.finditer(text):
        literal.append(text[position : match.start()])
        position = match.end()
        token = match.group(0)
        if token in ("{{", "}}"):
            literal.append(token[0])
            continue
        if token in ("{", "}"):
            where = _where(text, match.start())
            found.append(MessageError("unclosed_brace" if token == "{" else "unopened_brace", where=where))
            continue
        name = match.group(1)
        error = _field_error(name, allowed)
        if error:
            found.append(error)
            continue
        if literal:
            parts.append(Part("".join(literal)))
            literal = []
        parts.append(Part(field=name))
    literal.append(text[position:])
    if "".join(literal):
        parts.append(Part("".join(literal)))
    return parts, found


def _field_error(name: str, allowed: tuple[str, ...]) -> MessageError | None:
    if name in allowed:
        return None
    if name in FIELDS:
        return MessageError("field_not_here", name=name)
    shown = name if len(name) <= 40 else name[:39] + "…"
    guess = "_".join(name.strip().lower().replace("-", " ").split())
    if guess in allowed:
        return MessageError("misspelt_field", name=shown, field=guess)
    known = _(
        "%(fields)s or %(last)s", fields=", ".join(f"{{{field}}}" for field in allowed[:-1]), last=f"{{{allowed[-1]}}}"
    )
    return MessageError("unknown_field", name=shown, known=known)


def _where(text: str, index: int) -> str:
    """ "on line 3 " in a text of several lines; nothing in one of a single line (a subject)."""
    if "\n" not in text:
        return ""
    return _("on line %(line)s", line=text.count(chr(10), 0, index) + 1) + " "


def render(parts: list[Part], values: dict[str, str]) -> str:
    """The plain text: each field's value as it is."""
    return "".join(part.text if part.field is None else values[part.field] for part in parts)


def render_html(parts: list[Part], values: dict[str, str]) -> Markup:
    """The HTML: what the host wrote and every value escaped, a link field a link (when it is one), blank lines
    between paragraphs and single line breaks as <br>. Values never hold a line break, so splitting the escaped
    text at them cannot cut into one."""
    pieces = []
    for part in parts:
        if part.field is None:
            pieces.append(escape(part.text))
        elif part.field in LINK_FIELDS and values[part.field].startswith(("https://", "http://")):
            pieces.append(Markup('<a href="{0}">{0}</a>').format(values[part.field]))
        else:
            pieces.append(escape(values[part.field]))
    html = Markup("").join(pieces)
    paragraphs = [p for p in re.split(r"\n{2,}", str(html)) if p.strip()]
    return Markup("\n".join(f"<p>{p.strip(chr(10)).replace(chr(10), '<br>' + chr(10))}</p>" for p in paragraphs))


def first_name(name: str) -> str:
    """The first word of the name as registered: "Ana" of "Ana Lima"; a name of one word is itself."""
    words = name.split()
    return words[0] if words else ""


def event_time(event: Event, zone: str | None) -> str:
    """The event's date and times in `zone` (the person's own) or else the event's, with the zone named, as the
    mails show times: "Thursday 30 January 2025, 3:00 PM – 4:00 PM Eastern Standard Time, North America [UTC -5]"."""
    zone = zone if timezones.is_valid_zone(zone) else event.timezone
    local = timezones.to_zone(event.starts_at, zone)
    return f"{timezones.format_long_date(local)}, {timezones.time_range(event.starts_at, event.ends_at, zone)}"
