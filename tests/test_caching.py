"""Which answers a shared cache may keep (eventreg/core/caching.py): public ones say so in plain HTTP and hold
nothing of the visitor's; everything personal says private, no-store."""

import re

import pytest


@pytest.fixture
def catalog(make_event, make_topic, db_session):
    event = make_event(topics=[make_topic("data", "Data")])
    db_session.commit()
    return event


def public_urls(event) -> list[str]:
    return [
        "/",
        "/events",
        "/events/on-demand",
        "/events?q=data",
        "/events?topic=data",
        "/topics/data",
        "/topics/data/on-demand",
        f"/events/{event.slug}",
        f"/events/{event.slug}.ics",
        "/calendar.ics",
        "/topics/data/calendar.ics",
        "/events?page=1",
    ]


def assert_public(response, app) -> None:
    assert response.status_code == 200, response.request.path
    cache_control = response.headers["Cache-Control"]
    assert cache_control.startswith("public"), cache_control
    # nginx keeps it a few seconds; browsers revalidate pages (their cache ignores the tz cookie), and
    # calendar apps may keep a feed longer.
    assert f"s-maxage={app.config['PUBLIC_MAX_AGE']}" in cache_control
    assert re.search(r"\bmax-age=(0|300)\b", cache_control), cache_control
    assert response.headers.get("ETag")
    assert "Set-Cookie" not in response.headers
    assert "Cookie" not in response.headers.get("Vary", "")
    assert 'name="csrf_token"' not in response.get_data(as_text=True)


def test_public_pages_feeds_and_downloads_may_be_shared(app, client, catalog):
    for url in public_urls(catalog):
        assert_public(client.get(url), app)


def test_a_visitor_who_registered_before_still_gets_the_shared_pages(app, client, catalog):
    client.application.config["WTF_CSRF_ENABLED"] = True
    try:
        page = client.get(f"/events/{catalog.slug}/register")
        assert "Set-Cookie" in page.headers  # the session now holds a CSRF token
        # Flask-Login marks such a session "not fresh" on the first page that asks who is signed in: that
        # answer sets a cookie, so it stays private; the ones after it are shared again.
        client.get("/events")
        for url in public_urls(catalog):
            assert_public(client.get(url), app)
    finally:
        client.application.config["WTF_CSRF_ENABLED"] = False


def test_public_pages_answer_304_to_their_etag(client, catalog):
    first = client.get(f"/events/{catalog.slug}")
    again = client.get(f"/events/{catalog.slug}", headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304
    assert again.headers["Cache-Control"].startswith("public")


def test_public_pages_come_gzipped_to_a_browser_with_their_own_etag(client, catalog):
    import gzip

    browser = {"Accept-Encoding": "gzip, deflate, br, zstd"}  # Chrome's
    plain = client.get(f"/events/{catalog.slug}")
    packed = client.get(f"/events/{catalog.slug}", headers=browser)
    assert "Content-Encoding" not in plain.headers
    assert packed.headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(packed.get_data()) == plain.get_data()
    assert packed.headers["ETag"] == plain.headers["ETag"][:-1] + '-gz"'
    assert "Accept-Encoding" in plain.headers["Vary"]
    assert "Accept-Encoding" in packed.headers["Vary"]
    # Each representation answers 304 to its own ETag, and the other's is another representation.
    assert (
        client.get(f"/events/{catalog.slug}", headers={**browser, "If-None-Match": packed.headers["ETag"]}).status_code
        == 304
    )
    assert (
        client.get(f"/events/{catalog.slug}", headers={**browser, "If-None-Match": plain.headers["ETag"]}).status_code
        == 200
    )
    # "gzip;q=0" is a refusal, and personal pages are left to nginx.
    refused = client.get(f"/events/{catalog.slug}", headers={"Accept-Encoding": "gzip;q=0, identity"})
    assert "Content-Encoding" not in refused.headers
    assert "Content-Encoding" not in client.get(f"/events/{catalog.slug}/register", headers=browser).headers


def test_choosing_a_zone_sets_a_cookie_on_an_answer_that_is_never_shared(client, catalog):
    response = client.get("/events?tz=Europe/Berlin")
    assert "tz=Europe/Berlin" in response.headers["Set-Cookie"]
    assert response.headers["Cache-Control"] == "private, no-store"
    # Later pages read the cookie: nginx keys its copies on it (deploy/nginx.conf), and they are shared.
    assert client.get("/events").headers["Cache-Control"].startswith("public")


def test_personal_answers_are_never_shared(app, client, catalog, mailbox, make_host, login):
    registered = client.post(
        f"/events/{catalog.slug}/register",
        data={"name": "Ana", "email": "ana@library.example.org", "organization": "Library"},
    )
    assert registered.headers["Cache-Control"] == "private, no-store"  # it names the address typed
    mailed = re.search(r"http://eventreg\.test(/r/\S+)", mailbox[0].get_body(("plain",)).get_content())[1]
    personal = [mailed, f"/events/{catalog.slug}/register", "/events/no-such-event"]
    feed = re.search(r'(/feeds/[^"]+\.ics)', client.get(mailed).get_data(as_text=True))[1]
    for url in personal:
        assert client.get(url).headers["Cache-Control"] == "private, no-store", url
    assert client.get(feed).headers["Cache-Control"] == "private, no-cache"
    login(make_host(admin=True))
    for url in ("/host", f"/events/{catalog.slug}", "/events"):  # signed in: the header shows the dashboard
        response = client.get(url)
        assert response.headers["Cache-Control"] == "private, no-store", url
        assert "Cookie" in response.headers["Vary"]


def test_the_search_form_carries_no_csrf_token(app, client, catalog):
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        html = client.get("/events?q=data").get_data(as_text=True)
    finally:
        app.config["WTF_CSRF_ENABLED"] = False
    assert 'role="search"' in html
    assert "csrf" not in html
