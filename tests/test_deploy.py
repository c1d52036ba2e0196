"""The shipped nginx configuration (deploy/nginx-eventreg.conf) in front of gunicorn, both real processes on
loopback, against the test database: what it keeps, what it never keeps, and that registering through it
works with the client address and CSRF checks the app would see without it."""

import http.client
import os
import re
import shutil
import subprocess
import time
import urllib.parse
from datetime import datetime, timedelta

import pytest
import pytz
import sqlalchemy as sa

from deploy import stack
from eventreg.events import operations
from eventreg.mail.models import OutboxMessage
from eventreg.registrations.models import Registration

REFRESH_ALLOWANCE = 5  # seconds for the one refreshing request, however loaded the machine
LIFETIME = 2  # seconds nginx keeps a public page here (EVENTREG_PUBLIC_MAX_AGE): short, so the test is
RATE_LIMIT = 3  # registration POSTs per client address per minute

pytestmark = pytest.mark.skipif(not os.path.exists(stack.NGINX), reason=f"nginx is missing ({stack.NGINX})")


@pytest.fixture
def site(database_url, db_session, tmp_path):
    """nginx on one loopback port, gunicorn (one worker, so memory:// counts every request) behind it."""
    app_port, port = stack.free_port(), stack.free_port()
    env = {
        "DATABASE_URL": database_url,
        "SECRET_KEY": "deploy-test-secret-" * 3,
        "EVENTREG_PRODUCTION": "false",  # plain HTTP
        "EVENTREG_TRUSTED_PROXY_COUNT": "1",
        "EVENTREG_PUBLIC_MAX_AGE": str(LIFETIME),
        "EVENTREG_REGISTRATION_RATE_LIMIT": f"{RATE_LIMIT} per minute",
        "EVENTREG_MAIL_OUTBOX_DIR": str(tmp_path / "outbox"),
        "EVENTREG_MAIL_DELIVERY": "request",
        "EVENTREG_LOG_LEVEL": "WARNING",
    }
    app_log = tmp_path / "gunicorn-access.log"
    gunicorn = stack.start_gunicorn(env, port=app_port, workers=1, access_log=app_log)
    try:
        nginx = stack.start_nginx(tmp_path / "nginx", port=port, app_port=app_port)
    except Exception:
        stack.stop(gunicorn)
        raise
    yield Site(port, app_log)
    stack.stop(nginx, gunicorn)


class Site:
    def __init__(self, port: int, app_log):
        self.port, self.app_log = port, app_log

    def request(self, path: str, *, method: str = "GET", headers: dict | None = None, body: str | None = None):
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        try:
            connection.request(method, path, body=body, headers=headers or {})
            response = connection.getresponse()
            response.text = response.read().decode("utf-8", "replace")
            return response
        finally:
            connection.close()

    def app_requests(self) -> str:
        time.sleep(0.2)  # gunicorn writes its access log after the response
        return self.app_log.read_text()


@pytest.fixture
def upcoming(make_event, make_topic, db_session):
    """An event a month from the real now: gunicorn runs on the system clock, not the tests' fixed one."""
    starts = datetime.now(pytz.utc).replace(microsecond=0) + timedelta(days=30)
    event = make_event(
        title="Open data for community needs", starts_at=starts, capacity=10, topics=[make_topic("data", "Data")]
    )
    db_session.commit()
    return event


