"""A client's X-Amzn-Trace-Id is kept, not replaced (spec 8.10, issue 12): in the event, in the REST and
function URL responses, and in what :func:`apigw_emulator.trace.trace_header` gives the runtime."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest

from apigw_emulator import Gateway, HttpRequest
from apigw_emulator.ids import RequestStamp
from apigw_emulator.trace import _trace_header, trace_header

ROOT = "Root=1-67891233-abcdef012345678912345678"
FULL = f"{ROOT};Parent=53995c3f42cd8ad8;Sampled=1"
PARENT = re.compile(r";Parent=[0-9a-f]{16}$")
SELF = re.compile(r"^Self=1-[0-9a-f]{8}-[0-9a-f]{24};")
#: Where each front door's event holds the trace header.
EVENT_HEADER = {
    "rest": "X-Amzn-Trace-Id",
    "http": "x-amzn-trace-id",
    "http-v1": "X-Amzn-Trace-Id",
    "function-url": "x-amzn-trace-id",
    "alb": "x-amzn-trace-id",
}


def echo(event: Any, context: Any) -> Any:
    return {"statusCode": 200, "body": json.dumps(event["headers"])}


def traced(api: str, value: str) -> tuple[str, str | None]:
    """(the trace header in the event, the one in the response) for a client sending ``value``."""
    response = Gateway(echo, api).request("GET", "/", headers={"X-Amzn-Trace-Id": value})
    return response.json()[EVENT_HEADER[api]], response.headers.get("X-Amzn-Trace-Id")


@pytest.mark.parametrize("api", ["rest", "http", "http-v1", "function-url"])
def test_client_trace_id_with_root_parent_and_sampled_is_kept(api: str) -> None:
    in_event, in_response = traced(api, FULL)
    assert in_event == FULL
    if api in ("rest", "function-url"):
        assert in_response == FULL


@pytest.mark.parametrize("api", ["rest", "http", "http-v1", "function-url"])
def test_client_trace_id_with_only_a_root_gets_a_parent(api: str) -> None:
    in_event, in_response = traced(api, ROOT)
    assert in_event.startswith(ROOT + ";Parent=")
    assert PARENT.search(in_event)
    if api in ("rest", "function-url"):
        assert in_response == in_event


def test_alb_inserts_self_and_keeps_root_and_custom_fields() -> None:
    in_event, _ = traced("alb", f"{ROOT};CalledFrom=app")
    assert SELF.match(in_event)
    assert in_event.endswith(f";{ROOT};CalledFrom=app")
    updated, _ = traced("alb", f"Self=1-00000000-000000000000000000000000;{ROOT}")
    assert updated.count("Self=") == 1
    assert "Self=1-00000000-" not in updated


@pytest.mark.parametrize("api", list(EVENT_HEADER))
@pytest.mark.parametrize(
    "value", ["garbage", "Root=1-xyz", "Root=2-67891233-abcdef012345678912345678", "Parent=1"]
)
def test_client_trace_id_without_a_valid_root_is_replaced(api: str, value: str) -> None:
    in_event, _ = traced(api, value)
    assert re.fullmatch(r"Root=1-[0-9a-f]{8}-[0-9a-f]{24}", in_event)


def test_trace_header_is_what_the_event_holds_for_the_same_stamp() -> None:
    stamp = RequestStamp.new()
    request = HttpRequest.build("GET", "/Prod/", headers={"X-Amzn-Trace-Id": ROOT})
    event = Gateway(None, "rest").build_event(request, stamp)
    assert event["headers"]["X-Amzn-Trace-Id"] == trace_header(request, "rest", stamp)
    assert trace_header(HttpRequest.build("GET", "/"), "rest", stamp) == stamp.trace_id


@pytest.mark.parametrize(
    "client",
    [None, "Root=1-5759e988-bd862e3fe1be46a994272793", "Root=1-5759e988-bd862e3fe1be46a994272793;Self=x"],
)
def test_remembered_trace_header_follows_the_stamp_and_the_front_door(client: str | None) -> None:
    """The value remembered for the last request is given again only for the same headers, the same stamp
    and the same kind of front door: another stamp or ALB (which adds its own Self) gets its own."""
    headers = (("X-Amzn-Trace-Id", client),) if client is not None else ()
    request = HttpRequest("GET", "/x", "", headers)
    twin = HttpRequest("GET", "/x", "", headers)  # equal headers, another tuple
    first, second = RequestStamp.new(), RequestStamp.new()
    fresh = {
        api: [_trace_header(request.headers, api == "alb", s) for s in (first, second)]
        for api in ("rest", "alb")
    }
    for _ in range(2):
        for api in ("rest", "alb", "http"):
            kind = "alb" if api == "alb" else "rest"
            assert trace_header(request, api, first) == fresh[kind][0]
            assert trace_header(request, api, second) == fresh[kind][1]
            assert trace_header(twin, api, second) == fresh[kind][1]
    if client is None:
        assert fresh["rest"] == [first.trace_id, second.trace_id]
