"""A newcomer's first steps: `make host` after `make run`, and a refusal to start that reads as one line."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
FLASK = Path(sys.executable).parent / "flask"


def clean_env(tmp_path, **extra) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("EVENTREG_", "FLASK_")) and k != "SECRET_KEY"}
    return {**env, "DATABASE_URL": f"sqlite:///{tmp_path}/eventreg.sqlite", **extra}


def test_create_host_in_production_with_the_development_key_is_one_line_not_a_traceback(tmp_path):
    result = subprocess.run(
        [FLASK, "--app", "eventreg", "create-host", "first@library.example.org", "--password", "x" * 12],
        cwd=ROOT,
        env=clean_env(tmp_path),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert lines == [
        "Error: Refusing to start in production with the development SECRET_KEY. Set SECRET_KEY to a long random "
        "value, or EVENTREG_PRODUCTION=false for local development (`make run` and `make host` set it)."
    ]


def test_make_host_creates_the_first_admin_for_the_development_site(tmp_path):
    result = subprocess.run(
        ["make", "--no-print-directory", "host", "EMAIL=first@library.example.org"],
        cwd=ROOT,
        env=clean_env(tmp_path, MAKEFLAGS=""),
        input="correct horse battery\n" * 2,
        capture_output=True,
        text=True,
        timeout=120,
        start_new_session=True,  # no terminal: the password comes on stdin
    )
    assert result.returncode == 0, result.stderr
    assert "Host first@library.example.org created (admin)." in result.stdout


def test_make_host_without_an_email_says_how(tmp_path):
    result = subprocess.run(
        ["make", "--no-print-directory", "host"],
        cwd=ROOT,
        env=clean_env(tmp_path),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2
    assert "Usage: make host EMAIL=you@library.org" in result.stdout
