"""Errors under /api/ as RFC 9457 problem documents (application/problem+json): type, title, status, detail,
and a stable `code` for programs. Everywhere else the site's HTML error pages stay as they are.

Views refuse with `fail(status, code, detail)`; flask-smorest's own refusals (422 for invalid input, 400 for
unreadable JSON) and Flask's (404, 405, 413, 429 from the rate limiter) arrive here as HTTPExceptions too."""

import functools
import http
import json

import flask_smorest
from flask import Flask, Response, request, url_for
from flask_babel import gettext as _
from flask_smorest.utils import prepare_response
from werkzeug.exceptions import HTTPException, InternalServerError, default_exceptions
from werkzeug.http import HTTP_STATUS_CODES

from eventreg.api.schemas import ProblemSchema


def N_(text: str) -> str:
    """Mark text for the catalogs where it is defined; gettext translates it where it is used."""
    return text


MEDIA_TYPE = "application/problem+json"
PREFIX = "/api/"
# The code each status gets when the view gave none.
DEFAULT_CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    406: "not_acceptable",
    409: "conflict",
    413: "too_large",
    415: "unsupported_media_type",
    422: "invalid_input",
    429: "rate_limited",
    500: "server_error",
}
DEFAULT_DETAILS = {
    401: N_("Send a valid API token: Authorization: Bearer ereg_..."),
    404: N_("There is nothing here, or nothing this token may see."),
    405: N_("This address does not accept this method."),
    413: N_("The request body is larger than we accept."),
    422: N_("Some values are missing or not valid; see errors."),
    429: N_("Too many requests with this token. Wait for Retry-After seconds, then try again."),
    500: N_("Something went wrong on our side. Please try again in a moment."),
}
# Each status's title, werkzeug's English words (HTTP_STATUS_CODES) marked for translation: a problem document's
# title and detail are in the request's language (Accept-Language), while its code and the document stay English.
TITLES = {
    400: N_("Bad Request"),
    401: N_("Unauthorized"),
    403: N_("Forbidden"),
    404: N_("Not Found"),
    405: N_("Method Not Allowed"),
    406: N_("Not Acceptable"),
    409: N_("Conflict"),
    413: N_("Request Entity Too Large"),
    415: N_("Unsupported Media Type"),
    422: N_("Unprocessable Entity"),
    429: N_("Too Many Requests"),
    500: N_("Internal Server Error"),
}

# Codes beyond the defaults, for the reference page: (status, when).
SPECIFIC_CODES = {
    "invalid_token": (401, "The token is unknown, mistyped or revoked."),
    "read_only_token": (403, "A read-only token tried to change something."),
    "invalid_json": (
        400,
        "The body is not JSON we read: not UTF-8, malformed, nested deeper than 32 levels, a "
        "number of more than 30 digits, a lone surrogate or a NUL; the detail says which.",
    ),
    "invalid_cursor": (400, "The cursor was not one we gave out."),
    "unknown_parameter": (400, "A query parameter the operation does not take; the detail names it."),
    "invalid_parameter": (400, "A query parameter's value is not valid (a filter's date, status or limit)."),
    "invalid_header": (400, "A header's value is not valid, such as an Idempotency-Key longer than 255 characters."),
    "body_required": (400, "A PATCH without a body: send the fields to change."),
    "idempotency_key_in_use": (409, "A request with this Idempotency-Key is still running."),
    "idempotency_key_reused": (422, "This Idempotency-Key came with another request (method, path or body)."),
    "ends_before_start": (422, "ends_at is not after starts_at (as the event would be after the change)."),
    "too_long": (422, "ends_at is more than 14 days after starts_at."),
    "deadline_after_start": (422, "registration_deadline_at is after starts_at."),
    "bad_minutes": (422, "credit_min_minutes is longer than the event."),
    "url_refused": (
        422,
        "The webhook address cannot be posted to now: its name does not resolve, it leads to a private network "
        "address, it is not https, or its port cannot be used; the detail says which.",
    ),
    "unknown_topic": (422, "No topic has that slug."),
    "start_in_past": (422, "A new start in the past needs confirm_past_start: true."),
    "unknown_host": (422, "A co-host's email has no host account."),
    "slug_reserved": (422, "That slug is reserved."),
    "slug_taken": (409, "Another event already uses that slug."),
    "event_cancelled": (409, "The event is cancelled: it takes no registrations and cannot be published."),
    "already_registered": (409, "That email already holds a place."),
    "course_session": (409, "The event is a session of a course: people register for the course, not its sessions."),
    "capacity_below_confirmed": (409, "The capacity asked for is below the number already confirmed."),
    "not_started": (409, "Attendance can be recorded once the event has started."),
    "not_confirmed": (409, "Attendance is recorded for confirmed registrants only."),
}


