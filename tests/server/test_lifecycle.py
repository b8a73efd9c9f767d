"""Starting, serving and stopping: free ports, the context manager, ``serve_forever`` and a clean stop."""

from __future__ import annotations

import re
import signal
import socket
import threading
import time

import pytest

from apigw_emulator import Gateway
from apigw_emulator.server import LocalGateway

from ._raw import RawConnection, exchange, request_bytes


def assert_closed(port: int) -> None:
    """Nothing listens on ``port`` any more."""
    with pytest.raises(ConnectionRefusedError), socket.create_connection(("127.0.0.1", port), timeout=1):
        pass


def test_the_context_manager_serves_on_a_free_loopback_port(rest_event_gateway: Gateway) -> None:
    with LocalGateway(rest_event_gateway, log=None) as server:
        assert re.fullmatch(r"http://127\.0\.0\.1:\d+", server.url)
        assert server.url.endswith(f":{server.port}")
        assert server.port > 0
        assert exchange(server.port, request_bytes("GET", "/")).status == 200
    assert_closed(server.port)


def test_the_port_is_known_before_serving_and_a_taken_port_raises(rest_event_gateway: Gateway) -> None:
    server = LocalGateway(rest_event_gateway, log=None)
    try:
        assert server.port > 0
        with pytest.raises(OSError, match="in use"):
            LocalGateway(rest_event_gateway, port=server.port, log=None)
    finally:
        server.stop()


def test_stop_is_idempotent_and_a_stopped_server_cannot_restart(rest_event_gateway: Gateway) -> None:
    server = LocalGateway(rest_event_gateway, log=None).start()
    with pytest.raises(RuntimeError, match="already serving"):
        server.start()
    server.stop()
    server.stop()
    with pytest.raises(RuntimeError, match="stopped"):
        server.start()
    assert "LocalGateway(" in repr(server)


def test_stop_closes_idle_keep_alive_connections_at_once(rest_event_gateway: Gateway) -> None:
    server = LocalGateway(rest_event_gateway, log=None, timeout=30).start()
    try:
        connections = [RawConnection(server.port) for _ in range(3)]
        for conn in connections:
            assert conn.exchange(request_bytes("GET", "/")).status == 200
        started = time.monotonic()
    finally:
        server.stop()
    assert time.monotonic() - started < 1.0
    for conn in connections:
        assert conn.is_closed()
        conn.close()


def test_serve_forever_blocks_until_stop(rest_event_gateway: Gateway) -> None:
    server = LocalGateway(rest_event_gateway, log=None)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        assert exchange(server.port, request_bytes("GET", "/")).status == 200
    finally:
        server.stop()
        thread.join(timeout=5)
    assert not thread.is_alive()


@pytest.mark.skipif(not hasattr(signal, "pthread_kill"), reason="needs POSIX signals")
def test_serve_forever_ends_cleanly_on_ctrl_c(rest_event_gateway: Gateway) -> None:
    """A real SIGINT while serving in the main thread: serve_forever returns and the port is closed."""
    server = LocalGateway(rest_event_gateway, log=None)
    main = threading.main_thread().ident
    assert main == threading.get_ident()
    statuses: list[int] = []
    returned = threading.Event()

    def press_ctrl_c() -> None:
        statuses.append(exchange(server.port, request_bytes("GET", "/")).status)  # the loop is serving
        signal.pthread_kill(main, signal.SIGINT)
        if not returned.wait(5):  # never leave the suite hanging if the signal went astray
            server.stop()

    # A shell running the suite in the background starts it with SIGINT ignored: install Python's own.
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    helper = threading.Thread(target=press_ctrl_c, daemon=True)
    try:
        helper.start()
        server.serve_forever()
        returned.set()
    finally:
        signal.signal(signal.SIGINT, previous)
        helper.join(timeout=10)
    assert statuses == [200]
    assert_closed(server.port)


@pytest.mark.parametrize("option", ["timeout", "max_header_bytes", "max_connections"])
def test_limits_must_be_positive(rest_event_gateway: Gateway, option: str) -> None:
    with pytest.raises(ValueError, match="positive"):
        LocalGateway(rest_event_gateway, log=None, **{option: 0})  # type: ignore[arg-type]


def test_ipv6_loopback(rest_event_gateway: Gateway) -> None:
    if not socket.has_ipv6:
        pytest.skip("no IPv6 support")
    try:
        server = LocalGateway(rest_event_gateway, host="::1", log=None)
    except OSError:
        pytest.skip("no IPv6 loopback here")
    with server:
        assert server.url == f"http://[::1]:{server.port}"
        with socket.create_connection(("::1", server.port), timeout=5) as sock:
            sock.sendall(request_bytes("GET", "/v6", host="[::1]"))
            assert sock.recv(64).startswith(b"HTTP/1.1 200 OK")
