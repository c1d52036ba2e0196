"""The event editor: creating an event, changing it (with what the save mailed, in plain words), publishing,
unpublishing, cancelling and copying it, and previewing its public page."""

import functools

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_login import current_user, login_required
from wtforms.fields.choices import SelectChoice

from eventreg import clock, timezones
from eventreg.attendance import credit
from eventreg.core import languages
from eventreg.events import operations as event_operations
from eventreg.events import queries as event_queries
from eventreg.events.models import Event, Status
from eventreg.hosts import operations as host_operations
from eventreg.hosts.access import managed_event
from eventreg.hosts.forms import EventForm
from eventreg.hosts.operations import HostError
from eventreg.hosts.views import bp, csrf_ok
from eventreg.questions import operations as question_operations
from eventreg.registrations import operations as seats
from eventreg.registrations import queries as registration_queries
from eventreg.registrations.forms import RegistrationForm
from eventreg.registrations.models import Registration
from eventreg.registrations.operations import RegistrationError
from eventreg.registrations.pages import event_page_context
from eventreg.series import links as series_links
from eventreg.series import queries as series_queries


def _topic_choices(form: EventForm) -> None:
    form.topics.choices = [SelectChoice(t.id, t.name) for t in event_queries.list_topics()]


def _event_fields(form: EventForm) -> dict:
    return {
        "title": form.title.data,
        "summary": form.summary.data or "",
        "description": form.description.data or "",
        "format": form.format.data,
        "location": form.location.data or None,
        "host_name": form.host_name.data or None,
        "timezone": form.timezone.data,
        "starts_at": form.starts_at,
        "ends_at": form.ends_at,
        "join_url": form.join_url.data or None,
        "archive_url": form.archive_url.data or None,
        "reminder_hours": form.reminder_hours.data or "",
        "registration_deadline_at": form.registration_deadline_at,
        "contact_hours": form.contact_hours.data,
        "credit_min_minutes": form.credit_min_minutes.data,
        "requires_approval": form.requires_approval.data,
        "language": form.language.data,
    }


def _confirm_past_start(form: EventForm, event: Event | None) -> bool:
    """True when the start may be saved; else asks, on the form, whether a start in the past is meant."""
    if form.past_ok.data or not host_operations.needs_past_confirmation(event, form.starts_at, now=clock.now()):
        return True
    form.past_ok.flags.needed = True
    form.start_date.errors.append(
        _(
            "This start, %(date)s, is in the past. Registrants are not emailed about changes to an event that has "
            "ended. If you mean it, tick “%(label)s” below and save again.",
            date=timezones.local_date(form.starts_at, form.timezone.data),
            label=form.past_ok.label.text,
        )
    )
    return False


def _selected_topics(form: EventForm):
    return [t for t in event_queries.list_topics() if t.id in (form.topics.data or [])]


@bp.route("/events/new", methods=["GET", "POST"])
@login_required
def new_event():
    form = EventForm(language=current_user.locale or languages.current())  # hosts mostly write in their own
    _topic_choices(form)
    if request.method == "GET":
        form.timezone.data = current_user.timezone
    if form.validate_on_submit() and _confirm_past_start(form, None):
        try:
            event = host_operations.create_event(
                current_user,
                cohost_emails=form.cohost_emails(),
                topics=_selected_topics(form),
                slug=form.slug.data or None,
                capacity=form.capacity.data,
                now=clock.now(),
                **_event_fields(form),
            )
        except (HostError, event_operations.EventError) as error:
            (form.cohosts if isinstance(error, HostError) else form.slug).errors.append(error.message)
            return render_template("hosts/event_form.html", form=form, event=None), 400
        flash(_("Draft saved. Preview it, then publish when it is ready."))
        return redirect(url_for("hosts.edit_event", event_id=event.id), code=303)
    return render_template("hosts/event_form.html", form=form, event=None), 400 if form.errors else 200