# The 422s that judge a value by something JSON Schema cannot see: another field, the clock, what exists, the
# network. The document lists each operation's as `x-refusals` (views.refuses), so a client knows that a body the
# schema allows may still meet them.
BEYOND_SCHEMA = (
    "ends_before_start", "too_long", "deadline_after_start", "bad_minutes", "start_in_past", "unknown_topic",
    "unknown_host", "url_refused",
)  # fmt: skip


def all_codes() -> list[tuple[str, int, str]]:
    """(code, status, when) for every code a problem document may carry."""
    defaults = [
        (code, status, DEFAULT_DETAILS.get(status, HTTP_STATUS_CODES[status])) for status, code in DEFAULT_CODES.items()
    ]
    return sorted(defaults + [(code, status, when) for code, (status, when) in SPECIFIC_CODES.items()])


def fail(status: int, code: str | None = None, detail: str | None = None, **extra):
    """Stop the view with a problem document. `extra` may hold errors (by field) or headers."""
    flask_smorest.abort(status, code=code, message=detail, **extra)


def problem_response(status: int, *, code: str | None = None, detail: str | None = None, errors=None) -> Response:
    code = code or DEFAULT_CODES.get(status, "error")
    title = _(TITLES[status]) if status in TITLES else HTTP_STATUS_CODES.get(status, "Error")
    body = {
        "type": url_for("api_docs.reference_page", _external=True, _anchor=f"problem-{code}"),
        "title": title,
        "status": status,
        "detail": str(detail) if detail else _(DEFAULT_DETAILS[status]) if status in DEFAULT_DETAILS else title,
        "code": code,
    }
    if errors:
        body["errors"] = errors
    return Response(json.dumps(body, ensure_ascii=False), status=status, mimetype=MEDIA_TYPE)


def _as_problem(error: HTTPException) -> Response:
    data = getattr(error, "data", None) or {}
    errors = data.get("errors") or data.get("messages")
    if isinstance(errors, dict) and set(errors) <= {"json", "query", "path", "headers", "form"}:
        errors = {location: messages for location, messages in errors.items() if messages}
    response = problem_response(
        error.code, code=data.get("code"), detail=data.get("message"), errors=errors if errors else None
    )
    for name, value in error.get_headers():  # Allow on a 405, Retry-After on a 429, WWW-Authenticate on a 401
        if name.lower() not in ("content-type", "content-length"):
            response.headers[name] = value
    for name, value in (data.get("headers") or {}).items():
        response.headers[name] = value
    return response


def _handler(previous, error):
    if not request.path.startswith(PREFIX):
        return previous(error) if previous else error
    if not isinstance(error, HTTPException):
        error = InternalServerError(original_exception=error)
    return _as_problem(error)


def init_app(app: Flask) -> None:
    """Wrap the site's error pages: under /api/ a problem document, elsewhere what was there before."""
    for status in DEFAULT_CODES:
        exception_class = default_exceptions[status]
        previous = app.error_handler_spec[None].get(status, {}).get(exception_class)
        app.register_error_handler(status, functools.partial(_handler, previous))


class Api(flask_smorest.Api):
    """flask-smorest, with problem documents as every error response it documents, and none of its own error
    handling (it would answer JSON for the HTML pages' errors too; init_app above handles /api/)."""

    ERROR_SCHEMA = ProblemSchema

    def _register_error_handlers(self):
        pass

    def _register_responses(self):
        for status in DEFAULT_CODES:
            response = {"description": DEFAULT_DETAILS.get(status, HTTP_STATUS_CODES[status]), "schema": ProblemSchema}
            prepare_response(response, self.spec, MEDIA_TYPE)
            self.spec.components.response(http.HTTPStatus(status).name, response, lazy=True)
        response = {"description": "A problem document (RFC 9457).", "schema": ProblemSchema}
        prepare_response(response, self.spec, MEDIA_TYPE)
        self.spec.components.response(self.DEFAULT_ERROR_RESPONSE_NAME, response, lazy=True)
