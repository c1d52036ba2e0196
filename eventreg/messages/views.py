"""The host's messages to an event's registrants: the log, writing one (audience, preview, test, send now or at a
time), changing or cancelling a scheduled one, and who got a sent one. Every page is under the event's host pages
and shows only an event the host manages (hosts/access.py)."""

from datetime import datetime

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_required
from wtforms.fields.choices import SelectChoice

from eventreg import clock, timezones
from eventreg.core import paging
from eventreg.core.extensions import db
from eventreg.core.inputs import MAX_ID
from eventreg.events.models import Event
from eventreg.hosts.access import managed_event
from eventreg.hosts.forms import ActionForm
from eventreg.mail import sending as mail_sending
from eventreg.messages import audiences, merge, notifications, operations, queries
from eventreg.messages.forms import MessageForm
from eventreg.messages.models import HostMessage
from eventreg.messages.rules import MessageError, check_send_at

bp = Blueprint("messages", __name__, url_prefix="/host/events/<int:event_id>")

LOG_PER_PAGE = 50
RECIPIENTS_PER_PAGE = 100


def people(n: int) -> str:
    return ngettext("%(num)d person", "%(num)d people", n)


@bp.context_processor
def message_helpers():
    return {"audience_label": operations.audience_label, "note_of": operations.note_of}


def _message(event: Event, message_id: int) -> HostMessage:
    message = queries.get_event_message(event, message_id) if 0 < message_id <= MAX_ID else None
    if message is None:
        abort(404)
    return message


@bp.get("/messages")
@login_required
def index(event_id: int):
    event = managed_event(event_id)
    page = request.args.get("page", 1, type=int)
    paging.check_page(page, per_page=LOG_PER_PAGE)
    return render_template(
        "messages/index.html",
        event=event,
        scheduled=queries.list_scheduled(event),
        pagination=db.paginate(queries.log_query(event), page=page, per_page=LOG_PER_PAGE),
    )


@bp.route("/message", methods=["GET", "POST"])
@login_required
def old_address(event_id: int):
    """Where "Email confirmed registrants" used to be: a bookmark (or a form posted there) reaches the new page."""
    event = managed_event(event_id)
    return redirect(url_for("messages.new", event_id=event.id), code=308)


@bp.route("/messages/new", methods=["GET", "POST"])
@login_required
def new(event_id: int):
    return _compose(managed_event(event_id), None)


@bp.route("/messages/<int:message_id>/edit", methods=["GET", "POST"])
@login_required
def edit(event_id: int, message_id: int):
    event = managed_event(event_id)
    message = _message(event, message_id)
    if not message.is_scheduled:
        return _show(event, message, status=409, refusal=_not_scheduled_text(message))
    return _compose(event, message)


def _not_scheduled_text(message: HostMessage) -> str:
    return MessageError("not_scheduled", status=_status_words(message)).message


def _status_words(message: HostMessage) -> str:
    return operations.status_words(message)


def _compose(event: Event, message: HostMessage | None):
    """Write (or change) a message: each POST previews it, or sends a test, or (from an unchanged preview) sends or
    schedules it. Rules refused go on their fields; nothing is sent without a preview of exactly that."""
    form = MessageForm()
    _zones(form, event, message)
    now = clock.now()
    if request.method == "GET":
        _fill(form, event, message)
        return _page(event, form, message, now)
    if not form.validate_on_submit() or not _rules_ok(form, event, now):
        return _page(event, form, message, now, status=400)
    action = request.form.get("action", "preview")
    if action == "send" and form.previewed.data == form.fingerprint():
        return _send(event, form, message, now)
    if action == "send":  # changed since the preview: show the preview of what would go now
        flash(_("The message changed after the preview. Check the preview below, then send."), "error")
    if action == "test":
        first = audiences.first(audiences.get(event, form.audience.data), event, now)
        notifications.queue_test(
            event,
            first,
            to_address=current_user.email,
            to_name=current_user.name or "",
            subject=form.subject.data,
            body=form.body.data,
            reply_to=form.reply_to.data,
            now=now,
        )
        if first:
            flash(
                _(
                    "A test copy (as %(name)s would get it) was sent to %(email)s. Nobody else was emailed.",
                    name=first.name,
                    email=current_user.email,
                )
            )
        else:
            flash(_("A test copy was sent to %(email)s. Nobody else was emailed.", email=current_user.email))
    form.previewed.data = form.fingerprint()
    return _page(event, form, message, now, preview=True)


def _zones(form: MessageForm, event: Event, message: HostMessage | None) -> None:
    """The zone list, plus an event's or message's zone saved under an alias the list no longer offers."""
    listed = set(timezones.canonical_zones())
    for zone in {event.timezone, message.zone if message else event.timezone}:
        if zone not in listed:
            form.send_zone.choices = [*form.send_zone.choices, SelectChoice(zone, zone)]


def _fill(form: MessageForm, event: Event, message: HostMessage | None) -> None:
    if message is None:
        form.reply_to.data = current_user.email
        form.send_zone.data = event.timezone
        form.new_key()
        return
    form.audience.data, form.subject.data, form.body.data = message.audience, message.subject, message.body
    form.reply_to.data = message.reply_to or current_user.email
    form.show_time(message.send_at, message.zone)


def _rules_ok(form: MessageForm, event: Event, now: datetime) -> bool:
    """The rules that need the event or the time: the audience can be chosen now, a chosen time is still ahead."""
    try:
        operations.chosen_audience(event, form.audience.data, now)
        if form.send_at is not None:
            check_send_at(form.send_at, form.send_zone.data, now=now)
    except MessageError as error:
        form.refuse(error)
        return False
    return True