def test_public_pages_are_served_from_the_cache_and_gzipped(site, upcoming):
    for path in (
        "/",
        f"/events/{upcoming.slug}",
        "/topics/data",
        "/events?q=open",
        "/calendar.ics",
        f"/events/{upcoming.slug}.ics",
    ):
        first = site.request(path, headers={"Accept-Encoding": "gzip"})
        assert first.status == 200, (path, first.text[:300])
        again = site.request(path, headers={"Accept-Encoding": "gzip"})
        assert again.status == 200
        assert again.getheader("X-Cache-Status") == "HIT", path
        assert again.getheader("Content-Encoding") == "gzip", path
        assert again.getheader("Set-Cookie") is None
    # Browsers list gzip among others: any list with gzip shares the gzipped copy, and a client without it gets
    # the plain one (the app compressed the copy once; nginx serves the stored bytes).
    chrome = site.request("/", headers={"Accept-Encoding": "gzip, deflate, br, zstd"})
    assert (chrome.getheader("X-Cache-Status"), chrome.getheader("Content-Encoding")) == ("HIT", "gzip")
    plain = site.request("/")
    assert plain.getheader("Content-Encoding") is None
    assert "Open data for community needs" in plain.text
    assert site.request("/").getheader("X-Cache-Status") == "HIT"
    refused = site.request("/", headers={"Accept-Encoding": "gzip;q=0, identity"})
    assert (refused.getheader("X-Cache-Status"), refused.getheader("Content-Encoding")) == ("HIT", None)
    # The zone is part of the key: another zone's page is another copy, with that zone's times.
    berlin = site.request(f"/events/{upcoming.slug}", headers={"Cookie": "tz=Europe/Berlin"})
    assert berlin.getheader("X-Cache-Status") == "MISS"
    assert "Central European" in berlin.text
    assert (
        site.request(f"/events/{upcoming.slug}", headers={"Cookie": "tz=Europe/Berlin"}).getheader("X-Cache-Status")
        == "HIT"
    )
    assert "Central European" not in site.request(f"/events/{upcoming.slug}").text


def test_personal_answers_never_come_from_the_cache(site, upcoming, db_session, make_host):
    form = register_through(site, upcoming, "ana@library.example.org")
    assert form.status == 200  # "Check your email": the manage link is mailed, never shown
    db_session.rollback()
    message = db_session.scalars(sa.select(OutboxMessage).order_by(OutboxMessage.id.desc())).first()
    manage = re.search(r"https?://[^/\s]+(/r/\S+)", message.body_text).group(1)
    feed = re.search(r'(/feeds/[^"]+\.ics)', last_mail_manage_page(site, db_session)).group(1)
    make_host(admin=True)
    db_session.commit()
    host = site.request("/host/login")
    for path, headers in (
        (manage, {}),
        (feed, {}),
        ("/host/login", {}),
        (f"/events/{upcoming.slug}/register", {}),
        (f"/events/{upcoming.slug}", {"Cookie": session_cookie(host)}),
    ):
        for _ in range(2):
            response = site.request(path, headers=headers)
            assert response.status == 200, (path, response.status)
            assert response.getheader("X-Cache-Status") in (None, "MISS", "BYPASS"), path
            assert "private" in response.getheader("Cache-Control", "private") or "Cookie" in headers, path
    # Every one of those reached the app each time.
    log = site.app_requests()
    assert log.count(f"GET {manage} ") == 3  # last_mail_manage_page read it once before
    assert log.count(f"GET {feed} ") == 2


def test_a_hosts_change_shows_on_the_public_page_within_the_lifetime(site, upcoming, db_session, clock):
    path = f"/events/{upcoming.slug}"
    site.request(path)
    cached = time.monotonic()
    assert site.request(path).getheader("X-Cache-Status") == "HIT"
    operations.update_event(upcoming, now=clock.now(), title="Open data, revised")
    db_session.commit()
    # The copy kept before the change expires LIFETIME after it was stored; then one request refreshes it in
    # the background, which takes one page's render (seconds, on a loaded CI machine), not another lifetime.
    while "Open data, revised" not in site.request(path).text:
        assert time.monotonic() - cached < LIFETIME + REFRESH_ALLOWANCE, "the change did not show after the lifetime"
        time.sleep(0.1)


def test_an_expired_copy_is_served_stale_while_one_request_refreshes_it(site, upcoming, db_session, clock):
    path = f"/events/{upcoming.slug}"
    site.request(path)
    operations.update_event(upcoming, now=clock.now(), title="Open data, refreshed")
    db_session.commit()
    time.sleep(LIFETIME + 0.5)
    seen, deadline = [], time.monotonic() + 5
    while "Open data, refreshed" not in (response := site.request(path)).text:
        seen.append(response.getheader("X-Cache-Status"))
        assert time.monotonic() < deadline, seen
        time.sleep(0.05)
    # The expired copy was answered at once while one request refreshed it behind it.
    assert "STALE" in seen or "UPDATING" in seen, seen
    assert site.request(path).getheader("X-Cache-Status") == "HIT"


