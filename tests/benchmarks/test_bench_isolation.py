"""``serve`` with worker processes against ``serve`` with the function in its own process.

The baseline is the same command with the same handler and ``--isolation in-process``. Worker processes add
what Lambda's architecture adds: the event goes over the Lambda Runtime API to a worker process and the
result comes back. Both run as a user runs them (``python -m apigw_emulator serve ... --no-reload``, their
log to a file), each in a process of its own, and the load comes from a third process (``wrk`` when it is on
PATH, else the Python client; see ``_external_load``): a warm-up round on each, then alternating rounds, a
ratio being the median of the ratios of rounds that ran one after the other. Before, the clients were
threads of the pytest process and both servers ran in it too, under one GIL with them.

Target (issue #10, asserted only when timing is on): with four keep-alive clients, a small request and a
1 MB upload reach at least half the requests per second of the in-process server
(``throughput_ratio`` >= 0.5). Recorded: requests per second, p50 and the servers' CPU time per request of
both, and the single-connection round trip ratio (``ratio_to_in_process``).
"""

from __future__ import annotations

import random
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest

from ..server._load import MIB, KeepAliveClient
from ._external_load import (
    LoadRequest,
    ServerProcess,
    client_name,
    compare,
    p50_ms,
    requests_per_second,
    serve_command,
    timed_round_trip,
)
from ._timing import Timing

GROUP = "execution environments through serve"
THROUGHPUT_RATIO_TARGET = 0.5
CLIENTS = 4
ROUND_SECONDS = 1.0
ROUNDS = 3

#: The load tests' image service (``tests.server._load.image_service``) as a function's module.
HANDLER = """
import pybase64


def handler(event, context):
    body = event.get("body")
    if body is None:
        return {"statusCode": 200, "headers": {"Content-Type": "text/plain"}, "body": "ok"}
    size = len(pybase64.b64decode(body, validate=True)) if event["isBase64Encoded"] else len(body)
    return {"statusCode": 200, "headers": {"Content-Type": "text/plain"}, "body": str(size)}
"""


@pytest.fixture
def servers(tmp_path: Path) -> Iterator[dict[str, ServerProcess]]:
    """``serve`` with worker processes (``process``) and in-process (``in_process``), fresh for each test."""
    code = tmp_path / "isolation-app"
    code.mkdir()
    (code / "app.py").write_text(textwrap.dedent(HANDLER), encoding="utf-8")
    common = ["app.handler", "--code-uri", str(code), "--binary-media-type", "image/*", "--no-reload"]
    common += ["--max-concurrency", str(CLIENTS)]
    with (
        serve_command([*common, "--isolation", "process"], cwd=code) as process,
        serve_command([*common, "--isolation", "in-process"], cwd=code) as in_process,
    ):
        yield {"process": process, "in_process": in_process}


def _compare(timing: Timing, servers: dict[str, ServerProcess], request: LoadRequest, answer: bytes) -> float:
    for server in servers.values():  # both answer, and the same
        client = KeepAliveClient(server.port, request.raw(), timeout=30)
        try:
            assert client.round_trip() == 200
            assert client.last_body == answer
        finally:
            client.close()
    timed_round_trip(timing, servers["process"].port, servers["in_process"].port, request, "in_process")
    timing.record(load_client=client_name())
    if not timing.enabled:
        return 1.0
    comparison = compare(
        servers, request, clients=CLIENTS, rounds=ROUNDS, seconds=ROUND_SECONDS, one_cpu=False
    )
    for name in servers:
        timing.record(
            **{
                f"{name}_requests_per_second": comparison.median(name, requests_per_second),
                f"{name}_p50_ms": comparison.median(name, p50_ms),
                f"{name}_server_cpu_us_per_request": comparison.cpu_us_per_request(name),
            }
        )
    ratio = comparison.ratio("process", "in_process", requests_per_second)
    timing.record(throughput_ratio=ratio)
    return ratio


@pytest.mark.benchmark(group=GROUP)
def test_small_requests_in_worker_processes(timing: Timing, servers: dict[str, ServerProcess]) -> None:
    request = LoadRequest("GET", "/small", (("User-Agent", "load"), ("Accept", "*/*")))
    ratio = _compare(timing, servers, request, b"ok")
    assert ratio >= THROUGHPUT_RATIO_TARGET, f"small requests: {ratio:.2f} of in-process throughput"


@pytest.mark.benchmark(group=GROUP)
def test_1mb_uploads_in_worker_processes(timing: Timing, servers: dict[str, ServerProcess]) -> None:
    body = random.Random(11).randbytes(MIB)
    request = LoadRequest("POST", "/upload", (("User-Agent", "load"), ("Content-Type", "image/jpeg")), body)
    ratio = _compare(timing, servers, request, str(MIB).encode())
    assert ratio >= THROUGHPUT_RATIO_TARGET, f"1 MB uploads: {ratio:.2f} of in-process throughput"
