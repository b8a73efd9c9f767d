"""The bound on a plain event's JSON size (``flow.event_size``): never below the size orjson writes, for
any front door, any request and configuration options, and requests made to approach it (many tiny
headers and query parameters, characters JSON escapes, text that appears several times). Below Lambda's
6 MB limit it lets an in-process invocation skip writing the event; over it, the exact size decides.
"""

from __future__ import annotations

import contextlib
import warnings
from typing import Any

import orjson
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from apigw_emulator import Gateway, HttpRequest, InvalidRequestError, RouteNotFoundError
from apigw_emulator.events import BUILDERS
from apigw_emulator.flow.event_size import event_json_bound
from apigw_emulator.flow.lambda_proxy import LAMBDA_REQUEST_LIMIT
from apigw_emulator.flow.plain import plain_config
from apigw_emulator.flow.runtime_json import runtime_dumps
from apigw_emulator.ids import RequestStamp

from ._strategies import RequestSpec, arbitrary_requests, gateway_options

#: Front doors and options whose events differ the most in shape.
CONFIGURATIONS: list[dict[str, Any]] = [
    {"api": "rest", "binary_media_types": ["*/*"]},
    {"api": "rest", "endpoint_type": "EDGE", "stage_variables": {"\x01" * 40: "\x02" * 40}},
    {"api": "rest", "domain_name": "api.example.com", "base_path": "v1"},
    {"api": "http"},
    {"api": "http-v1", "stage_variables": {"a": "\x7f"}},
    {"api": "function-url"},
    {"api": "alb"},
    {"api": "alb", "multi_value_headers": True},
]


def _ratio(gateway: Gateway, request: HttpRequest) -> float:
    """The event's JSON size over its bound (at most 1), for a request the front door builds an event for."""
    config = gateway.config
    assert plain_config(config)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        event = BUILDERS[config.api](request, config, RequestStamp.new(edge=True))
    size = len(runtime_dumps(event))
    bound = event_json_bound(request, config)
    assert size <= bound, (size, bound, request)
    return size / bound


def _spec_request(gateway: Gateway, spec: RequestSpec) -> HttpRequest | None:
    try:
        return gateway.build_request(spec.method, spec.target, headers=spec.headers, body=spec.body.body)
    except (InvalidRequestError, ValueError, TypeError):
        return None


@pytest.mark.parametrize("options", CONFIGURATIONS, ids=lambda options: "-".join(map(str, options.values())))
def test_bound_holds_for_requests_built_to_approach_it(options: dict[str, Any]) -> None:
    gateway = Gateway(api=options.pop("api"), **options)
    names = [chr(97 + i % 26) * (1 + i // 26) for i in range(2000)]
    # What a header may hold that JSON writes longest: escaped quotes and tabs, four-byte characters.
    quoted = '"\\\t\U0001f600'
    worst = [
        # many one-character headers with empty values: keys and brackets in every map
        gateway.build_request("GET", "/x", headers=[(name, "") for name in names]),
        # one name repeated: each value in the multi-value maps and joined
        gateway.build_request("GET", "/x", headers=[("A", quoted)] * 2000),
        # the headers copied elsewhere (identity, X-Forwarded-For, the trace header, cookies)
        gateway.build_request(
            "GET",
            "/x",
            headers=[
                ("User-Agent", quoted * 300),
                ("X-Forwarded-For", quoted * 300),
                ("X-Amzn-Trace-Id", "Root=1-5759e988-bd862e3fe1be46a994272793;" + quoted * 100),
                *[("Cookie", "a=;b=;" + quoted)] * 300,
            ],
        ),
        # a query of one-character parameters, repeated and distinct, and escapes decoded from it
        gateway.build_request("GET", "/x?" + "&".join("a" * (1 + i % 3) for i in range(3000))),
        gateway.build_request("GET", "/x?" + "%01=%1f&" * 1000),
        # a path whose escapes decode into a path parameter
        gateway.build_request("GET", "/" + "%01" * 2000),
        # a body of characters JSON escapes, as text and as binary
        gateway.build_request("POST", "/x", headers={"Content-Type": "text/plain"}, body=b"\\x01" * 9000),
        gateway.build_request("POST", "/x", headers={"Content-Type": "image/png"}, body=b"\x01" * 9000),
        gateway.build_request("POST", "/x", body=b"\xff" * 9000),
        gateway.build_request("GET", "/"),
    ]
    for request in worst:
        _ratio(gateway, request)


@settings(max_examples=300, deadline=None)
@given(options=gateway_options, spec=arbitrary_requests)
def test_bound_holds_for_any_request_and_front_door(options: dict[str, Any], spec: RequestSpec) -> None:
    try:
        gateway = Gateway(**options)
    except (ValueError, TypeError):
        return
    request = _spec_request(gateway, spec)
    if request is None:
        return
    with contextlib.suppress(RouteNotFoundError, InvalidRequestError):
        _ratio(gateway, request)


def test_bound_exceeds_the_limit_before_the_event_can() -> None:
    # The largest body whose event the bound lets through unwritten is far below what the limit allows:
    # an event that could be over 6 MB is always written and measured exactly.
    gateway = Gateway(api="rest", binary_media_types=["*/*"])
    body = b"\x00" * (LAMBDA_REQUEST_LIMIT // 6)
    request = gateway.build_request("POST", "/x", headers={"Content-Type": "image/png"}, body=body)
    assert event_json_bound(request, gateway.config) > LAMBDA_REQUEST_LIMIT


def test_in_process_event_just_over_the_limit_is_still_413_request_too_long() -> None:
    # 4.5 MiB of binary body: base64 makes the event just over 6 MiB, which only writing it can tell.
    called: list[object] = []
    gateway = Gateway(lambda e, c: called.append(e), api="rest", binary_media_types=["*/*"])
    request = gateway.build_request(
        "POST", "/x", headers={"Content-Type": "image/png"}, body=b"\x00" * (4 * 1024 * 1024 + 512 * 1024)
    )
    with pytest.warns(Warning, match="invocation limit"):
        invocation = gateway.invoke(request)
    assert invocation.response.status == 413
    assert not called


def test_in_process_small_event_reaches_the_handler_equal_to_its_json_round_trip() -> None:
    seen: list[dict[str, Any]] = []

    def handler(event: dict[str, Any], context: object) -> dict[str, Any]:
        seen.append(event)
        return {"statusCode": 200, "body": ""}

    gateway = Gateway(handler, api="rest")
    gateway.invoke(gateway.build_request("GET", "/x?a=%01", headers={"User-Agent": '\t"'}))
    assert seen[0] == orjson.loads(runtime_dumps(seen[0]))
    assert len(runtime_dumps(seen[0])) <= event_json_bound(
        gateway.build_request("GET", "/x?a=%01", headers={"User-Agent": '\t"'}), gateway.config
    )


@given(st.integers(0, 10))
def test_bound_grows_with_every_header(count: int) -> None:
    gateway = Gateway(api="http")
    fewer = gateway.build_request("GET", "/", headers=[("a", "")] * count)
    more = gateway.build_request("GET", "/", headers=[("a", "")] * (count + 1))
    assert event_json_bound(more, gateway.config) > event_json_bound(fewer, gateway.config)
