"""``serve`` with worker processes against the limit: a bare stdlib server doing the same work.

The workload is the issue's echo: the handler base64-decodes the body and answers its sha256 and length
as JSON. Ours is :class:`~apigw_emulator.server.LocalGateway` in front of a REST API whose function runs in
worker processes (``isolation="process"``, the emulator's own runtime), as ``serve`` runs it. The limit is
``http.server.ThreadingHTTPServer`` with HTTP/1.1 keep-alive doing the same work in the request's thread:
pybase64-encode the body (the gateway's share), the handler's ``base64.b64decode``, sha256, JSON. Both
are measured in the same test, in alternating rounds, by the same raw keep-alive clients.

Targets (asserted only when timing is on):

- small request (a no-body GET), 1 and 8 keep-alive clients: throughput at least 0.5x the limit's, and
  with one client a p50 latency at most 2x the limit's;
- 1 MiB body: at least 0.8x the limit's throughput with 1 client and 1.0x with 8 (the workers decode in
  parallel processes, the limit under one GIL).

Recorded in ``extra_info``: requests per second and p50 of both servers in each case, and the ratios.
The small-request targets and the 1 MiB one-client target are not met yet: a timed run that misses one
records its ratios and reports the test as an expected failure saying which (the checks of the answers
before it still fail for real).

``serve`` here is the server without its request log (``log=None``) and with the function's log lines
made but dropped (``function_log``): what is measured is the request's way through, not the writing of
lines to a terminal.
"""

from __future__ import annotations

import base64
import hashlib
import http.server
import json
import random
import statistics
import textwrap
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pybase64
import pytest

from apigw_emulator import Gateway
from apigw_emulator.server import LocalGateway

from ..server._load import MIB, KeepAliveClient, LoadFigures, run_load
from ._timing import Timing

GROUP = "serve with worker processes (loopback, keep-alive)"
ROUND_SECONDS = 0.6
ROUNDS = 3
SMALL_THROUGHPUT_TARGET = 0.5
SMALL_P50_TARGET = 2.0
BIG_THROUGHPUT_TARGET = {1: 0.8, 8: 1.0}
BINARY = "application/octet-stream"

HANDLER = """
import base64
import hashlib
import json


def handler(event, context):
    body = event.get("body") or ""
    data = base64.b64decode(body) if event.get("isBase64Encoded") else body.encode()
    digest = {"sha256": hashlib.sha256(data).hexdigest(), "length": len(data)}
    return {"statusCode": 200, "headers": {"Content-Type": "application/json"}, "body": json.dumps(digest)}
"""


def echo_answer(body: bytes) -> bytes:
    """What both servers answer for ``body``."""
    return json.dumps({"sha256": hashlib.sha256(body).hexdigest(), "length": len(body)}).encode()


class _LimitHandler(http.server.BaseHTTPRequestHandler):
    """The limit: the gateway's and the handler's work in a bare stdlib HTTP/1.1 server."""

    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True

    def _answer(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        encoded = pybase64.b64encode(body).decode("ascii")  # the gateway's share
        data = base64.b64decode(encoded)  # the handler's
        answer = json.dumps({"sha256": hashlib.sha256(data).hexdigest(), "length": len(data)}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(answer)))
        self.end_headers()
        self.wfile.write(answer)

    do_GET = do_POST = _answer  # noqa: N815 - the stdlib's method names

    def log_message(self, format: str, *args: Any) -> None:
        """Silent, as ours runs with ``log=None``."""


@contextmanager
def limit_server() -> Iterator[int]:
    """The limit on a free loopback port; yields the port."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _LimitHandler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield server.server_address[1]
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def drop_line(line: str) -> None:
    """The function's log: lines made, not written."""


@pytest.fixture
def serve(tmp_path: Path) -> Iterator[LocalGateway]:
    """``serve`` as the command line runs it: worker processes, no log."""
    (tmp_path / "app.py").write_text(textwrap.dedent(HANDLER), encoding="utf-8")
    gateway = Gateway(
        "app.handler",
        code_uri=tmp_path,
        api="rest",
        binary_media_types=[BINARY],
        isolation="process",
        function_log=drop_line,
    )
    try:
        with LocalGateway(gateway, log=None) as server:
            yield server
    finally:
        gateway.close()


def small_request() -> bytes:
    return b"GET /echo HTTP/1.1\r\nHost: 127.0.0.1\r\nUser-Agent: load\r\nAccept: */*\r\n\r\n"


def body_request(body: bytes) -> bytes:
    head = (
        f"POST /echo HTTP/1.1\r\nHost: 127.0.0.1\r\nUser-Agent: load\r\nContent-Type: {BINARY}\r\n"
        f"Content-Length: {len(body)}\r\n\r\n"
    )
    return head.encode("ascii") + body