@bp.route("/events/<int:event_id>/edit", methods=["GET", "POST"])
@login_required
def edit_event(event_id: int):
    event = managed_event(event_id)
    form = EventForm(obj=event)
    _topic_choices(form)
    if event.timezone not in timezones.canonical_zones():  # saved before the list held only canonical zones
        form.timezone.choices = [*form.timezone.choices, SelectChoice(event.timezone, event.timezone)]
    if request.method == "GET":
        _fill_times(form, event)
    if form.validate_on_submit() and _confirm_past_start(form, event):
        try:
            update, promoted = host_operations.save_event(
                event,
                current_user,
                cohost_emails=form.cohost_emails(),
                topics=_selected_topics(form),
                capacity=form.capacity.data,
                now=clock.now(),
                slug=form.slug.data or event.slug,
                **_event_fields(form),
            )
        except (HostError, RegistrationError, event_operations.EventError) as error:
            field = {HostError: form.cohosts, RegistrationError: form.capacity}.get(type(error), form.slug)
            if error.code == "pending_left":
                field = form.requires_approval
            field.errors.append(error.message)
            return render_template(
                "hosts/event_form.html", form=form, event=event, required_minutes=credit.required_minutes(event)
            ), 400
        flash(saved_message(update, promoted))
        return redirect(url_for("hosts.edit_event", event_id=event.id), code=303)
    if request.method == "GET":
        form.cohosts.data = ", ".join(h.email for h in event.hosts if h.id != current_user.id)
        form.topics.data = [t.id for t in event.topics]
    return render_template(
        "hosts/event_form.html", form=form, event=event, required_minutes=credit.required_minutes(event)
    ), 400 if form.errors else 200


NOT_INVITED = {
    "draft": _l("Nobody was emailed: the event is a draft."),
    "cancelled": _l("Nobody was emailed: the event is cancelled."),
    "ended": _l("Nobody was emailed: the event has ended."),
    "nobody": _l("Nobody was emailed: no one is confirmed yet."),
}
RECORDING_HELD = {
    "not_ended": _l(
        "The recording link will be emailed after the event ends, to those who attended, those marked absent and "
        "those who asked for it."
    ),
    "nobody": _l("Nobody was emailed the recording link: no one attended, was marked absent or asked for it."),
}
# What registrants care about that changed (events.operations.NOTIFIED_CHANGES' words), as the host reads them.
TOLD = {"join link": _l("join link"), "place": _l("place"), "time": _l("time")}


def _recording_kind(kind: str, n: int) -> str:
    if kind == "thanks":
        return ngettext("%(num)d attended (a thank-you)", "%(num)d attended (a thank-you)", n)
    if kind == "missed":
        return ngettext("%(num)d marked absent (sorry we missed you)", "%(num)d marked absent (sorry we missed you)", n)
    return ngettext("%(num)d who asked for the recording", "%(num)d who asked for the recording", n)


RECORDING_KINDS = ("thanks", "missed", "recording")


def saved_message(update: event_operations.EventUpdate, promoted: list[Registration]) -> str:
    """What the save did, mail included, in plain words: never a message that was not sent."""
    parts = [_("Saved.")]
    if update.invited:
        told = functools.reduce(
            lambda first, second: _("%(first)s and %(second)s", first=first, second=second),
            [str(TOLD.get(name, name)) for name in update.told],
        )
        parts.append(
            ngettext(
                "%(num)d confirmed registrant was emailed an updated invitation (%(told)s changed).",
                "%(num)d confirmed registrants were emailed an updated invitation (%(told)s changed).",
                update.invited,
                told=told,
            )
        )
    elif update.not_invited:
        parts.append(str(NOT_INVITED[update.not_invited]))
    if promoted:
        parts.append(
            ngettext(
                "%(num)d person moved from the waiting list to confirmed and emailed.",
                "%(num)d people moved from the waiting list to confirmed and emailed.",
                len(promoted),
            )
        )
    corrections = update.recording.get("recording_correction", 0)
    if corrections:
        parts.append(
            ngettext(
                "The corrected recording link was emailed to %(num)d person.",
                "The corrected recording link was emailed to %(num)d people.",
                corrections,
            )
        )
    elif update.recording:
        each = ", ".join(
            _recording_kind(kind, update.recording[kind]) for kind in RECORDING_KINDS if update.recording[kind]
        )
        parts.append(
            ngettext(
                "The recording link was emailed to %(num)d person: %(each)s.",
                "The recording link was emailed to %(num)d people: %(each)s.",
                update.recording.total(),
                each=each,
            )
        )
    elif update.recording_held:
        parts.append(str(RECORDING_HELD[update.recording_held]))
    return " ".join(parts)


