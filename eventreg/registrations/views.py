import logging

from flask import Blueprint, Response, abort, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _

from eventreg import clock
from eventreg.calendars import ics
from eventreg.core import languages, ratelimits, requests
from eventreg.core.links import external_url
from eventreg.events import queries
from eventreg.events.models import Event
from eventreg.questions import forms as question_forms
from eventreg.questions import operations as question_operations
from eventreg.questions import queries as question_queries
from eventreg.registrations import changes, feeds, links, notifications, operations, tokens
from eventreg.registrations import queries as registration_queries
from eventreg.registrations.forms import CancelForm, DetailsForm, RegistrationForm
from eventreg.registrations.operations import RegistrationError
from eventreg.registrations.pages import event_page_context

bp = Blueprint("registrations", __name__)
log = logging.getLogger(__name__)


def render_registration_page(event: Event, form: RegistrationForm, status: int = 200):
    """The registration page: the event's title and times, the seats left and the form. It carries the
    visitor's CSRF token, so it is never shared (eventreg/core/caching.py: not public, hence private, no-store)."""
    return render_template("registrations/register.html", form=form, **event_page_context(event)), status


def registration_form(event: Event, **kwargs) -> RegistrationForm:
    """The registration form, with a field for each of the event's own questions after the fixed ones."""
    questions = question_queries.list_for_event(event)
    return question_forms.with_questions(RegistrationForm, questions)(**kwargs)


@bp.get("/events/<slug>/register")
def form(slug: str):
    event = queries.get_public_event(slug, with_topics=False)
    return render_registration_page(
        event, registration_form(event, formdata=None, timezone=g.get("visitor_zone") or "")
    )


@bp.post("/events/<slug>/register")
def register(slug: str):
    # The registration page shows no topics.
    event = queries.get_public_event(slug, with_topics=False)
    form = registration_form(event)
    if not form.validate_on_submit():
        return render_registration_page(event, form, 400)
    if form.is_bot:
        form.form_errors.append(_("We could not accept this registration."))
        return render_registration_page(event, form, 400)
    # Anyone can type anyone's address, so the answer is the same whether the address was new, already held a
    # place (its state is mailed to it again) or the form was sent twice: no manage link on screen, since only
    # a new address would get one. The link, and whatever it shows, reaches the mailbox only. Rendered before
    # the operation: from the event's row lock it takes to the commit, other registrations of the event wait.
    answer = render_template("registrations/check_email.html", event=event, email=form.email.data)
    try:
        submitted = operations.submit_registration(
            event,
            email=form.email.data,
            timezone=form.timezone.data,
            form_key=form.form_key.data or None,
            answers=form.answers(),
            locale=languages.current(),
            now=clock.now(),
            **form.details(),
        )
    except RegistrationError as error:
        log.info("registration refused", extra={"event_id": event.id, "reason": error.code})
        form.form_errors.append(error.message)
        return render_registration_page(event, form, 409)
    registration = submitted.registration
    fields = {"event_id": event.id, "registration_id": registration.id, "outcome": submitted.outcome}
    if submitted.outcome == "repeated":
        fields["resent"] = submitted.resent
    else:
        fields["status"] = registration.status
    requests.after_commit(lambda: log.info("registration submitted", extra=fields))
    return answer


@bp.get("/r/<signed>")
def manage(signed: str):
    registration, link = links.registration_from_link(signed)
    return render_template(
        "registrations/manage.html",
        registration=registration,
        event=registration.event,
        state=registration.event.state(clock.now()),
        position=operations.waiting_position(registration),
        signed=signed,
        mailed=link.mailed,
        sent_its_link=registration_queries.was_sent_its_link(registration),
        personal_feed=operations.get_personal_feed(registration.email) if link.mailed else None,
        details_closed=changes.why_closed(registration, now=clock.now()),
        cancel_form=CancelForm(),
    )


def _details_key() -> str:
    """The registration a details page is for: every link to it (each e-mail's is signed anew) shares one count."""
    try:
        return str(tokens.read_manage_token((request.view_args or {}).get("signed", "")).registration_id)
    except tokens.LinkError:
        return "invalid"


