"""Load generation on loopback: keep-alive clients, the stdlib baseline server, and the figures.

Shared by ``tests/server/test_load.py`` (a short untimed run) and ``tests/benchmarks/test_bench_server.py``
(timed, with the ratio target).
"""

from __future__ import annotations

import http.server
import socket
import statistics
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import pybase64

from apigw_emulator import Gateway, LambdaContext

MIB = 1024 * 1024
SMALL_BODY = b"ok"


# -- the workload -----------------------------------------------------------------------------------------


def image_service(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    """Answer a small request with a constant, an upload with the size of the decoded image."""
    body = event.get("body")
    if body is None:
        return {"statusCode": 200, "headers": {"Content-Type": "text/plain"}, "body": "ok"}
    size = len(pybase64.b64decode(body, validate=True)) if event["isBase64Encoded"] else len(body)
    return {"statusCode": 200, "headers": {"Content-Type": "text/plain"}, "body": str(size)}


def load_gateway() -> Gateway:
    """A REST API with binary uploads in front of :func:`image_service`."""
    return Gateway(image_service, api="rest", binary_media_types=["image/*"])


def small_request() -> bytes:
    return b"GET /small HTTP/1.1\r\nHost: 127.0.0.1\r\nUser-Agent: load\r\nAccept: */*\r\n\r\n"


def upload_request(body: bytes) -> bytes:
    head = (
        "POST /upload HTTP/1.1\r\nHost: 127.0.0.1\r\nUser-Agent: load\r\nContent-Type: image/jpeg\r\n"
        f"Content-Length: {len(body)}\r\n\r\n"
    )
    return head.encode("ascii") + body


# -- the baseline server ------------------------------------------------------------------------------------


class _ConstantHandler(http.server.BaseHTTPRequestHandler):
    """The stdlib's HTTP/1.1 server answering a constant: the floor of a Python HTTP server."""

    protocol_version = "HTTP/1.1"
    #: Without it the body, written after the headers, waits for the client's delayed ACK (~40 ms).
    disable_nagle_algorithm = True

    def _answer(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        if length:
            self.rfile.read(length)
        self.send_response(200)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", str(len(SMALL_BODY)))
        self.end_headers()
        self.wfile.write(SMALL_BODY)

    do_GET = do_POST = _answer  # noqa: N815 - the stdlib's method names

    def log_message(self, format: str, *args: Any) -> None:
        """Silent, as the emulator's server runs with ``log=None`` in the measurements."""


@contextmanager
def stdlib_server() -> Iterator[int]:
    """``http.server.ThreadingHTTPServer`` answering a constant on a free loopback port; yields the port."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _ConstantHandler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield server.server_address[1]
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


# -- the clients --------------------------------------------------------------------------------------------


class KeepAliveClient:
    """One keep-alive connection sending a fixed request and reading each response by Content-Length."""

    def __init__(self, port: int, request: bytes, timeout: float = 5.0) -> None:
        self._sock = socket.create_connection(("127.0.0.1", port), timeout=timeout)
        self._sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self._request = request
        self._buffer = b""
        #: The body of the last response read.
        self.last_body = b""

    def close(self) -> None:
        self._sock.close()

    def round_trip(self) -> int:
        """Send the request and read the whole response; returns the status."""
        self._sock.sendall(self._request)
        while (end := self._buffer.find(b"\r\n\r\n")) < 0:
            self._receive()
        head, self._buffer = self._buffer[:end], self._buffer[end + 4 :]
        length = 0
        for line in head.split(b"\r\n")[1:]:
            name, _, value = line.partition(b":")
            if name.lower() == b"content-length":
                length = int(value)
        while len(self._buffer) < length:
            self._receive()
        self.last_body, self._buffer = self._buffer[:length], self._buffer[length:]
        return int(head[9:12])

    def _receive(self) -> None:
        chunk = self._sock.recv(256 * 1024)
        if not chunk:
            raise ConnectionError("the server closed the connection")
        self._buffer += chunk


@dataclass(frozen=True)
class LoadFigures:
    """What a load run measured."""

    requests: int
    seconds: float
    p50_ms: float
    p99_ms: float

    @property
    def per_second(self) -> float:
        return self.requests / self.seconds

    def __str__(self) -> str:
        return (
            f"{self.per_second:8.0f} req/s  p50 {self.p50_ms:6.2f} ms  p99 {self.p99_ms:6.2f} ms  "
            f"({self.requests} requests)"
        )


def run_load(port: int, request: bytes, *, clients: int = 4, seconds: float = 0.3) -> LoadFigures:
    """``clients`` threads, one keep-alive connection each, sending ``request`` for ``seconds``.

    :raises AssertionError: when any response is not a 200.
    """
    latencies: list[list[float]] = [[] for _ in range(clients)]
    failures: list[str] = []
    stop_at: list[float] = []
    # The clock starts once every client is connected (the barrier's action runs before any is let go):
    # on a loaded machine, starting threads and connecting can take longer than a short round.
    barrier = threading.Barrier(clients + 1, action=lambda: stop_at.append(time.perf_counter() + seconds))

    def client(index: int) -> None:
        conn = KeepAliveClient(port, request)
        try:
            barrier.wait(timeout=5)
            end = stop_at[0]
            clock = time.perf_counter
            record = latencies[index].append
            while clock() < end:
                started = clock()
                status = conn.round_trip()
                record(clock() - started)
                if status != 200:
                    failures.append(f"status {status}")
                    return
        except Exception as exc:  # reported to the test below
            failures.append(repr(exc))
        finally:
            conn.close()

    threads = [threading.Thread(target=client, args=(i,), daemon=True) for i in range(clients)]
    for thread in threads:
        thread.start()
    barrier.wait(timeout=5)
    began = stop_at[0] - seconds
    for thread in threads:
        thread.join(timeout=seconds + 10)
    elapsed = time.perf_counter() - began
    assert not failures, failures
    every = sorted(latency for one in latencies for latency in one)
    assert every, "no request completed"
    p99 = every[min(len(every) - 1, int(len(every) * 0.99))]
    return LoadFigures(len(every), elapsed, statistics.median(every) * 1000, p99 * 1000)
