"""Hosts' webhook endpoints: add (the secret shown once), change, disable and enable, delete, and each one's
delivery log with "Send again". A host sees only their own endpoints; anyone else's id answers 404."""

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_required

from eventreg import clock
from eventreg.core import paging
from eventreg.core.extensions import db
from eventreg.core.inputs import MAX_ID
from eventreg.hosts.forms import ActionForm
from eventreg.webhooks import network, operations
from eventreg.webhooks.forms import EndpointForm
from eventreg.webhooks.models import EVENT_TYPES, WebhookDelivery, WebhookEndpoint
from eventreg.webhooks.operations import WebhookError

bp = Blueprint("webhooks", __name__, url_prefix="/host/webhooks")
DELIVERIES_PER_PAGE = 50


def own_endpoint(endpoint_id: int) -> WebhookEndpoint:
    """The signed-in host's endpoint; 404 for anyone else's, so ids reveal nothing."""
    endpoint = db.session.get(WebhookEndpoint, endpoint_id) if 0 < endpoint_id <= MAX_ID else None
    if endpoint is None or endpoint.host_id != current_user.id:
        abort(404)
    return endpoint


def _allowed() -> frozenset[str]:
    return network.allowed_hosts(current_app.config["WEBHOOK_ALLOWED_HOSTS"])


def _csrf_ok() -> bool:
    return ActionForm().validate_on_submit()


@bp.get("/")
@login_required
def index():
    endpoints = db.session.scalars(
        db.select(WebhookEndpoint).where(WebhookEndpoint.host_id == current_user.id).order_by(WebhookEndpoint.id)
    ).all()
    return render_template("webhooks/index.html", endpoints=endpoints)


@bp.route("/new", methods=["GET", "POST"])
@login_required
def new():
    form = EndpointForm()
    if request.method == "GET":
        form.event_types.data = list(EVENT_TYPES)
    if form.validate_on_submit():
        try:
            endpoint = operations.create_endpoint(
                current_user,
                url=form.url.data,
                event_types=form.event_types.data,
                description=form.description.data or "",
                allowed=_allowed(),
                now=clock.now(),
            )
        except (network.UrlRefused, WebhookError) as error:
            (form.url if isinstance(error, network.UrlRefused) else form.event_types).errors.append(error.message)
            return render_template("webhooks/form.html", form=form, endpoint=None), 400
        # The secret is shown on this answer only (private, no-store), never in a flash or a redirect.
        return render_template("webhooks/created.html", endpoint=endpoint)
    return render_template("webhooks/form.html", form=form, endpoint=None), 400 if form.errors else 200


@bp.route("/<int:endpoint_id>/edit", methods=["GET", "POST"])
@login_required
def edit(endpoint_id: int):
    endpoint = own_endpoint(endpoint_id)
    form = EndpointForm(obj=endpoint)
    if form.validate_on_submit():
        try:
            operations.update_endpoint(
                endpoint,
                url=form.url.data,
                event_types=form.event_types.data,
                description=form.description.data or "",
                allowed=_allowed(),
            )
        except (network.UrlRefused, WebhookError) as error:
            (form.url if isinstance(error, network.UrlRefused) else form.event_types).errors.append(error.message)
            return render_template("webhooks/form.html", form=form, endpoint=endpoint), 400
        flash(_("Saved."))
        return redirect(url_for("webhooks.show", endpoint_id=endpoint.id), code=303)
    return render_template("webhooks/form.html", form=form, endpoint=endpoint), 400 if form.errors else 200


@bp.get("/<int:endpoint_id>")
@login_required
def show(endpoint_id: int):
    """The endpoint and its delivery log, newest first."""
    endpoint = own_endpoint(endpoint_id)
    page = request.args.get("page", 1, type=int)
    paging.check_page(page, per_page=DELIVERIES_PER_PAGE)
    query = (
        db.select(WebhookDelivery).where(WebhookDelivery.endpoint_id == endpoint.id).order_by(WebhookDelivery.id.desc())
    )
    pagination = db.paginate(query, page=page, per_page=DELIVERIES_PER_PAGE)
    return render_template("webhooks/show.html", endpoint=endpoint, pagination=pagination, now=clock.now())


