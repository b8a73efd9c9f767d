"""``apigw-emulator serve`` with worker processes against the limit: a bare stdlib server doing the same work.

Run them timed with ``make bench`` (every benchmark) or alone::

    .venv/bin/python -m pytest tests/benchmarks/test_bench_serve_workers.py -p no:cacheprovider \\
        --benchmark-enable

(about two and a half minutes; ``-s`` is not needed: the figures go to ``extra_info``, which
``--benchmark-json`` or ``make bench``'s saved run keeps). Under ``--benchmark-disable`` (``make test``)
each test only starts both servers and checks their answers, a second or two in all.

The workload is the issue's echo: the handler base64-decodes the body and answers its sha256 and length
as JSON. Three processes take part, so that no two of them share a GIL:

- ours: the command as a user runs it, ``python -m apigw_emulator serve app.handler --code-uri DIR
  --binary-media-type application/octet-stream --no-reload --port 0`` (a REST API, the function in worker
  processes, the emulator's own runtime), its output (the request log and the function's
  ``START``/``END``/``REPORT`` lines) written to a file;
- the limit (``_server_process.py limit``): ``http.server.ThreadingHTTPServer`` with HTTP/1.1 keep-alive
  doing the same work in the request's thread: pybase64-encode the body (the gateway's share), the
  handler's ``base64.b64decode``, sha256, JSON;
- the load client: ``wrk`` when it is on PATH (one thread), else ``_load_client.py`` (see
  ``_external_load``), one process per round.

Each comparison runs a warm-up round on each server (it starts ``serve``'s workers), then five alternating
rounds of two seconds each; a figure is the median of a server's five rounds, a ratio the median of the five
rounds' ratios (ours' round over the limit's that ran right after it), so that a change of load on the
machine between rounds moves both sides of each quotient. With one client, the client and both servers
(``serve``'s workers too) run on one CPU: on this two-core VM a wake-up on the other core costs ~70 µs, and
the scheduler sometimes kept the limit beside the client and sometimes not, so that the limit did 7,700 or
18,000 small requests a second from run to run; on one CPU a round trip costs the work done, and the ratios
are those of the servers' CPU time per request. With eight clients every CPU is used and the scheduler
places the processes (that ``serve``'s workers run in parallel is part of what is measured). The
pytest-benchmark figure of each test (``median_us``) is one keep-alive round trip on ours from the test's own
process (unpinned), the limit's as baseline (``ratio_to_limit``): for ``make bench-compare``, not a target.

Targets (issue #22), asserted only when timing is on:

- small request (a no-body GET), 1 and 8 keep-alive clients: throughput at least 0.5x the limit's, and
  with one client a p50 latency at most 2x the limit's;
- 1 MiB body: at least 0.8x the limit's throughput with 1 client and 1.0x with 8 (the workers decode in
  parallel processes, the limit under one GIL);
- linear in the body: the emulator's own time per MiB at 4 MiB at most 1.2x its time per MiB at 1 MiB, with
  one client. The own time of a body size is ours' median round trip (p50) less the limit's for the same
  body in the round that ran right after it (the median over five rounds, each round running both servers
  with 1 MiB then both with 4 MiB): what the limit also does (the client's writes and reads, the server
  reading the body, base64 both ways, sha256) is the work any server with this handler does, so what is left
  is what the emulator adds (the event, its trip to the worker and back, the response).

Recorded in ``extra_info``: the load client (``wrk`` or ``python``), requests per second, p50 and the
servers' CPU time per request (user and system time of the server's processes, ``serve``'s workers
included, over a round, per request: what other load on the machine moves least) of both servers in each
case, and the ratios. A timed run that misses a target records its ratios and reports the
test as an expected failure whose reason gives them (the checks of the answers before it still fail for
real). One run after issue #22's fast paths (each slice's usual case in one step): small requests 0.46x
the limit with one client (p50 2.15x; 8,326 against 18,361 a second; serve's processes 112 µs of CPU a
request against the limit's 45) and 1.0x with eight (7,956 against 8,082); 1 MiB bodies 0.94x and 1.41x;
the own time per MiB at 4 MiB 0.77x that at 1 MiB. The one-client targets are not met yet (issue #22).
"""

from __future__ import annotations

import hashlib
import json
import random
import textwrap
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from ..server._load import MIB, KeepAliveClient
from ._external_load import (
    Comparison,
    LoadRequest,
    ServerProcess,
    benchmark_server,
    client_name,
    compare,
    compare_subjects,
    p50_ms,
    requests_per_second,
    serve_command,
    timed_round_trip,
)
from ._timing import Timing

