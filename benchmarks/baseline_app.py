"""Baselines served the same way as eventreg: a minimal Flask view, one returning fixed bytes, and one that
reads a row from eventreg's database (BASELINE_DATABASE_URL) and does nothing else."""

import os
import sqlite3

from flask import Flask, Response

app = Flask(__name__)
_BODY = open(os.environ["BASELINE_BODY"], "rb").read() if os.environ.get("BASELINE_BODY") else b""  # noqa: SIM115
_DATABASE_URL = os.environ.get("BASELINE_DATABASE_URL", "")
_connection = None


@app.get("/hello")
def hello():
    return "hello"


@app.get("/bytes")
def fixed_bytes():
    return Response(_BODY, content_type="text/calendar; charset=utf-8")


@app.get("/one-read")
def one_read():
    """The least a view can do that asks the shared database anything: one indexed row, through the bare
    driver, on a connection this process keeps open. Whatever a page or a feed validator reads that every
    process can trust, it pays at least this."""
    global _connection  # one connection per worker process, opened after gunicorn forks
    if _connection is None:
        _connection = _connect(_DATABASE_URL)
    _connection.execute("SELECT max(updated_at) FROM events").fetchone()
    return "hello"


def _connect(url: str):
    if url.startswith("sqlite:///"):
        return sqlite3.connect(url.removeprefix("sqlite:///"), check_same_thread=False)
    import psycopg

    return psycopg.connect(url.replace("postgresql+psycopg://", "postgresql://", 1), autocommit=True)
