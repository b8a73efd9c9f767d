"""Lambda function URL events (spec 2.4, 4.1) and ALB target events (spec 2.4, 4.2)."""

from __future__ import annotations

import base64

import pytest

from apigw_emulator import Gateway

from ._forms import TRACE, UUID


@pytest.fixture
def url() -> Gateway:
    return Gateway(None, api="function-url")


def test_rule_4_1_raw_path_encoded_http_path_decoded(url: Gateway) -> None:
    event = url.event("GET", "/capture/space%20value")
    assert event["rawPath"] == "/capture/space%20value"
    assert event["requestContext"]["http"]["path"] == "/capture/space value"


def test_rule_4_1_invalid_escape_is_left_alone_in_http_path(url: Gateway) -> None:
    assert url.event("GET", "/pa2%Fth/1")["requestContext"]["http"]["path"] == "/pa2%Fth/1"


def test_rule_4_1_cookie_kept_and_split(url: Gateway) -> None:
    event = url.event("GET", "/", headers={"Cookie": "session=abc123; theme=dark"})
    assert event["headers"]["cookie"] == "session=abc123; theme=dark"
    assert event["cookies"] == ["session=abc123", "theme=dark"]


def test_rule_4_1_request_context_anonymous_uuid_default_route(url: Gateway) -> None:
    event = url.event("GET", "/")
    ctx = event["requestContext"]
    assert ctx["accountId"] == "anonymous"
    assert UUID.match(ctx["requestId"])
    assert event["routeKey"] == ctx["routeKey"] == ctx["stage"] == "$default"
    for key in ("pathParameters", "stageVariables", "body", "queryStringParameters", "cookies"):
        assert key not in event
    assert ".lambda-url." in ctx["domainName"]
    assert url.url == f"https://{ctx['domainName']}"


def test_rule_4_1_iam_auth_reports_the_owner_account() -> None:
    gw = Gateway(None, api="function-url", function_url_auth_type="AWS_IAM", account_id="111122223333")
    assert gw.event("GET", "/")["requestContext"]["accountId"] == "111122223333"


def test_rule_2_4_function_url_headers(url: Gateway) -> None:
    headers = url.event("GET", "/", headers=[("X-A", "1"), ("x-a", "2")])["headers"]
    assert headers["x-a"] == "1,2"
    assert headers["x-amzn-tls-version"] == "TLSv1.3"
    assert headers["x-amzn-tls-cipher-suite"]
    assert TRACE.match(headers["x-amzn-trace-id"])
    assert "content-length" not in headers  # a GET without a body (powertools browser capture)
    assert url.event("POST", "/", body=b"xy")["headers"]["content-length"] == "2"


def test_rule_4_1_multipart_form_arrives_base64(url: Gateway) -> None:
    event = url.event("POST", "/", headers={"Content-Type": "multipart/form-data; boundary=b"}, body=b"--b--")
    assert event["isBase64Encoded"] is True
    assert base64.b64decode(event["body"]) == b"--b--"


# -- ALB --------------------------------------------------------------------------------------------


def test_rule_4_2_single_value_mode_last_value_and_no_multi_keys() -> None:
    gw = Gateway(None, api="alb")
    event = gw.event("GET", "/p?k=1&k=2", headers=[("X-A", "1"), ("x-a", "2")])
    assert event["headers"]["x-a"] == "2"
    assert event["queryStringParameters"] == {"k": "2"}
    assert "multiValueHeaders" not in event
    assert "multiValueQueryStringParameters" not in event
    for key in ("resource", "pathParameters", "stageVariables", "version"):
        assert key not in event


def test_rule_4_2_multi_value_mode_lists_and_no_single_keys() -> None:
    gw = Gateway(None, api="alb", multi_value_headers=True)
    event = gw.event("GET", "/p?k=1&k=2", headers=[("X-A", "1"), ("x-a", "2")])
    assert event["multiValueHeaders"]["x-a"] == ["1", "2"]
    assert event["multiValueQueryStringParameters"] == {"k": ["1", "2"]}
    assert "headers" not in event
    assert "queryStringParameters" not in event


def test_rule_4_2_query_and_path_are_not_decoded() -> None:
    gw = Gateway(None, api="alb", multi_value_headers=True)
    event = gw.event("GET", "/capture/space%20value?encodedPlus=a%2Bb&literalPlus=a+b")
    assert event["path"] == "/capture/space%20value"
    assert event["multiValueQueryStringParameters"] == {"encodedPlus": ["a%2Bb"], "literalPlus": ["a+b"]}


def test_rule_4_2_empty_query_is_empty_object_and_empty_body_is_empty_string() -> None:
    for multi in (False, True):
        event = Gateway(None, api="alb", multi_value_headers=multi).event("GET", "/")
        assert event["queryStringParameters" if not multi else "multiValueQueryStringParameters"] == {}
        assert (event["body"], event["isBase64Encoded"]) == ("", False)


def test_rule_4_2_content_encoding_forces_base64_even_for_text() -> None:
    gw = Gateway(None, api="alb")
    event = gw.event(
        "POST", "/", headers={"Content-Type": "text/plain", "Content-Encoding": "gzip"}, body=b"x"
    )
    assert (event["body"], event["isBase64Encoded"]) == ("eA==", True)
    text = gw.event("POST", "/", headers={"Content-Type": "text/plain"}, body=b"x")
    assert (text["body"], text["isBase64Encoded"]) == ("x", False)


def test_rule_2_4_alb_keeps_connection_and_content_length_and_adds_forwarding() -> None:
    gw = Gateway(None, api="alb", scheme="http")
    headers = gw.event("POST", "/", headers={"Connection": "keep-alive"}, body=b"abc", source_ip="9.9.9.9")[
        "headers"
    ]
    assert headers["connection"] == "keep-alive"
    assert headers["content-length"] == "3"
    assert (headers["x-forwarded-for"], headers["x-forwarded-port"], headers["x-forwarded-proto"]) == (
        "9.9.9.9",
        "80",
        "http",
    )
    assert gw.url.startswith("http://")


def test_alb_target_group_arn() -> None:
    arn = "arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/lambda-target/abcdefgh"
    event = Gateway(None, api="alb", target_group_arn=arn).event("GET", "/")
    assert event["requestContext"] == {"elb": {"targetGroupArn": arn}}
