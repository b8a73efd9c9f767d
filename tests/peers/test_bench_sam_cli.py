"""Our event fabrication against AWS SAM CLI's (issue #6): ``sam local start-api`` builds its events with
``samcli.local.apigw.event_constructor.construct_v1_event`` (REST, payload 1.0) and
``construct_v2_event_http`` (HTTP API, payload 2.0) from a routed Flask request.

Skipped unless SAM CLI is installed (it is not a test dependency): ``tox -e peers`` installs it and runs
this module timed. Under ``--benchmark-disable`` each test builds its events once and checks them.

The same request on both sides: ``POST /upload`` with a 1 KB or 1 MB random binary body (the bodies of
``tests/benchmarks``), ``Content-Type: application/octet-stream``, a catch-all route (REST
``/{proxy+}``, Flask ``/<path:proxy>``; HTTP API ``$default``, Flask ``/<path:any_path>``, as SAM
registers them) and the binary media type on both sides, so that both base64-encode the body. Our REST API
is REGIONAL: SAM CLI adds no CloudFront headers, so neither side does.

What is compared, per request (the target): each tool from the request as its HTTP server hands it over
to the event. SAM CLI gets a WSGI environ from werkzeug's server; Flask makes the request and routes it
(``app.request_context(environ)``, pushed and popped), then the constructor reads headers and body and
builds the event. We get the parsed parts from our server; ``HttpRequest(...)`` makes the request, and
``gateway.build_event`` routes it and builds the event. The environs and parts are made untimed. Target:
SAM's per-request cost is at least 10 of ours with a 1 KB body and 20 with a 1 MB body.

Reported too, without a target: the constructor calls alone against ``build_event`` on a prepared
request. SAM's constructor on a routed request never read before (``fresh``: it parses headers and body
in the call) and on one read before (``reused``: werkzeug caches ``get_data()``, ``headers`` and
``mimetype``, so it works on parsed data). These leave out SAM's request and routing, which it cannot
build an event without, and at 1 KB they come out at 3-9x.

All medians of one test come from the same run (SAM's sides sampled just before and just after ours), and
the session ends with a table of all the ratios.
"""

from __future__ import annotations

import logging
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
    werkzeug_test = pytest.importorskip("werkzeug.test")

BINARY_TYPE = "application/octet-stream"
HEADERS = {"Content-Type": BINARY_TYPE, "User-Agent": "bench"}
#: ``sam local start-api``'s default address.
SAM_BASE_URL = "http://127.0.0.1:3000"
SAM_PORT = 3000

PAYLOADS = {"rest": "REST, payload 1.0", "http": "HTTP API, payload 2.0"}
SIZES = {"1KB": "1 KB", "1MB": "1 MB"}
#: SAM's per-request cost must be at least this many of ours.
RATIO_TARGETS = {"1KB": 10.0, "1MB": 20.0}


def group(payload: str, size: str) -> str:
    """The benchmark group (one table) of a case."""
    return f"peers: {PAYLOADS[payload]}, {SIZES[size]} binary body"


