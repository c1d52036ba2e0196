"""The production stack on loopback: nginx (deploy/nginx-eventreg.conf) in front of gunicorn, on
PostgreSQL, with rate-limit counters in Redis. `make stack` runs it with the demo catalog:

    .venv/bin/python -m deploy.stack [--database-url postgresql://postgres@127.0.0.1:5432/postgres] [--port 8080]

It creates the database eventreg_stack on that server (if missing), migrates it and loads the demo, then
starts redis-server, gunicorn and nginx, each with its own files under a scratch folder, until Ctrl-C.
tests/test_deploy.py starts nginx and gunicorn the same way (nginx_config, start_nginx, start_gunicorn)."""

import argparse
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SITE = ROOT / "deploy" / "nginx-eventreg.conf"
NGINX = os.environ.get("EVENTREG_NGINX", "/usr/sbin/nginx")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for_port(port: int, process: subprocess.Popen, name: str, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{name} exited with status {process.returncode}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return
        except OSError:
            time.sleep(0.1)
    process.kill()
    raise RuntimeError(f"{name} did not start listening on port {port}")


def nginx_config(*, prefix: Path, port: int, app_port: int) -> str:
    """A whole nginx.conf around the shipped site file, with only its addresses and paths changed."""
    site = SITE.read_text()
    for old, new in {
        "listen 80 default_server;": f"listen 127.0.0.1:{port} default_server;",
        "listen 80;": f"listen 127.0.0.1:{port};",
        "server_name events.example.org;": "server_name 127.0.0.1 localhost;",
        "server 127.0.0.1:8000;": f"server 127.0.0.1:{app_port};",
        "/var/lib/nginx/eventreg": str(prefix / "cache"),
        "/srv/eventreg/eventreg/static/": f"{ROOT / 'eventreg' / 'static'}/",
    }.items():
        if old not in site:
            raise RuntimeError(f"{SITE} no longer contains {old!r}")
        site = site.replace(old, new)
    temp = prefix / "temp"
    # Run by root (CI, the test machine), the workers stay root so they can read a scratch folder; Debian's
    # packaged nginx runs them as www-data.
    user = "user root;\n" if os.geteuid() == 0 else ""
    return f"""{user}daemon off;
worker_processes 2;
pid {prefix}/nginx.pid;
error_log {prefix}/error.log warn;
events {{ worker_connections 1024; }}
http {{
    include /etc/nginx/mime.types;
    types {{ text/calendar ics; }}
    default_type application/octet-stream;
    access_log {prefix}/access.log;
    sendfile on;
    keepalive_timeout 65;
    client_body_temp_path {temp}/body;
    proxy_temp_path {temp}/proxy;
    fastcgi_temp_path {temp}/fastcgi;
    uwsgi_temp_path {temp}/uwsgi;
    scgi_temp_path {temp}/scgi;

{site}
}}
"""


def start_nginx(prefix: Path, *, port: int, app_port: int) -> subprocess.Popen:
    (prefix / "temp").mkdir(parents=True, exist_ok=True)
    (prefix / "cache").mkdir(exist_ok=True)
    config = prefix / "nginx.conf"
    config.write_text(nginx_config(prefix=prefix, port=port, app_port=app_port))
    check = subprocess.run([NGINX, "-t", "-q", "-p", str(prefix), "-c", str(config)], capture_output=True, text=True)
    if check.returncode:
        raise RuntimeError(f"nginx -t refused {config}:\n{check.stderr}")
    process = subprocess.Popen([NGINX, "-p", str(prefix), "-c", str(config)])
    wait_for_port(port, process, "nginx")
    return process


def start_gunicorn(env: dict, *, port: int, workers: int = 2, access_log: Path | None = None) -> subprocess.Popen:
    command = [sys.executable, "-m", "gunicorn", "--preload", "-w", str(workers), "-b", f"127.0.0.1:{port}"]
    if access_log is not None:
        command += ["--access-logfile", str(access_log)]
    process = subprocess.Popen([*command, "wsgi:app"], cwd=ROOT, env={**os.environ, **env})
    wait_for_port(port, process, "gunicorn")
    return process


def stop(*processes: subprocess.Popen) -> None:
    for process in processes:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)  # nginx: fast shutdown; gunicorn: graceful
    for process in processes:
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()


def _database(server_url: str, name: str) -> str:
    import sqlalchemy as sa

    engine = sa.create_engine(
        server_url.replace("postgresql://", "postgresql+psycopg://", 1), isolation_level="AUTOCOMMIT"
    )
    with engine.connect() as connection:
        if not connection.scalar(sa.text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": name}):
            connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
    engine.dispose()
    return server_url.rsplit("/", 1)[0] + "/" + name


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", default="postgresql://postgres@127.0.0.1:5432/postgres",
                        help="a PostgreSQL server; the database eventreg_stack is created on it")  # fmt: skip
    parser.add_argument("--port", type=int, default=8080, help="where nginx listens on 127.0.0.1")
    parser.add_argument("--workers", type=int, default=4)
    args = parser.parse_args()
    if not shutil.which("redis-server"):
        sys.exit("redis-server is missing (apt-get install redis-server)")
    scratch = Path(tempfile.mkdtemp(prefix="eventreg-stack-"))
    redis_port, app_port = free_port(), free_port()
    env = {
        "DATABASE_URL": _database(args.database_url, "eventreg_stack"),
        "SECRET_KEY": secrets.token_urlsafe(48),
        "RATELIMIT_STORAGE_URI": f"redis://127.0.0.1:{redis_port}/0",
        "EVENTREG_TRUSTED_PROXY_COUNT": "1",
        "EVENTREG_BASE_URL": f"http://127.0.0.1:{args.port}",
        "EVENTREG_MAIL_OUTBOX_DIR": str(scratch / "outbox"),
        "EVENTREG_PRODUCTION": "false",  # plain HTTP on loopback: Secure cookies would never come back
    }
    flask = [sys.executable, "-m", "flask", "--app", "eventreg"]
    for command in (["db", "upgrade"], ["seed-demo"]):
        subprocess.run([*flask, *command], cwd=ROOT, env={**os.environ, **env}, check=True)
    redis = subprocess.Popen(["redis-server", "--bind", "127.0.0.1", "--port", str(redis_port), "--save", "",
                              "--appendonly", "no", "--dir", str(scratch)], stdout=subprocess.DEVNULL)  # fmt: skip
    processes = [redis]
    try:
        wait_for_port(redis_port, redis, "redis-server")
        processes.append(start_gunicorn(env, port=app_port, workers=args.workers, access_log=scratch / "gunicorn.log"))
        processes.append(start_nginx(scratch / "nginx", port=args.port, app_port=app_port))
        print(f"eventreg on http://127.0.0.1:{args.port}/ (nginx -> gunicorn :{app_port}, Redis :{redis_port}, "
              f"{env['DATABASE_URL']}); logs in {scratch}. Ctrl-C stops it.", flush=True)  # fmt: skip
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        pass
    finally:
        stop(*reversed(processes))


def _interrupt(_signal, _frame):
    raise KeyboardInterrupt


if __name__ == "__main__":
    signal.signal(signal.SIGTERM, _interrupt)
    main()
