"""The one shape of an area's refusal: a short code that tests and API problem documents use, and the text a person
reads, from the area's MESSAGES so wording can change without touching a caller."""

from typing import ClassVar


class CodedError(Exception):
    """raise AreaError("code", **values): .code, and .message = MESSAGES[code] with the values filled in.
    Subclasses give only their MESSAGES, and any detail a caller needs besides (as attributes)."""

    MESSAGES: ClassVar[dict[str, str]] = {}

    def __init__(self, code: str, **values):
        super().__init__(code)
        self.code = code
        self.message = self.MESSAGES[code].format(**values)
