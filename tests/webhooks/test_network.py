"""Never a way into our network: URLs are refused when saved and again when sent, the checked address is the one
connected to, no redirect is followed, answers are cut short and slow receivers time out."""

import ipaddress
import socket

import pytest

from eventreg.webhooks import network, operations, sending
from eventreg.webhooks.models import WebhookEndpoint

NONE = frozenset()


@pytest.mark.parametrize(
    "address",
    [
        "127.0.0.1", "127.8.9.10", "0.0.0.0", "10.1.2.3", "172.16.0.1", "192.168.1.1", "169.254.169.254",
        "100.64.0.1", "100.100.100.200", "224.0.0.1", "239.255.255.250", "240.0.0.1", "255.255.255.255",
        "192.0.2.1", "198.18.0.1", "::1", "::", "fe80::1", "fc00::1", "fd00:ec2::254", "ff02::1", "ff0e::1",
        "::ffff:127.0.0.1", "::ffff:10.0.0.1", "::ffff:169.254.169.254", "2002:7f00:1::", "2002:a00:1::",
        "64:ff9b::7f00:1", "64:ff9b::a00:1", "2001:db8::1", "::127.0.0.1",
    ],
)  # fmt: skip
def test_internal_addresses_are_not_public(address):
    assert not network.is_public(ipaddress.ip_address(address))


@pytest.mark.parametrize("address", ["93.184.215.14", "8.8.8.8", "2606:4700:4700::1111", "::ffff:8.8.8.8"])
def test_internet_addresses_are_public(address):
    assert network.is_public(ipaddress.ip_address(address))


@pytest.mark.parametrize(
    ("url", "code"),
    [
        ("https://127.0.0.1/hook", "private"),
        ("https://[::1]:8443/hook", "private"),
        ("https://10.0.0.5/hook", "private"),
        ("https://169.254.169.254/latest/meta-data/", "private"),
        ("https://[::ffff:127.0.0.1]/hook", "private"),
        ("https://[::ffff:a9fe:a9fe]/hook", "private"),
        ("https://100.64.0.1/hook", "private"),
        ("https://localhost/hook", "private"),  # a name that resolves to loopback
        ("http://93.184.215.14/hook", "not_https"),
        ("https://user:pw@93.184.215.14/hook", "credentials"),
        ("ftp://93.184.215.14/hook", "not_url"),
        ("https://93.184.215.14:99999/hook", "bad_port"),
        ("https://exa mple.org/", "not_url"),
        ("https://name.invalid/hook", "unresolvable"),
        ("https://" + "a" * 2000 + ".org/", "too_long"),
    ],
)
def test_urls_into_our_network_are_refused(url, code):
    with pytest.raises(network.UrlRefused) as refused:
        network.resolve(url, NONE)
    assert refused.value.code == code


def test_a_public_address_passes_and_allow_listed_hosts_skip_the_check():
    assert network.resolve("https://93.184.215.14/hook?x=1", NONE).path == "/hook?x=1"
    target = network.resolve("http://127.0.0.1:8080/hook", network.allowed_hosts("127.0.0.1, receiver.test"))
    assert (target.scheme, target.port, target.addresses) == ("http", 8080, ("127.0.0.1",))


@pytest.mark.parametrize(
    "url",
    ["https://127.0.0.1/hook", "https://[::1]/hook", "https://10.0.0.5/hook", "https://169.254.169.254/",
     "https://localhost/hook", "http://127.0.0.1:8000/hook"],
)  # fmt: skip
def test_the_form_refuses_internal_urls_without_the_allow_list(
    client, login, make_host, app, monkeypatch, url, text_of, db_session
):
    monkeypatch.setitem(app.config, "WEBHOOK_ALLOWED_HOSTS", "")
    login(make_host())
    response = client.post("/host/webhooks/new", data={"url": url, "event_types": ["registration.created"]})
    assert response.status_code == 400
    page = text_of(response)
    assert "Webhooks go only to public internet addresses" in page or "must start with https://" in page
    assert db_session.query(WebhookEndpoint).count() == 0


def test_the_url_is_checked_again_at_send_time(
    app, make_host, make_event, make_endpoint, register, receiver, db_session, clock, deliveries, monkeypatch
):
    host = make_host()
    event = make_event()
    event.hosts = [host]
    make_endpoint(host, receiver.url)  # saved while the allow-list let it through
    monkeypatch.setitem(app.config, "WEBHOOK_ALLOWED_HOSTS", "localhost")
    endpoint = operations.create_endpoint(
        host,
        url="https://localhost:1/hook",
        event_types=["registration.created"],
        description="",
        allowed=network.allowed_hosts("localhost"),
        now=clock.now(),
    )
    register(event)
    db_session.commit()
    monkeypatch.setitem(app.config, "WEBHOOK_ALLOWED_HOSTS", "")
    assert sending.send_pending(clock.now()) == (0, 2)
    assert receiver.requests == []
    loopback, named = deliveries()
    assert loopback.last_error == "Not sent: " + network.UrlRefused.MESSAGES["not_https"]
    assert named.endpoint_id == endpoint.id
    assert named.last_error.startswith("Not sent: The address localhost leads to ")
    assert named.last_status_code is None


def test_the_checked_address_is_the_one_connected_to_under_the_name(receiver):
    """The name is never looked up again after the check (DNS rebinding): here it could not be at all."""
    port = receiver.server.server_address[1]
    target = network.Target("http", "receiver.invalid", port, "/hooks", ("127.0.0.1",))
    answer = network.post(target, b"{}", {"Content-Type": "application/json"}, timeout=3)
    assert answer.status == 200
    assert receiver.requests[0]["headers"]["Host"] == f"receiver.invalid:{port}"


def test_a_redirect_to_loopback_is_not_followed(
    make_host, make_event, make_endpoint, register, receiver, second_receiver, db_session, clock, deliveries
):
    host = make_host()
    event = make_event()
    event.hosts = [host]
    make_endpoint(host, receiver.url)
    receiver.status, receiver.location = 307, second_receiver.url
    register(event)
    db_session.commit()
    assert sending.send_pending(clock.now()) == (0, 1)
    assert len(receiver.requests) == 1
    assert second_receiver.requests == []
    [delivery] = deliveries()
    assert delivery.last_status_code == 307
    assert "a redirect, which is not followed" in delivery.last_error


def test_only_the_first_few_kilobytes_of_an_answer_are_read(receiver):
    receiver.body = b"x" * 1_000_000
    target = network.resolve(receiver.url, network.allowed_hosts("127.0.0.1"))
    answer = network.post(target, b"{}", {}, timeout=3)
    assert len(answer.body) == network.RESPONSE_LIMIT


def test_a_receiver_that_never_answers_times_out(free_port):
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", free_port()))
        silent.listen()  # accepts connections (the kernel does) and never says a word
        port = silent.getsockname()[1]
        target = network.resolve(f"http://127.0.0.1:{port}/", network.allowed_hosts("127.0.0.1"))
        with pytest.raises(TimeoutError):
            network.post(target, b"{}", {}, timeout=0.5)


def test_nothing_listening_is_a_failure_to_retry(free_port):
    target = network.resolve(f"http://127.0.0.1:{free_port()}/", network.allowed_hosts("127.0.0.1"))
    with pytest.raises(OSError):  # noqa: PT011 - refused connections carry no message worth matching
        network.post(target, b"{}", {}, timeout=1)
