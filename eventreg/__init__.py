"""eventreg: webinar and event registration for library-training sites."""

import logging
import os

from flask import Flask, g, render_template

from eventreg.clock import SystemClock
from eventreg.core import caching, inputs, languages, logs, ratelimits, requests, security
from eventreg.core import config as config_module
from eventreg.core.extensions import csrf, db, login_manager, migrate

PROJECT_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def create_app(config: dict | None = None) -> Flask:
    app = Flask(
        __name__,
        instance_relative_config=True,
        template_folder=os.path.join(PROJECT_ROOT, "templates"),
    )
    app.config.from_object(config_module.Defaults)
    app.config.from_prefixed_env("EVENTREG")
    for name in ("SECRET_KEY", "RATELIMIT_STORAGE_URI"):  # the conventional unprefixed names
        if os.environ.get(name):
            app.config[name] = os.environ[name]
    if config:
        app.config.update(config)
    if not app.config.get("SQLALCHEMY_DATABASE_URI"):
        os.makedirs(app.instance_path, exist_ok=True)
        app.config["SQLALCHEMY_DATABASE_URI"] = config_module.database_url(app.instance_path)
    app.config["SQLALCHEMY_DATABASE_URI"] = config_module.normalise_database_url(app.config["SQLALCHEMY_DATABASE_URI"])
    app.config.setdefault("CLOCK", SystemClock())
    _apply_production_settings(app)

    logs.configure(app.config["LOG_FORMAT"], app.config["LOG_LEVEL"])

    db.init_app(app)
    migrate.init_app(app, db, directory=os.path.join(PROJECT_ROOT, "migrations"))
    csrf.init_app(app)
    login_manager.init_app(app)

    from eventreg import models  # noqa: F401 - models complete the metadata
    from eventreg.core import database

    inputs.init_app(app)  # first: its converter must exist before any rule, its check before any hook
    caching.init_app(app)  # before any other after_request hook, so its decision is the last word
    languages.init_app(app)
    database.configure_engine_events(app)

    _register_blueprints(app)
    from eventreg.mail import sending as mail_sending
    from eventreg.webhooks import sending as webhook_sending

    # before ratelimits: a refused request never reaches the commit
    requests.init_app(app, senders=[mail_sending.deliver_queued, webhook_sending.deliver_queued])
    _register_template_helpers(app)
    _register_error_pages(app)
    from eventreg.api import problems as api_problems

    api_problems.init_app(app)  # after the error pages: under /api/ errors are problem documents instead
    security.init_app(app)
    ratelimits.init_app(app)  # after the blueprints: it wraps their views
    _register_cli(app)
    from eventreg.webhooks import receivers as webhook_receivers

    webhook_receivers.connect()  # operations' signals become webhook deliveries in their transaction
    from eventreg.messages import receivers as message_receivers

    message_receivers.connect()  # a cancelled event's scheduled messages are cancelled with it
    if not app.config.get("MAIL_SERVER") and not app.testing:
        from eventreg.mail.sending import outbox_folder

        with app.app_context():
            logging.getLogger("eventreg.mail").info("no MAIL_SERVER set: e-mail is written to %s", outbox_folder())
    return app


def _apply_production_settings(app: Flask) -> None:
    """Production is the default; `make run` and the tests say otherwise. There, cookies need HTTPS, and
    the development SECRET_KEY or any key under 32 bytes (either would let anyone who guesses it forge
    sessions and manage links) is refused, and so is the development BASE_URL (every mailed link would point
    at it)."""
    app.config.setdefault("SESSION_COOKIE_SAMESITE", "Lax")
    app.config.setdefault("REMEMBER_COOKIE_SAMESITE", "Lax")
    if not app.config["PRODUCTION"] or app.testing:
        return
    key = app.config["SECRET_KEY"] or ""
    if key == config_module.DEFAULT_SECRET_KEY:
        raise config_module.ConfigurationError(
            "Refusing to start in production with the development SECRET_KEY. Set SECRET_KEY to a long random "
            "value, or EVENTREG_PRODUCTION=false for local development (`make run` and `make host` set it)."
        )
    if len(key.encode() if isinstance(key, str) else key) < config_module.MIN_SECRET_KEY_BYTES:
        raise config_module.ConfigurationError(
            f"Refusing to start in production with a SECRET_KEY under {config_module.MIN_SECRET_KEY_BYTES} bytes: "
            f"use at least {config_module.MIN_SECRET_KEY_BYTES} bytes of random text, for example "
            "python3 -c 'import secrets; print(secrets.token_urlsafe(48))'."
        )
    if app.config["BASE_URL"] == config_module.DEFAULT_BASE_URL:
        raise config_module.ConfigurationError(
            "Refusing to start in production without EVENTREG_BASE_URL: every link in mail, invitations, webhooks "
            "and certificates is built from it (never from the request's Host header). Set it to the site's "
            "address, for example https://events.example.org."
        )
    app.config.update(SESSION_COOKIE_SECURE=True, REMEMBER_COOKIE_SECURE=True)


