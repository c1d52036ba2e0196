"""Closed-loop HTTP load on loopback: wrk (a native load generator, Debian's package) when it is installed, else
a small Python one (keep-alive connections in threads, bounded by time and count), which tops out near 3,000
requests a second on two cores and so measures itself, not nginx. Prints nothing; returns requests per second,
latency percentiles, the statuses seen and which generator made the figures."""

import http.client
import json
import os
import re
import shutil
import statistics
import subprocess
import tempfile
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
    generator: str = "python"

    @property
    def rps(self) -> float:
        return self.requests / self.seconds


# wrk's script: count each status (wrk itself counts only the errors), and print the figures as one JSON line.
# Each wrk thread runs its own Lua state; done() reads every thread's counts through the handles setup() kept.
WRK_SCRIPT = """
local threads = {}
function setup(thread) table.insert(threads, thread) end
function init(args) statuses = {} end
function response(status, headers, body) statuses[status] = (statuses[status] or 0) + 1 end
function done(summary, latency, requests)
  local counts = {}
  for _, thread in ipairs(threads) do
    for status, n in pairs(thread:get("statuses")) do
      table.insert(counts, string.format('"%d": %d', status, n))
    end
  end
  local errors = summary.errors
  io.write(string.format(
    'WRK_JSON {"requests": %d, "microseconds": %d, "p50_us": %d, "p99_us": %d, "socket_errors": %d, '
    .. '"statuses": [{%s}]}\\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99),
    errors.connect + errors.read + errors.write + errors.timeout, table.concat(counts, "}, {")))
end
"""


def wrk_path() -> str | None:
    """wrk, unless EVENTREG_LOADGEN=python asks for the Python generator (as where wrk cannot be installed)."""
    if os.environ.get("EVENTREG_LOADGEN", "wrk") == "python":
        return None
    return shutil.which("wrk")


def measure(url: str, *, headers: dict | None = None, seconds: float = 4.0, concurrency: int = 8,
            max_requests: int = 200_000, method: str = "GET", body=None) -> Result:  # fmt: skip
    """GET requests to url from `concurrency` keep-alive connections for `seconds`: with wrk when it is
    installed (see wrk_path), else with the Python generator. A POST (method, body) always uses the latter."""
    wrk = wrk_path()
    if wrk and method == "GET" and body is None:
        return measure_wrk(wrk, url, headers=headers, seconds=seconds, concurrency=concurrency)
    return measure_python(url, headers=headers, seconds=seconds, concurrency=concurrency,
                          max_requests=max_requests, method=method, body=body)  # fmt: skip


def measure_wrk(wrk: str, url: str, *, headers: dict | None = None, seconds: float = 4.0,
                concurrency: int = 8) -> Result:  # fmt: skip
    """wrk for `seconds` with `concurrency` connections over two threads (the machine's cores are the
    server's), its figures read from the JSON line WRK_SCRIPT prints. Latencies are wrk's, per request."""
    _path(url)  # loopback only
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(WRK_SCRIPT)
    try:
        command = [wrk, "-t", str(min(2, concurrency)), "-c", str(concurrency), "-d", f"{max(seconds, 1):g}s",
                   "--timeout", "30s", "--latency", "-s", script.name]  # fmt: skip
        for name, value in (headers or {}).items():
            command += ["-H", f"{name}: {value}"]
        output = subprocess.run([*command, url], capture_output=True, text=True, check=True).stdout
    finally:
        os.unlink(script.name)
    line = next(line for line in output.splitlines() if line.startswith("WRK_JSON "))
    figures = json.loads(line.removeprefix("WRK_JSON "))
    statuses: dict[int, int] = {}
    for counts in figures["statuses"]:
        for status, n in counts.items():
            statuses[int(status)] = statuses.get(int(status), 0) + n
    if figures["socket_errors"]:
        statuses[0] = figures["socket_errors"]  # 0: no answer (connect, read, write errors and timeouts)
    return Result(figures["requests"], figures["microseconds"] / 1e6, figures["p50_us"] / 1000,
                  figures["p99_us"] / 1000, statuses, "wrk")  # fmt: skip


def measure_python(url: str, *, headers: dict | None = None, seconds: float = 4.0, concurrency: int = 8,
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
