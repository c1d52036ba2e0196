"""Posting to a host's URL without ever reaching our own network.

A URL is judged by the addresses its name resolves to: every one must be a public unicast address, or the URL
is refused (loopback, private, link-local and cloud metadata, CGNAT, multicast, reserved, and the same hidden
inside IPv6: IPv4-mapped, 6to4, Teredo, NAT64). It is judged when saved and again at each send; the send
connects to the very address it judged (with the name for the Host header, SNI and the certificate), so a
name that resolves elsewhere a moment later (DNS rebinding) changes nothing. No redirect is followed, the whole
exchange has a deadline, and at most RESPONSE_LIMIT bytes of the answer are read.

Hosts named in WEBHOOK_ALLOWED_HOSTS skip the address check (and may use http://): tests point it at their
loopback receiver; production leaves it empty."""

import contextlib
import http.client
import ipaddress
import socket
import ssl
import threading
import time
from dataclasses import dataclass
from urllib.parse import urlsplit

from flask_babel import lazy_gettext as _l

from eventreg.core.errors import CodedError

RESPONSE_LIMIT = 4096  # bytes of the receiver's answer we read, at most
URL_MAX = 2000

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
NAT64 = (ipaddress.ip_network("64:ff9b::/96"), ipaddress.ip_network("64:ff9b:1::/48"))


class UrlRefused(CodedError):
    MESSAGES = {
        "not_url": _l("Enter a full web address, starting with https://."),
        "too_long": _l("Web addresses can have at most {max} characters."),
        "not_https": _l("The address must start with https:// (webhooks carry registrants’ details)."),
        "credentials": _l("Leave the user name and password out of the address; use the signing secret instead."),
        "bad_port": _l("The address has a port number that cannot be used."),
        "unresolvable": _l("The name {name} could not be found (DNS). Check the address."),
        "private": _l(
            "The address {name} leads to {address}, a private, local or reserved network address. "
            "Webhooks go only to public internet addresses."
        ),
    }


@dataclass(frozen=True)
class Target:
    """A checked URL: where to connect (address, port) and what to call it (host, path)."""

    scheme: str
    host: str
    port: int
    path: str
    addresses: tuple[str, ...]


def allowed_hosts(setting: str | list | tuple | None) -> frozenset[str]:
    """WEBHOOK_ALLOWED_HOSTS as a set of lower-case names: a comma-separated string or a list."""
    if not setting:
        return frozenset()
    items = setting if isinstance(setting, list | tuple) else str(setting).split(",")
    return frozenset(str(item).strip().lower().strip("[]") for item in items if str(item).strip())


def is_public(address: IPAddress) -> bool:
    """Whether a connection to this address leaves for the public internet (and nowhere of ours)."""
    if isinstance(address, ipaddress.IPv6Address):
        embedded = address.ipv4_mapped or (address.teredo[1] if address.teredo else None) or address.sixtofour
        if embedded is None and any(address in network for network in NAT64):
            embedded = ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
        if embedded is not None:
            return is_public(embedded)
    return address.is_global and not (
        address.is_multicast
        or address.is_private
        or address.is_loopback
        or address.is_link_local
        or address.is_reserved
        or address.is_unspecified
    )


def parse(url: str, allowed: frozenset[str]) -> tuple[str, str, int, str]:
    """(scheme, host, port, path) of a URL we may post to, before any address is looked up; UrlRefused."""
    if len(url) > URL_MAX:
        raise UrlRefused("too_long", max=URL_MAX)
    if not url.isprintable() or any(c.isspace() or c == "\\" for c in url):
        raise UrlRefused("not_url")
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as error:
        raise UrlRefused("bad_port" if "port" in str(error).lower() else "not_url") from None
    host = (parts.hostname or "").lower()
    if parts.scheme not in ("http", "https") or not host:
        raise UrlRefused("not_url")
    if parts.username is not None or parts.password is not None:
        raise UrlRefused("credentials")
    if parts.scheme != "https" and host not in allowed:
        raise UrlRefused("not_https")
    if port == 0:
        raise UrlRefused("bad_port")
    try:
        host.encode("idna") if not host.isascii() else None
    except UnicodeError:
        raise UrlRefused("not_url") from None
    path = parts.path or "/"
    if parts.query:
        path += "?" + parts.query
    return parts.scheme, host, port or (443 if parts.scheme == "https" else 80), path


def resolve(url: str, allowed: frozenset[str]) -> Target:
    """The URL checked and resolved: UrlRefused unless it may be posted to now. Every address the name has
    must be public, so a name cannot slip a private address in beside a public one."""
    scheme, host, port, path = parse(url, allowed)
    try:
        literal = ipaddress.ip_address(host)
    except ValueError:
        literal = None
    if literal is not None:
        addresses = [literal]
    else:
        try:
            name = host.encode("idna").decode("ascii")
            infos = socket.getaddrinfo(name, port, type=socket.SOCK_STREAM)
        except (OSError, UnicodeError):
            raise UrlRefused("unresolvable", name=host) from None
        addresses = []
        for info in infos:
            address = ipaddress.ip_address(info[4][0].split("%")[0])
            if address not in addresses:
                addresses.append(address)
        if not addresses:
            raise UrlRefused("unresolvable", name=host)
    if host not in allowed:
        for address in addresses:
            if not is_public(address):
                raise UrlRefused("private", name=host, address=str(address))
    return Target(scheme, host, port, path, tuple(str(address) for address in addresses))


@dataclass
class Answer:
    status: int
    body: bytes


class _PinnedConnection(http.client.HTTPSConnection):
    """HTTP(S) to one address we checked, while the Host header, SNI and certificate check use the name."""

    def __init__(self, target: Target, address: str, timeout: float, context: ssl.SSLContext | None):
        port = target.port
        super().__init__(target.host, port, timeout=timeout, context=context or ssl.create_default_context())
        self.address = address
        self.use_tls = target.scheme == "https"

    def connect(self) -> None:
        self.sock = socket.create_connection((self.address, self.port), self.timeout)
        if self.use_tls:
            self.sock = self._context.wrap_socket(self.sock, server_hostname=self.host)


def post(target: Target, body: bytes, headers: dict[str, str], *, timeout: float) -> Answer:
    """POST body to the target's first reachable address. The whole exchange ends after `timeout` seconds
    (a receiver that trickles bytes included); OSError for a network failure or the deadline."""
    error: OSError | None = None
    deadline = time.monotonic() + timeout
    for address in target.addresses:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            break
        connection = _PinnedConnection(target, address, remaining, None)
        try:
            connection.connect()
        except OSError as failure:
            connection.close()
            error = failure
            continue
        # A watchdog cuts the socket at the deadline, whatever the receiver is (not) sending.
        watchdog = threading.Timer(max(deadline - time.monotonic(), 0), _cut, args=(connection,))
        watchdog.daemon = True
        watchdog.start()
        try:
            connection.request("POST", target.path, body=body, headers=headers)
            response = connection.getresponse()
            return Answer(response.status, response.read(RESPONSE_LIMIT))
        except (OSError, http.client.HTTPException) as failure:
            if time.monotonic() >= deadline:
                raise TimeoutError(f"no complete answer within {timeout:g} seconds") from None
            raise OSError(f"{type(failure).__name__}: {failure}") from None
        finally:
            watchdog.cancel()
            connection.close()
    raise error or TimeoutError(f"no connection within {timeout:g} seconds")


def _cut(connection: http.client.HTTPConnection) -> None:
    sock = connection.sock
    if sock is not None:
        with contextlib.suppress(OSError):  # closed already
            sock.shutdown(socket.SHUT_RDWR)