@bp.post("/<int:endpoint_id>/<any(enable, disable, delete):action>")
@login_required
def endpoint_action(endpoint_id: int, action: str):
    endpoint = own_endpoint(endpoint_id)
    if not _csrf_ok():
        abort(400)
    if action == "enable":
        operations.enable_endpoint(endpoint)
        flash(_("Enabled: new deliveries are sent. Use “Send again” for any that failed meanwhile."))
    elif action == "disable":
        held = operations.disable_endpoint(endpoint, reason="host", now=clock.now())
        flash(_disabled(held))
    else:
        operations.delete_endpoint(endpoint)
        flash(_("The endpoint and its delivery log were deleted."))
        return redirect(url_for("webhooks.index"), code=303)
    return redirect(url_for("webhooks.show", endpoint_id=endpoint.id), code=303)


def _disabled(held: int) -> str:
    if not held:
        return _("Disabled: nothing is sent to it until you enable it.")
    return ngettext(
        "Disabled: nothing is sent to it until you enable it. %(num)d waiting delivery was marked failed; each can "
        "be sent again.",
        "Disabled: nothing is sent to it until you enable it. %(num)d waiting deliveries were marked failed; each "
        "can be sent again.",
        held,
    )


@bp.post("/<int:endpoint_id>/test")
@login_required
def send_test(endpoint_id: int):
    endpoint = own_endpoint(endpoint_id)
    if not _csrf_ok():
        abort(400)
    back = url_for("webhooks.show", endpoint_id=endpoint.id)
    try:
        delivery = operations.send_test(endpoint, now=clock.now())
    except WebhookError as error:
        flash(error.message, "error")
        return redirect(back, code=303)
    flash(
        _(
            "A test event (%(type)s, %(id)s) is being sent; this log shows the outcome.",
            type=operations.TEST_TYPE,
            id=delivery.message_id,
        )
    )
    return redirect(back, code=303)


@bp.route("/<int:endpoint_id>/rotate-secret", methods=["GET", "POST"])
@login_required
def rotate_secret(endpoint_id: int):
    """GET asks first (saying what the grace period means); POST rotates and shows the new secret once."""
    endpoint = own_endpoint(endpoint_id)
    grace_hours = int(operations.ROTATION_GRACE.total_seconds() // 3600)
    if request.method == "GET":
        return render_template("webhooks/confirm_rotate.html", endpoint=endpoint, grace_hours=grace_hours)
    if not _csrf_ok():
        abort(400)
    secret = operations.rotate_secret(endpoint, now=clock.now())
    # Shown on this answer only (private, no-store), never in a flash or a redirect.
    return render_template("webhooks/rotated.html", endpoint=endpoint, secret=secret, grace_hours=grace_hours)


@bp.get("/<int:endpoint_id>/confirm-delete")
@login_required
def confirm_delete(endpoint_id: int):
    endpoint = own_endpoint(endpoint_id)
    return render_template("webhooks/confirm_delete.html", endpoint=endpoint)


@bp.post("/<int:endpoint_id>/deliveries/send-again")
@login_required
def send_again_many(endpoint_id: int):
    """The ticked failed deliveries, sent again at once."""
    endpoint = own_endpoint(endpoint_id)
    if not _csrf_ok():
        abort(400)
    back = url_for("webhooks.show", endpoint_id=endpoint.id)
    ids = [int(value) for value in request.form.getlist("delivery") if value.isdigit() and 0 < int(value) <= MAX_ID]
    if not ids:
        flash(_("Tick the failed deliveries to send again."), "error")
        return redirect(back, code=303)
    try:
        queued = operations.send_again_many(endpoint, ids[:DELIVERIES_PER_PAGE], now=clock.now())
    except WebhookError as error:
        flash(error.message, "error")
        return redirect(back, code=303)
    if queued:
        flash(
            ngettext(
                "%(num)d failed delivery is being sent again; this log shows the outcome.",
                "%(num)d failed deliveries are being sent again; this log shows the outcome.",
                queued,
            )
        )
    else:
        flash(_("None of the ticked deliveries had failed, so nothing was sent again."), "error")
    return redirect(back, code=303)


@bp.post("/<int:endpoint_id>/deliveries/<int:delivery_id>/send-again")
@login_required
def send_again(endpoint_id: int, delivery_id: int):
    endpoint = own_endpoint(endpoint_id)
    delivery = db.session.get(WebhookDelivery, delivery_id) if 0 < delivery_id <= MAX_ID else None
    if delivery is None or delivery.endpoint_id != endpoint.id:
        abort(404)
    if not _csrf_ok():
        abort(400)
    back = url_for("webhooks.show", endpoint_id=endpoint.id)
    try:
        operations.send_again(delivery, now=clock.now())
    except WebhookError as error:
        flash(error.message, "error")
        return redirect(back, code=303)
    flash(_("Delivery %(id)s is being sent again; this log shows the outcome.", id=delivery.message_id))
    return redirect(back, code=303)
