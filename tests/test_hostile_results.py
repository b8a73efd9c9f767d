"""Hostile handler results, in-process: whatever a handler returns, the client gets a well-formed response
(the front door's 5xx when AWS could not send the result) and the library does not raise (spec 6, 7).

Issue 12, items 2, 3 and 6: header names that are not tokens, values with controls, statusCode "²", results
nested 100,000 deep, lone surrogates in bodies and headers, 1xx statuses.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
import requests

from apigw_emulator import Gateway
from apigw_emulator.errors import GatewayErrorWarning

#: Every front door and the status of its own answer to a result it cannot send.
FRONT_DOORS = {"rest": 502, "http": 500, "http-v1": 500, "function-url": 502, "alb": 502}
#: Header characters no HTTP message can carry: controls but HTAB, DEL.
BAD_VALUE_BYTES = [b for b in range(256) if (b < 0x20 and b != 0x09) or b == 0x7F]
TOKEN_BYTES = set(b"!#$%&'*+-.^_`|~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")


def returning(result: Any) -> Callable[[Any, Any], Any]:
    def handler(event: Any, context: Any) -> Any:
        return result

    return handler


def gateway(api: str, result: Any) -> Gateway:
    return Gateway(returning(result), api, raise_handler_exceptions=False)


def nested(depth: int) -> Any:
    value: Any = "leaf"
    for _ in range(depth):
        value = [value]
    return value


def assert_front_door_error(api: str, result: Any) -> None:
    gw = gateway(api, result)
    with pytest.warns(GatewayErrorWarning):  # the reason, as a GatewayErrorWarning
        invocation = gw.invoke(gw.build_request("GET", "/"))
    assert invocation.response.status == FRONT_DOORS[api]
    with pytest.warns(GatewayErrorWarning):
        response = gw.request("GET", "/")
    assert isinstance(response, requests.Response)
    assert response.status_code == FRONT_DOORS[api]


@pytest.mark.parametrize("api", FRONT_DOORS)
def test_status_code_superscript_two_is_the_front_doors_error(api: str) -> None:
    assert_front_door_error(api, {"statusCode": "\u00b2", "body": ""})


@pytest.mark.parametrize("api", FRONT_DOORS)
@pytest.mark.parametrize("status", ["\u0661\u0660\u0660", "9" * 5000, "2e2", 100, 101, 199, 600, -1])
def test_status_code_that_is_no_final_status_is_the_front_doors_error(api: str, status: Any) -> None:
    assert_front_door_error(api, {"statusCode": status, "body": ""})


@pytest.mark.parametrize("api", FRONT_DOORS)
def test_result_nested_100000_deep_is_a_marshal_error(api: str) -> None:
    assert_front_door_error(api, {"statusCode": 200, "body": "x", "headers": {"a": nested(100_000)}})
    assert_front_door_error(api, nested(100_000))


@pytest.mark.parametrize("api", FRONT_DOORS)
@pytest.mark.parametrize("body", ["\ud800", "a\udfffb", "x" * 70_000 + "\udc80"])
def test_lone_surrogate_in_result_body_is_a_marshal_error(api: str, body: str) -> None:
    assert_front_door_error(api, {"statusCode": 200, "body": body})


@pytest.mark.parametrize("api", ["http", "function-url"])
def test_lone_surrogate_in_inferred_result_is_a_marshal_error(api: str) -> None:
    assert_front_door_error(api, "\ud800")
    assert_front_door_error(api, {"message": "\udbff"})


@pytest.mark.parametrize("api", FRONT_DOORS)
def test_lone_surrogate_in_result_header_value_is_the_front_doors_error(api: str) -> None:
    assert_front_door_error(api, {"statusCode": 200, "headers": {"x-a": "\ud800"}, "body": ""})


@pytest.mark.parametrize("api", FRONT_DOORS)
def test_header_name_with_lf_is_not_an_injected_header(api: str) -> None:
    assert_front_door_error(api, {"statusCode": 200, "headers": {"X-A\nSet-Cookie": "injected=1"}})
    if api in ("rest", "http-v1"):  # the others ignore multiValueHeaders (ALB: unless it is enabled)
        assert_front_door_error(api, {"statusCode": 200, "multiValueHeaders": {"X-A\r\nB": ["1"]}})


@pytest.mark.parametrize("api", ["http", "function-url"])
def test_cookie_with_crlf_is_not_an_injected_header(api: str) -> None:
    assert_front_door_error(api, {"statusCode": 200, "cookies": ["a=1\r\nSet-Cookie: b=2"]})


@pytest.mark.parametrize("api", FRONT_DOORS)
def test_every_byte_in_response_header_names_and_values_in_process(api: str) -> None:
    """Each byte value 0-255 in a name and in a value: a well-formed response either way, the byte passed
    when HTTP allows it there, the front door's error otherwise."""
    for byte in range(256):
        char = chr(byte)
        for headers, valid in (
            ({f"x-{char}": "v"}, byte in TOKEN_BYTES),
            ({"x-a": f"v{char}v"}, byte not in BAD_VALUE_BYTES),
        ):
            gw = gateway(api, {"statusCode": 200, "headers": headers, "body": "ok"})
            if valid:
                response = gw.request("GET", "/")
                assert response.status_code == 200, (byte, headers)
                ((name, value),) = headers.items()
                assert response.headers[name] == value.strip(), (byte, headers)
            else:
                with pytest.warns(GatewayErrorWarning):
                    response = gw.request("GET", "/")
                assert response.status_code == FRONT_DOORS[api], (byte, headers)
