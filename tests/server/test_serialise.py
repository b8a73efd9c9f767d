"""The server's response serialiser: every header line it writes is valid (no response splitting), checked
in one pass, and a bad one is named."""

from __future__ import annotations

import pytest

from apigw_emulator.response import GatewayResponse
from apigw_emulator.server._http11 import BadResponseError, serialise


def head_of(headers: tuple[tuple[str, str], ...]) -> bytes:
    parts = serialise(GatewayResponse(200, headers, b"body"), send_body=True, keep_alive=True)
    return b"".join(parts).split(b"\r\n\r\n", 1)[0]


def test_valid_response_headers_are_written_in_order_with_their_duplicates() -> None:
    head = head_of(
        (("X-A", "1"), ("x-a", "2"), ("Set-Cookie", "a=b; Path=/"), ("X-Empty", ""), ("X-T", "a\tb é"))
    )
    assert head.decode("latin-1").split("\r\n")[1:] == [
        "X-A: 1",
        "x-a: 2",
        "Set-Cookie: a=b; Path=/",
        "X-Empty: ",
        "X-T: a\tb é",
        "Content-Length: 4",
        "Connection: keep-alive",
    ]


@pytest.mark.parametrize(
    ("name", "value", "named"),
    [
        ("X-Split", "a\r\nInjected: 1", "X-Split"),
        ("X-Lf", "a\nb", "X-Lf"),
        ("X-Nul", "a\x00b", "X-Nul"),
        ("X-Del", "a\x7f", "X-Del"),
        ("X-Surrogate", "a\ud800", "X-Surrogate"),
        ("Bad Name", "v", "Bad Name"),
        ("Bad\nName", "v", "Bad"),
        ("", "v", "''"),
    ],
)
def test_a_response_header_that_could_split_the_response_is_refused_and_named(
    name: str, value: str, named: str
) -> None:
    with pytest.raises(BadResponseError, match=named.replace("\n", "")):
        head_of((("X-Good", "1"), (name, value)))


def test_hop_by_hop_headers_are_dropped_before_the_check() -> None:
    head = head_of((("Connection", "bad\x01"), ("Transfer-Encoding", "chunked"), ("X-Ok", "1")))
    assert b"bad" not in head
    assert b"chunked" not in head
    assert b"X-Ok: 1" in head
