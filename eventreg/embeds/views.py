"""The event list other sites frame (/embed/events), and the hosts' page that builds the snippet for it.

The list is public and the same for every visitor of every site: no session, no cookie, no visitor zone from
the server (a script in the frame rewrites times into the visitor's zone), so shared caches keep one copy."""

from flask import Blueprint, current_app, render_template, request
from flask_babel import gettext as _
from flask_login import login_required

from eventreg import clock, timezones
from eventreg.core import caching
from eventreg.core.extensions import db
from eventreg.embeds import options as embed_options
from eventreg.embeds.forms import EmbedForm
from eventreg.embeds.options import EmbedError
from eventreg.events import queries
from eventreg.registrations import operations as seats
from eventreg.series import links as series_links

bp = Blueprint("embeds", __name__)


@bp.context_processor
def frame_helpers():
    return {
        # The script in the frame reads these to write each time in the visitor's zone.
        "iso_utc": lambda instant: instant.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "start_date": lambda event: timezones.format_long_date(timezones.to_zone(event.starts_at, event.timezone)),
    }


@bp.get("/embed/events")
@caching.public
def events():
    try:
        options = embed_options.parse(request.args)
    except EmbedError as error:
        return render_template("embeds/error.html", title=_("This list cannot be shown"), text=error.message), 400
    topic = queries.get_topic(options.topic) if options.topic else None
    now = clock.now()
    shown = db.session.scalars(
        queries.list_upcoming(now, topic=topic, language=options.language).limit(options.limit)
    ).all()
    return render_template(
        "embeds/events.html",
        events=shown,
        seats=seats.seat_counts_of(shown, now=now),
        parts=series_links.parts_shown(shown),
        topic=topic,
        theme=options.theme,
    )


@bp.errorhandler(404)
def not_found(error):
    # Only the list is in this blueprint's public part: an unknown topic, said inside the frame.
    text = _("There is no such topic. Check the topic in the snippet, or build a new one.")
    return render_template("embeds/error.html", title=_("Topic not found"), text=text), 404


@bp.get("/host/embed")
@login_required
def builder():
    # else the defaults, unjudged
    chosen = any(name in request.args for name in ("topic", "limit", "theme", "language"))
    form = EmbedForm(request.args if chosen else None, queries.list_topics())
    if chosen and not form.validate():
        return render_template("embeds/builder.html", form=form, snippet=None), 400
    options = form.options()
    topic_name = form.topic_name() if options.topic else None
    site = current_app.config["SITE_NAME"]
    if topic_name:
        title = _("Upcoming events: %(topic)s from %(site)s", topic=topic_name, site=site)
    else:
        title = _("Upcoming events from %(site)s", site=site)
    return render_template(
        "embeds/builder.html",
        form=form,
        snippet=embed_options.snippet(options, title=title),
        preview_url=embed_options.embed_url(options),
        title=title,
        frame_height=embed_options.FRAME_HEIGHT,
    )
