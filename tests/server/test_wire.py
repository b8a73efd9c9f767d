"""What reaches the gateway from the wire, and what goes back: raw bytes over real loopback sockets."""

from __future__ import annotations

import json
import random
from typing import Any

import pytest

from apigw_emulator import Gateway, LambdaContext

from ._raw import RawConnection, chunked, exchange, request_bytes
from .conftest import ServerFactory, event_echo

BINARY = "application/octet-stream"


def event_of(response_body: bytes) -> dict[str, Any]:
    event: dict[str, Any] = json.loads(response_body)
    return event


def test_header_names_keep_the_clients_casing_order_and_duplicates(
    serve: ServerFactory, rest_event_gateway: Gateway
) -> None:
    server = serve(rest_event_gateway)
    sent = [
        ("x-Custom-CASE", "1"),
        ("X_Under_Score", "underscores pass"),
        ("X-Dup", "first"),
        ("accept", "text/html"),
        ("X-Dup", "second"),
        ("X-Dup", "third"),
    ]
    response = exchange(server.port, request_bytes("GET", "/shape", sent))
    assert response.status == 200
    event = event_of(response.body)
    multi = event["multiValueHeaders"]
    sent_names = {name for name, _ in sent}
    assert [name for name in multi if name in sent_names] == [
        "x-Custom-CASE",
        "X_Under_Score",
        "X-Dup",
        "accept",
    ]
    assert multi["X-Dup"] == ["first", "second", "third"]
    assert event["headers"]["X_Under_Score"] == "underscores pass"
    assert event["headers"]["X-Dup"] == "third"


def test_the_raw_percent_encoded_path_and_query_reach_the_gateway(
    serve: ServerFactory, rest_event_gateway: Gateway
) -> None:
    server = serve(rest_event_gateway)
    response = exchange(server.port, request_bytes("GET", "/a%20b/c%2Fd/%E2%82%AC?q=x+y&q=%26&flag"))
    event = event_of(response.body)
    assert event["path"] == "/a%20b/c%2Fd/%E2%82%AC"
    assert event["requestContext"]["path"] == "/Prod/a%20b/c%2Fd/%E2%82%AC"
    assert event["multiValueQueryStringParameters"] == {"q": ["x y", "&"], "flag": [""]}


def test_function_url_raw_path_and_query_are_the_bytes_sent(serve: ServerFactory) -> None:
    server = serve(Gateway(event_echo, api="function-url"))
    response = exchange(server.port, request_bytes("GET", "/a%20b/%7Ex?b=2&a=1&a=%20"))
    event = event_of(response.body)
    assert event["rawPath"] == "/a%20b/%7Ex"
    assert event["rawQueryString"] == "b=2&a=1&a=%20"


def test_non_ascii_bytes_in_the_target_are_percent_encoded(
    serve: ServerFactory, rest_event_gateway: Gateway
) -> None:
    server = serve(rest_event_gateway)
    response = exchange(server.port, b"GET /caf\xc3\xa9 HTTP/1.1\r\nHost: x\r\n\r\n")
    assert event_of(response.body)["path"] == "/caf%C3%A9"


def test_the_client_address_is_the_source_ip(serve: ServerFactory, rest_event_gateway: Gateway) -> None:
    server = serve(rest_event_gateway)
    event = event_of(exchange(server.port, request_bytes("GET", "/")).body)
    assert event["requestContext"]["identity"]["sourceIp"] == "127.0.0.1"
    assert event["requestContext"]["protocol"] == "HTTP/1.1"


def test_an_absolute_form_target_is_its_path(serve: ServerFactory, rest_event_gateway: Gateway) -> None:
    server = serve(rest_event_gateway)
    response = exchange(server.port, request_bytes("GET", f"{server.url}/abs/path?x=1"))
    event = event_of(response.body)
    assert event["path"] == "/abs/path"
    assert event["queryStringParameters"] == {"x": "1"}


# -- URL mapping ---------------------------------------------------------------------------------------


def test_by_default_the_api_is_served_at_the_root(serve: ServerFactory, rest_event_gateway: Gateway) -> None:
    server = serve(rest_event_gateway)
    event = event_of(exchange(server.port, request_bytes("GET", "/shape")).body)
    assert event["path"] == "/shape"
    assert event["requestContext"]["path"] == "/Prod/shape"
    assert server.url_for("/shape") == server.url + "/shape"


