"""Broken and hostile clients get an error status or a closed connection within a bounded time, and the
server goes on serving everyone else."""

from __future__ import annotations

import socket
import threading
import time

import pytest

from apigw_emulator import Gateway
from apigw_emulator.server import LocalGateway

from ._raw import RawConnection, exchange, request_bytes
from .conftest import ServerFactory

#: The server's per-request deadline in these tests.
TIMEOUT = 0.3
#: The longest any case may take to be answered or closed.
BOUND = 2.0

HOST = b"Host: x\r\n"
GOOD = request_bytes("GET", "/after")


@pytest.fixture
def server(serve: ServerFactory, rest_event_gateway: Gateway) -> LocalGateway:
    return serve(rest_event_gateway, timeout=TIMEOUT)


def answer_or_close(port: int, data: bytes, *, shut_write: bool = False) -> tuple[int | None, float]:
    """Send ``data``; return the status of the answer (None when the server just closed) and the time."""
    started = time.monotonic()
    with RawConnection(port, timeout=BOUND) as conn:
        conn.send(data)
        if shut_write:
            conn.sock.shutdown(socket.SHUT_WR)
        try:
            status = conn.read_response().status
        except (ConnectionError, ValueError):
            status = None
        else:
            assert conn.is_closed(), "the server must close the connection after an error"
    return status, time.monotonic() - started


def assert_still_serving(port: int) -> None:
    assert exchange(port, GOOD).status == 200