@bp.route("/r/<signed>/details", methods=["GET", "POST"])
@ratelimits.limited("DETAILS_RATE_LIMIT", key=_details_key, scope="registration-details")
def change_details(signed: str):
    """A registrant changes their details until the event starts; after that the page says why it cannot. Only
    through a mailed link: whoever typed someone's address into the form holds nothing that changes it."""
    registration, link = links.registration_from_link(signed)
    if not link.mailed:
        abort(404)
    closed = changes.why_closed(registration, now=clock.now())
    questions = question_queries.list_for_event(registration.event)
    form_class = question_forms.with_questions(DetailsForm, questions)
    if request.method == "GET":
        earlier = question_queries.answers_of([registration.id]).get(registration.id, [])
        form = form_class(obj=registration, data=question_forms.answer_data(questions, earlier))
    else:
        form = form_class()
    if request.method == "GET" or closed:
        return render_details_page(registration, form, signed, closed, 409 if request.method == "POST" else 200)
    if not form.validate_on_submit():
        return render_details_page(registration, form, signed, None, 400)

    def new_answers() -> list[changes.FieldChange]:
        changed = question_operations.change_answers(registration, form.answers(), now=clock.now())
        return [changes.FieldChange("answers", label, old, new) for label, old, new in changed]

    try:
        changed = changes.change_details(registration, now=clock.now(), extra=new_answers, **form.details())
    except RegistrationError as error:  # closed since the page was read: cancelled, or the event started
        return render_details_page(registration, form, signed, error.code, 409)
    fields = {"event_id": registration.event_id, "registration_id": registration.id}
    fields["changed"] = [change.field for change in changed]
    requests.after_commit(lambda: log.info("registration details changed", extra=fields))
    if changed:
        flash(
            _(
                "Your changes are saved. Changed: %(changed)s.",
                changed=", ".join(changes.shown_label(c) for c in changed),
            )
        )
    else:
        flash(_("Nothing was changed."))
    return redirect(url_for("registrations.manage", signed=signed), code=303)


def render_details_page(registration, form: DetailsForm, signed: str, closed: str | None, status: int):
    return render_template(
        "registrations/details.html",
        registration=registration,
        event=registration.event,
        form=form,
        signed=signed,
        closed=RegistrationError.MESSAGES[closed] if closed else None,
    ), status


@bp.get("/r/<signed>/register-again")
def register_again(signed: str):
    """The registration form filled in from this cancelled registration, for the mailbox its link was sent to.
    Anyone can type an address into the blank form, so nothing is ever filled in from an address: only from a
    mailed link, whose holder reads that mailbox. Anything else is led to the blank form, or back to the page."""
    registration, link = links.registration_from_link(signed)
    event = registration.event
    if not registration.is_cancelled or not event.is_open_for_registration(clock.now()):
        return redirect(url_for("registrations.manage", signed=signed), code=303)
    if not link.mailed:
        return redirect(url_for("registrations.form", slug=event.slug), code=303)
    details = {"email": registration.email, "timezone": registration.timezone or g.get("visitor_zone") or ""}
    for name in changes.DETAIL_FIELDS:
        details[name] = getattr(registration, name)
    earlier = question_queries.answers_of([registration.id]).get(registration.id, [])
    details |= question_forms.answer_data(question_queries.list_for_event(event), earlier)
    form = registration_form(event, formdata=None, data=details)
    return render_template("registrations/register.html", form=form, again=True, **event_page_context(event))


@bp.get("/r/<signed>/cancel")
def confirm_cancel(signed: str):
    """Cancelling cannot be undone (the seat goes to the next person waiting), so it is asked first."""
    registration, _ = links.registration_from_link(signed)
    if not registration.is_active or registration.event.state(clock.now()) not in ("upcoming", "live"):
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
    registration, _ = links.registration_from_link(signed)
    if not CancelForm().validate_on_submit():
        abort(400)
    operations.cancel_registration(registration, now=clock.now())
    fields = {"event_id": registration.event_id, "registration_id": registration.id}
    requests.after_commit(lambda: log.info("registration cancelled", extra=fields))
    return redirect(url_for("registrations.manage", signed=signed), code=303)


@bp.get("/r/<signed>/invite.ics")
def invitation(signed: str):
    registration, _ = links.registration_from_link(signed)
    if not registration.is_confirmed:
        abort(404)
    link = external_url("registrations.manage", signed=signed)
    body = notifications.download(registration, manage_link=link)
    return Response(body, headers=ics.response_headers(filename=f"{registration.event.slug}.ics"))


@bp.get("/feeds/<token>.ics")
def personal_feed(token: str):
    """Every event registered with one address, join links included (registrations/feeds.py)."""
    feed = feeds.get_feed(token)
    if feed is None:
        abort(404)
    return feeds.answer(request, feed, now=clock.now())


@bp.post("/r/<signed>/feed/replace")
def replace_feed(signed: str):
    """A leaked personal feed URL: give the address a new one; the old URL stops working. Offered only
    through links mailed to the address, including those of cancelled or replaced registrations."""
    registration, link = links.read_link(signed)
    if not link.mailed:
        abort(404)
    if not CancelForm().validate_on_submit():
        abort(400)
    operations.replace_personal_feed(registration.email, now=clock.now())
    return redirect(url_for("registrations.manage", signed=signed, _anchor="calendar-feed"), code=303)