GROUP = "serve with worker processes (loopback, keep-alive)"
#: Seconds of one timed round (whole seconds: wrk's unit), and rounds per server in a comparison.
ROUND_SECONDS = 2.0
ROUNDS = 5
SMALL_THROUGHPUT_TARGET = 0.5
SMALL_P50_TARGET = 2.0
BIG_THROUGHPUT_TARGET = {1: 0.8, 8: 1.0}
PER_MIB_TARGET = 1.2
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


@dataclass(frozen=True)
class Servers:
    """The two servers compared."""

    ours: ServerProcess
    limit: ServerProcess


@pytest.fixture
def servers(tmp_path: Path) -> Iterator[Servers]:
    """``serve`` (worker processes) and the limit, each in a process of its own, fresh for each test (about
    half a second), so that no test measures servers in the state another test's traffic left them in:
    with servers shared by the module, the 1 MiB one-client ratio read 0.9-1.05 in one test and 0.55-0.7
    in the next, which ran 4 MiB round trips first."""
    code = tmp_path / "serve-app"
    code.mkdir()
    (code / "app.py").write_text(textwrap.dedent(HANDLER), encoding="utf-8")
    arguments = ["app.handler", "--code-uri", str(code), "--binary-media-type", BINARY, "--no-reload"]
    with serve_command(arguments, cwd=code) as ours, benchmark_server("limit") as limit:
        yield Servers(ours, limit)


def echo_answer(body: bytes) -> bytes:
    """What both servers answer for ``body``."""
    return json.dumps({"sha256": hashlib.sha256(body).hexdigest(), "length": len(body)}).encode()


def small_request() -> LoadRequest:
    return LoadRequest("GET", "/echo", (("User-Agent", "load"), ("Accept", "*/*")))


def body_request(body: bytes) -> LoadRequest:
    return LoadRequest("POST", "/echo", (("User-Agent", "load"), ("Content-Type", BINARY)), body)


def assert_same_answers(servers: Servers, request: LoadRequest, body: bytes) -> None:
    """Both servers answer ``request`` with the echo of ``body``, over a raw connection."""
    for port in (servers.ours.port, servers.limit.port):
        client = KeepAliveClient(port, request.raw(), timeout=30)
        try:
            assert client.round_trip() == 200
            assert client.last_body == echo_answer(body)
        finally:
            client.close()


def round_trip(timing: Timing, servers: Servers, request: LoadRequest) -> None:
    """The benchmark itself: one keep-alive round trip on ours, the limit's as the baseline."""
    timed_round_trip(timing, servers.ours.port, servers.limit.port, request, "limit")
    timing.record(load_client=client_name())


def measure(
    timing: Timing, servers: Servers, request: LoadRequest, clients: int, label: str
) -> dict[str, float]:
    """Compare both servers under ``clients`` keep-alive clients (with one, every process on one CPU);
    record the figures with the suffix ``label``; return ours' and the limit's median throughput and p50,
    and the medians of the rounds' ratios."""
    comparison = compare(
        {"ours": servers.ours, "limit": servers.limit},
        request,
        clients=clients,
        rounds=ROUNDS,
        seconds=ROUND_SECONDS,
        one_cpu=clients == 1,
    )
    return record(timing, comparison, label)


def record(
    timing: Timing, comparison: Comparison, label: str, ours: str = "ours", limit: str = "limit"
) -> dict[str, float]:
    """Record and return the figures of ``ours`` against ``limit`` in ``comparison``, suffixed ``label``."""
    figures = {
        "ours_rate": comparison.median(ours, requests_per_second),
        "limit_rate": comparison.median(limit, requests_per_second),
        "ours_p50_ms": comparison.median(ours, p50_ms),
        "limit_p50_ms": comparison.median(limit, p50_ms),
        "throughput_ratio": comparison.ratio(ours, limit, requests_per_second),
        "p50_ratio": comparison.ratio(ours, limit, p50_ms),
        "ours_cpu_us": comparison.cpu_us_per_request(ours),
        "limit_cpu_us": comparison.cpu_us_per_request(limit),
    }
    timing.record(
        **{
            f"ours_{label}_requests_per_second": figures["ours_rate"],
            f"limit_{label}_requests_per_second": figures["limit_rate"],
            f"ours_{label}_p50_ms": figures["ours_p50_ms"],
            f"limit_{label}_p50_ms": figures["limit_p50_ms"],
            f"throughput_ratio_{label}": figures["throughput_ratio"],
            f"p50_ratio_{label}": figures["p50_ratio"],
            f"ours_{label}_server_cpu_us_per_request": figures["ours_cpu_us"],
            f"limit_{label}_server_cpu_us_per_request": figures["limit_cpu_us"],
        }
    )
    return figures


