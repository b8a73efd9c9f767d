"""The server's memory grows with the bytes clients send, not with the bytes they announce (issue 12,
item 1): a declared Content-Length or chunk size is no allocation."""

from __future__ import annotations

import contextlib
import gc
import socket
import time
import tracemalloc
from collections.abc import Iterator

import pytest

from apigw_emulator import Gateway
from apigw_emulator.server import LocalGateway

from .conftest import ServerFactory

STALLED = 100
#: Time for the server to take in what the stalled clients sent.
SETTLE = 1.0
#: What the whole server may allocate for 100 stalled uploads: what they sent, the receive buffers and
#: one piece of body each; the announced bodies are 1 GB.
BOUND = 48 * 1024 * 1024


@contextlib.contextmanager
def stalled_uploads(port: int, heads: list[bytes]) -> Iterator[list[socket.socket]]:
    """Connections that sent ``heads`` (a body's first bytes included) and then nothing."""
    conns: list[socket.socket] = []
    try:
        for head in heads:
            conn = socket.create_connection(("127.0.0.1", port), timeout=5)
            conn.sendall(head)
            conns.append(conn)
        yield conns
    finally:
        for conn in conns:
            conn.close()


def traced_growth(server: LocalGateway, heads: list[bytes]) -> int:
    """The memory the server allocated (peak) while ``heads`` were stalled in it."""
    gc.collect()
    tracemalloc.start()
    try:
        before, _ = tracemalloc.get_traced_memory()
        with stalled_uploads(server.port, heads):
            time.sleep(SETTLE)  # every connection's thread reads its head and waits for the body
            _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return peak - before


@pytest.fixture
def server(serve: ServerFactory, rest_event_gateway: Gateway) -> LocalGateway:
    return serve(rest_event_gateway, timeout=10.0, max_connections=STALLED + 10)


def test_memory_stays_bounded_under_100_stalled_uploads_with_huge_declared_content_length(
    server: LocalGateway,
) -> None:
    head = b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 10485760\r\n\r\nx"
    assert traced_growth(server, [head] * STALLED) < BOUND


def test_memory_stays_bounded_under_100_stalled_uploads_with_huge_declared_chunks(
    server: LocalGateway,
) -> None:
    head = b"POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n9FFFFF\r\nx"
    assert traced_growth(server, [head] * STALLED) < BOUND


def test_memory_stays_bounded_under_100_oversized_uploads(server: LocalGateway) -> None:
    """Bodies announced over the 10 MB limit get the 413 with one shared stand-in body, not one each."""
    head = b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 99999999999\r\n\r\nx"
    assert traced_growth(server, [head] * STALLED) < BOUND