MALFORMED = {
    "garbage request line": (b"GARBAGE\r\n\r\n", 400),
    "two spaces in the request line": (b"GET  / HTTP/1.1\r\n" + HOST + b"\r\n", 400),
    "space in the target": (b"GET /a b HTTP/1.1\r\n" + HOST + b"\r\n", 400),
    "bad method characters": (b"G(T / HTTP/1.1\r\n" + HOST + b"\r\n", 400),
    "unknown version form": (b"GET / HTTP/one\r\n" + HOST + b"\r\n", 400),
    "HTTP/2 on a HTTP/1 connection": (b"GET / HTTP/2.0\r\n" + HOST + b"\r\n", 505),
    "TLS on the plain port": (b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03" + bytes(32) + b"\r\n\r\n", 400),
    "control character in the target": (b"GET /a\x01b HTTP/1.1\r\n" + HOST + b"\r\n", 400),
    "fragment in the target": (b"GET /a#frag HTTP/1.1\r\n" + HOST + b"\r\n", 400),
    "asterisk target": (b"OPTIONS * HTTP/1.1\r\n" + HOST + b"\r\n", 400),
    "header line without colon": (b"GET / HTTP/1.1\r\n" + HOST + b"NoColon\r\n\r\n", 400),
    "space before the colon": (b"GET / HTTP/1.1\r\n" + HOST + b"X-A : 1\r\n\r\n", 400),
    "empty header name": (b"GET / HTTP/1.1\r\n" + HOST + b": value\r\n\r\n", 400),
    "obsolete line folding": (b"GET / HTTP/1.1\r\n" + HOST + b"X-A: 1\r\n  folded\r\n\r\n", 400),
    "bare LF inside a value": (b"GET / HTTP/1.1\r\n" + HOST + b"X-A: a\nX-Injected: 1\r\n\r\n", 400),
    "bare CR inside a value": (b"GET / HTTP/1.1\r\n" + HOST + b"X-A: a\rX-Injected: 1\r\n\r\n", 400),
    "NUL inside a value": (b"GET / HTTP/1.1\r\n" + HOST + b"X-A: a\x00b\r\n\r\n", 400),
    "bare LF line endings": (b"GET / HTTP/1.1\nHost: x\n\n", 400),
    "HTTP/1.1 without Host": (b"GET / HTTP/1.1\r\n\r\n", 400),
    "two Host headers": (b"GET / HTTP/1.1\r\n" + HOST + HOST + b"\r\n", 400),
    "non-numeric Content-Length": (b"POST / HTTP/1.1\r\n" + HOST + b"Content-Length: abc\r\n\r\n", 400),
    "negative Content-Length": (b"POST / HTTP/1.1\r\n" + HOST + b"Content-Length: -1\r\n\r\n", 400),
    "signed Content-Length": (b"POST / HTTP/1.1\r\n" + HOST + b"Content-Length: +3\r\n\r\nabc", 400),
    "hex Content-Length": (b"POST / HTTP/1.1\r\n" + HOST + b"Content-Length: 0x3\r\n\r\nabc", 400),
    "underscore Content-Length": (b"POST / HTTP/1.1\r\n" + HOST + b"Content-Length: 1_0\r\n\r\n", 400),
    "conflicting Content-Length list": (
        b"POST / HTTP/1.1\r\n" + HOST + b"Content-Length: 3, 4\r\n\r\nabcd",
        400,
    ),
    "two different Content-Length": (
        b"POST / HTTP/1.1\r\n" + HOST + b"Content-Length: 3\r\nContent-Length: 4\r\n\r\nabcd",
        400,
    ),
    "Content-Length and Transfer-Encoding": (
        b"POST / HTTP/1.1\r\n" + HOST + b"Content-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
        400,
    ),
    "chunked not last": (b"POST / HTTP/1.1\r\n" + HOST + b"Transfer-Encoding: chunked, gzip\r\n\r\n", 400),
    "chunked twice": (b"POST / HTTP/1.1\r\n" + HOST + b"Transfer-Encoding: chunked, chunked\r\n\r\n", 400),
    "unknown transfer coding": (
        b"POST / HTTP/1.1\r\n" + HOST + b"Transfer-Encoding: gzip, chunked\r\n\r\n",
        501,
    ),
    "identity transfer coding": (b"POST / HTTP/1.1\r\n" + HOST + b"Transfer-Encoding: identity\r\n\r\n", 400),
    "non-hex chunk size": (b"POST / HTTP/1.1\r\n" + HOST + b"Transfer-Encoding: chunked\r\n\r\nzz\r\n", 400),
    "empty chunk size": (
        b"POST / HTTP/1.1\r\n" + HOST + b"Transfer-Encoding: chunked\r\n\r\n\r\nab\r\n",
        400,
    ),
    "negative chunk size": (b"POST / HTTP/1.1\r\n" + HOST + b"Transfer-Encoding: chunked\r\n\r\n-1\r\n", 400),
    "0x chunk size": (
        b"POST / HTTP/1.1\r\n" + HOST + b"Transfer-Encoding: chunked\r\n\r\n0x2\r\nab\r\n",
        400,
    ),
    "huge chunk size": (
        b"POST / HTTP/1.1\r\n" + HOST + b"Transfer-Encoding: chunked\r\n\r\n" + b"f" * 17 + b"\r\n",
        400,
    ),
    "chunk without CRLF after its data": (
        b"POST / HTTP/1.1\r\n" + HOST + b"Transfer-Encoding: chunked\r\n\r\n2\r\nabXX0\r\n\r\n",
        400,
    ),
    "overlong chunk size line": (
        b"POST / HTTP/1.1\r\n" + HOST + b"Transfer-Encoding: chunked\r\n\r\n1;" + b"x" * 5000 + b"\r\n",
        400,
    ),
    "unknown expectation": (
        b"POST / HTTP/1.1\r\n" + HOST + b"Expect: 200-ok\r\nContent-Length: 2\r\n\r\nab",
        417,
    ),
}


@pytest.mark.parametrize("case", MALFORMED)
def test_malformed_requests_get_their_status_and_a_closed_connection(server: LocalGateway, case: str) -> None:
    data, expected = MALFORMED[case]
    status, elapsed = answer_or_close(server.port, data)
    assert status == expected
    assert elapsed < BOUND
    assert_still_serving(server.port)


STALLS = {
    "mid request line": b"GET /slow",
    "mid headers": b"GET / HTTP/1.1\r\nHost: x\r\nX-Slow: ",
    "body shorter than its Content-Length": b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\nonly",
    "chunked body that stops": b"POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nab",
    "missing last chunk": b"POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nab\r\n",
}


@pytest.mark.parametrize("case", STALLS)
def test_a_client_that_stalls_gets_408_after_the_timeout(server: LocalGateway, case: str) -> None:
    status, elapsed = answer_or_close(server.port, STALLS[case])
    assert status == 408
    assert TIMEOUT * 0.9 <= elapsed < BOUND
    assert_still_serving(server.port)


def test_a_client_that_sends_nothing_is_closed_after_the_timeout(server: LocalGateway) -> None:
    started = time.monotonic()
    with RawConnection(server.port, timeout=BOUND) as conn:
        assert conn.is_closed()
    assert time.monotonic() - started < BOUND
    assert_still_serving(server.port)


def test_a_slow_loris_cannot_extend_its_deadline(server: LocalGateway) -> None:
    """One byte at a time, each within the timeout: the whole head still has one deadline."""
    started = time.monotonic()
    status: int | None = None
    with RawConnection(server.port, timeout=BOUND) as conn:
        try:
            for byte in b"GET / HTTP/1.1\r\nHost: x\r\nX-Slow: " + b"a" * 100:
                conn.send(bytes([byte]))
                time.sleep(TIMEOUT / 5)
        except OSError:  # the server answered and closed while we were sending
            pass
        try:
            status = conn.read_response().status
        except (ConnectionError, ValueError):
            status = None
    assert status in (408, None)
    assert time.monotonic() - started < TIMEOUT * 4


@pytest.mark.parametrize(
    ("case", "data"),
    [
        ("client closes mid head", b"GET / HTTP/1.1\r\nHost"),
        ("client closes mid body", b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\nabc"),
    ],
)
def test_a_client_that_leaves_mid_request_gets_nothing(server: LocalGateway, case: str, data: bytes) -> None:
    status, elapsed = answer_or_close(server.port, data, shut_write=True)
    assert status is None
    assert elapsed < BOUND
    assert_still_serving(server.port)


def test_a_header_section_over_the_limit_gets_431(server: LocalGateway) -> None:
    huge = b"GET / HTTP/1.1\r\nHost: x\r\n" + b"".join(
        b"X-Filler-%d: %s\r\n" % (i, b"v" * 100) for i in range(700)
    )
    status, elapsed = answer_or_close(server.port, huge + b"\r\n")
    assert status == 431
    assert elapsed < BOUND
    assert_still_serving(server.port)


def test_a_request_line_over_the_limit_gets_414(server: LocalGateway) -> None:
    status, _ = answer_or_close(server.port, b"GET /" + b"a" * 70_000 + b" HTTP/1.1\r\nHost: x\r\n\r\n")
    assert status == 414
    assert_still_serving(server.port)


def test_the_header_limit_is_configurable(serve: ServerFactory, rest_event_gateway: Gateway) -> None:
    server = serve(rest_event_gateway, max_header_bytes=200)
    assert exchange(server.port, request_bytes("GET", "/", [("X-A", "a" * 100)])).status == 200
    status, _ = answer_or_close(server.port, request_bytes("GET", "/", [("X-A", "a" * 300)]))
    assert status == 431


def test_a_stalled_client_does_not_block_others(serve: ServerFactory, rest_event_gateway: Gateway) -> None:
    server = serve(rest_event_gateway, timeout=3.0)
    with RawConnection(server.port) as stalled:
        stalled.send(b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\nhalf")
        started = time.monotonic()
        for _ in range(3):
            assert exchange(server.port, GOOD).status == 200
        assert time.monotonic() - started < 1.0


def test_over_max_connections_a_client_gets_503(serve: ServerFactory, rest_event_gateway: Gateway) -> None:
    server = serve(rest_event_gateway, max_connections=1)
    with RawConnection(server.port) as first:
        assert first.exchange(GOOD).status == 200  # the first connection is being served and kept open
        status, _ = answer_or_close(server.port, GOOD)
        assert status in (503, None)
        assert first.exchange(GOOD).status == 200
    assert "refused" in serve.text()


def test_256_clients_trickling_their_headers_do_not_lock_out_ready_requests(
    serve: ServerFactory, rest_event_gateway: Gateway
) -> None:
    # Slowloris: as many connections as the server has threads, each sending a header byte now and then.
    # They wait for their heads without a thread; every ready request is served meanwhile.
    server = serve(rest_event_gateway, timeout=30.0)  # no trickler is cut during the test
    tricklers = [socket.create_connection(("127.0.0.1", server.port), timeout=BOUND) for _ in range(256)]
    try:
        for sock in tricklers:
            sock.sendall(b"GET /slow HTTP/1.1\r\nHost: x\r\nX-Slow: ")
        statuses = []
        for _ in range(30):  # bounded: 30 requests, each between two trickled bytes
            for sock in tricklers:
                sock.sendall(b"a")
            statuses.append(exchange(server.port, GOOD, timeout=BOUND).status)
        assert statuses == [200] * 30
        with RawConnection(server.port, timeout=BOUND) as keep_alive:  # and a keep-alive client, twice
            assert keep_alive.exchange(GOOD).status == 200
            time.sleep(0.3)  # idle past the keep-alive grace: its connection waits in the selector
            assert keep_alive.exchange(GOOD).status == 200
    finally:
        for sock in tricklers:
            sock.close()
    assert "refused" not in serve.text()


def test_a_trickled_head_that_never_ends_gets_408_at_the_timeout(
    serve: ServerFactory, rest_event_gateway: Gateway
) -> None:
    server = serve(rest_event_gateway, timeout=0.5)
    started = time.monotonic()
    with RawConnection(server.port, timeout=BOUND) as conn:
        conn.send(b"GET / HTTP/1.1\r\nHost: x\r\n")
        assert conn.read_response().status == 408
        assert conn.is_closed()
    assert time.monotonic() - started < BOUND


def test_over_max_waiting_connections_a_client_gets_503(
    serve: ServerFactory, rest_event_gateway: Gateway
) -> None:
    server = serve(rest_event_gateway, max_waiting_connections=2, timeout=3.0)
    with RawConnection(server.port) as first, RawConnection(server.port) as second:
        first.send(b"GET / HTTP/1.1\r\n")
        second.send(b"GET / HTTP/1.1\r\n")
        time.sleep(0.2)  # both are waiting for their heads
        status, _ = answer_or_close(server.port, GOOD)
        assert status in (503, None)
        first.send(HOST + b"\r\n")
        assert first.read_response().status == 200  # a waiting connection goes on when its head is whole
    assert "connections waiting for a request" in serve.text()


def test_many_hostile_clients_at_once_leave_the_server_serving(server: LocalGateway) -> None:
    cases = [data for data, _ in MALFORMED.values()] + list(STALLS.values())
    results: list[int | None] = []

    def attack(data: bytes) -> None:
        results.append(answer_or_close(server.port, data)[0])

    threads = [threading.Thread(target=attack, args=(data,)) for data in cases]
    for thread in threads:
        thread.start()
    assert_still_serving(server.port)
    for thread in threads:
        thread.join(timeout=BOUND * 2)
    assert len(results) == len(cases)
    assert all(status is None or status >= 400 for status in results)
    assert_still_serving(server.port)


@pytest.mark.parametrize(
    "value",
    [
        b" \t" * 30_000 + b"\x01",
        b"a" + b" " * 60_000 + b"\x01",
        b"a " * 30_000 + b"\x7f",
        b"a" + b" " * 60_000,
    ],
    ids=["whitespace", "inner spaces", "alternating", "trailing spaces"],
)
def test_pathological_whitespace_is_parsed_in_linear_time(server: LocalGateway, value: bytes) -> None:
    started = time.monotonic()
    head = b"GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\nX-A: " + value + b"\r\n\r\n"
    status, _ = answer_or_close(server.port, head)
    assert status == (200 if value.endswith(b" ") else 400)
    assert time.monotonic() - started < 0.5


@pytest.mark.parametrize("connection", ["keep-alive", "Keep-Alive, x"])
def test_http_1_0_with_transfer_encoding_closes_after_the_message(
    server: LocalGateway, connection: str
) -> None:
    """RFC 9112 6.1: an HTTP/1.0 message with Transfer-Encoding has untrusted framing. It is answered and
    the connection closes, so that a request smuggled behind its body is never served."""
    smuggled = b"GET /smuggled HTTP/1.1\r\nHost: x\r\n\r\n"
    data = (
        b"POST / HTTP/1.0\r\nHost: x\r\nConnection: " + connection.encode() + b"\r\n"
        b"Transfer-Encoding: chunked\r\n\r\n2\r\nab\r\n0\r\n\r\n" + smuggled
    )
    with RawConnection(server.port, timeout=BOUND) as conn:
        conn.send(data)
        response = conn.read_response()
        assert response.status == 200
        assert response.header("Connection") == "close"
        assert conn.is_closed()
    assert_still_serving(server.port)


def test_content_length_of_5000_digits_gets_413_not_a_dropped_connection(server: LocalGateway) -> None:
    """int() refuses strings over 4300 digits: such a length is simply over the limit."""
    data = b"POST / HTTP/1.1\r\n" + HOST + b"Content-Length: " + b"9" * 5000 + b"\r\n\r\nx"
    status, elapsed = answer_or_close(server.port, data)
    assert status == 413
    assert elapsed < BOUND
    assert_still_serving(server.port)


def test_rejections_quote_client_values_briefly(serve: ServerFactory, rest_event_gateway: Gateway) -> None:
    server = serve(rest_event_gateway, timeout=TIMEOUT)
    data = b"POST / HTTP/1.1\r\n" + HOST + b"Expect: " + b"e" * 30_000 + b"\r\nContent-Length: 1\r\n\r\nx"
    with RawConnection(server.port, timeout=BOUND) as conn:
        response = conn.exchange(data)
    assert response.status == 417
    assert len(response.body) < 500