@pytest.mark.benchmark(group=GROUP)
def test_small_requests_through_serve_workers_near_the_limit(timing: Timing, servers: Servers) -> None:
    request = small_request()
    assert_same_answers(servers, request, b"")
    round_trip(timing, servers, request)
    if not timing.enabled:
        return
    one = measure(timing, servers, request, 1, "1c")
    eight = measure(timing, servers, request, 8, "8c")
    checks = (
        ("1-client throughput", one["throughput_ratio"], ">=", SMALL_THROUGHPUT_TARGET),
        ("8-client throughput", eight["throughput_ratio"], ">=", SMALL_THROUGHPUT_TARGET),
        ("1-client p50", one["p50_ratio"], "<=", SMALL_P50_TARGET),
    )
    missed = [
        f"{name} {value:.2f} (target {sign} {target})"
        for name, value, sign, target in checks
        if (value < target if sign == ">=" else value > target)
    ]
    if missed:
        pytest.xfail(f"not met yet: small requests through serve, of the limit's: {', '.join(missed)}")


@pytest.mark.benchmark(group=GROUP)
def test_1mib_bodies_through_serve_workers_near_the_limit(timing: Timing, servers: Servers) -> None:
    body = random.Random(22).randbytes(MIB)
    request = body_request(body)
    assert_same_answers(servers, request, body)
    round_trip(timing, servers, request)
    if not timing.enabled:
        return
    ratios = {
        clients: measure(timing, servers, request, clients, f"{clients}c")["throughput_ratio"]
        for clients in (1, 8)
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


@pytest.mark.benchmark(group=GROUP)
def test_own_time_per_mib_through_serve_linear_from_1_to_4_mib(timing: Timing, servers: Servers) -> None:
    rng = random.Random(4)
    small, big = rng.randbytes(MIB), rng.randbytes(4 * MIB)
    small_body, big_body = body_request(small), body_request(big)
    assert_same_answers(servers, small_body, small)
    assert_same_answers(servers, big_body, big)
    round_trip(timing, servers, big_body)
    if not timing.enabled:
        return
    comparison = compare_subjects(
        {
            "ours_1mib": (servers.ours, small_body),
            "limit_1mib": (servers.limit, small_body),
            "ours_4mib": (servers.ours, big_body),
            "limit_4mib": (servers.limit, big_body),
        },
        clients=1,
        rounds=ROUNDS,
        seconds=ROUND_SECONDS,
        one_cpu=True,
    )
    at_1 = record(timing, comparison, "1mib_1c", "ours_1mib", "limit_1mib")
    at_4 = record(timing, comparison, "4mib_1c", "ours_4mib", "limit_4mib")
    own_per_mib_1 = comparison.difference("ours_1mib", "limit_1mib", p50_ms)
    own_per_mib_4 = comparison.difference("ours_4mib", "limit_4mib", p50_ms) / 4
    timing.record(
        own_ms_per_mib_at_1mib=own_per_mib_1,
        own_ms_per_mib_at_4mib=own_per_mib_4,
        target_max_ratio=PER_MIB_TARGET,
    )
    figures = (
        f"own time per MiB {own_per_mib_4:.3f} ms at 4 MiB, {own_per_mib_1:.3f} ms at 1 MiB (p50 ours/limit: "
        f"{at_1['ours_p50_ms']:.2f}/{at_1['limit_p50_ms']:.2f} ms at 1 MiB, "
        f"{at_4['ours_p50_ms']:.2f}/{at_4['limit_p50_ms']:.2f} ms at 4 MiB)"
    )
    if own_per_mib_4 <= 0:  # the emulator adds nothing measurable at 4 MiB: linear at least
        return
    if own_per_mib_1 <= 0:
        pytest.xfail(
            f"not comparable: the emulator adds nothing measurable at 1 MiB, but does at 4: {figures}"
        )
    ratio = own_per_mib_4 / own_per_mib_1
    timing.record(ratio_per_mib_4_to_1=ratio)
    if ratio > PER_MIB_TARGET:
        pytest.xfail(f"not met yet: {ratio:.2f}x (target <= {PER_MIB_TARGET}): {figures}")
