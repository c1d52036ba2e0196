"""Baselines served the same way as eventreg: a minimal Flask view, one returning fixed bytes, one that reads
a row from eventreg's database (BASELINE_DATABASE_URL) and does nothing else, and the least a correct
registration must do, on the same tables."""

import hmac
import os
import secrets
import sqlite3
from datetime import UTC, datetime

from flask import Flask, Response, abort, redirect, request, session
from markupsafe import escape

app = Flask(__name__)
app.secret_key = os.environ.get("BASELINE_SECRET_KEY", "baseline-secret-" * 3)
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
    _database().execute("SELECT max(updated_at) FROM events").fetchone()
    return "hello"


@app.get("/events/<int:event_id>/register")
def registration_form(event_id: int):
    """A form with a CSRF token kept in the signed session cookie, as Flask-WTF does."""
    token = session.setdefault("csrf", secrets.token_urlsafe(32))
    return (
        f'<form method="post"><input name="csrf_token" type="hidden" value="{token}">'
        '<input name="name"><input name="email"><input name="organization"><button>Register</button></form>'
    )


@app.post("/events/<int:event_id>/register")
def register(event_id: int):
    """The least a correct registration does (PostgreSQL only): check the CSRF token, then in one transaction
    lock the event row, count its confirmed seats, insert the registration and its outbox row, commit."""
    if not hmac.compare_digest(request.form.get("csrf_token", ""), session.get("csrf", "-")):
        abort(400)
    name, email = request.form["name"], request.form["email"]
    now = datetime.now(UTC)
    connection = _database()
    with connection.transaction():
        capacity = connection.execute("SELECT capacity FROM events WHERE id = %s FOR UPDATE", (event_id,)).fetchone()[0]
        confirmed = connection.execute(
            "SELECT count(*) FROM registrations WHERE event_id = %s AND status = 'confirmed'", (event_id,)
        ).fetchone()[0]
        status = "confirmed" if capacity is None or confirmed < capacity else "waiting"
        registration_id = connection.execute(
            "INSERT INTO registrations (event_id, name, email, organization, job_role, accessibility, "
            "accessibility_details, wants_recording, status, token, sequence, created_at, updated_at, "
            "legacy_calendar_uid) "
            "VALUES (%s, %s, %s, %s, '', '', '', false, %s, %s, 0, %s, %s, false) RETURNING id",
            (event_id, name, email, request.form.get("organization", ""), status, secrets.token_urlsafe(32), now, now),
        ).fetchone()[0]
        connection.execute(
            "INSERT INTO outbox (kind, registration_id, to_name, to_address, subject, body_text, body_html, "
            "created_at, attempts) VALUES ('confirmation', %s, %s, %s, 'You are registered', %s, %s, %s, 0)",
            (registration_id, name, email, f"Hello {name}", f"<p>Hello {escape(name)}</p>", now),
        )
    return redirect(f"/done/{registration_id}", code=303)


def _database():
    global _connection  # one connection per worker process, opened after gunicorn forks
    if _connection is None:
        _connection = _connect(_DATABASE_URL)
    return _connection


def _connect(url: str):
    if url.startswith("sqlite:///"):
        return sqlite3.connect(url.removeprefix("sqlite:///"), check_same_thread=False)
    import psycopg

    return psycopg.connect(url.replace("postgresql+psycopg://", "postgresql://", 1), autocommit=True)
