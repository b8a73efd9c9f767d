"""Hostile handler results through the socket: the client reads the front door's own response, the same as
in-process, and the connection stays usable (issue 12, items 2 and 3)."""

from __future__ import annotations

from typing import Any

import pytest
import requests

from apigw_emulator import Gateway
from apigw_emulator.errors import GatewayErrorWarning
from apigw_emulator.server import LocalGateway

from ..test_hostile_results import BAD_VALUE_BYTES, FRONT_DOORS, TOKEN_BYTES, nested
from ._raw import RawConnection, request_bytes
from .conftest import ServerFactory


class Scripted:
    """A handler returning whatever the test put in :attr:`result` last."""

    def __init__(self) -> None:
        self.result: Any = None

    def __call__(self, event: Any, context: Any) -> Any:
        return self.result


def scripted_server(serve: ServerFactory, api: str) -> tuple[Scripted, LocalGateway]:
    handler = Scripted()
    return handler, serve(Gateway(handler, api, raise_handler_exceptions=False))


@pytest.mark.parametrize("api", FRONT_DOORS)
def test_every_byte_in_response_header_names_and_values_through_the_server(
    serve: ServerFactory, api: str
) -> None:
    """Every byte value 0-255 in a header name and in a value, on one keep-alive connection: each answer
    is well-formed (the header sent as is where HTTP allows it, the front door's error otherwise), no byte
    of an invalid header reaches the wire, and the connection goes on."""
    handler, server = scripted_server(serve, api)
    with RawConnection(server.port) as conn:
        for byte in range(256):
            char = chr(byte)
            for name, value, valid in (
                (f"x-{char}", "v", byte in TOKEN_BYTES),
                ("x-a", f"v{char}v", byte not in BAD_VALUE_BYTES),
            ):
                handler.result = {"statusCode": 200, "headers": {name: value}, "body": "ok"}
                response = conn.exchange(request_bytes("GET", "/"))
                if valid:
                    assert response.status == 200, (byte, name, value)
                    sent = value.encode("latin-1").decode("latin-1")
                    assert (name.lower(), sent.strip()) in [(n.lower(), v) for n, v in response.headers]
                else:
                    assert response.status == FRONT_DOORS[api], (byte, name, value)
                    names = [n.lower() for n, _ in response.headers]
                    assert name.lower() not in names, (byte, name)
                    assert "x-a" not in names, (byte, value)


@pytest.mark.parametrize("api", FRONT_DOORS)
@pytest.mark.parametrize(
    "result",
    [
        {"statusCode": "\u00b2"},
        {"statusCode": 101},
        {"statusCode": 200, "body": "\ud800"},
        {"statusCode": 200, "headers": {"x-a": "\udfff"}},
        {"statusCode": 200, "headers": {"X-A\nSet-Cookie": "injected=1"}},
        {"statusCode": 200, "body": nested(100_000)},
    ],
    ids=["superscript-two", "1xx", "surrogate-body", "surrogate-header", "lf-in-name", "nested"],
)
def test_hostile_result_gets_the_front_doors_response_over_a_keep_alive_session(
    serve: ServerFactory, api: str, result: Any
) -> None:
    """A keep-alive ``requests.Session`` gets the front door's own answer at once (no hang until the idle
    timeout, no text/plain of the server's) and its next request is served."""
    handler, server = scripted_server(serve, api)
    expected = Gateway(handler, api, raise_handler_exceptions=False)
    handler.result = result
    with pytest.warns(GatewayErrorWarning):
        in_process = expected.request("GET", "/")
    with requests.Session() as session:
        response = session.get(server.url + "/", timeout=5)
        assert response.status_code == FRONT_DOORS[api] == in_process.status_code
        assert response.content == in_process.content
        assert "Set-Cookie" not in response.headers
        handler.result = {"statusCode": 200, "body": "next"}
        assert session.get(server.url + "/", timeout=5).text == "next"
