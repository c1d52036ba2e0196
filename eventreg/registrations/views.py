import logging

from flask import Blueprint, Response, abort, g, redirect, render_template, url_for

from eventreg import clock
from eventreg.calendars import ics
from eventreg.events import queries
from eventreg.events.models import Event
from eventreg.events.views import event_page_context
from eventreg.extensions import db
from eventreg.mail import sending
from eventreg.registrations import notifications, operations, tokens
from eventreg.registrations.forms import CancelForm, RegistrationForm
from eventreg.registrations.models import Registration
from eventreg.registrations.operations import RegistrationError

bp = Blueprint("registrations", __name__)
log = logging.getLogger(__name__)


def render_registration_page(event: Event, form: RegistrationForm, status: int = 200):
    """The registration page: the event's title and times, the seats left and the form. It carries the
    visitor's CSRF token, so it is never shared (eventreg/caching.py: not public, hence private, no-store)."""
    return render_template("registrations/register.html", form=form, **event_page_context(event)), status


@bp.get("/events/<slug>/register")
def form(slug: str):
    event = queries.get_public_event(slug, with_topics=False)
    return render_registration_page(event, RegistrationForm(formdata=None, timezone=g.get("visitor_zone") or ""))


@bp.post("/events/<slug>/register")
def register(slug: str):
    # The registration page shows no topics.
    event = queries.get_public_event(slug, with_topics=False)
    form = RegistrationForm()
    if not form.validate_on_submit():
        return render_registration_page(event, form, 400)
    if form.is_bot:
        form.form_errors.append("We could not accept this registration.")
        return render_registration_page(event, form, 400)
    now = clock.now()
    try:
        registration = operations.register(
            event,
            name=form.name.data,
            email=form.email.data,
            organization=form.organization.data,
            job_role=form.job_role.data or "",
            accessibility=form.accessibility.data or "",
            accessibility_details=form.accessibility_details.data or "",
            wants_recording=form.wants_recording.data,
            timezone=form.timezone.data,
            form_key=form.form_key.data or None,
            now=now,
        )
    except RegistrationError as error:
        if error.code != "already_registered":
            db.session.rollback()
            log.info("registration refused", extra={"event_id": event.id, "reason": error.code})
            form.form_errors.append(error.message)
            return render_registration_page(event, form, 409)
        existing = error.registration
        if form.form_key.data and existing.form_key == form.form_key.data:
            # The same form sent twice (a double click): show the first submission's result.
            return redirect(_manage_url(tokens.manage_token(existing)), code=303)
        resent = operations.resend_confirmation(existing, now=now)
        fields = {"event_id": event.id, "registration_id": existing.id, "resent": resent}
        db.session.commit()
        log.info("registration repeated", extra=fields)
        sending.deliver_queued(now)
        # Whoever typed the address learns nothing more: the details go to the address itself.
        return render_template("registrations/already.html", event=event)
    # Read before the commit expires the objects: afterwards each attribute would cost a query.
    signed = tokens.manage_token(registration)
    fields = {"event_id": event.id, "registration_id": registration.id, "status": registration.status}
    db.session.commit()  # one commit per request; queued mail leaves only after it
    log.info("registered", extra=fields)
    sending.deliver_queued(now)
    return redirect(_manage_url(signed), code=303)


def _manage_url(signed: str) -> str:
    # The form posts to ...#form-errors, so that a page with errors opens at their summary; a browser keeps a
    # fragment across a redirect that has none, so the success page names its own.
    return url_for("registrations.manage", signed=signed, _anchor="main")


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


@bp.get("/r/<signed>")
def manage(signed: str):
    registration, link = registration_from_link(signed)
    return render_template(
        "registrations/manage.html",
        registration=registration,
        event=registration.event,
        state=registration.event.state(clock.now()),
        position=operations.waiting_position(registration),
        signed=signed,
        mailed=link.mailed,
        personal_feed=operations.get_personal_feed(registration.email) if link.mailed else None,
        cancel_form=CancelForm(),
    )


@bp.get("/r/<signed>/cancel")
def confirm_cancel(signed: str):
    """Cancelling cannot be undone (the seat goes to the next person waiting), so it is asked first."""
    registration, _ = registration_from_link(signed)
    if registration.is_cancelled or registration.event.state(clock.now()) not in ("upcoming", "live"):
        return redirect(url_for("registrations.manage", signed=signed), code=303)
    _, waiting = operations.seat_counts(registration.event)
    return render_template(
        "registrations/cancel.html",
        registration=registration,
        event=registration.event,
        waiting=waiting,
        signed=signed,
        cancel_form=CancelForm(),
    )


@bp.post("/r/<signed>/cancel")
def cancel(signed: str):
    registration, _ = registration_from_link(signed)
    if not CancelForm().validate_on_submit():
        abort(400)
    now = clock.now()
    operations.cancel_registration(registration, now=now)
    fields = {"event_id": registration.event_id, "registration_id": registration.id}
    db.session.commit()
    log.info("registration cancelled", extra=fields)
    sending.deliver_queued(now)
    return redirect(url_for("registrations.manage", signed=signed), code=303)


@bp.get("/r/<signed>/invite.ics")
def invitation(signed: str):
    registration, _ = registration_from_link(signed)
    if not registration.is_confirmed:
        abort(404)
    link = url_for("registrations.manage", signed=signed, _external=True)
    body = notifications.download(registration, manage_link=link)
    return Response(body, headers=ics.response_headers(filename=f"{registration.event.slug}.ics"))
