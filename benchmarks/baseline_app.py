"""Baselines served the same way as eventreg: a minimal Flask view, and one returning fixed bytes."""

import os

from flask import Flask, Response

app = Flask(__name__)
_BODY = open(os.environ["BASELINE_BODY"], "rb").read() if os.environ.get("BASELINE_BODY") else b""  # noqa: SIM115


@app.get("/hello")
def hello():
    return "hello"


@app.get("/bytes")
def fixed_bytes():
    return Response(_BODY, content_type="text/calendar; charset=utf-8")
