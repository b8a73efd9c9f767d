"""Our event fabrication against AWS SAM CLI's (issue #6): ``sam local start-api`` builds its events with
``samcli.local.apigw.event_constructor.construct_v1_event`` (REST, payload 1.0) and
``construct_v2_event_http`` (HTTP API, payload 2.0) from a Flask request.

Skipped unless SAM CLI is installed (it is not a test dependency): ``tox -e peers`` installs it and runs
this module timed. Under ``--benchmark-disable`` each test builds its event once and checks it.

The same request on both sides: ``POST /upload`` with a 1 KB or 1 MB random binary body (the bodies of
``tests/benchmarks``), ``Content-Type: application/octet-stream``, a catch-all route (REST
``/{proxy+}``, Flask ``/<path:proxy>``; HTTP API ``$default``, Flask ``/<path:any_path>``, as SAM
registers them) and the binary media type on both sides, so that both base64-encode the body. Each
request is built once, outside the timed part; what is timed is the construction call alone:
``gateway.build_event(request)`` for ours, ``construct_v*_event(flask_request, ...)`` for SAM's. A
werkzeug request caches what it parses (``get_data()``, ``headers``, ``args``, ``mimetype``), so from its
second call on SAM's constructor works on parsed data, as ours does on a prepared ``HttpRequest``; SAM's
cost on a request never read before (what ``sam local`` pays on every request) is measured too, as
``sam_fresh_median_us``, for information.

Targets, asserted only when timing is on, as ratios of medians measured in the same test (SAM's
constructor sampled just before and just after ours): SAM's event costs at least 10 of ours with a 1 KB
body and 20 with a 1 MB body (``ratio_sam_over_ours`` in ``extra_info``). Each group's table also shows
SAM's constructor as a benchmark of its own, on the reused and on a fresh request, and the session ends
with a table of all the ratios.
"""

from __future__ import annotations

import logging
import statistics
import time
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

import pybase64
import pytest

from apigw_emulator import Gateway, HttpRequest

from ..benchmarks._timing import MIN_ROUNDS, SAMPLE_BUDGET_NS, WARMUP_NS, Benchmark, Timing
from ._summary import PeerRow

with warnings.catch_warnings():
    warnings.simplefilter("ignore")  # the peer's own deprecation warnings are not this suite's to fail on
    pytest.importorskip("samcli", reason="AWS SAM CLI is not installed: run `tox -e peers`")
    flask = pytest.importorskip("flask")
    event_constructor = pytest.importorskip("samcli.local.apigw.event_constructor")

BINARY_TYPE = "application/octet-stream"
HEADERS = {"Content-Type": BINARY_TYPE, "User-Agent": "bench"}
#: ``sam local start-api``'s default address.
SAM_BASE_URL = "http://127.0.0.1:3000"
SAM_PORT = 3000

PAYLOADS = {"rest": "REST, payload 1.0", "http": "HTTP API, payload 2.0"}
SIZES = {"1KB": "1 KB", "1MB": "1 MB"}
#: SAM's event must cost at least this many of ours.
RATIO_TARGETS = {"1KB": 10.0, "1MB": 20.0}


def group(payload: str, size: str) -> str:
    """The benchmark group (one table) of a case."""
    return f"peers: {PAYLOADS[payload]}, {SIZES[size]} binary body"


#: The 1 KB target of issue #6 is not met: SAM CLI's constructor reuses the request Flask already parsed,
#: and then costs only 1.6-3x ours (4.5x on a fresh request). The target stays; the gap is reported.
UNMET_1KB = pytest.mark.xfail(
    reason="issue #6 target >= 10x at 1 KB not met (measured 1.6-3x; SAM CLI reuses Flask's parsed request)",
    strict=False,
)

CASES = [
    pytest.param(
        payload,
        size,
        marks=[pytest.mark.benchmark(group=group(payload, size)), *([UNMET_1KB] if size == "1KB" else [])],
        id=f"{payload}-{size}",
    )
    for payload in PAYLOADS
    for size in SIZES
]


class PedanticBenchmark(Benchmark, Protocol):
    """``BenchmarkFixture`` with ``pedantic`` (a setup per round)."""

    def pedantic(
        self,
        target: Callable[..., Any],
        *,
        setup: Callable[[], tuple[tuple[Any, ...], dict[str, Any]]],
        rounds: int,
        warmup_rounds: int,
    ) -> Any: ...


@dataclass
class Case:
    """One request on both sides, built once: our gateway and prepared request, SAM's Flask request."""

    payload: str
    body: bytes
    gateway: Gateway
    request: HttpRequest
    flask_app: Any

    @classmethod
    def build(cls, payload: str, body: bytes) -> Case:
        """Our front door and SAM's Flask app with the catch-all route SAM registers for it."""
        if payload == "rest":
            gateway = Gateway(None, api="rest", binary_media_types=[BINARY_TYPE])
            rule = "/<path:proxy>"  # SAM's conversion of /{proxy+}
        else:
            gateway = Gateway(None, api="http")
            rule = "/<path:any_path>"  # SAM's $default catch-all
        request = HttpRequest.build("POST", f"{gateway.url}/upload", headers=HEADERS, body=body)
        app = flask.Flask(f"peers-{payload}")
        app.url_map.strict_slashes = False
        app.add_url_rule(rule, endpoint=rule, view_func=lambda **_: "", methods=["POST"])
        return cls(payload, body, gateway, request, app)

    def ours(self) -> dict[str, Any]:
        """Our event from the prepared request."""
        return self.gateway.build_event(self.request)

    def flask_request(self) -> Any:
        """A new Flask request of the same bytes, routed (endpoint and view args set) as SAM's app does."""
        context = self.flask_app.test_request_context(
            "/upload",
            method="POST",
            data=self.body,
            headers=HEADERS,
            base_url=SAM_BASE_URL,
            environ_base={"REMOTE_ADDR": "127.0.0.1"},
        )
        context.match_request()
        return context.request

    def sam(self, flask_request: Any) -> dict[str, Any]:
        """SAM CLI's event, called as ``LocalApigwService`` calls it."""
        event: dict[str, Any]
        if self.payload == "rest":
            event = event_constructor.construct_v1_event(
                flask_request,
                SAM_PORT,
                [BINARY_TYPE],
                stage_name="Prod",
                stage_variables=None,
                operation_name=None,
                api_type=event_constructor.Route.API,
            )
        else:
            event = event_constructor.construct_v2_event_http(
                flask_request, SAM_PORT, [BINARY_TYPE], stage_name="$default", route_key="$default"
            )
        return event