def _register_blueprints(app: Flask) -> None:
    from eventreg import visitor
    from eventreg.api import openapi as api_openapi
    from eventreg.api import pages as api_pages
    from eventreg.api import views as api_views
    from eventreg.api import webhook_views as api_webhook_views  # noqa: F401 - routes on the host API, before init_app
    from eventreg.attendance import views as attendance_views
    from eventreg.calendars import views as calendar_views
    from eventreg.certificates import views as certificate_views
    from eventreg.core import health
    from eventreg.embeds import views as embed_views
    from eventreg.events import views as event_views
    from eventreg.hosts import attendee_views, editor_views, series_views  # noqa: F401 - their routes are on hosts.bp
    from eventreg.hosts import views as host_views
    from eventreg.messages import views as message_views
    from eventreg.questions import views as question_views
    from eventreg.registrations import views as registration_views
    from eventreg.series import views as series_public_views
    from eventreg.transcripts import views as transcript_views
    from eventreg.webhooks import models as webhook_models
    from eventreg.webhooks import operations as webhook_operations
    from eventreg.webhooks import views as webhook_views

    app.before_request(visitor.load_visitor_zone)
    app.after_request(visitor.remember_visitor_zone)
    app.register_blueprint(calendar_views.bp)  # before events: /events/<slug>.ics must win over /events/<slug>
    app.register_blueprint(event_views.bp)
    app.register_blueprint(registration_views.bp)
    app.register_blueprint(series_public_views.bp)
    app.register_blueprint(health.bp)
    app.register_blueprint(host_views.bp)
    app.register_blueprint(attendance_views.bp)
    app.register_blueprint(message_views.bp)
    app.register_blueprint(transcript_views.bp)
    app.register_blueprint(webhook_views.bp)
    app.register_blueprint(embed_views.bp)
    app.register_blueprint(certificate_views.bp)
    app.register_blueprint(question_views.bp)
    app.register_blueprint(api_pages.bp)
    api_views.init_app(app)  # the JSON API at /api/v1, with its OpenAPI document
    api_openapi.document_webhooks(
        app.extensions["eventreg.api"].spec, webhook_models.EVENT_TYPES, webhook_operations.TEST_TYPE
    )


def _register_template_helpers(app: Flask) -> None:
    from eventreg import clock, templating, timezones
    from eventreg.core import markup

    app.jinja_env.add_extension("jinja2.ext.do")
    app.jinja_env.filters.update(
        markdown=markup.render_markdown,
        without_lead=markup.without_lead,
        event_date=templating.event_date,
        time_range=timezones.time_range,
        duration=timezones.length_text,
        clock_time=timezones.format_time,
        short_zone=timezones.short_zone_label,
        long_date=timezones.format_long_date,
        weekday=timezones.format_weekday,
        in_zone=timezones.in_zone,
    )
    from eventreg.calendars import links as calendar_links

    app.jinja_env.globals.update(
        google_calendar_url=calendar_links.google_url,
        outlook_calendar_url=calendar_links.outlook_url,
        visitor_times=templating.visitor_times,
        list_entry=templating.list_entry,
        zone_options=templating.zone_options,
        content_lang=templating.content_lang,
        page_url=templating.page_url,
        month_name=timezones.format_month,
    )

    @app.context_processor
    def inject_common():
        return {
            "now": clock.now(),
            "visitor_zone": g.get("visitor_zone"),
            "unknown_zone": g.get("unknown_zone"),
            "site_name": app.config["SITE_NAME"],
            "language": languages.current(),
            "languages": languages.LANGUAGES,
        }


def _register_error_pages(app: Flask) -> None:
    from flask_babel import lazy_gettext as _l

    messages = {
        400: (_l("Bad request"), _l("We could not understand that request.")),
        403: (_l("Not allowed"), _l("You do not have access to this page.")),
        404: (
            _l("Page not found"),
            _l("We could not find that page. It may have moved, or the address may be mistyped."),
        ),
        405: (_l("Method not allowed"), _l("That page does not accept this kind of request.")),
        413: (_l("Too large"), _l("What you sent is larger than we accept.")),
        429: (_l("Too many requests"), _l("Please wait a moment and try again.")),
        500: (_l("Something went wrong"), _l("We hit a problem on our side. Please try again in a moment.")),
    }

    def handler(error):
        code = getattr(error, "code", 500) or 500
        title, text = (str(message) for message in messages.get(code, messages[500]))  # in the request's language
        return render_template("errors/error.html", code=code, title=title, text=text), code

    for code in messages:
        app.register_error_handler(code, handler)


def _register_cli(app: Flask) -> None:
    from eventreg.events import demo
    from eventreg.hosts import cli as host_cli
    from eventreg.mail import cli as mail_cli
    from eventreg.registrations import cli as registration_cli
    from eventreg.webhooks import cli as webhook_cli

    app.cli.add_command(demo.seed_demo_command)
    app.cli.add_command(mail_cli.send_pending_mail_command)
    app.cli.add_command(registration_cli.send_reminders_command)
    app.cli.add_command(host_cli.create_host_command)
    app.cli.add_command(webhook_cli.send_webhooks_command)