def _fill_times(form: EventForm, event: Event) -> None:
    start, end = timezones.to_zone(event.starts_at, event.timezone), timezones.to_zone(event.ends_at, event.timezone)
    form.start_date.data, form.start_time.data = start.date(), start.time().replace(tzinfo=None)
    form.end_time.data = end.time().replace(tzinfo=None)
    form.end_date.data = end.date() if end.date() != start.date() else None
    if event.registration_deadline_at is not None:
        deadline = timezones.to_zone(event.registration_deadline_at, event.timezone)
        form.deadline_date.data, form.deadline_time.data = deadline.date(), deadline.time().replace(tzinfo=None)
    form.keep_occurrences(event)


@bp.post("/events/<int:event_id>/<any(publish, unpublish, cancel, duplicate):action>")
@login_required
def event_action(event_id: int, action: str):
    event = managed_event(event_id)
    if not csrf_ok():
        abort(400)
    now = clock.now()
    if action in ("publish", "unpublish"):
        try:
            if action == "publish":
                event_operations.publish(event, now=now)
                flash(_("Published: the event is on the public pages."))
            else:
                event_operations.unpublish(event, now=now)
                flash(_("Unpublished: the event is a draft again."))
        except event_operations.EventError as error:
            flash(error.message, "error")
    elif action == "cancel":
        if event.status == Status.CANCELLED:
            flash(_("This event was already cancelled; nobody was emailed again."))
        else:
            event_operations.cancel_event(event, now=now)
            told = seats.tell_of_event_cancelled(event, now=now)
            flash(
                ngettext(
                    "Cancelled. %(num)d registrant was emailed.", "Cancelled. %(num)d registrants were emailed.", told
                )
                if told
                else _("Cancelled. Nobody was registered, so no one was emailed.")
            )
    else:
        copy = event_operations.duplicate_event(event, now=now)
        question_operations.copy_questions(event, copy, now=now)  # the catalog knows nothing of questions
        flash(_("A draft copy one week later. Check the date, then publish."))
        return redirect(url_for("hosts.edit_event", event_id=copy.id), code=303)
    return redirect(url_for("hosts.edit_event", event_id=event.id), code=303)


@bp.get("/events/<int:event_id>/confirm-cancel")
@login_required
def confirm_cancel_event(event_id: int):
    """The step before cancelling: it says who will be emailed. The POST to the same address cancels."""
    event = managed_event(event_id)
    if event.status == Status.CANCELLED:
        flash(_("This event is already cancelled."))
        return redirect(url_for("hosts.edit_event", event_id=event.id), code=303)
    counts = registration_queries.counts_by_status([event.id])[event.id]
    return render_template("hosts/confirm_cancel_event.html", event=event, counts=counts)


@bp.get("/events/<int:event_id>/preview")
@login_required
def preview(event_id: int):
    event = managed_event(event_id)
    context = event_page_context(event, form=RegistrationForm(formdata=None))
    # A course session's preview links the course, as its public page will (a draft has no part number yet).
    part = series_links.sessions_series([event]).get(event.id)
    sessions = series_queries.public_sessions(event.series) if part else []
    return render_template("events/show.html", preview=True, part=part, sessions=sessions, **context)
