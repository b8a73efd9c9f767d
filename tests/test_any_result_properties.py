"""Property: whatever a handler returns, every front door answers with a well-formed HTTP response, in-process
and through the local server, and the library never raises (``raise_handler_exceptions=False``).

Issue 12, "Done when": JSON-like values, strings with lone surrogates, any status, any headers.
"""

from __future__ import annotations

import re
import socket
import warnings
from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from apigw_emulator import Gateway
from apigw_emulator.errors import BinaryResponseWarning, GatewayErrorWarning
from apigw_emulator.response import GatewayResponse
from apigw_emulator.server import LocalGateway

from .test_hostile_results import FRONT_DOORS, nested

_TOKEN = re.compile(r"[!#$%&'*+\-.^_`|~0-9A-Za-z]+")
_VALUE_CONTROLS = re.compile("[\x00-\x08\x0a-\x1f\x7f\ud800-\udfff]")
_STATUS_LINE = re.compile(rb"HTTP/1\.1 ([2-5][0-9]{2}) [^\r\n]*\r\n")
_HEADER_LINE = re.compile(rb"([!#$%&'*+\-.^_`|~0-9A-Za-z]+): ?([^\x00-\x08\x0a-\x1f\x7f]*)\r\n")

# -- arbitrary handler results -------------------------------------------------------------------------------
#: Characters that break naive encoders: lone surrogates, CR/LF/NUL, non-ASCII digits, obs-text.
_NASTY = st.sampled_from(
    ["\ud800", "\udfff", "\r", "\n", "\x00", "\x01", "\x7f", "\u00b2", "\u0661", "é", "λ"]
)
texts = st.text(st.one_of(st.characters(exclude_categories=()), _NASTY), max_size=12)
json_like = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | texts,
    lambda children: st.lists(children, max_size=3) | st.dictionaries(texts, children, max_size=3),
    max_leaves=8,
)
statuses = st.one_of(
    st.integers(-1, 1000),
    st.sampled_from(["200", " 201 ", "\u00b2", "2e2", "9" * 5000, "", 200.0, True, None]),
    json_like,
)
header_names = st.one_of(
    st.sampled_from(["Content-Type", "Set-Cookie", "x-a", "Content-Length", "Via"]), texts
)
header_values = st.one_of(texts, st.booleans(), st.integers(), json_like)
proxy_results = st.fixed_dictionaries(
    {},
    optional={
        "statusCode": statuses,
        "headers": st.one_of(st.dictionaries(header_names, header_values, max_size=3), json_like),
        "multiValueHeaders": st.one_of(
            st.dictionaries(header_names, st.lists(header_values, max_size=2), max_size=2), json_like
        ),
        "body": st.one_of(texts, json_like, st.sampled_from(["aGVsbG8=", "not base64!"])),
        "isBase64Encoded": st.one_of(st.booleans(), json_like),
        "cookies": st.one_of(st.lists(texts, max_size=2), json_like),
        "extra": json_like,
    },
)
results = st.one_of(proxy_results, json_like, st.just(nested(100_000)), st.binary(max_size=8))


class Scripted:
    """A handler returning whatever the test set last."""

    def __init__(self) -> None:
        self.result: Any = None

    def __call__(self, event: Any, context: Any) -> Any:
        return self.result


def assert_well_formed(response: GatewayResponse) -> None:
    """What the library returns can be written as HTTP/1.1 and is a final status."""
    assert 200 <= response.status <= 599
    for name, value in response.headers:
        assert _TOKEN.fullmatch(name), name
        assert not _VALUE_CONTROLS.search(value), (name, value)
    assert isinstance(response.body, bytes)


# -- in-process ----------------------------------------------------------------------------------------------
HANDLER = Scripted()
GATEWAYS = {api: Gateway(HANDLER, api, raise_handler_exceptions=False) for api in FRONT_DOORS}


@given(result=results, api=st.sampled_from(sorted(FRONT_DOORS)))
def test_any_result_gets_a_well_formed_response_in_process(result: Any, api: str) -> None:
    HANDLER.result = result
    gateway = GATEWAYS[api]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", GatewayErrorWarning)
        warnings.simplefilter("ignore", BinaryResponseWarning)
        invocation = gateway.invoke(gateway.build_request("GET", "/", headers={"Accept": "*/*"}))
        assert_well_formed(invocation.response)
        response = gateway.request("GET", "/", headers={"Accept": "*/*"})
    assert response.status_code == invocation.response.status
    assert response.content == invocation.response.body


# -- through the server --------------------------------------------------------------------------------------
SERVER_HANDLER = Scripted()


@pytest.fixture(scope="module")
def servers() -> Iterator[dict[str, LocalGateway]]:
    started = {
        api: LocalGateway(Gateway(SERVER_HANDLER, api, raise_handler_exceptions=False), log=None).start()
        for api in FRONT_DOORS
    }
    try:
        yield started
    finally:
        for server in started.values():
            server.stop()


def read_strict_response(sock: socket.socket) -> tuple[int, bytes]:
    """Read one response, failing on anything that is not well-formed HTTP/1.1 with a Content-Length."""
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(65536)
        assert chunk, f"the server closed without a complete response: {data[:200]!r}"
        data += chunk
    head, _, rest = data.partition(b"\r\n\r\n")
    head += b"\r\n"
    status_line = _STATUS_LINE.match(head)
    assert status_line, head[:200]
    lengths = []
    pos = status_line.end()
    while pos < len(head):
        line = _HEADER_LINE.match(head, pos)
        assert line, head[pos : pos + 200]
        if line.group(1).lower() == b"content-length":
            lengths.append(int(line.group(2)))
        pos = line.end()
    assert len(lengths) == 1, head
    while len(rest) < lengths[0]:
        chunk = sock.recv(65536)
        assert chunk, "the server closed mid-body"
        rest += chunk
    assert len(rest) == lengths[0], "bytes after the body"
    return int(status_line.group(1)), rest


@given(result=results, api=st.sampled_from(sorted(FRONT_DOORS)))
def test_any_result_gets_a_well_formed_response_through_the_server(
    servers: dict[str, LocalGateway], result: Any, api: str
) -> None:
    SERVER_HANDLER.result = HANDLER.result = result
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", GatewayErrorWarning)
        warnings.simplefilter("ignore", BinaryResponseWarning)
        expected = GATEWAYS[api].invoke(GATEWAYS[api].build_request("GET", "/", headers={"Accept": "*/*"}))
    with socket.create_connection(("127.0.0.1", servers[api].port), timeout=10) as sock:
        sock.sendall(b"GET / HTTP/1.1\r\nHost: x\r\nAccept: */*\r\n\r\n")
        status, body = read_strict_response(sock)
    assert status == expected.response.status
    assert body == expected.response.body
