"""Fuzz target of the HTTP/1.1 request parser (issue 12): mutated request heads and chunked bodies give a
parsed request or an :class:`HttpError`, never another exception, and what parses is clean.

A few hundred examples under the ``ci`` profile; many more under ``dev`` (see ``tests/_fuzz.py``).
"""

from __future__ import annotations

import re
import socket
import time

from hypothesis import given
from hypothesis import strategies as st

from apigw_emulator.server._http11 import (
    ClosedError,
    HttpError,
    StalledError,
    Stream,
    body_framing,
    check_host,
    expects_100_continue,
    parse_head,
    read_chunked,
    split_target,
    wants_keep_alive,
)

from .._fuzz import fuzz_settings

_TOKEN = re.compile(r"[!#$%&'*+\-.^_`|~0-9A-Za-z]+")
_VALUE_CONTROLS = re.compile("[\x00-\x08\x0a-\x1f\x7f]")

SEEDS = [
    b"GET / HTTP/1.1\r\nHost: x",
    b"POST /up?a=1 HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nContent-Type: image/png",
    b"POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nExpect: 100-continue",
    b"GET http://h/p?q HTTP/1.0\r\nConnection: keep-alive\r\nX-A: caf\xc3\xa9\r\nX-B: \xff\t v",
]
#: Bytes that matter to the grammar, to insert or overwrite with.
INTERESTING = st.sampled_from(list(b"\r\n\t :;,\x00\x7f\x80\xff0aZ-/?#%") + list(range(256)))


@st.composite
def mutated(draw: st.DrawFn, seeds: list[bytes]) -> bytes:
    """A seed with a few bytes inserted, replaced or deleted, and a few lines duplicated."""
    data = bytearray(draw(st.sampled_from(seeds)))
    for _ in range(draw(st.integers(0, 6))):
        position = draw(st.integers(0, len(data)))
        action = draw(st.sampled_from(["insert", "replace", "delete", "duplicate"]))
        if action == "insert":
            data[position:position] = bytes([draw(INTERESTING)])
        elif action == "replace" and position < len(data):
            data[position] = draw(INTERESTING)
        elif action == "delete" and position < len(data):
            del data[position : position + draw(st.integers(1, 4))]
        elif action == "duplicate":
            lines = bytes(data).split(b"\r\n")
            line = draw(st.sampled_from(lines))
            data[position:position] = b"\r\n" + line
    return bytes(data)


@fuzz_settings(ci_examples=300)
@given(head=mutated(SEEDS))
def test_fuzz_the_request_head_parser(head: bytes) -> None:
    try:
        parsed = parse_head(head)
        check_host(parsed)
        path, _query = split_target(parsed.target)
        framing = body_framing(parsed)
        expects_100_continue(parsed)
        wants_keep_alive(parsed)
    except HttpError as error:
        rejected: int | None = error.status
    else:
        rejected = None
    if rejected is not None:
        assert 400 <= rejected <= 599
        return
    assert path.startswith("/")
    assert framing.length >= 0
    assert _TOKEN.fullmatch(parsed.method)
    for name, value in parsed.headers:
        assert _TOKEN.fullmatch(name), name
        assert not _VALUE_CONTROLS.search(value), (name, value)
        assert value == value.strip(" \t")


CHUNKED_SEEDS = [
    b"5\r\nhello\r\n0\r\n\r\n",
    b"2;ext=1\r\nab\r\n1\r\nc\r\n0\r\nTrailer: x\r\n\r\n",
    b"0\r\n\r\n",
]


@fuzz_settings(ci_examples=200)
@given(body=mutated(CHUNKED_SEEDS))
def test_fuzz_the_chunked_body_reader(body: bytes) -> None:
    client, server = socket.socketpair()
    with client, server:
        client.sendall(body)
        client.shutdown(socket.SHUT_WR)
        stream = Stream(server, 1.0)
        try:
            decoded = read_chunked(stream, 1024, 256, time.monotonic() + 1.0)
        except (HttpError, ClosedError, StalledError):
            return
    assert decoded is None or len(decoded) <= 1024
