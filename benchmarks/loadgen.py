"""A small closed-loop HTTP load generator: keep-alive connections in threads, bounded by time and count,
loopback only. Prints nothing; returns requests per second and latency percentiles."""

import http.client
import statistics
import threading
import time
from dataclasses import dataclass
from urllib.parse import urlsplit


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
    parts = urlsplit(url)
    assert parts.hostname in ("127.0.0.1", "localhost", "::1"), "load goes to loopback only"
    path = parts.path + (f"?{parts.query}" if parts.query else "")
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
            request_headers = dict(headers or {})
            payload = None
            if body is not None:
                payload, request_headers["Content-Type"] = body(number)
            started = time.perf_counter()
            connection.request(method, path, body=payload, headers=request_headers)
            response = connection.getresponse()
            response.read()
            mine.append(time.perf_counter() - started)
            codes[response.status] = codes.get(response.status, 0) + 1
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
