"""REST gateway answers byte for byte (spec 7, 9, 10.2, 10.6; issue #20 item 8).

Bodies rendered from API Gateway's default template ``{"message":$context.error.messageString}`` have no
space after the colon (live captures: 401 ``{"message":"Unauthorized"}`` is 26 bytes, 500
``{"message":null}`` 16 bytes); what the Lambda integration answers itself keeps the space its captures
show. Each answer is checked in-process and over real sockets through :class:`LocalGateway`, with its
``Content-Length``.
"""

from __future__ import annotations

import socket
from collections.abc import Callable
from typing import Any

import pytest

from apigw_emulator import Gateway, LocalGateway
from apigw_emulator.authorizers import AuthorizerRules, LambdaAuthorizer, RouteAuthorization
from apigw_emulator.errors import GatewayErrorWarning

Event = dict[str, Any]


def _ok(event: Event, context: Any) -> Event:
    return {"statusCode": 200, "body": "ok"}


def _raises(event: Event, context: Any) -> Event:
    raise RuntimeError("boom")


def _not_base64(event: Event, context: Any) -> Event:
    return {"statusCode": 200, "body": "èé+à)(", "isBase64Encoded": True}


def _failing_authorizer(event: Event, context: Any) -> Event:
    raise ValueError("cannot read the token")


def _guarded(handler: Callable[..., Any], authorizer: Callable[..., Any]) -> Gateway:
    rules = AuthorizerRules(
        {"Auth": LambdaAuthorizer("Auth", authorizer)}, {"GET /items": RouteAuthorization("Auth")}
    )
    return Gateway(handler, "rest", routes=["GET /items"], authorizers=rules, raise_handler_exceptions=False)


#: (gateway, request headers, status, exact body): one row per kind of REST gateway answer.
CASES: dict[str, tuple[Callable[[], Gateway], dict[str, str], int, bytes]] = {
    "unauthorized-401-default-template": (
        lambda: _guarded(_ok, _failing_authorizer),
        {},
        401,
        b'{"message":"Unauthorized"}',
    ),
    "authorizer-failure-500-message-null": (
        lambda: _guarded(_ok, _failing_authorizer),
        {"Authorization": "t"},
        500,
        b'{"message":null}',
    ),
    "invalid-api-key-403-default-template": (
        lambda: Gateway(_ok, "rest", routes=["GET /items"], api_key_routes=["GET /items"], api_keys=["k"]),
        {"x-api-key": "wrong"},
        403,
        b'{"message":"Forbidden"}',
    ),
    "missing-authentication-token-403-default-template": (
        lambda: Gateway(_ok, "rest", routes=["GET /other"]),
        {},
        403,
        b'{"message":"Missing Authentication Token"}',
    ),
    "lambda-integration-failure-502-keeps-its-space": (
        lambda: Gateway(_raises, "rest", routes=["GET /items"], raise_handler_exceptions=False),
        {},
        502,
        b'{"message": "Internal server error"}',
    ),
    "binary-decode-failure-500-default-template": (
        lambda: Gateway(_not_base64, "rest", routes=["GET /items"], binary_media_types=["image/png"]),
        {"Accept": "image/png"},
        500,
        b'{"message":"Internal server error"}',
    ),
}


@pytest.mark.parametrize("case", list(CASES))
def test_rule_10_2_rest_gateway_answer_bytes_in_process(case: str) -> None:
    make, headers, status, body = CASES[case]
    with pytest.warns(GatewayErrorWarning):
        response = make().request("GET", "/items", headers=headers)
    assert (response.status_code, response.content) == (status, body)
    assert response.headers["Content-Length"] == str(len(body))
    assert response.headers["Content-Type"] == "application/json"


def _raw_get(url: str, headers: dict[str, str]) -> bytes:
    """One request over a real socket; the whole response, bytes as the server wrote them."""
    host, port = url.removeprefix("http://").split("/")[0].split(":")
    lines = ["GET /items HTTP/1.1", f"Host: {host}", "Connection: close"]
    lines += [f"{name}: {value}" for name, value in headers.items()]
    with socket.create_connection((host, int(port)), timeout=10) as sock:
        sock.sendall(("\r\n".join(lines) + "\r\n\r\n").encode())
        chunks = []
        while chunk := sock.recv(65536):
            chunks.append(chunk)
    return b"".join(chunks)


@pytest.mark.parametrize("case", list(CASES))
def test_rule_10_2_rest_gateway_answer_bytes_over_the_local_server(case: str) -> None:
    make, headers, status, body = CASES[case]
    with LocalGateway(make(), log=lambda line: None) as server:
        raw = _raw_get(server.url, headers)
    head, _, received = raw.partition(b"\r\n\r\n")
    assert head.startswith(f"HTTP/1.1 {status} ".encode())
    assert received == body
    assert f"\r\ncontent-length: {len(body)}\r\n".encode() in head.lower() + b"\r\n"
