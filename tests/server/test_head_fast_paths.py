"""The server's shortcuts on the request side give what the general steps give, on real sockets:

- ``Stream.head`` takes a whole head from the buffer without the clock, else it is ``Stream.read_head``;
- the usual request line is parsed in one match, else by the checks one by one, with the same result;
- ``LocalGateway._parse`` remembers what a short head parses to: a head parsed again (from the memo) gives
  what a fresh parse gives, a refused head is refused each time, and the memo stays bounded.
"""

from __future__ import annotations

import socket
import time
from collections.abc import Iterator

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from apigw_emulator.gateway import Gateway
from apigw_emulator.server import LocalGateway, _local
from apigw_emulator.server._http11 import (
    ClosedError,
    HttpError,
    Stream,
    _parse_request_line,
    _parse_request_line_general,
    check_host,
    is_plain,
    parse_head,
    split_target,
)

PIECES = st.sampled_from(
    [
        b"GET / HTTP/1.1",
        b"POST /p?q=1 HTTP/1.0",
        b"\r\n",
        b"\n",
        b"\r",
        b"Host: h",
        b"X-A: 1",
        b"\r\n\r\n",
        b"\n\n",
        b"x" * 40,
        b"Content-Length: 3",
    ]
)


@pytest.fixture(scope="module")
def server() -> Iterator[LocalGateway]:
    """A server that is never started: its parse memo is what is tested."""
    gateway = Gateway(lambda event, context: {"statusCode": 200}, isolation="in-process")
    server = LocalGateway(gateway, log=None)
    yield server
    server.stop()
    gateway.close()


def ends_of(data: bytes, limit: int, fast: bool) -> tuple[object, bytes]:
    """What reading a head from ``data`` (the client then closed) gives: the head or the error, and what
    is left in the buffer."""
    ours, theirs = socket.socketpair()
    with ours, theirs:
        theirs.close()
        stream = Stream(ours, 1.0, data)
        try:
            result: object = (
                stream.head(limit, 1.0) if fast else stream.read_head(limit, time.monotonic() + 1)
            )
        except HttpError as exc:
            result = (exc.status, exc.detail)
        except ClosedError:
            result = "closed"
        return result, stream.take_received()


@settings(max_examples=300, deadline=None)
@given(pieces=st.lists(PIECES, max_size=8), limit=st.sampled_from([8, 30, 64, 65536]))
def test_taking_a_buffered_head_gives_what_reading_it_gives(pieces: list[bytes], limit: int) -> None:
    data = b"".join(pieces)
    assert ends_of(data, limit, fast=True) == ends_of(data, limit, fast=False)


def fresh_parse(data: bytes) -> tuple[object, ...]:
    """What the general steps make of a head: the parse, the target's parts and whether it is plain, or the
    refusal."""
    try:
        head = parse_head(data)
        plain = is_plain(head)
        if not plain:
            check_host(head)
        path, query = split_target(head.target)
    except HttpError as exc:
        return (exc.status, exc.detail)
    return head.method, head.target, head.version, head.headers, path, query, plain


def memo_parse(server: LocalGateway, data: bytes) -> tuple[object, ...]:
    try:
        parsed = server._parse(data)
    except HttpError as exc:
        return (exc.status, exc.detail)
    head = parsed.head
    if parsed.plain is not None:
        assert (parsed.plain.head, parsed.plain.path, parsed.plain.query) == (head, parsed.path, parsed.query)
        assert not parsed.plain.body
        assert parsed.plain.keep_alive
    return head.method, head.target, head.version, head.headers, parsed.path, parsed.query, bool(parsed.plain)


HEADS = st.builds(
    lambda line, fields: line + b"".join(b"\r\n" + field for field in fields),
    st.sampled_from(
        [
            b"GET / HTTP/1.1",
            b"GET /a?b=c HTTP/1.1",
            b"GET * HTTP/1.1",
            b"GET http://h/p HTTP/1.0",
            b"G T / HTTP/1.1",
        ]
    ),
    st.lists(
        st.sampled_from(
            [
                b"Host: h",
                b"host: other",
                b"Connection: close",
                b"Content-Length: 2",
                b"X-A: \xc3\xa9",
                b"Bad Name: v",
            ]
        ),
        max_size=4,
    ),
)


@settings(max_examples=300, deadline=None)
@given(data=HEADS)
def test_a_remembered_head_gives_what_a_fresh_parse_gives(server: LocalGateway, data: bytes) -> None:
    expected = fresh_parse(data)
    assert memo_parse(server, data) == expected
    assert memo_parse(server, data) == expected  # from the memo, unless it was refused
    assert (data in server._heads) == (not isinstance(expected[0], int))


def test_the_head_memo_is_bounded_and_keeps_no_long_head(server: LocalGateway) -> None:
    for number in range(_local._MEMO_HEADS * 2 + 3):
        server._parse(b"GET /%d HTTP/1.1\r\nHost: h" % number)
        assert len(server._heads) <= _local._MEMO_HEADS
    long_head = b"GET / HTTP/1.1\r\nHost: h\r\nX-Long: " + b"v" * _local._MEMO_HEAD_BYTES
    server._parse(long_head)
    assert long_head not in server._heads


METHODS = st.sampled_from([b"GET", b"M-SEARCH", b"G@T", b"", b"G\xc3\xa9T"])
TARGETS = st.sampled_from([b"/", b"/a?b=c", b"*", b"/\xc3\xa9", b"/\x7f", b"/a\tb", b"h://x/y", b""])
VERSIONS = st.sampled_from(
    [b"HTTP/1.1", b"HTTP/1.0", b"HTTP/2.0", b"HTTP/0.9", b"HTTP/1.x", b"http/1.1", b"HTTP/1.10"]
)
SEPARATORS = st.sampled_from([b" ", b" ", b" ", b"", b"  ", b"\t"])
REQUEST_LINES = st.builds(
    lambda method, first, target, second, version: method + first + target + second + version,
    METHODS,
    SEPARATORS,
    TARGETS,
    SEPARATORS,
    VERSIONS,
)


def line_outcome(parse: object, line: bytes) -> object:
    try:
        return parse(line)  # type: ignore[operator]
    except HttpError as exc:
        return (exc.status, exc.detail)


@settings(max_examples=500, deadline=None)
@given(line=REQUEST_LINES)
def test_the_one_match_request_line_gives_what_the_checks_give(line: bytes) -> None:
    assert line_outcome(_parse_request_line, line) == line_outcome(_parse_request_line_general, line)


@given(line=st.binary(max_size=40))
def test_any_request_line_bytes_parse_alike_both_ways(line: bytes) -> None:
    assert line_outcome(_parse_request_line, line) == line_outcome(_parse_request_line_general, line)
