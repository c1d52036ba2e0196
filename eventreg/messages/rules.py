"""The rules of a host's message, each once, with a coded MessageError that the compose form gives to its field:
when it may be sent, to whom, and (merge.py) what its merge fields may be."""

from datetime import datetime

from flask_babel import lazy_gettext as _l

from eventreg import timezones
from eventreg.core.errors import CodedError


class MessageError(CodedError):
    MESSAGES = {
        "unknown_field": _l("“{{{name}}}” is not a merge field. Use {known}."),
        "misspelt_field": _l("“{{{name}}}” is not a merge field: did you mean {{{field}}}?"),
        "field_not_here": _l("{{{name}}} can go in the message, not the subject: each person’s link is theirs alone."),
        "unclosed_brace": _l(
            "The “{{” {where}is not closed. Merge fields are written like {{first_name}}; "
            "for a brace itself, write {{{{."
        ),
        "unopened_brace": _l("The “}}” {where}has no “{{” before it. For a brace itself, write }}}}."),
        "in_the_past": _l("That time has passed: it is now {now}. Choose a later time, or send it now."),
        "unknown_audience": _l("Please choose who gets the message."),
        "unavailable_audience": _l("{label}: {reason}"),
        "nobody": _l("Nobody is in “{label}”, so nothing was sent."),
        "duplicate": _l("This form was sent already, so nothing more was sent."),
        "not_scheduled": _l("This message is {status} and can no longer be changed or cancelled."),
    }

    def __init__(self, code: str, *, message=None, **values):
        super().__init__(code, **values)
        self.existing = message  # for "not_scheduled": the message as it is now


def check_send_at(send_at: datetime, zone: str, *, now: datetime) -> None:
    """A scheduled time must be in the future: MessageError("in_the_past") says what the time is now, in the zone
    the host wrote theirs in."""
    if send_at <= now:
        raise MessageError("in_the_past", now=timezones.in_zone(now, zone))