def test_stage_in_path_passes_the_path_as_it_is(serve: ServerFactory, rest_event_gateway: Gateway) -> None:
    server = serve(rest_event_gateway, stage_in_path=True)
    event = event_of(exchange(server.port, request_bytes("GET", "/Prod/shape")).body)
    assert event["path"] == "/shape"
    assert event["requestContext"]["path"] == "/Prod/shape"
    assert server.url_for("/shape") == server.url + "/Prod/shape"
    missing_stage = exchange(server.port, request_bytes("GET", "/shape"))
    assert missing_stage.status == 403  # the stage is not in the URL: AWS's Missing Authentication Token
    assert json.loads(missing_stage.body) == {"message": "Missing Authentication Token"}


def test_a_custom_domain_base_path_is_prefixed_the_same_way(serve: ServerFactory) -> None:
    gateway = Gateway(event_echo, api="rest", domain_name="api.example.com", base_path="v1")
    server = serve(gateway)
    event = event_of(exchange(server.port, request_bytes("GET", "/shape")).body)
    assert event["path"] == "/v1/shape"  # REST keeps a custom domain's base path (spec 1.4)
    assert event["headers"]["Host"] == "api.example.com"


def test_an_http_api_with_the_default_stage_has_no_prefix(serve: ServerFactory) -> None:
    server = serve(Gateway(event_echo, api="http"))
    event = event_of(exchange(server.port, request_bytes("GET", "/shape")).body)
    assert event["rawPath"] == "/shape"


# -- bodies --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("chunk_size", [1, 7, 4096])
def test_chunked_binary_bodies_arrive_exactly(
    serve: ServerFactory, binary_echo_gateway: Gateway, chunk_size: int
) -> None:
    server = serve(binary_echo_gateway)
    body = bytes(range(256)) * 40 + b"\r\n0\r\n\r\n"
    head = request_bytes(
        "POST", "/echo", [("Content-Type", BINARY), ("Accept", BINARY), ("Transfer-Encoding", "chunked")]
    )
    response = exchange(server.port, head + chunked(body, chunk_size))
    assert response.status == 200
    assert response.body == body


def test_chunk_extensions_and_trailers_are_ignored(
    serve: ServerFactory, binary_echo_gateway: Gateway
) -> None:
    server = serve(binary_echo_gateway)
    head = request_bytes(
        "POST", "/echo", [("Content-Type", BINARY), ("Accept", BINARY), ("Transfer-Encoding", "chunked")]
    )
    body = b"3;name=value\r\nabc\r\n2 ; x\r\nde\r\n0\r\nX-Checksum: 1\r\nX-Other: 2\r\n\r\n"
    assert exchange(server.port, head + body).body == b"abcde"


def test_a_content_length_body_arrives_exactly(serve: ServerFactory, binary_echo_gateway: Gateway) -> None:
    server = serve(binary_echo_gateway)
    body = random.Random(5).randbytes(300_000)
    request = request_bytes("PUT", "/echo", [("Content-Type", "image/png"), ("Accept", "image/png")], body)
    response = exchange(server.port, request)
    assert response.body == body
    assert response.header("Content-Type") == "image/png"
    assert response.header("Content-Length") == str(len(body))


# -- connections ---------------------------------------------------------------------------------------


def test_keep_alive_serves_several_requests_on_one_connection(
    serve: ServerFactory, binary_echo_gateway: Gateway
) -> None:
    server = serve(binary_echo_gateway)
    with RawConnection(server.port) as conn:
        for i in range(3):
            body = f"request {i}".encode()
            request = request_bytes("POST", "/echo", [("Content-Type", BINARY), ("Accept", BINARY)], body)
            response = conn.exchange(request)
            assert response.body == body
            assert response.header("Connection") == "keep-alive"
        closing = conn.exchange(request_bytes("GET", "/echo", [("Connection", "close")]))
        assert closing.status == 200
        assert closing.header("Connection") == "close"
        assert conn.is_closed()


def test_pipelined_requests_are_answered_in_order(serve: ServerFactory, binary_echo_gateway: Gateway) -> None:
    server = serve(binary_echo_gateway)
    bodies = [b"one", b"two", b"three"]
    with RawConnection(server.port) as conn:
        conn.send(
            b"".join(
                request_bytes("POST", "/echo", [("Content-Type", BINARY), ("Accept", BINARY)], b)
                for b in bodies
            )
        )
        assert [conn.read_response().body for _ in bodies] == bodies


