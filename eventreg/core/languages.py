"""Which language a page, a mail or a document is in, with Flask-Babel.

A visitor's language: an explicit choice (?lang=, remembered in the `lang` cookie), else a signed-in host's own
(their account's `locale`), else their browser's Accept-Language, else the site's default
(EVENTREG_DEFAULT_LOCALE). URLs stay the same in every language, so a shared cache keys its copies on the cookie
and on the Accept-Language it passed on (deploy/nginx-eventreg.conf hands the app one language tag, the first of ours
in the browser's list).

Mail, certificates and transcripts go out in the language their person chose when registering (or a host in
their account's), whatever the language of the request that sends them: `speaking(locale)`."""

from contextlib import contextmanager

from babel import Locale
from flask import Flask, current_app, has_request_context, request, session
from flask_babel import Babel, force_locale, get_locale, refresh
from flask_login import current_user

from eventreg.core.config import ConfigurationError
from eventreg.core.security import EMBED_PREFIX

# The languages the catalogs are complete for, each named in itself (a language menu's convention).
LANGUAGES = {"en": "English", "es": "Español", "fr": "Français"}
COOKIE = "lang"
COOKIE_MAX_AGE = 365 * 24 * 3600


def is_known(code: str | None) -> bool:
    return code in LANGUAGES


def select() -> str:
    """Flask-Babel's locale selector: the request's language, or the site default outside a request."""
    if not has_request_context():
        return default()
    asked = request.args.get(COOKIE)
    chosen = asked if is_known(asked) else request.cookies.get(COOKIE)
    if is_known(chosen):
        return chosen
    return _host_language() or request.accept_languages.best_match(LANGUAGES) or default()


def _forget_language() -> None:
    """before_request: Flask-Babel keeps the locale it chose in `g`, which lives as long as the app context; a
    request inside a longer one (a test's, a CLI command's) must choose its own."""
    refresh()


def _host_language() -> str | None:
    """A signed-in host's own language (their account page sets it). Only a request whose session names a host
    reads it: an anonymous page loads no user for this (and a signed-in answer is never shared: core/caching.py)."""
    if "_user_id" not in session and not request.cookies.get("remember_token"):
        return None
    locale = getattr(current_user, "locale", None)
    return locale if is_known(locale) else None


def default() -> str:
    return current_app.config["DEFAULT_LOCALE"]


def current() -> str:
    """The language now in force ("en", "es", "fr"): the request's, or the one `speaking` set."""
    locale = get_locale()
    return str(locale) if locale is not None else "en"


def current_locale() -> Locale:
    return get_locale() or Locale.parse("en")


def plural_count(number) -> int:
    """The count to give ngettext for a number that need not be whole (1.5 contact hours): gettext chooses a form
    by a whole number, and CLDR's rule for the current language says whether 1.5 takes the singular (French:
    "1,5 heure") or the plural (English, Spanish)."""
    return 1 if current_locale().plural_form(number) == "one" else 2


@contextmanager
def speaking(code: str | None):
    """Everything rendered inside is in that language (a registrant's, a host's), or the site's default when the
    stored code is unknown."""
    with force_locale(code if is_known(code) else default()):
        yield


def remember_choice(response):
    """after_request: keep a language chosen with ?lang= in its cookie. That answer sets a cookie, so it is never
    shared (core/caching.py); the next pages are, per language."""
    asked = request.args.get(COOKIE)
    if asked is None or request.endpoint in (None, "static") or request.path.startswith(EMBED_PREFIX):
        return response
    if is_known(asked):
        response.set_cookie(COOKIE, asked, max_age=COOKIE_MAX_AGE, samesite="Lax", httponly=True)
    elif asked == "":
        response.delete_cookie(COOKIE)
    return response


def mark_language(response):
    """after_request: say which language the answer is in, and that it depends on Accept-Language."""
    if response.mimetype in ("text/html", "application/json", "application/problem+json", "text/calendar"):
        response.headers.setdefault("Content-Language", current())
        response.vary.add("Accept-Language")
    return response


def init_app(app: Flask) -> None:
    code = app.config["DEFAULT_LOCALE"]
    if not is_known(code):
        raise ConfigurationError(f"EVENTREG_DEFAULT_LOCALE must be one of {', '.join(LANGUAGES)}, not {code!r}")
    app.config["BABEL_DEFAULT_LOCALE"] = code
    app.config.setdefault("WTF_I18N_ENABLED", True)  # WTForms' own messages ("Not a valid choice") from its catalogs
    Babel(app, locale_selector=select)
    app.before_request_funcs.setdefault(None, []).insert(0, _forget_language)
    app.after_request(remember_choice)
    app.after_request(mark_language)
