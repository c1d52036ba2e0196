"""A sign-in is a row in host_sessions: signing out ends it, changing the password ends every other one, and a
copy of the cookie taken before either opens nothing afterwards."""

from datetime import timedelta

import pytest
import sqlalchemy as sa
from flask_login.utils import encode_cookie

from eventreg.hosts import operations
from eventreg.hosts.models import HostSession

NEW_PASSWORD = "a new long passphrase"


class Browser:
    """A test client whose every request runs in an app context of its own, as in production. (Under the test's
    own app context, requests would share one `g`, and Flask-Login would take the user it left there.)"""

    def __init__(self, app):
        self.app, self.client = app, app.test_client()

    def get(self, url):
        with self.app.app_context():
            return self.client.get(url)

    def post(self, url, **kwargs):
        with self.app.app_context():
            return self.client.post(url, **kwargs)

    def get_cookie(self, name, **kwargs):
        return self.client.get_cookie(name, **kwargs)

    def set_cookie(self, name, value, **kwargs):
        self.client.set_cookie(name, value, **kwargs)


@pytest.fixture
def sign_in(host_password):
    """sign_in(app, host): a browser of its own, signed in through the real form."""

    def browser_signed_in(app, host):
        browser = Browser(app)
        response = browser.post("/host/login", data={"email": host.email, "password": host_password})
        assert response.status_code == 303
        return browser

    return browser_signed_in


def session_cookie(browser) -> str:
    return browser.get_cookie("session", domain="eventreg.test").value


def replay(app, cookie: str):
    """A different browser holding a copy of the cookie."""
    thief = Browser(app)
    thief.set_cookie("session", cookie, domain="eventreg.test")
    return thief


def session_ids(db_session) -> list[str]:
    db_session.rollback()  # a fresh read: the test's own transaction may hold a snapshot from before the requests
    return list(db_session.scalars(sa.select(HostSession.id)))


def assert_signed_out(browser, event):
    dashboard = browser.get("/host/")
    assert dashboard.status_code == 302
    assert "/host/login" in dashboard.headers["Location"]
    export = browser.get(f"/host/events/{event.id}/attendees.csv")
    assert export.status_code == 302
    assert b"@" not in export.data


def test_a_copied_cookie_opens_nothing_after_sign_out(app, make_host, make_event, register, db_session, sign_in):
    host = make_host()
    event = make_event()
    event.hosts = [host]
    register(event)
    db_session.commit()
    browser = sign_in(app, host)
    copy = session_cookie(browser)
    assert replay(app, copy).get(f"/host/events/{event.id}/attendees.csv").status_code == 200  # the copy works...
    assert browser.post("/host/logout").status_code == 303
    assert_signed_out(browser, event)
    assert_signed_out(replay(app, copy), event)  # ...until its sign-in ends
    assert session_ids(db_session) == []


def test_a_remember_cookie_does_not_bring_an_ended_sign_in_back(app, make_host, make_event, db_session, sign_in):
    host = make_host()
    event = make_event()
    event.hosts = [host]
    db_session.commit()
    browser = sign_in(app, host)
    (session_id,) = session_ids(db_session)
    browser.post("/host/logout")
    thief = Browser(app)
    with app.test_request_context():
        thief.set_cookie("remember_token", encode_cookie(session_id), domain="eventreg.test")
    assert_signed_out(thief, event)


def test_changing_the_password_ends_every_other_sign_in_but_this_one(
    app, make_host, make_event, db_session, host_password, sign_in
):
    host = make_host()
    event = make_event()
    event.hosts = [host]
    db_session.commit()
    here, elsewhere = sign_in(app, host), sign_in(app, host)
    copy_of_here = session_cookie(here)
    response = here.post(
        "/host/password", data={"current": host_password, "new": NEW_PASSWORD, "confirm": NEW_PASSWORD}
    )
    assert response.status_code == 303
    assert here.get("/host/").status_code == 200
    assert replay(app, copy_of_here).get("/host/").status_code == 200  # the same sign-in, so still in
    assert_signed_out(elsewhere, event)
    assert len(session_ids(db_session)) == 1


def test_a_refused_password_change_ends_nothing(app, make_host, db_session, sign_in):
    host = make_host()
    db_session.commit()
    here, elsewhere = sign_in(app, host), sign_in(app, host)
    response = here.post(
        "/host/password", data={"current": "not it at all", "new": NEW_PASSWORD, "confirm": NEW_PASSWORD}
    )
    assert response.status_code == 400
    assert elsewhere.get("/host/").status_code == 200


DAY = timedelta(days=1)


def test_sessions_of_other_hosts_are_untouched(app, make_host, db_session, clock, host_password):
    one, two = make_host("one@library.example.org"), make_host("two@library.example.org")
    mine = operations.start_session(one, now=clock.now(), max_age=DAY)
    theirs = operations.start_session(two, now=clock.now(), max_age=DAY)
    operations.change_password(one, current=host_password, new=NEW_PASSWORD)
    assert operations.host_for_session(mine.id, now=clock.now(), max_age=DAY) == one  # where the change was made
    assert operations.host_for_session(theirs.id, now=clock.now(), max_age=DAY) == two
    operations.end_session(one)
    assert operations.host_for_session(mine.id, now=clock.now(), max_age=DAY) is None
    assert operations.host_for_session(theirs.id, now=clock.now(), max_age=DAY) == two


def test_an_old_style_or_forged_session_id_loads_nobody(app, make_host, db_session, clock):
    host = make_host()
    for value in (str(host.id), "", "x" * 1000, f"{host.id}:nope"):
        assert operations.host_for_session(value, now=clock.now(), max_age=DAY) is None


def test_a_sign_in_ends_by_itself_after_its_max_age(app, make_host, make_event, db_session, sign_in, clock):
    host = make_host()
    event = make_event()
    event.hosts = [host]
    db_session.commit()
    browser = sign_in(app, host)
    stolen = replay(app, session_cookie(browser))
    max_age = timedelta(seconds=app.config["HOST_SESSION_MAX_AGE"])
    clock.advance(max_age - timedelta(minutes=1))
    assert browser.get("/host/").status_code == 200
    clock.advance(timedelta(minutes=2))
    for copy in (browser, stolen):
        assert_signed_out(copy, event)
    # Signing in again sweeps the host's expired sign-ins, so their rows do not pile up.
    sign_in(app, host)
    assert len(session_ids(db_session)) == 1
