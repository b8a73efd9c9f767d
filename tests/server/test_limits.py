"""Large bodies: read up to API Gateway's 10 MB limit, AWS's own 413 beyond it, never unbounded buffering."""

from __future__ import annotations

import contextlib
import json
import random
import socket
import threading
import time

import pytest

from apigw_emulator import Gateway
from apigw_emulator.server import LocalGateway

from ._raw import RawConnection, exchange, request_bytes
from .conftest import ServerFactory

MIB = 1024 * 1024
LIMIT = 10 * MIB
BINARY = "application/octet-stream"
AWS_413_BODY = b"HTTP content length exceeded 10485760 bytes."


@pytest.fixture
def server(serve: ServerFactory, binary_echo_gateway: Gateway) -> LocalGateway:
    return serve(binary_echo_gateway)


def send_in_background(conn: RawConnection, data: bytes) -> threading.Thread:
    """Send ``data`` from another thread, so the test can read while the server still receives."""

    def send() -> None:
        with contextlib.suppress(OSError):  # the server answered and closed before taking everything
            conn.send(data)

    thread = threading.Thread(target=send, daemon=True)
    thread.start()
    return thread


def test_a_4_mb_binary_body_goes_through_exactly(server: LocalGateway) -> None:
    body = random.Random(4).randbytes(4 * MIB)
    request = request_bytes("POST", "/echo", [("Content-Type", "image/jpeg"), ("Accept", "image/jpeg")], body)
    response = exchange(server.port, request)
    assert response.status == 200
    assert response.body == body


def test_a_5_mb_body_is_read_and_gets_lambdas_request_too_long(
    serve: ServerFactory, server: LocalGateway
) -> None:
    """Under 10 MB the server reads the body: the 413 is Lambda's 6 MB event limit (base64), not the
    server's."""
    body = bytes(5 * MIB)
    response = exchange(server.port, request_bytes("POST", "/echo", [("Content-Type", BINARY)], body))
    assert response.status == 413
    assert json.loads(response.body) == {"message": "Request Too Long"}
    assert "GatewayErrorWarning" in serve.text()


def test_an_11_mb_body_gets_aws_413_and_the_connection_closes(
    serve: ServerFactory, server: LocalGateway
) -> None:
    body = bytes(11 * MIB)
    with RawConnection(server.port) as conn:
        sender = send_in_background(conn, request_bytes("POST", "/echo", [("Content-Type", BINARY)], body))
        response = conn.read_response()
        assert response.status == 413
        assert response.body == AWS_413_BODY
        assert response.header("Connection") == "close"
        sender.join(timeout=5)
        assert conn.is_closed()
    log = serve.text()
    assert "POST /echo 413" in log
    assert "GatewayErrorWarning" in log
    assert "10485760-byte limit" in log
    assert exchange(server.port, request_bytes("GET", "/echo")).status == 200


def test_an_oversized_body_with_expect_gets_413_without_100(server: LocalGateway) -> None:
    head = request_bytes(
        "PUT",
        "/echo",
        [("Content-Type", BINARY), ("Expect", "100-continue"), ("Content-Length", str(LIMIT + 1))],
    )
    started = time.monotonic()
    with RawConnection(server.port) as conn:
        conn.send(head)
        response = conn.read_response()  # a 100 Continue here would fail read_response's framing
        assert response.status == 413
        assert response.body == AWS_413_BODY
        assert conn.is_closed()
    assert time.monotonic() - started < 1.0


def test_a_huge_content_length_is_not_buffered(server: LocalGateway) -> None:
    """A client announcing 1 TB and sending a little gets the 413 at once; nothing is allocated for it."""
    head = request_bytes("POST", "/echo", [("Content-Type", BINARY), ("Content-Length", str(2**40))])
    with RawConnection(server.port) as conn:
        conn.send(head + bytes(1000))
        conn.sock.shutdown(socket.SHUT_WR)
        response = conn.read_response()
    assert response.status == 413
    assert response.body == AWS_413_BODY


def test_a_chunked_body_over_the_limit_gets_413(server: LocalGateway) -> None:
    chunk = b"%x\r\n%s\r\n" % (MIB, bytes(MIB))
    head = request_bytes("POST", "/echo", [("Content-Type", BINARY), ("Transfer-Encoding", "chunked")])
    with RawConnection(server.port) as conn:
        sender = send_in_background(conn, head + chunk * 11 + b"0\r\n\r\n")
        response = conn.read_response()
        sender.join(timeout=5)
    assert response.status == 413
    assert response.body == AWS_413_BODY


def test_alb_answers_its_own_413_over_1_mb(serve: ServerFactory) -> None:
    server = serve(Gateway(lambda e, c: {"statusCode": 200}, api="alb"))
    response = exchange(server.port, request_bytes("POST", "/", [("Content-Type", BINARY)], bytes(MIB + 1)))
    assert response.status == 413
