"""Mailing a transcript link. Operations add and flush, never commit."""

from datetime import datetime

from flask import current_app
from flask_babel import gettext as _

from eventreg.core.links import external_url
from eventreg.mail import outbox
from eventreg.mail import queries as mail_queries
from eventreg.transcripts import queries, tokens

# Anyone can type anyone's address into the form, so what it sends to one address is capped, as repeated
# registrations are (registrations/operations.py): at most this many transcript mails per address per day.
LINKS_PER_ADDRESS_PER_DAY = 3
KINDS = ("transcript_link", "transcript_none")


def normalise_email(email: str) -> str:
    return email.strip().lower()


def request_transcript(email: str, *, now: datetime) -> str | None:
    """Queue the address's transcript link, or word that it has no attendance on record, to that address
    only. Returns the kind queued, or None when the address has had its LINKS_PER_ADDRESS_PER_DAY today.

    An address with no attendance is told so: its owner gets an answer, nothing on screen differs, and the
    same daily budget applies either way, so the mail reveals nothing to whoever typed the address. The mail is in
    the language of the request that asked for it."""
    email = normalise_email(email)
    if mail_queries.has_had_daily(email, KINDS, LINKS_PER_ADDRESS_PER_DAY, now=now):
        return None
    attended = queries.list_attended(email)
    if attended:
        kind, subject = "transcript_link", _("Your attendance transcript")
        context = {
            "name": attended[-1].name,
            "link": external_url("transcripts.show", link=tokens.transcript_token(email)),
            "events": len(attended),
            "days": current_app.config["TRANSCRIPT_LINK_MAX_AGE"] // (24 * 3600),
        }
    else:
        kind, subject = "transcript_none", _("No attendance recorded for this address")
        context = {"name": "", "request_url": external_url("transcripts.request_link")}
    outbox.queue(
        kind=kind, to_address=email, to_name=context["name"], subject=subject, template=kind, context=context, now=now
    )
    return kind
