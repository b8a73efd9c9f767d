"""The wait for the next request on a keep-alive connection (``Stream.await_head``), on real sockets.

Where the system has ``MSG_DONTWAIT``, that wait is one blocking receive bounded by the socket's receive
timeout, and every other read and write stays non-blocking: these tests check what the wait answers and
that the timeout it sets never makes another operation wait past its own deadline."""

from __future__ import annotations

import socket
import struct
import threading
import time
from collections.abc import Iterator

import pytest

from apigw_emulator.server._http11 import ClosedError, StalledError, Stream

HEAD = b"GET /next HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
#: Bounds on waits that must end: generous, so that a loaded machine does not fail them.
AT_MOST = 5.0


@pytest.fixture
def connection() -> Iterator[tuple[socket.socket, socket.socket]]:
    """A loopback TCP connection: (the client's end, the server's end)."""
    with socket.create_server(("127.0.0.1", 0)) as listener:
        client = socket.create_connection(listener.getsockname()[:2])
        server, _ = listener.accept()
    with client, server:
        yield client, server


def send_later(sock: socket.socket, data: bytes, delay: float) -> threading.Thread:
    def send() -> None:
        time.sleep(delay)
        sock.sendall(data)

    thread = threading.Thread(target=send, daemon=True)
    thread.start()
    return thread


def test_the_idle_wait_takes_a_head_that_arrives_within_it(
    connection: tuple[socket.socket, socket.socket],
) -> None:
    client, server = connection
    stream = Stream(server, 10.0)
    sender = send_later(client, HEAD, 0.05)
    assert stream.await_head(65536, AT_MOST) is True
    sender.join()
    assert stream.read_head(65536, time.monotonic() + 1.0) == HEAD[:-4]


def test_the_idle_wait_gathers_a_head_sent_in_pieces(connection: tuple[socket.socket, socket.socket]) -> None:
    client, server = connection
    stream = Stream(server, 10.0)
    client.sendall(HEAD[:10])
    sender = send_later(client, HEAD[10:], 0.05)
    assert stream.await_head(65536, AT_MOST) is True
    sender.join()
    assert stream.read_head(65536, time.monotonic() + 1.0) == HEAD[:-4]


def test_the_idle_wait_ends_with_false_when_nothing_comes(
    connection: tuple[socket.socket, socket.socket],
) -> None:
    client, server = connection
    stream = Stream(server, 10.0)
    started = time.monotonic()
    assert stream.await_head(65536, 0.1) is False
    assert 0.09 <= time.monotonic() - started < AT_MOST
    client.sendall(HEAD)  # the connection is still usable: a later request is read as usual
    assert stream.await_head(65536, AT_MOST) is True


def test_the_idle_wait_reports_a_client_that_closed(connection: tuple[socket.socket, socket.socket]) -> None:
    client, server = connection
    stream = Stream(server, 10.0)
    client.close()
    assert stream.await_head(65536, AT_MOST) is None


def test_the_idle_wait_reports_a_reset_connection(connection: tuple[socket.socket, socket.socket]) -> None:
    client, server = connection
    stream = Stream(server, 10.0)
    client.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
    client.close()  # linger 0: a reset
    assert stream.await_head(65536, AT_MOST) is None


def test_a_long_idle_timeout_does_not_hold_a_read_past_its_deadline(
    connection: tuple[socket.socket, socket.socket],
) -> None:
    """The receive timeout the idle wait sets does not make a later read block past a shorter deadline:
    every other read is non-blocking and waits by its own deadline."""
    client, server = connection
    stream = Stream(server, 10.0)
    assert stream.await_head(65536, 0.01) is False  # sets the receive timeout...
    server.setsockopt(socket.SOL_SOCKET, socket.SO_RCVTIMEO, struct.pack("@ll", 30, 0))  # ...then 30 s
    client.sendall(b"GET / HTTP/1.1\r\n")
    started = time.monotonic()
    with pytest.raises(StalledError):
        stream.read_head(65536, time.monotonic() + 0.2)
    assert time.monotonic() - started < 2.0


def test_a_send_to_a_client_that_does_not_read_ends_at_its_timeout(
    connection: tuple[socket.socket, socket.socket],
) -> None:
    _, server = connection
    stream = Stream(server, 10.0)
    started = time.monotonic()
    assert stream.send([bytes(64 * 1024 * 1024)], 0.3) is False  # far over the socket buffers
    assert time.monotonic() - started < AT_MOST


def test_a_read_of_a_closed_connection_is_closed_not_a_wait(
    connection: tuple[socket.socket, socket.socket],
) -> None:
    client, server = connection
    stream = Stream(server, 10.0)
    client.close()
    with pytest.raises(ClosedError):
        stream.read_exact(10, time.monotonic() + AT_MOST)
