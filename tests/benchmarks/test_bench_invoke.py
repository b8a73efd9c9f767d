"""Benchmarks of the in-process round trip: request -> event -> echo handler -> client response.

``Gateway.invoke`` does everything a request costs in-process: the event, the JSON rules of the Lambda
runtime, the handler call in a worker thread under its deadline, the response mapping. The echo handler
decodes the body and sends it back base64-encoded, as an image service would.

Target (group ``targets``, asserted only when timing is on): a round trip with a 1 MB binary body costs at
most 4 times one base64 encode plus one decode of that body (pybase64, the codec the library and a
careful handler use), measured in the same test. Timed round trips run on one CPU, so that where the
scheduler puts the handler's worker thread does not move the figures (``_timing.one_cpu``). Requests
per second of each case are recorded in ``extra_info`` (``requests_per_second``); the round trip
through a ``requests.Session`` is there too, to show what the ``requests`` machinery adds.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pybase64
import pytest

from apigw_emulator import Gateway, HttpRequest, LambdaContext

from ._timing import Timing, one_cpu

GROUP = "round trip (in-process)"
ROUND_TRIP_RATIO_TARGET = 4.0
BINARY = "application/octet-stream"


@pytest.fixture(autouse=True)
def _on_one_cpu(timing: Timing) -> Iterator[None]:
    """Timed round trips run on one CPU (see :func:`one_cpu`): the handler's worker thread and the caller
    share its cache, as the single-threaded baselines do."""
    if not timing.enabled:
        yield
        return
    with one_cpu():
        yield


def echo(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    """Send the request body back, base64-encoded, as a binary response."""
    body = event.get("body") or ""
    raw = pybase64.b64decode(body, validate=True) if event["isBase64Encoded"] else body.encode()
    return {
        "statusCode": 200,
        "headers": {"Content-Type": BINARY},
        "body": pybase64.b64encode_as_string(raw),
        "isBase64Encoded": True,
    }


def make_gateway(api: str) -> Gateway:
    options: dict[str, Any] = {"binary_media_types": ["*/*"]} if api == "rest" else {}
    return Gateway(echo, api=api, **options)


def make_request(gateway: Gateway, body: bytes | None) -> HttpRequest:
    headers = {"User-Agent": "bench", "Accept": BINARY}
    if body is None:
        return gateway.build_request("GET", "/echo", headers=headers)
    return gateway.build_request("POST", "/echo", headers={**headers, "Content-Type": BINARY}, body=body)


def record_rate(timing: Timing) -> None:
    median = timing.median_ns()
    if median is not None:
        timing.record(requests_per_second=1e9 / median)


@pytest.mark.benchmark(group=GROUP)
@pytest.mark.parametrize("api", ["rest", "http"])
def test_round_trip_without_body(timing: Timing, api: str) -> None:
    gateway = make_gateway(api)
    request = make_request(gateway, None)
    invocation = timing.run(lambda: gateway.invoke(request))
    assert invocation.response.status == 200
    assert invocation.response.body == b""
    record_rate(timing)


@pytest.mark.benchmark(group=GROUP)
@pytest.mark.parametrize("api", ["rest", "http"])
def test_round_trip_with_1mb_binary_body(timing: Timing, bodies: dict[str, bytes], api: str) -> None:
    body = bodies["1MB"]
    gateway = make_gateway(api)
    request = make_request(gateway, body)
    invocation = timing.run(lambda: gateway.invoke(request))
    assert invocation.response.body == body
    record_rate(timing)


@pytest.mark.benchmark(group=GROUP)
def test_round_trip_through_a_requests_session(timing: Timing) -> None:
    gateway = make_gateway("http")
    with gateway.session() as session:
        url = gateway.url + "/echo"
        response = timing.run(lambda: session.get(url, headers={"Accept": BINARY}))
    assert response.status_code == 200
    record_rate(timing)


@pytest.mark.benchmark(group="targets")
def test_target_1mb_round_trip_within_4_encode_decode(timing: Timing, bodies: dict[str, bytes]) -> None:
    body = bodies["1MB"]
    encoded = pybase64.b64encode_as_string(body)
    gateway = make_gateway("rest")
    request = make_request(gateway, body)

    def encode_and_decode() -> bytes:
        pybase64.b64encode_as_string(body)
        return pybase64.b64decode(encoded, validate=True)

    invocation = timing.run(
        lambda: gateway.invoke(request), baselines={"b64_encode_decode": encode_and_decode}
    )
    assert invocation.response.body == body
    record_rate(timing)
    ratio = timing.ratio("b64_encode_decode")
    if ratio is None:  # --benchmark-disable: checked once, nothing timed
        return
    timing.record(target_max_ratio=ROUND_TRIP_RATIO_TARGET)
    assert ratio <= ROUND_TRIP_RATIO_TARGET, (
        f"a 1 MB round trip costs {ratio:.2f} base64 encode+decode pairs (target <= "
        f"{ROUND_TRIP_RATIO_TARGET}): {timing.benchmark.extra_info}"
    )
