from flask import Blueprint, render_template

from eventreg import clock
from eventreg.events import queries

bp = Blueprint("registrations", __name__)


@bp.get("/events/<slug>/register")
def form(slug: str):
    event = queries.get_public_event(slug)
    return render_template("registrations/soon.html", event=event, state=event.state(clock.now()))
