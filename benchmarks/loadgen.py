"""A small closed-loop HTTP load generator: keep-alive connections in threads, bounded by time and count,
loopback only. Prints nothing; returns requests per second and latency percentiles."""

import http.client
import re
import statistics
import threading
import time
import urllib.parse
from dataclasses import dataclass
from urllib.parse import urlsplit

CSRF_FIELD = re.compile(rb'name="csrf_token" type="hidden" value="([^"]+)"|value="([^"]+)" name="csrf_token"')


@dataclass
class Result:
    requests: int
    seconds: float
    p50_ms: float
    p99_ms: float
    statuses: dict

    @property
    def rps(self) -> float:
        return self.requests / self.seconds


def measure(url: str, *, headers: dict | None = None, seconds: float = 4.0, concurrency: int = 8,
            max_requests: int = 200_000, method: str = "GET", body=None) -> Result:  # fmt: skip
    """Requests to url from `concurrency` keep-alive connections until time or count runs out. body, if
    given, is called with the request's number and returns (bytes, content type) for a POST."""
    path = _path(url)

    def one(connection: http.client.HTTPConnection, number: int) -> int:
        request_headers = dict(headers or {})
        payload = None
        if body is not None:
            payload, request_headers["Content-Type"] = body(number)
        connection.request(method, path, body=payload, headers=request_headers)
        response = connection.getresponse()
        response.read()
        return response.status

    return _run(url, one, seconds=seconds, concurrency=concurrency, max_requests=max_requests)


def measure_registrations(url: str, form, *, seconds: float = 4.0, concurrency: int = 8) -> Result:
    """Registrations as a browser makes them: GET the form at url as a new visitor (session cookie, CSRF
    token), then POST it there with form(number) filled in. One result per pair; its status is the POST's."""
    path = _path(url)

    def one(connection: http.client.HTTPConnection, number: int) -> int:
        connection.request("GET", path)
        response = connection.getresponse()
        page = response.read()
        match = CSRF_FIELD.search(page)
        cookie = response.headers.get("Set-Cookie", "").split(";", 1)[0]
        if response.status != 200 or not match or not cookie:
            return response.status if response.status != 200 else 0  # 0: no form or no session cookie
        fields = {**form(number), "csrf_token": (match.group(1) or match.group(2)).decode()}
        connection.request("POST", path, body=urllib.parse.urlencode(fields),
                           headers={"Content-Type": "application/x-www-form-urlencoded", "Cookie": cookie})  # fmt: skip
        response = connection.getresponse()
        response.read()
        return response.status

    return _run(url, one, seconds=seconds, concurrency=concurrency, max_requests=200_000)


def _path(url: str) -> str:
    parts = urlsplit(url)
    assert parts.hostname in ("127.0.0.1", "localhost", "::1"), "load goes to loopback only"
    return parts.path + (f"?{parts.query}" if parts.query else "")


def _run(url: str, one, *, seconds: float, concurrency: int, max_requests: int) -> Result:
    """Call one(connection, number) from `concurrency` threads, each with its own keep-alive connection."""
    parts = urlsplit(url)
    latencies: list[float] = []
    statuses: dict[int, int] = {}
    lock = threading.Lock()
    deadline = time.perf_counter() + seconds
    count = [0]

    def worker():
        connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
        mine, codes = [], {}
        while time.perf_counter() < deadline:
            with lock:
                if count[0] >= max_requests:
                    break
                count[0] += 1
                number = count[0]
            started = time.perf_counter()
            status = one(connection, number)
            mine.append(time.perf_counter() - started)
            codes[status] = codes.get(status, 0) + 1
        connection.close()
        with lock:
            latencies.extend(mine)
            for code, n in codes.items():
                statuses[code] = statuses.get(code, 0) + n

    started = time.perf_counter()
    threads = [threading.Thread(target=worker) for _ in range(concurrency)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    latencies.sort()
    p99 = latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))] if latencies else 0.0
    return Result(len(latencies), elapsed, statistics.median(latencies) * 1000 if latencies else 0.0, p99 * 1000,
                  statuses)  # fmt: skip