def test_registering_through_nginx_checks_csrf_and_limits_the_real_client_address(site, upcoming, db_session):
    form = urllib.parse.urlencode({"name": "Eve", "email": "eve@example.org", "organization": "X"})
    headers = {"Content-Type": "application/x-www-form-urlencoded"}
    forged = site.request(f"/events/{upcoming.slug}/register", method="POST", headers=headers, body=form)
    assert forged.status == 400  # no CSRF token
    statuses = [
        # Each claims another address in X-Forwarded-For; nginx appends the real one, which the app counts.
        register_through(site, upcoming, f"reader{n}@library.example.org", forwarded_for=f"203.0.113.{n}").status
        for n in range(RATE_LIMIT + 1)
    ]
    assert statuses == [200] * RATE_LIMIT + [429]
    db_session.rollback()
    emails = db_session.scalars(sa.select(Registration.email).order_by(Registration.id)).all()
    assert emails == [f"reader{n}@library.example.org" for n in range(RATE_LIMIT)]


def test_static_files_come_from_nginx(site):
    response = site.request("/static/style.css", headers={"Accept-Encoding": "gzip"})
    assert response.status == 200
    assert response.getheader("Content-Encoding") == "gzip"
    assert "max-age=3600" in response.getheader("Cache-Control")
    assert "/static/" not in site.app_requests()


def test_the_embedded_list_is_cached_with_its_framing_headers_and_sets_no_cookie(site, upcoming):
    for path in ("/embed/events", "/embed/events?topic=data&limit=3&theme=dark", "/embed/events?tz=Europe/Berlin"):
        assert site.request(path).status == 200, path
        again = site.request(path)
        assert again.getheader("X-Cache-Status") == "HIT", path
        assert "frame-ancestors 'self' *;" in again.getheader("Content-Security-Policy"), path
        assert again.getheader("X-Frame-Options") is None, path
        assert again.getheader("Set-Cookie") is None, path
        assert upcoming.title in again.text
    loader = site.request("/static/embed.js")
    assert loader.status == 200
    assert "javascript" in loader.getheader("Content-Type")
    assert "/static/" not in site.app_requests()


def session_cookie(response) -> str:
    return response.getheader("Set-Cookie").split(";", 1)[0]


def register_through(site, event, email: str, *, forwarded_for: str | None = None):
    page = site.request(f"/events/{event.slug}/register")
    assert page.status == 200
    assert "private" in page.getheader("Cache-Control")
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page.text).group(1)
    headers = {"Content-Type": "application/x-www-form-urlencoded", "Cookie": session_cookie(page)}
    if forwarded_for:
        headers["X-Forwarded-For"] = forwarded_for
    form = {"csrf_token": token, "name": "Reader", "email": email, "organization": "Library"}
    return site.request(
        f"/events/{event.slug}/register", method="POST", headers=headers, body=urllib.parse.urlencode(form)
    )


def last_mail_manage_page(site, db_session) -> str:
    """The manage page a confirmation mail links to (it shows the personal feed)."""
    db_session.rollback()
    message = db_session.scalars(sa.select(OutboxMessage).order_by(OutboxMessage.id.desc())).first()
    link = re.search(r"https?://[^/\s]+(/r/\S+)", message.body_text).group(1)
    return site.request(link).text


def test_only_the_sites_own_name_is_answered(site, upcoming):
    """A forged Host reaches neither the app nor the cache: nginx closes the connection without an answer (an
    empty one is nginx's own 400)."""
    assert site.request("/").status == 200
    for host in ("evil.example", "events.example.org.evil.example"):
        with pytest.raises(http.client.RemoteDisconnected):
            site.request("/", headers={"Host": host})
    assert site.request("/", headers={"Host": ""}).status == 400
    assert site.app_requests().count("GET / ") == 1


# The README's steps ("nginx in front"), as a Debian administrator types them; the site file's header repeats them.
README_STEPS = """\
apt-get install nginx-light
cp deploy/nginx-eventreg.conf /etc/nginx/sites-available/eventreg  # then set server_name and the static path
ln -s ../sites-available/eventreg /etc/nginx/sites-enabled/eventreg
rm /etc/nginx/sites-enabled/default  # Debian's welcome page claims port 80's default server too
nginx -t && systemctl reload nginx
"""
# What a Debian system has before those steps: base-files' /var/cache, /var/lib, /var/log and /run, and
# nginx-common's /var/lib/nginx and /var/log/nginx. There is no /var/cache/nginx.
DEBIAN_DIRECTORIES = ("var/cache", "var/lib/nginx", "var/log/nginx", "run")
# Absolute paths in the configuration, read inside the copy instead.
ABSOLUTE = re.compile(r"(?<![\w.-])/(etc/nginx|var|run)/")
TEMP_PATHS = {"client_body": "body", "proxy": "proxy", "fastcgi": "fastcgi", "uwsgi": "uwsgi", "scgi": "scgi"}