@pytest.fixture(autouse=True)
def _sam_logging_at_info(caplog: pytest.LogCaptureFixture) -> None:
    """SAM's constructors log the whole event at DEBUG (``sam local`` runs at INFO unless ``--debug``):
    keep that formatting out of the measurement even under ``--log-level=DEBUG``."""
    caplog.set_level(logging.INFO, logger="samcli")


def check_event(event: dict[str, Any], body: bytes) -> None:
    """A POST to /upload whose body is the request's, base64-encoded (either payload, either side)."""
    path = event["rawPath"] if "rawPath" in event else event["path"]
    assert path == "/upload"
    assert event["isBase64Encoded"] is True
    assert pybase64.b64decode(event["body"], validate=True) == body


def sample_fresh_ns(case: Case, budget_ns: int = SAMPLE_BUDGET_NS // 2) -> list[float]:
    """Durations of SAM's constructor, one call each, on Flask requests never read before (made in
    batches, untimed); about ``budget_ns`` of timed calls after a warm-up, at least ``MIN_ROUNDS``."""
    clock = time.perf_counter_ns
    end = clock() + WARMUP_NS
    while clock() < end:
        case.sam(case.flask_request())
    samples: list[float] = []
    spent = 0
    while spent < budget_ns or len(samples) < MIN_ROUNDS:
        for request in [case.flask_request() for _ in range(8)]:
            start = clock()
            case.sam(request)
            elapsed = clock() - start
            samples.append(elapsed)
            spent += elapsed
    return samples


@pytest.mark.parametrize(("payload", "size"), CASES)
def test_ours_against_sam_cli(
    timing: Timing, bodies: dict[str, bytes], peer_rows: list[PeerRow], payload: str, size: str
) -> None:
    body = bodies[size]
    case = Case.build(payload, body)
    flask_request = case.flask_request()
    check_event(case.sam(flask_request), body)
    fresh_before = sample_fresh_ns(case) if timing.enabled else []
    event = timing.run(case.ours, baselines={"sam": lambda: case.sam(flask_request)})
    check_event(event, body)
    ratio = timing.ratio("sam")
    if ratio is None:  # --benchmark-disable: checked once, nothing timed
        return
    sam_fresh_ns = statistics.median(fresh_before + sample_fresh_ns(case))
    ours_ns = timing.median_ns()
    assert ours_ns is not None  # timed: ratio() had it
    row = PeerRow(
        payload=PAYLOADS[payload],
        size=SIZES[size],
        ours_us=ours_ns / 1000,
        sam_us=timing.baseline_ns["sam"] / 1000,
        sam_fresh_us=sam_fresh_ns / 1000,
        target=RATIO_TARGETS[size],
    )
    peer_rows.append(row)
    timing.record(
        ratio_sam_over_ours=row.ratio,
        sam_fresh_median_us=row.sam_fresh_us,
        ratio_sam_fresh_over_ours=row.ratio_fresh,
        target_min_ratio_sam_over_ours=row.target,
    )
    print(
        f"\n{group(payload, size)}: ours {row.ours_us:.1f} µs, SAM CLI {row.sam_us:.1f} µs "
        f"({row.ratio:.1f}x; target >= {row.target:g}x), "
        f"SAM CLI on a fresh request {row.sam_fresh_us:.1f} µs ({row.ratio_fresh:.1f}x)"
    )
    assert row.ratio >= row.target, (
        f"{group(payload, size)}: SAM CLI's event costs {row.ratio:.1f} of ours (target >= {row.target:g}): "
        f"{timing.benchmark.extra_info}"
    )


# -- SAM's constructor as benchmarks of their own, in the tables of their group -------------------------


@pytest.mark.parametrize(("payload", "size"), CASES)
def test_sam_cli_event(timing: Timing, bodies: dict[str, bytes], payload: str, size: str) -> None:
    body = bodies[size]
    case = Case.build(payload, body)
    flask_request = case.flask_request()
    event = timing.run(lambda: case.sam(flask_request))
    check_event(event, body)


@pytest.mark.parametrize(("payload", "size"), CASES)
def test_sam_cli_event_fresh_request(
    benchmark: PedanticBenchmark, bodies: dict[str, bytes], payload: str, size: str
) -> None:
    body = bodies[size]
    case = Case.build(payload, body)

    def setup() -> tuple[tuple[Any, ...], dict[str, Any]]:
        return (case.flask_request(),), {}

    rounds = 1000 if size == "1KB" else 100
    event = benchmark.pedantic(case.sam, setup=setup, rounds=rounds, warmup_rounds=rounds // 10)
    check_event(event, body)