def _send(event: Event, form: MessageForm, message: HostMessage | None, now: datetime):
    fields = {
        "audience": form.audience.data,
        "subject": form.subject.data,
        "body": form.body.data,
        "reply_to": form.reply_to.data,
        "now": now,
    }
    try:
        if message is not None:
            message = operations.change_scheduled(message, send_at=form.send_at, zone=form.send_zone.data, **fields)
        elif form.send_at is None:
            message = operations.send_now(event, author=current_user, form_key=form.form_key.data, **fields)
        else:
            message = operations.schedule(
                event,
                author=current_user,
                send_at=form.send_at,
                zone=form.send_zone.data,
                form_key=form.form_key.data,
                **fields,
            )
    except MessageError as error:
        if error.existing is not None and error.existing.event_id == event.id:  # sent twice, or taken by the cron
            return _show(event, error.existing, status=409, refusal=error.message)
        form.refuse(error)
        return _page(event, form, message, now, status=409)
    flash(_done_text(message))
    return redirect(url_for("messages.show", event_id=event.id, message_id=message.id), code=303)


def _done_text(message: HostMessage) -> str:
    if message.is_scheduled:
        return _(
            "Message scheduled for %(when)s, to “%(audience)s” as they are then. You can change or cancel it until "
            "it goes.",
            when=timezones.in_zone(message.send_at, message.zone),
            audience=operations.audience_label(message),
        )
    sent = {"people": people(message.recipient_count or 0), "audience": operations.audience_label(message)}
    if message.reply_to:
        return _(
            "Message sent to %(people)s (“%(audience)s”); replies go to %(email)s.", email=message.reply_to, **sent
        )
    return _("Message sent to %(people)s (“%(audience)s”).", **sent)


def _page(
    event: Event, form: MessageForm, message: HostMessage | None, now: datetime, *, preview: bool = False, status=None
):
    options = _audience_options(event, now)
    chosen = next((option for option in options if option["key"] == form.audience.data), None)
    context = {"event": event, "form": form, "message": message, "options": options, "chosen": chosen}
    if preview and chosen is not None:
        first = audiences.first(chosen["audience"], event, now)
        copy = notifications.preview(event, first, subject=form.subject.data, body=form.body.data)
        context["preview"] = {
            "subject": copy.subject,
            "text": notifications.preview_text(event, copy),
            "first": first,
            "sender": mail_sending.sender_address(),
            "times": _when_lines(form.send_at, form.send_zone.data, event) if form.send_at else [],
        }
    context.update(fields=merge.FIELDS, event_zone=event.timezone, host_zone=current_user.timezone)
    return render_template("messages/compose.html", **context), status or (400 if form.errors else 200)


def _audience_options(event: Event, now: datetime) -> list[dict]:
    options = []
    for audience in audiences.for_event(event):
        reason = audience.unavailable(event, now)
        options.append(
            {
                "audience": audience,
                "key": audience.key,
                "label": audience.label,
                "hint": audience.hint_for(event),
                "reason": reason,
                "count": None if reason else audiences.count(audience, event, now),
            }
        )
    return options


def _when_lines(send_at: datetime, zone: str, event: Event) -> list[str]:
    """The chosen time in its zone, then in the event's and the host's where they differ."""
    lines, seen = [], []
    for line, each in (
        ("%(day)s, %(time)s %(zone)s", zone),
        (_("The event’s time: %(day)s, %(time)s %(zone)s"), event.timezone),
        (_("Your time: %(day)s, %(time)s %(zone)s"), current_user.timezone),
    ):
        if each and each not in seen and timezones.is_valid_zone(each):
            seen.append(each)
            local = timezones.to_zone(send_at, each)
            day, time = timezones.format_long_date(local), timezones.format_time(local)
            lines.append(line % {"day": day, "time": time, "zone": timezones.zone_label(local)})
    return lines


@bp.get("/messages/<int:message_id>")
@login_required
def show(event_id: int, message_id: int):
    event = managed_event(event_id)
    return _show(event, _message(event, message_id))


def _show(event: Event, message: HostMessage, *, status: int = 200, refusal: str | None = None):
    page = request.args.get("page", 1, type=int)
    paging.check_page(page, per_page=RECIPIENTS_PER_PAGE)
    if refusal:
        flash(refusal, "error")
    return render_template(
        "messages/show.html",
        event=event,
        message=message,
        recipients=db.paginate(queries.recipients_query(message), page=page, per_page=RECIPIENTS_PER_PAGE),
        counts=queries.delivery_counts(message),
        when=_when_lines(message.send_at, message.zone, event),
        fields=merge.FIELDS,
    ), status


@bp.get("/messages/<int:message_id>/cancel")
@login_required
def confirm_cancel(event_id: int, message_id: int):
    event = managed_event(event_id)
    message = _message(event, message_id)
    if not message.is_scheduled:
        return _show(event, message, status=409, refusal=_not_scheduled_text(message))
    return render_template(
        "messages/confirm_cancel.html",
        event=event,
        message=message,
        when=_when_lines(message.send_at, message.zone, event),
    )


@bp.post("/messages/<int:message_id>/cancel")
@login_required
def cancel(event_id: int, message_id: int):
    event = managed_event(event_id)
    message = _message(event, message_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    try:
        operations.cancel_scheduled(message, now=clock.now())
    except MessageError as error:
        return _show(event, error.existing or message, status=409, refusal=error.message)
    flash(_("The message was cancelled: it will not be sent."))
    return redirect(url_for("messages.index", event_id=event.id), code=303)
