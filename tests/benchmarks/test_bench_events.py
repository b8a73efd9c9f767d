"""Benchmarks of event fabrication: ``Gateway.build_event`` on a prepared request, for every front door.

Run them timed with ``make bench`` (``pytest tests/benchmarks --benchmark-only``); ``make test`` runs them
with ``--benchmark-disable``, where each one builds its event once and checks it, in well under a second.

Groups (one table each): no body (GET), a 1 KB and a 1 MB random binary body (fixed seed), each with the
five front doors and, in the same run, the baselines a body costs at the least: one
``pybase64.b64encode_as_string`` of the body and one memcpy (``bytearray(body)``). Every body benchmark
also samples those two baselines inside the test and records its ratios to them in ``extra_info``, so
``--benchmark-json`` carries them.

Targets (group ``targets``), asserted only when timing is on, always as ratios of medians measured in the
same test (project rule: ratios against a baseline of the same run, never absolute times):

* a REST event with a 1 MB binary body costs at most 3 times one base64 encode of that body;
* a REST event with a 1 KB binary body costs under 10 µs on this machine. An absolute bound would fail
  or pass with the load of this shared 2-core machine, so it is expressed against the *interpreter
  floor* of that very event: a hand-written dict literal of the same shape (the 73 keys and 16
  one-element lists of the REST EDGE event, :func:`rest_event_literal`), which is what fabrication
  costs before any id, header rule or base64 work. It took 2.3 µs median on this machine (CPython
  3.11.7, idle, November 2026), so 10 µs is :data:`FLOOR_RATIO_TARGET` = 10 / 2.3 ≈ 4.3 floors. A
  faster or slower interpreter moves both sides alike, so the target keeps its meaning elsewhere; the
  absolute median (``median_us``) and its equivalent at the reference floor
  (``equivalent_us_at_reference_floor``) are recorded next to the ratio for reading against the issue.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pybase64
import pytest

from apigw_emulator import Gateway, HttpRequest

from ._timing import Timing

FRONT_DOORS = ("rest", "http", "http-v1", "function-url", "alb")
BINARY_TYPE = "application/octet-stream"

GROUP_NO_BODY = "event: no body (GET)"
GROUP_1KB = "event: 1 KB binary body"
GROUP_1MB = "event: 1 MB binary body"
GROUP_TARGETS = "targets"

SIZES = [
    pytest.param("1KB", marks=pytest.mark.benchmark(group=GROUP_1KB), id="1KB"),
    pytest.param("1MB", marks=pytest.mark.benchmark(group=GROUP_1MB), id="1MB"),
]

#: A REST event with a 1 MB body may cost this many base64 encodes of the body.
B64_RATIO_TARGET = 3.0
#: The issue's absolute target for a REST event with a 1 KB binary body, and the floor it is divided by.
TARGET_1KB_US = 10.0
REFERENCE_FLOOR_US = 2.3
#: 10 µs in floors: see the module docstring.
FLOOR_RATIO_TARGET = round(TARGET_1KB_US / REFERENCE_FLOOR_US, 1)

#: The body key of a body-less event: null (payload 1.0), absent (2.0 and function URLs), "" (ALB).
_MISSING = object()
EMPTY_BODY: dict[str, object] = {
    "rest": None,
    "http": _MISSING,
    "http-v1": None,
    "function-url": _MISSING,
    "alb": "",
}


def make_gateway(api: str) -> Gateway:
    """A front door with default settings; REST gets the binary media type of the bodies."""
    if api == "rest":
        return Gateway(None, api="rest", binary_media_types=[BINARY_TYPE])
    return Gateway(None, api=api)


def make_request(gateway: Gateway, body: bytes | None) -> HttpRequest:
    """The prepared request: ``GET /upload`` without a body, or ``POST /upload`` of binary data.

    Built from the gateway's public URL with :meth:`HttpRequest.build`, which is what
    ``Gateway.request``/``build_request`` do (stage or base path included).
    """
    url = f"{gateway.url}/upload"
    if body is None:
        return HttpRequest.build("GET", url, headers={"User-Agent": "bench"})
    headers = {"Content-Type": BINARY_TYPE, "User-Agent": "bench"}
    return HttpRequest.build("POST", url, headers=headers, body=body)


def check_event(api: str, event: dict[str, Any], body: bytes | None) -> None:
    """The event is the right one: method, path, and the body base64-encoded to the same bytes."""
    http = event["requestContext"].get("http")
    method = http["method"] if http else event["httpMethod"]
    path = event["rawPath"] if "rawPath" in event else event["path"]
    assert (method, path) == ("POST" if body is not None else "GET", "/upload")
    if body is None:
        assert event.get("body", _MISSING) == EMPTY_BODY[api]
        assert event["isBase64Encoded"] is False
    else:
        assert event["isBase64Encoded"] is True
        assert pybase64.b64decode(event["body"], validate=True) == body


def body_baselines(body: bytes) -> dict[str, Callable[[], object]]:
    """What any event carrying ``body`` must cost at least: one base64 encode and one memcpy."""
    return {
        "b64encode": lambda: pybase64.b64encode_as_string(body),
        "memcpy": lambda: bytearray(body),
    }


def rest_event_literal(  # noqa: PLR0917 (positional: the floor keeps its call cheap)
    method: str,
    path: str,
    user_agent: str,
    host: str,
    trace_id: str,
    via: str,
    cf_id: str,
    request_id: str,
    extended_request_id: str,
    request_time: str,
    body: str,
) -> dict[str, Any]:
    """The interpreter floor of a REST EDGE event with a binary body: the same shape as a dict literal."""
    return {
        "resource": "/{proxy+}",
        "path": path,
        "httpMethod": method,
        "headers": {
            "Content-Type": BINARY_TYPE,
            "User-Agent": user_agent,
            "Host": host,
            "X-Amzn-Trace-Id": trace_id,
            "X-Forwarded-For": "127.0.0.1, 130.176.0.1",
            "X-Forwarded-Port": "443",
            "X-Forwarded-Proto": "https",
            "CloudFront-Forwarded-Proto": "https",
            "CloudFront-Is-Desktop-Viewer": "true",
            "CloudFront-Is-Mobile-Viewer": "false",
            "CloudFront-Is-SmartTV-Viewer": "false",
            "CloudFront-Is-Tablet-Viewer": "false",
            "CloudFront-Viewer-ASN": "16509",
            "CloudFront-Viewer-Country": "US",
            "Via": via,
            "X-Amz-Cf-Id": cf_id,
        },
        "multiValueHeaders": {
            "Content-Type": [BINARY_TYPE],
            "User-Agent": [user_agent],
            "Host": [host],
            "X-Amzn-Trace-Id": [trace_id],
            "X-Forwarded-For": ["127.0.0.1, 130.176.0.1"],
            "X-Forwarded-Port": ["443"],
            "X-Forwarded-Proto": ["https"],
            "CloudFront-Forwarded-Proto": ["https"],
            "CloudFront-Is-Desktop-Viewer": ["true"],
            "CloudFront-Is-Mobile-Viewer": ["false"],
            "CloudFront-Is-SmartTV-Viewer": ["false"],
            "CloudFront-Is-Tablet-Viewer": ["false"],
            "CloudFront-Viewer-ASN": ["16509"],
            "CloudFront-Viewer-Country": ["US"],
            "Via": [via],
            "X-Amz-Cf-Id": [cf_id],
        },
        "queryStringParameters": None,
        "multiValueQueryStringParameters": None,
        "pathParameters": {"proxy": path[1:]},
        "stageVariables": None,
        "requestContext": {
            "accountId": "123456789012",
            "apiId": "pw0hdfqrw5",
            "deploymentId": "kksefl",
            "domainName": host,
            "domainPrefix": "pw0hdfqrw5",
            "extendedRequestId": extended_request_id,
            "httpMethod": method,
            "identity": {
                "accessKey": None,
                "accountId": None,
                "caller": None,
                "cognitoAuthenticationProvider": None,
                "cognitoAuthenticationType": None,
                "cognitoIdentityId": None,
                "cognitoIdentityPoolId": None,
                "principalOrgId": None,
                "sourceIp": "127.0.0.1",
                "user": None,
                "userAgent": user_agent,
                "userArn": None,
            },
            "path": "/Prod" + path,
            "protocol": "HTTP/1.1",
            "requestId": request_id,
            "requestTime": request_time,
            "requestTimeEpoch": 1795607313650,
            "resourceId": "bz2lol",
            "resourcePath": "/{proxy+}",
            "stage": "Prod",
        },
        "body": body,
        "isBase64Encoded": True,
    }


def literal_floor(sample: dict[str, Any]) -> Callable[[], dict[str, Any]]:
    """:func:`rest_event_literal` called with the values of a real event (built once)."""
    headers = sample["headers"]
    context = sample["requestContext"]
    args = (
        sample["httpMethod"],
        sample["path"],
        headers["User-Agent"],
        headers["Host"],
        headers["X-Amzn-Trace-Id"],
        headers["Via"],
        headers["X-Amz-Cf-Id"],
        context["requestId"],
        context["extendedRequestId"],
        context["requestTime"],
        sample["body"],
    )
    return lambda: rest_event_literal(*args)


def shape(value: object) -> object:
    """The keys and value types of an event, without the values."""
    if isinstance(value, dict):
        return {key: shape(item) for key, item in value.items()}
    if isinstance(value, list):
        return [shape(item) for item in value]
    return type(value).__name__


# -- every front door ---------------------------------------------------------------------------------


@pytest.mark.benchmark(group=GROUP_NO_BODY)
@pytest.mark.parametrize("api", FRONT_DOORS)
def test_event_without_body(timing: Timing, api: str) -> None:
    gateway = make_gateway(api)
    request = make_request(gateway, None)
    event = timing.run(lambda: gateway.build_event(request))
    check_event(api, event, None)


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("api", FRONT_DOORS)
def test_event_with_binary_body(timing: Timing, bodies: dict[str, bytes], api: str, size: str) -> None:
    body = bodies[size]
    gateway = make_gateway(api)
    request = make_request(gateway, body)
    event = timing.run(lambda: gateway.build_event(request), baselines=body_baselines(body))
    timing.ratio("b64encode")
    timing.ratio("memcpy")
    check_event(api, event, body)


# -- baselines, in the tables of their group ----------------------------------------------------------


@pytest.mark.parametrize("size", SIZES)
def test_baseline_b64encode(timing: Timing, bodies: dict[str, bytes], size: str) -> None:
    body = bodies[size]
    encoded = timing.run(lambda: pybase64.b64encode_as_string(body))
    assert pybase64.b64decode(encoded, validate=True) == body


@pytest.mark.parametrize("size", SIZES)
def test_baseline_memcpy(timing: Timing, bodies: dict[str, bytes], size: str) -> None:
    body = bodies[size]
    copied = timing.run(lambda: bytearray(body))
    assert copied == body


@pytest.mark.benchmark(group=GROUP_1KB)
def test_baseline_rest_literal_floor(timing: Timing, bodies: dict[str, bytes]) -> None:
    gateway = make_gateway("rest")
    sample = gateway.build_event(make_request(gateway, bodies["1KB"]))
    event = timing.run(literal_floor(sample))
    assert shape(event) == shape(sample)


# -- targets --------------------------------------------------------------------------------------------


@pytest.mark.benchmark(group=GROUP_TARGETS)
def test_target_rest_1mb_event_within_3_base64_encodes(timing: Timing, bodies: dict[str, bytes]) -> None:
    body = bodies["1MB"]
    gateway = make_gateway("rest")
    request = make_request(gateway, body)
    event = timing.run(lambda: gateway.build_event(request), baselines=body_baselines(body))
    check_event("rest", event, body)
    ratio = timing.ratio("b64encode")
    timing.ratio("memcpy")
    if ratio is None:  # --benchmark-disable: checked once, nothing timed
        return
    timing.record(target_max_ratio_to_b64encode=B64_RATIO_TARGET)
    assert ratio <= B64_RATIO_TARGET, (
        f"a REST event with a 1 MB body costs {ratio:.2f} base64 encodes of it "
        f"(target <= {B64_RATIO_TARGET}): {timing.benchmark.extra_info}"
    )


@pytest.mark.benchmark(group=GROUP_TARGETS)
def test_target_rest_1kb_event_under_10us(timing: Timing, bodies: dict[str, bytes]) -> None:
    body = bodies["1KB"]
    gateway = make_gateway("rest")
    request = make_request(gateway, body)
    floor = literal_floor(gateway.build_event(request))
    event = timing.run(
        lambda: gateway.build_event(request), baselines={"literal_floor": floor, **body_baselines(body)}
    )
    check_event("rest", event, body)
    ratio = timing.ratio("literal_floor")
    timing.ratio("b64encode")
    timing.ratio("memcpy")
    if ratio is None:  # --benchmark-disable: checked once, nothing timed
        return
    timing.record(
        target_max_ratio_to_literal_floor=FLOOR_RATIO_TARGET,
        target_us=TARGET_1KB_US,
        equivalent_us_at_reference_floor=ratio * REFERENCE_FLOOR_US,
    )
    assert ratio < FLOOR_RATIO_TARGET, (
        f"a REST event with a 1 KB body costs {ratio:.2f} times its dict-literal floor (target < "
        f"{FLOOR_RATIO_TARGET}, i.e. {TARGET_1KB_US} µs at the reference floor of {REFERENCE_FLOOR_US} µs; "
        f"~{ratio * REFERENCE_FLOOR_US:.1f} µs): {timing.benchmark.extra_info}"
    )