def answer_of(port: int, request: bytes) -> bytes:
    """The body of one response, over a raw connection."""
    client = KeepAliveClient(port, request)
    try:
        assert client.round_trip() == 200
        return client.last_body
    finally:
        client.close()


def compare(timing: Timing, ours: int, limit: int, request: bytes, clients: int) -> dict[str, float]:
    """Alternating rounds on both servers after a warm-up round each (which starts the workers); the
    figures recorded with the ``<clients>c`` suffix. Returns the throughput and p50 ratios."""
    run_load(ours, request, clients=clients, seconds=ROUND_SECONDS / 2)
    run_load(limit, request, clients=clients, seconds=ROUND_SECONDS / 2)
    rounds: dict[str, list[LoadFigures]] = {"ours": [], "limit": []}
    for _ in range(ROUNDS):
        rounds["ours"].append(run_load(ours, request, clients=clients, seconds=ROUND_SECONDS))
        rounds["limit"].append(run_load(limit, request, clients=clients, seconds=ROUND_SECONDS))
    rate = {name: statistics.median(f.per_second for f in figures) for name, figures in rounds.items()}
    p50 = {name: statistics.median(f.p50_ms for f in figures) for name, figures in rounds.items()}
    ratios = {"throughput": rate["ours"] / rate["limit"], "p50": p50["ours"] / p50["limit"]}
    timing.record(
        **{
            f"ours_{clients}c_requests_per_second": rate["ours"],
            f"limit_{clients}c_requests_per_second": rate["limit"],
            f"ours_{clients}c_p50_ms": p50["ours"],
            f"limit_{clients}c_p50_ms": p50["limit"],
            f"throughput_ratio_{clients}c": ratios["throughput"],
            f"p50_ratio_{clients}c": ratios["p50"],
        }
    )
    return ratios


def round_trip(timing: Timing, ours: int, limit: int, request: bytes) -> None:
    """The benchmark itself: one keep-alive round trip on ours, the limit's as the baseline."""
    ours_client, limit_client = KeepAliveClient(ours, request), KeepAliveClient(limit, request)
    try:
        assert timing.run(ours_client.round_trip, baselines={"limit": limit_client.round_trip}) == 200
    finally:
        ours_client.close()
        limit_client.close()
    timing.ratio("limit")


@pytest.mark.benchmark(group=GROUP)
def test_small_requests_through_serve_workers_near_the_limit(timing: Timing, serve: LocalGateway) -> None:
    request = small_request()
    with limit_server() as limit:
        assert answer_of(serve.port, request) == answer_of(limit, request) == echo_answer(b"")
        round_trip(timing, serve.port, limit, request)
        if not timing.enabled:
            return
        one = compare(timing, serve.port, limit, request, clients=1)
        eight = compare(timing, serve.port, limit, request, clients=8)
    missed = [
        f"{name} {value:.2f} (target {sign} {target})"
        for name, value, sign, target, bad in (
            (
                "1-client throughput",
                one["throughput"],
                ">=",
                SMALL_THROUGHPUT_TARGET,
                one["throughput"] < SMALL_THROUGHPUT_TARGET,
            ),
            (
                "8-client throughput",
                eight["throughput"],
                ">=",
                SMALL_THROUGHPUT_TARGET,
                eight["throughput"] < SMALL_THROUGHPUT_TARGET,
            ),
            ("1-client p50", one["p50"], "<=", SMALL_P50_TARGET, one["p50"] > SMALL_P50_TARGET),
        )
        if bad
    ]
    if missed:
        pytest.xfail(f"not met yet: small requests through serve, of the limit's: {', '.join(missed)}")


@pytest.mark.benchmark(group=GROUP)
def test_1mib_bodies_through_serve_workers_near_the_limit(timing: Timing, serve: LocalGateway) -> None:
    body = random.Random(22).randbytes(MIB)
    request = body_request(body)
    with limit_server() as limit:
        assert answer_of(serve.port, request) == answer_of(limit, request) == echo_answer(body)
        round_trip(timing, serve.port, limit, request)
        if not timing.enabled:
            return
        ratios = {
            clients: compare(timing, serve.port, limit, request, clients)["throughput"] for clients in (1, 8)
        }
    missed = [
        f"{clients} client(s) {ratio:.2f} (target >= {BIG_THROUGHPUT_TARGET[clients]})"
        for clients, ratio in ratios.items()
        if ratio < BIG_THROUGHPUT_TARGET[clients]
    ]
    if missed:
        pytest.xfail(
            f"not met yet: 1 MiB bodies through serve, throughput of the limit's: {', '.join(missed)}"
        )
