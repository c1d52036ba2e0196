"""What counts as one line of text, and as plain text, and how a longer text is normalised: one rule for the pages'
forms and the API's schemas."""

import unicodedata

LINE_BREAKS = {"\n", "\r", "\u2028", "\u2029", "\x85"}


def is_single_line(text: str) -> bool:
    """No line breaks or control characters: they have no place in a name and could split an e-mail header."""
    return not any(c in LINE_BREAKS or unicodedata.category(c) == "Cc" for c in text)


def is_plain_text(text: str) -> bool:
    """Line breaks and tabs are fine in a longer text; other control characters are not."""
    return not any(unicodedata.category(c) == "Cc" and c not in "\n\r\t" for c in text)


def normalise_multi_line(text: str) -> str:
    """A longer text as we store and compare it: LF line endings, no surrounding blank space. Browsers send a
    textarea's line breaks as CRLF (HTML's form submission rules) and API clients send either; without this an
    unchanged save from a browser would compare unequal and change the event."""
    return text.replace("\r\n", "\n").replace("\r", "\n").strip()
