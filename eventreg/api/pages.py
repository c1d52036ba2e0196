"""The host's "API tokens" page: make a token (its secret shown once), see when each was last used, revoke."""

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from eventreg import clock
from eventreg.api import operations
from eventreg.api.forms import TokenForm
from eventreg.api.models import ApiToken
from eventreg.api.operations import ApiError
from eventreg.hosts.forms import ActionForm

bp = Blueprint("api_tokens", __name__, url_prefix="/host/api-tokens")


def own_token(token_id: int) -> ApiToken:
    token = operations.get_host_token(current_user, token_id)
    if token is None:
        abort(404)
    return token


@bp.route("/", methods=["GET", "POST"])
@login_required
def index():
    form = TokenForm()
    if form.validate_on_submit():
        try:
            token, secret = operations.create_token(
                current_user, name=form.name.data, can_write=form.access.data == "write", now=clock.now()
            )
        except ApiError as error:
            form.form_errors.append(error.message)
        else:
            # Shown in this answer only (never stored, never redirected with): the page is private, no-store.
            return render_template("api/token_created.html", token=token, secret=secret)
    tokens = operations.list_tokens(current_user)
    return render_template("api/tokens.html", form=form, tokens=tokens), 400 if form.errors or form.form_errors else 200


@bp.route("/<int:token_id>/revoke", methods=["GET", "POST"])
@login_required
def revoke(token_id: int):
    """GET asks (revoking cannot be undone); the POST revokes."""
    token = own_token(token_id)
    form = ActionForm()
    if form.validate_on_submit():
        operations.revoke_token(token, now=clock.now())
        flash(_("The token “%(name)s” is revoked: programs using it are refused from now on.", name=token.name))
        return redirect(url_for("api_tokens.index"), code=303)
    return render_template("api/confirm_revoke.html", token=token, form=form), 400 if form.errors else 200
