"""Benchmarks of process execution environments through the local server, against in-process ones.

The baseline is the same server with the same handler in in-process environments, measured alternately in
the same run with the same keep-alive clients. Process environments add what Lambda's architecture adds:
the event goes over the Lambda Runtime API to a worker process and the result comes back.

Target (issue #10, asserted only when timing is on): with four keep-alive clients, a small request and a
1 MB upload reach at least half the requests per second of the in-process server
(``throughput_ratio`` >= 0.5). Recorded: requests per second and latencies of both, and the
single-connection round trip ratio (``ratio_to_in_process``).
"""

from __future__ import annotations

import random
import statistics

import pytest

from apigw_emulator import Gateway
from apigw_emulator.runtime.model import Isolation
from apigw_emulator.server import LocalGateway

from ..server._load import (
    MIB,
    KeepAliveClient,
    LoadFigures,
    image_service,
    run_load,
    small_request,
    upload_request,
)
from ._timing import Timing

GROUP = "execution environments through the local server"
THROUGHPUT_RATIO_TARGET = 0.5
CLIENTS = 4
ROUND_SECONDS = 0.5
ROUNDS = 2


def _gateway(isolation: Isolation) -> Gateway:
    # A module-level handler: a worker process imports it by name, as Lambda imports app.lambda_handler.
    return Gateway(
        image_service,
        api="rest",
        binary_media_types=["image/*"],
        isolation=isolation,
        max_concurrency=CLIENTS,
        function_log=lambda line: None,
    )


def _compare(timing: Timing, request: bytes) -> float:
    with (
        _gateway("process") as process_gw,
        _gateway("in-process") as in_process_gw,
        LocalGateway(process_gw, log=None) as ours,
        LocalGateway(in_process_gw, log=None) as base,
    ):
        client, baseline = KeepAliveClient(ours.port, request), KeepAliveClient(base.port, request)
        try:
            assert timing.run(client.round_trip, baselines={"in_process": baseline.round_trip}) == 200
        finally:
            client.close()
            baseline.close()
        timing.ratio("in_process")
        if not timing.enabled:
            return 1.0
        run_load(ours.port, request, clients=CLIENTS, seconds=0.3)  # start the workers of each client
        rounds: dict[str, list[LoadFigures]] = {"process": [], "in_process": []}
        for _ in range(ROUNDS):
            rounds["process"].append(run_load(ours.port, request, clients=CLIENTS, seconds=ROUND_SECONDS))
            rounds["in_process"].append(run_load(base.port, request, clients=CLIENTS, seconds=ROUND_SECONDS))
    rates: dict[str, float] = {}
    for name, figures in rounds.items():
        rates[name] = sum(f.requests for f in figures) / sum(f.seconds for f in figures)
        timing.record(
            **{
                f"{name}_requests_per_second": rates[name],
                f"{name}_p50_ms": statistics.median(f.p50_ms for f in figures),
                f"{name}_p99_ms": max(f.p99_ms for f in figures),
            }
        )
    ratio = rates["process"] / rates["in_process"]
    timing.record(throughput_ratio=ratio)
    return ratio


@pytest.mark.benchmark(group=GROUP)
def test_small_requests_in_worker_processes(timing: Timing) -> None:
    ratio = _compare(timing, small_request())
    assert ratio >= THROUGHPUT_RATIO_TARGET, f"small requests: {ratio:.2f} of in-process throughput"


@pytest.mark.benchmark(group=GROUP)
def test_1mb_uploads_in_worker_processes(timing: Timing) -> None:
    ratio = _compare(timing, upload_request(random.Random(11).randbytes(MIB)))
    assert ratio >= THROUGHPUT_RATIO_TARGET, f"1 MB uploads: {ratio:.2f} of in-process throughput"
