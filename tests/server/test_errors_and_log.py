"""Handler errors, the request log and the library's warnings, captured per request and never raised in
the test (which runs with ``filterwarnings = error``)."""

from __future__ import annotations

import threading
import time
import warnings
from typing import Any

import pytest

from apigw_emulator import Gateway, LambdaContext
from apigw_emulator.server import LocalGateway

from ._raw import RawConnection, exchange, request_bytes
from .conftest import ServerFactory, failing

JPEG_START = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00"


@pytest.mark.parametrize("raise_handler_exceptions", [True, False])
def test_a_raising_handler_gives_502_and_the_next_request_works(
    serve: ServerFactory, raise_handler_exceptions: bool
) -> None:
    calls: list[str] = []

    def flaky(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
        calls.append(event["path"])
        if event["path"] == "/boom":
            raise ValueError("the handler is broken")
        return {"statusCode": 200, "body": "fine"}

    server = serve(Gateway(flaky, api="rest", raise_handler_exceptions=raise_handler_exceptions))
    with RawConnection(server.port) as conn:
        broken = conn.exchange(request_bytes("GET", "/boom"))
        assert broken.status == 502
        assert broken.body == b'{"message": "Internal server error"}'
        assert conn.exchange(request_bytes("GET", "/fine")).body == b"fine"
    log = serve.text()
    assert "GET /boom 502" in log
    assert "ValueError: the handler is broken" in log
    assert "Traceback" in log
    assert calls == ["/boom", "/fine"]


@pytest.mark.parametrize(("api", "status"), [("http", 500), ("function-url", 502), ("alb", 502)])
def test_each_front_door_answers_a_handler_error_its_way(serve: ServerFactory, api: str, status: int) -> None:
    server = serve(Gateway(failing, api=api))
    assert exchange(server.port, request_bytes("GET", "/")).status == status


def test_a_handler_exiting_is_a_502_not_a_dead_server(serve: ServerFactory) -> None:
    def exits(event: dict[str, Any], context: LambdaContext) -> None:
        raise SystemExit(3)

    server = serve(Gateway(exits, api="rest"))
    assert exchange(server.port, request_bytes("GET", "/")).status == 502
    assert exchange(server.port, request_bytes("GET", "/")).status == 502


def test_a_gateway_without_handler_is_the_servers_502(serve: ServerFactory) -> None:
    server = serve(Gateway(None, api="rest"))
    response = exchange(server.port, request_bytes("GET", "/"))
    assert response.status == 502
    assert b"ConfigurationError" in response.body
    assert "this Gateway has no handler" in serve.text()


def test_a_response_header_holding_a_newline_is_not_sent(serve: ServerFactory) -> None:
    def injects(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
        return {"statusCode": 200, "headers": {"X-A": "a\r\nX-Injected: 1"}, "body": ""}

    server = serve(Gateway(injects, api="http"))
    response = exchange(server.port, request_bytes("GET", "/"))
    assert response.status == 500  # the front door's own answer, as in-process (issue 12)
    assert response.body == b'{"message":"Internal Server Error"}'
    assert response.header("X-Injected") is None
    assert "no HTTP header can carry" in serve.text()


def test_each_request_is_logged_with_status_duration_and_base64(
    serve: ServerFactory, binary_echo_gateway: Gateway
) -> None:
    server = serve(binary_echo_gateway)
    exchange(server.port, request_bytes("POST", "/up?x=1", [("Content-Type", "image/jpeg")], JPEG_START))
    exchange(server.port, request_bytes("GET", "/down"))
    post, get = (line for line in serve.log if line.startswith(("POST", "GET")))
    method, target, status, duration, unit, flag = post.split(" ")
    assert (method, target, status, unit, flag) == ("POST", "/up?x=1", "200", "ms", "isBase64Encoded=true")
    assert float(duration) >= 0
    assert get.endswith("isBase64Encoded=false")


def test_a_rejected_request_is_logged_with_the_reason(
    serve: ServerFactory, rest_event_gateway: Gateway
) -> None:
    server = serve(rest_event_gateway)
    exchange(server.port, b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: x\r\n\r\n")
    assert any(line.startswith("POST / 400") and "invalid Content-Length" in line for line in serve.log)


def test_the_librarys_warnings_go_to_the_log_not_to_the_test(serve: ServerFactory) -> None:
    """A REST API without binary media types corrupts a JPEG; the warning is logged under the request."""
    server = serve(Gateway(lambda e, c: {"statusCode": 200, "body": "ok"}, api="rest"))
    filters_before = list(warnings.filters)
    show_before = warnings.showwarning
    response = exchange(
        server.port, request_bytes("POST", "/photo", [("Content-Type", "image/jpeg")], JPEG_START)
    )
    assert response.status == 200
    index = next(i for i, line in enumerate(serve.log) if line.startswith("POST /photo 200"))
    assert "BinaryBodyCorruptedWarning" in serve.log[index + 1]
    assert warnings.filters == filters_before
    assert warnings.showwarning is show_before
    with pytest.raises(UserWarning, match="still an error"):  # the test's own filter is untouched
        warnings.warn("still an error", UserWarning, stacklevel=1)


def test_the_handlers_own_warnings_are_logged(serve: ServerFactory) -> None:
    def deprecated(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
        warnings.warn("old API", DeprecationWarning, stacklevel=1)
        return {"statusCode": 200, "body": "ok"}

    server = serve(Gateway(deprecated, api="http"))
    assert exchange(server.port, request_bytes("GET", "/")).status == 200
    assert "DeprecationWarning: old API" in serve.text()


def test_a_log_callable_that_fails_does_not_break_serving(
    serve: ServerFactory, rest_event_gateway: Gateway
) -> None:
    def broken_log(line: str) -> None:
        raise OSError("disk full")

    server = serve(rest_event_gateway, log=broken_log)
    assert exchange(server.port, request_bytes("GET", "/")).status == 200


def test_slow_handlers_of_different_clients_run_at_the_same_time(serve: ServerFactory) -> None:
    """Warnings are captured per request without a lock around the handler: two slow requests overlap."""
    delay = 0.4

    def slow(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
        time.sleep(delay)
        warnings.warn(f"slow {event['rawPath']}", UserWarning, stacklevel=1)
        return {"statusCode": 200, "body": event["rawPath"]}

    server = serve(Gateway(slow, api="http"))
    bodies: list[bytes] = []

    def call(path: str) -> None:
        bodies.append(exchange(server.port, request_bytes("GET", path)).body)

    threads = [threading.Thread(target=call, args=(f"/{i}",)) for i in range(3)]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=5)
    assert sorted(bodies) == [b"/0", b"/1", b"/2"]
    assert time.monotonic() - started < delay * 2.5
    assert sum("UserWarning: slow /" in line for line in serve.log) == 3


def test_log_none_is_silent(rest_event_gateway: Gateway, capsys: pytest.CaptureFixture[str]) -> None:
    with LocalGateway(rest_event_gateway, log=None) as server:
        assert exchange(server.port, request_bytes("GET", "/")).status == 200
    assert capsys.readouterr().err == ""


def test_the_default_log_is_standard_error(
    rest_event_gateway: Gateway, capsys: pytest.CaptureFixture[str]
) -> None:
    with LocalGateway(rest_event_gateway) as server:
        assert exchange(server.port, request_bytes("GET", "/logged")).status == 200
    assert "GET /logged 200" in capsys.readouterr().err
