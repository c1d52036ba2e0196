"""How the API reads a request: its query, its headers and its JSON body.

- The query: every operation reads its query through a schema (schemas.QueryArgs: unknown = RAISE), those
  with no parameters through an empty one, so a parameter we do not know is a 400 naming it, never ignored.
- The body: through core.inputs.load_json, the one reader of JSON, so a body nested too deep, a number too long,
  a lone surrogate or a NUL is a 400 problem document saying so (and where, for malformed JSON), before any
  schema, the database or the error document that would echo it sees the value. A body that is not JSON is a
  415; a PATCH without a body is a 400 (it must say what to change).
- POSTs of a blueprint made with idempotent_posts=True take an Idempotency-Key header (idempotency.py)."""

import flask_smorest
from flask import Request
from flask_babel import gettext as _
from flask_babel import ngettext
from webargs.core import missing
from webargs.flaskparser import FlaskParser, is_json_request

from eventreg.api import idempotency
from eventreg.api import schemas as s
from eventreg.api.problems import fail
from eventreg.core.inputs import UnreadableJSON, load_json

UNKNOWN_FIELD = "Unknown field."


class JSONBodyParser(FlaskParser):
    # The schema's own Meta.unknown decides (schemas.QueryArgs: RAISE); webargs would EXCLUDE unknown query keys.
    DEFAULT_UNKNOWN_BY_LOCATION = {**FlaskParser.DEFAULT_UNKNOWN_BY_LOCATION, "query": None, "querystring": None}

    def _raw_load_json(self, req: Request):
        data = req.get_data(cache=True)
        # A form's body may have been read already (core.inputs looks for NULs in it): its length still tells.
        if (data or req.content_length) and not is_json_request(req):
            accept = {f"Accept-{req.method.title()}": "application/json"} if req.method in ("POST", "PATCH") else {}
            if req.mimetype:
                detail = _("Send the body as JSON (Content-Type: application/json), not %(type)s.", type=req.mimetype)
            else:
                detail = _("Send the body as JSON (Content-Type: application/json), not untyped.")
            fail(415, "unsupported_media_type", detail, headers=accept)
        if not data:
            if req.method == "PATCH":
                fail(400, "body_required", _("Send a JSON object with the fields to change."))
            return missing  # as webargs has it: no body is a missing one, and the schema says what is required
        try:
            return load_json(data)
        except UnreadableJSON as error:
            fail(400, "invalid_json", str(error))

    def handle_error(self, error, req, schema, *, error_status_code, error_headers):
        """A query or a header we cannot read is a 400 (unknown parameters named in the detail); an invalid body
        stays a 422 with each field's message."""
        query = error.messages.get("query")
        if isinstance(query, dict):
            unknown = sorted(name for name, messages in query.items() if UNKNOWN_FIELD in messages)
            if unknown:
                detail = ngettext(
                    "Unknown query parameter: %(names)s. The API reference lists each operation's parameters.",
                    "Unknown query parameters: %(names)s. The API reference lists each operation's parameters.",
                    len(unknown),
                    names=", ".join(unknown),
                )
                fail(400, "unknown_parameter", detail, errors={"query": {name: [UNKNOWN_FIELD] for name in unknown}})
            detail = _("A query parameter's value is not valid; see errors.")
            fail(400, "invalid_parameter", detail, errors=error.messages)
        if "headers" in error.messages:
            fail(400, "invalid_header", _("A header's value is not valid; see errors."), errors=error.messages)
        super().handle_error(error, req, schema, error_status_code=error_status_code, error_headers=error_headers)


def _reads_query(view) -> bool:
    parameters = getattr(view, "_apidoc", {}).get("arguments", {}).get("parameters", [])
    return any(parameter["in"] == "query" for parameter in parameters)


class Blueprint(flask_smorest.Blueprint):
    """flask-smorest's Blueprint, reading requests with JSONBodyParser; an operation without query parameters
    refuses any, and with idempotent_posts every POST takes an Idempotency-Key."""

    ARGUMENTS_PARSER = JSONBodyParser()

    def __init__(self, *args, idempotent_posts: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.idempotent_posts = idempotent_posts
        if idempotent_posts:
            self.teardown_request(idempotency.release_unanswered)

    def route(self, rule, *, parameters=None, tags=None, **options):
        register = super().route(rule, parameters=parameters, tags=tags, **options)

        def decorator(func):
            view = func
            if self.idempotent_posts and "POST" in options.get("methods", ()):
                view = self.arguments(s.IdempotencyHeaders, location="headers", as_kwargs=True, error_status_code=400)(
                    idempotency.idempotent(view)
                )
            if not _reads_query(func):
                view = self.arguments(s.QueryArgs, location="query", as_kwargs=True, error_status_code=400)(view)
            register(view)
            return func

        return decorator
