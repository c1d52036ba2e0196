"""Calendar downloads and the public subscription feeds: each view loads its event or topic and answers
through calendars/feeds.py. The personal feed is a registrations page (eventreg/registrations/views.py)."""

from flask import Blueprint, current_app, request
from flask_babel import gettext as _

from eventreg import clock
from eventreg.calendars import feeds
from eventreg.core import caching
from eventreg.events import queries

bp = Blueprint("calendars", __name__)


@bp.get("/events/<slug>.ics")
@caching.public
def download(slug: str):
    return feeds.download(queries.get_public_event(slug), now=clock.now())


@bp.get("/calendar.ics")
@caching.public
def public_feed():
    site = current_app.config["SITE_NAME"]
    name = _("%(site)s: webinars and events", site=site)
    description = _("Upcoming and recent events from %(site)s.", site=site)
    return feeds.public_feed(request, None, now=clock.now(), name=name, description=description)


@bp.get("/topics/<slug>/calendar.ics")
@caching.public
def topic_feed(slug: str):
    topic = queries.get_topic(slug)
    site = current_app.config["SITE_NAME"]
    name, description = f"{site}: {topic.name}", _("%(topic)s events from %(site)s.", topic=topic.name, site=site)
    return feeds.public_feed(request, topic, now=clock.now(), name=name, description=description)
