"""Which responses a shared cache may keep, said in ordinary HTTP; nginx in front (deploy/) does the keeping.

A public response is the same bytes for every anonymous visitor with the same URL and zone: it says
`Cache-Control: public, max-age=0, s-maxage=PUBLIC_MAX_AGE` (feeds: a longer max-age for calendar apps),
carries a validator, and sets no cookie and no
`Vary: Cookie`. Views that can answer that way say so with @public. Everything else is personal and, unless
the view chose its own policy (a personal feed: private plus a validator), says `private, no-store`. The app
keeps no page of its own: a change shows everywhere once the shared cache's short lifetime is over."""

import gzip

from flask import Flask, current_app, request, session
from flask.sessions import SecureCookieSessionInterface


def public(view):
    """Mark a view whose successful GET answers may be shared between anonymous visitors."""
    view.is_public = True  # a flag on the function (wrappers copy it), not request state
    return view


def is_public_view() -> bool:
    return getattr(current_app.view_functions.get(request.endpoint), "is_public", False)


def is_personal() -> bool:
    """Whether this visitor may see a page no one else sees: signed in (the header links to the dashboard),
    or with messages waiting. A session holding only a CSRF token (anyone who has registered) is not."""
    return "_user_id" in session or "_flashes" in session or bool(request.cookies.get("remember_token"))


def make_private(response) -> None:
    response.headers["Cache-Control"] = "private, no-store"
    response.vary.add("Cookie")


def decide(response):
    """after_request, registered first so it runs last: the Cache-Control header every answer leaves with."""
    shareable = (
        is_public_view()
        and request.method in ("GET", "HEAD")
        and response.status_code in (200, 304)
        and not is_personal()
        and "Set-Cookie" not in response.headers  # ?tz= remembers a zone: that answer is the visitor's own
    )
    if shareable:
        response.cache_control.public = True
        # Browsers revalidate pages every time (max-age=0): their caches key on the URL alone, not on the
        # tz cookie a page depends on. A feed says for how long calendar apps may keep it.
        if response.cache_control.max_age is None:
            response.cache_control.max_age = 0
        response.cache_control.s_maxage = current_app.config["PUBLIC_MAX_AGE"]
        if response.status_code == 200 and not response.get_etag()[0] and not response.is_streamed:
            response.add_etag()
            _offer_gzip(response)
            response.make_conditional(request)
            if response.status_code == 200 and response.headers.get("Content-Encoding") == "gzip":
                response.set_data(gzip.compress(response.get_data(), compresslevel=6, mtime=0))
    elif response.cache_control.public or "Cache-Control" not in response.headers:
        make_private(response)
    return response


COMPRESSIBLE = frozenset({"text/html", "application/json", "text/csv", "text/plain", "image/svg+xml"})
MIN_GZIP_SIZE = 512  # smaller bodies gain too little to pay the header


def _offer_gzip(response) -> None:
    """Mark a shared answer to be gzipped when the client accepts it: its own ETag (as HTTP requires of another
    representation) and Vary. Browsers always ask for gzip; compressed here, the answer is compressed once,
    when nginx fills its copy, instead of by nginx on every request it serves (README, "Gzipped once", has the
    measurement). The body is compressed after the 304 check."""
    if response.mimetype not in COMPRESSIBLE or "Content-Encoding" in response.headers:
        return
    response.vary.add("Accept-Encoding")
    if request.accept_encodings["gzip"] > 0 and len(response.get_data()) >= MIN_GZIP_SIZE:  # not "gzip;q=0"
        response.set_etag(response.get_etag()[0] + "-gz")
        response.headers["Content-Encoding"] = "gzip"


class SessionInterface(SecureCookieSessionInterface):
    """Flask's signed-cookie sessions, except that a public answer gets no `Vary: Cookie` (which would make
    a shared cache keep one copy per visitor). Should anything still set a cookie on one, it becomes private."""

    def save_session(self, app, session, response) -> None:
        super().save_session(app, session, response)
        if not response.cache_control.public:
            return
        if "Set-Cookie" in response.headers:
            make_private(response)
        else:
            response.vary.discard("cookie")  # lower case: Werkzeug's HeaderSet.remove compares it lowered


def init_app(app: Flask) -> None:
    """Call before any other after_request hook is registered."""
    app.session_interface = SessionInterface()
    app.after_request(decide)