CASES = [
    pytest.param(
        payload, size, marks=pytest.mark.benchmark(group=group(payload, size)), id=f"{payload}-{size}"
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
    """One request on both sides: our gateway and prepared request, SAM's Flask app and WSGI environs."""

    payload: str
    body: bytes
    gateway: Gateway
    request: HttpRequest
    flask_app: Any

    @classmethod
    def build(cls, payload: str, body: bytes) -> Case:
        """Our front door and SAM's Flask app with the catch-all route SAM registers for it."""
        if payload == "rest":
            gateway = Gateway(None, api="rest", binary_media_types=[BINARY_TYPE], endpoint_type="REGIONAL")
            rule = "/<path:proxy>"  # SAM's conversion of /{proxy+}
        else:
            gateway = Gateway(None, api="http")
            rule = "/<path:any_path>"  # SAM's $default catch-all
        request = HttpRequest.build("POST", f"{gateway.url}/upload", headers=HEADERS, body=body)
        app = flask.Flask(f"peers-{payload}")
        app.url_map.strict_slashes = False
        app.add_url_rule(rule, endpoint=rule, view_func=lambda **_: "", methods=["POST"])
        return cls(payload, body, gateway, request, app)

    # -- ours ------------------------------------------------------------------------------------------
    def ours(self) -> dict[str, Any]:
        """Per request: the request from the parts our server parses, then its event."""
        r = self.request
        request = HttpRequest(r.method, r.path, r.query, r.headers, r.body, r.source_ip, r.protocol)
        return self.gateway.build_event(request)

    def ours_event(self) -> dict[str, Any]:
        """The event alone, from the prepared request."""
        return self.gateway.build_event(self.request)

    # -- SAM CLI ---------------------------------------------------------------------------------------
    def environ(self) -> dict[str, Any]:
        """A WSGI environ of the request, as werkzeug's server hands it to Flask (body unread)."""
        builder = werkzeug_test.EnvironBuilder(
            "/upload",
            method="POST",
            data=self.body,
            headers=HEADERS,
            base_url=SAM_BASE_URL,
            environ_base={"REMOTE_ADDR": "127.0.0.1"},
        )
        try:
            environ: dict[str, Any] = builder.get_environ()
        finally:
            builder.close()
        return environ

    def sam_per_request(self, environ: dict[str, Any]) -> dict[str, Any]:
        """Per request: Flask makes and routes the request (as for every request ``sam local`` serves),
        then SAM's constructor builds the event."""
        context = self.flask_app.request_context(environ)
        context.push()  # routes the request (match_request)
        try:
            return self.sam(context.request)
        finally:
            context.pop()

    def flask_request(self) -> Any:
        """A routed Flask request never read before (for the constructor-only measures)."""
        context = self.flask_app.request_context(self.environ())
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


def sample_each_on_fresh_ns(
    call: Callable[[Any], object], make: Callable[[], Any], budget_ns: int = SAMPLE_BUDGET_NS // 2
) -> list[float]:
    """Durations of ``call(x)``, one call each, every ``x`` from ``make()`` (made untimed, in batches);
    about ``budget_ns`` of timed calls after a warm-up, at least ``MIN_ROUNDS``."""
    clock = time.perf_counter_ns
    end = clock() + WARMUP_NS
    while clock() < end:
        call(make())
    samples: list[float] = []
    spent = 0
    while spent < budget_ns or len(samples) < MIN_ROUNDS:
        for argument in [make() for _ in range(8)]:
            start = clock()
            call(argument)
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
    check_event(case.sam_per_request(case.environ()), body)
    reused = case.flask_request()
    check_event(case.sam(reused), body)
    check_event(case.ours_event(), body)
    event = timing.run(
        case.ours,
        baselines={"ours_event": case.ours_event, "sam_reused": lambda: case.sam(reused)},
        samplers={
            "sam": lambda: sample_each_on_fresh_ns(case.sam_per_request, case.environ),
            "sam_fresh": lambda: sample_each_on_fresh_ns(case.sam, case.flask_request),
        },
    )
    check_event(event, body)
    ours_ns = timing.median_ns()
    if ours_ns is None:  # --benchmark-disable: checked once, nothing timed
        return
    medians_us = {name: median / 1000 for name, median in timing.baseline_ns.items()}
    row = PeerRow(
        payload=PAYLOADS[payload],
        size=SIZES[size],
        ours_us=ours_ns / 1000,
        sam_us=medians_us["sam"],
        ours_event_us=medians_us["ours_event"],
        sam_fresh_us=medians_us["sam_fresh"],
        sam_reused_us=medians_us["sam_reused"],
        target=RATIO_TARGETS[size],
    )
    peer_rows.append(row)
    timing.record(
        ratio_sam_over_ours=row.ratio,
        target_min_ratio_sam_over_ours=row.target,
        ratio_sam_fresh_over_ours_event=row.ratio_fresh,
        ratio_sam_reused_over_ours_event=row.ratio_reused,
    )
    print(
        f"\n{group(payload, size)}: per request ours {row.ours_us:.1f} µs, SAM CLI {row.sam_us:.1f} µs "
        f"({row.ratio:.1f}x; target >= {row.target:g}x); constructor alone: ours {row.ours_event_us:.1f} µs, "
        f"SAM CLI fresh {row.sam_fresh_us:.1f} µs ({row.ratio_fresh:.1f}x), "
        f"reused {row.sam_reused_us:.1f} µs ({row.ratio_reused:.1f}x)"
    )
    assert row.ratio >= row.target, (
        f"{group(payload, size)}: SAM CLI costs {row.ratio:.1f} of ours per request "
        f"(target >= {row.target:g}): {timing.benchmark.extra_info}"
    )


# -- SAM's side as benchmarks of their own, in the tables of their group ---------------------------------


@pytest.mark.parametrize(("payload", "size"), CASES)
@pytest.mark.parametrize("measure", ["per_request", "constructor_fresh_request"])
def test_sam_cli_on_requests_never_read(
    benchmark: PedanticBenchmark, bodies: dict[str, bytes], payload: str, size: str, measure: str
) -> None:
    """SAM CLI per request (from a WSGI environ), or its constructor alone on a routed Flask request never
    read before; each round gets a new one, made untimed."""
    body = bodies[size]
    case = Case.build(payload, body)
    make, target = (
        (case.environ, case.sam_per_request) if measure == "per_request" else (case.flask_request, case.sam)
    )

    def setup() -> tuple[tuple[Any, ...], dict[str, Any]]:
        return (make(),), {}

    rounds = 1000 if size == "1KB" else 100
    event = benchmark.pedantic(target, setup=setup, rounds=rounds, warmup_rounds=rounds // 10)
    check_event(event, body)


@pytest.mark.parametrize(("payload", "size"), CASES)
def test_sam_cli_constructor_reused_request(
    timing: Timing, bodies: dict[str, bytes], payload: str, size: str
) -> None:
    body = bodies[size]
    case = Case.build(payload, body)
    flask_request = case.flask_request()
    event = timing.run(lambda: case.sam(flask_request))
    check_event(event, body)
