"""A manage link in, its registration out, or the site's page for a link that opens nothing. Shared by the
registrant's pages and the personal calendar feed's page."""

from flask import Response, abort, render_template

from eventreg.registrations import operations, tokens
from eventreg.registrations.models import Registration


def read_link(signed: str) -> tuple[Registration, tokens.ManageLink]:
    """The registration a manage link was made for, even if a newer registration replaced it; the
    site's "bad link" page (404, or 410 once expired) otherwise."""
    try:
        link = tokens.read_manage_token(signed)
    except tokens.LinkError as error:
        status = 410 if error.code == "expired" else 404
        abort(Response(render_template("registrations/bad_link.html", reason=error.code), status))
    if link.registration_id is None:
        registration = operations.get_by_token(link.token)
    else:
        registration = operations.get_by_id(link.registration_id)
    if registration is None:
        abort(Response(render_template("registrations/bad_link.html", reason="invalid"), 404))
    return registration, link


def registration_from_link(signed: str) -> tuple[Registration, tokens.ManageLink]:
    """As read_link, but a link to a registration that was cancelled and made again (which gave it a new
    link) shows only that it was replaced: whoever holds the old link may not see the new one."""
    registration, link = read_link(signed)
    if registration.token != link.token:
        page = render_template("registrations/replaced.html", event=registration.event, signed=signed, link=link)
        abort(Response(page, 410))
    return registration, link