def test_http_1_0_closes_by_default_and_keeps_alive_on_request(
    serve: ServerFactory, rest_event_gateway: Gateway
) -> None:
    server = serve(rest_event_gateway)
    with RawConnection(server.port) as conn:
        response = conn.exchange(b"GET /old HTTP/1.0\r\n\r\n")
        assert response.status == 200
        assert response.header("Connection") == "close"
        assert conn.is_closed()
    with RawConnection(server.port) as conn:
        response = conn.exchange(b"GET /old HTTP/1.0\r\nConnection: keep-alive\r\n\r\n")
        assert response.header("Connection") == "keep-alive"
        assert conn.exchange(b"GET /again HTTP/1.0\r\n\r\n").status == 200


def test_empty_lines_before_a_request_are_skipped(serve: ServerFactory, rest_event_gateway: Gateway) -> None:
    server = serve(rest_event_gateway)
    assert exchange(server.port, b"\r\n\r\n" + request_bytes("GET", "/x")).status == 200


def test_head_sends_the_content_length_of_get_and_no_body(
    serve: ServerFactory, binary_echo_gateway: Gateway
) -> None:
    def constant(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
        return {"statusCode": 200, "headers": {"Content-Type": "text/plain"}, "body": "twelve bytes"}

    server = serve(Gateway(constant, api="http"))
    with RawConnection(server.port) as conn:
        get = conn.exchange(request_bytes("GET", "/page"))
        head = conn.exchange(request_bytes("HEAD", "/page"), head_request=True)
        after = conn.exchange(request_bytes("GET", "/page"))  # proves HEAD sent no body bytes
    assert get.body == b"twelve bytes"
    assert head.status == 200
    assert head.header("Content-Length") == "12"
    assert after.body == b"twelve bytes"
    assert "HEAD /page 200" in serve.text()


def test_expect_100_continue_gets_100_before_the_body(
    serve: ServerFactory, binary_echo_gateway: Gateway
) -> None:
    server = serve(binary_echo_gateway)
    body = b"\x00\xff" * 1000
    head = request_bytes(
        "POST",
        "/echo",
        [
            ("Content-Type", BINARY),
            ("Accept", BINARY),
            ("Expect", "100-continue"),
            ("Content-Length", "2000"),
        ],
    )
    with RawConnection(server.port) as conn:
        conn.send(head)
        assert conn.read_head()[:2] == (100, "Continue")
        conn.send(body)
        response = conn.read_response()
    assert response.status == 200
    assert response.body == body


def test_expect_without_a_body_sends_no_100(serve: ServerFactory, rest_event_gateway: Gateway) -> None:
    server = serve(rest_event_gateway)
    response = exchange(server.port, request_bytes("GET", "/", [("Expect", "100-continue")]))
    assert response.status == 200


def test_response_headers_go_out_as_pairs_with_duplicates(serve: ServerFactory) -> None:
    def cookies(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
        return {
            "statusCode": 201,
            "cookies": ["a=1; Path=/", "b=2"],
            "headers": {"X-Custom": "v"},
            "body": "ok",
        }

    server = serve(Gateway(cookies, api="http"))
    response = exchange(server.port, request_bytes("GET", "/"))
    assert (response.status, response.reason) == (201, "Created")
    assert response.header_values("Set-Cookie") == ["a=1; Path=/", "b=2"]
    assert response.header("X-Custom") == "v"
    assert response.header_values("Content-Length") == ["2"]
    assert response.header("Date") is not None


def test_rest_multi_value_response_headers_are_separate_lines(serve: ServerFactory) -> None:
    def multi(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
        return {"statusCode": 200, "multiValueHeaders": {"Set-Cookie": ["a=1", "b=2"]}, "body": ""}

    server = serve(Gateway(multi, api="rest"))
    response = exchange(server.port, request_bytes("GET", "/"))
    assert response.header_values("Set-Cookie") == ["a=1", "b=2"]
    assert response.header("Content-Length") == "0"


def test_a_204_has_no_body_and_no_content_length(serve: ServerFactory) -> None:
    def no_content(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
        return {"statusCode": 204, "body": ""}

    server = serve(Gateway(no_content, api="http"))
    with RawConnection(server.port) as conn:
        response = conn.exchange(request_bytes("DELETE", "/item"))
        assert response.status == 204
        assert response.header("Content-Length") is None
        assert conn.exchange(request_bytes("GET", "/item")).status == 204  # the connection is intact


def test_a_gateway_error_keeps_its_aws_form(serve: ServerFactory) -> None:
    server = serve(Gateway(event_echo, api="rest", routes=["GET /items/{id}"]))
    response = exchange(server.port, request_bytes("GET", "/nothing"))
    assert response.status == 403
    assert json.loads(response.body) == {"message": "Missing Authentication Token"}
    assert "GatewayErrorWarning" in serve.text()