def test_the_readmes_steps_pass_nginx_t_on_a_stock_debian_nginx_light(tmp_path):
    """The README's commands, exactly, on a copy of this machine's stock /etc/nginx (Debian's nginx-light, as
    installed) inside a scratch root: `nginx -t` then accepts the configuration."""
    readme = (stack.ROOT / "README.md").read_text()
    assert f"```sh\n{README_STEPS}```" in readme
    assert "".join(f"#   {line}\n" for line in README_STEPS.splitlines()) in stack.SITE.read_text()
    root = tmp_path / "root"
    etc = root / "etc" / "nginx"
    shutil.copytree("/etc/nginx", etc)  # its links (sites-enabled/default, modules) copied as the files they name
    for directory in DEBIAN_DIRECTORIES:
        (root / directory).mkdir(parents=True, exist_ok=True)

    shutil.copy(stack.SITE, etc / "sites-available" / "eventreg")  # cp deploy/nginx-eventreg.conf ...
    os.symlink("../sites-available/eventreg", etc / "sites-enabled" / "eventreg")  # ln -s ...
    (etc / "sites-enabled" / "default").unlink()  # rm /etc/nginx/sites-enabled/default

    for path in etc.rglob("*"):
        if path.is_file() and not path.is_symlink():
            text = path.read_text(encoding="latin-1")
            path.write_text(ABSOLUTE.sub(lambda m: f"{root}/{m[1]}/", text), encoding="latin-1")
    # nginx's compiled-in temporary folders (/var/lib/nginx/body, ...) in the copy too, so nginx -t, which
    # creates them, writes nothing outside it. conf.d is included in http {} by the stock nginx.conf.
    temp = [f"{kind}_temp_path {root}/var/lib/nginx/{folder};" for kind, folder in TEMP_PATHS.items()]
    (etc / "conf.d" / "test-temp-paths.conf").write_text("\n".join(temp) + "\n")

    # nginx -t (Debian's prefix, /usr/share/nginx, stays: the stock modules-enabled files load from it)
    check = subprocess.run([stack.NGINX, "-t", "-c", str(etc / "nginx.conf")], capture_output=True, text=True)
    assert check.returncode == 0, check.stderr
    assert "test is successful" in check.stderr
    assert (root / "var" / "lib" / "nginx" / "eventreg").is_dir()  # the cache, where the site file keeps it


def test_each_language_has_its_own_copy_chosen_by_cookie_else_the_browsers_list(site, upcoming):
    spanish = {"Accept-Language": "es-MX,es;q=0.9,en;q=0.8"}
    first = site.request("/", headers=spanish)
    assert 'lang="es"' in first.text
    assert ">Idioma<" in first.text
    # Another browser's list with the same first language of ours shares the copy; a German list naming
    # French after German gets French; a cookie wins over the list.
    assert site.request("/", headers={"Accept-Language": "es"}).getheader("X-Cache-Status") == "HIT"
    french = site.request("/", headers={"Accept-Language": "de-DE,de;q=0.9,fr;q=0.8"})
    assert ">Langue<" in french.text
    assert site.request("/", headers={"Accept-Language": "fr-CA"}).getheader("X-Cache-Status") == "HIT"
    chosen = site.request("/", headers={**spanish, "Cookie": "lang=fr"})
    assert ">Langue<" in chosen.text
    refused = site.request("/", headers={"Accept-Language": "es;q=0, de"})
    assert ">Language<" in refused.text
    # Choosing with ?lang= sets the cookie on an answer nobody else gets.
    choosing = site.request("/?lang=es")
    assert "lang=es" in choosing.getheader("Set-Cookie")
    assert choosing.getheader("X-Cache-Status") in (None, "BYPASS", "MISS")
    assert "private" in choosing.getheader("Cache-Control")
