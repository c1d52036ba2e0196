"""How the API reads a JSON body: through core.inputs.load_json, the one reader of JSON, so a body nested too
deep, a number too long, a lone surrogate or a NUL is a 400 problem document saying so, before any schema, the
database or the error document that would echo it sees the value."""

import flask_smorest
from flask import Request
from webargs.core import missing
from webargs.flaskparser import FlaskParser, is_json_request

from eventreg.api.problems import fail
from eventreg.core.inputs import UnreadableJSON, load_json


class JSONBodyParser(FlaskParser):
    def _raw_load_json(self, req: Request):
        if not is_json_request(req):
            return missing
        data = req.get_data(cache=True)
        if not data:
            return missing  # as webargs has it: no body is a missing one, and the schema says what is required
        try:
            return load_json(data)
        except UnreadableJSON as error:
            fail(400, "invalid_json", str(error))


class Blueprint(flask_smorest.Blueprint):
    """flask-smorest's Blueprint, reading bodies with JSONBodyParser."""

    ARGUMENTS_PARSER = JSONBodyParser()
