"""Property: every event satisfies its front door's schema, null versus absent included (spec 1.1, 3.1,
4.1, 4.2, 8.8), and the gateway answers every request without crashing."""

from __future__ import annotations

import warnings
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from apigw_emulator import BinaryBodyCorruptedWarning, Gateway, InvalidRequestError, RouteNotFoundError
from apigw_emulator.errors import GatewayErrorWarning

from ._strategies import RequestSpec, arbitrary_requests, gateway_options, lambda_bodies, requests

#: Mostly well-formed requests, some of anything: both must meet the schema or be refused precisely.
any_requests = st.one_of(requests(lambda_bodies), arbitrary_requests)

REST_KEYS = {
    "resource",
    "path",
    "httpMethod",
    "headers",
    "multiValueHeaders",
    "queryStringParameters",
    "multiValueQueryStringParameters",
    "pathParameters",
    "stageVariables",
    "requestContext",
    "body",
    "isBase64Encoded",
}
V2_REQUIRED = {
    "version",
    "routeKey",
    "rawPath",
    "rawQueryString",
    "headers",
    "requestContext",
    "isBase64Encoded",
}
V2_OPTIONAL = {"cookies", "queryStringParameters", "pathParameters", "stageVariables", "body"}


def is_str_map(value: Any) -> bool:
    return isinstance(value, dict) and all(
        isinstance(k, str) and isinstance(v, str) for k, v in value.items()
    )


def is_list_map(value: Any) -> bool:
    return isinstance(value, dict) and all(
        isinstance(k, str) and isinstance(v, list) and v and all(isinstance(i, str) for i in v)
        for k, v in value.items()
    )


def check_payload_1(event: dict[str, Any], *, version: bool) -> None:
    """REST and HTTP payload 1.0: every key present; empty collections and bodies are null, never {}."""
    assert set(event) == REST_KEYS | ({"version"} if version else set())
    assert is_str_map(event["headers"])
    assert event["headers"]
    assert is_list_map(event["multiValueHeaders"])
    assert set(event["headers"]) == set(event["multiValueHeaders"])
    for key in ("queryStringParameters", "pathParameters", "stageVariables"):
        assert event[key] is None or (is_str_map(event[key]) and event[key])
    mvq = event["multiValueQueryStringParameters"]
    assert mvq is None or (is_list_map(mvq) and mvq)
    assert (event["queryStringParameters"] is None) == (mvq is None)
    assert event["body"] is None or (isinstance(event["body"], str) and event["body"])
    assert isinstance(event["isBase64Encoded"], bool)
    assert not (event["body"] is None and event["isBase64Encoded"])


def check_payload_2(event: dict[str, Any], *, function_url: bool) -> None:
    """HTTP API 2.0 and function URLs: optional keys are absent when empty, never null or empty."""
    keys = set(event)
    assert keys >= V2_REQUIRED
    assert keys <= V2_REQUIRED | V2_OPTIONAL
    assert event["version"] == "2.0"
    assert is_str_map(event["headers"])
    assert all(name == name.lower() for name in event["headers"])
    for key in V2_OPTIONAL & set(event):
        assert event[key], f"{key} is present but empty"
    if "cookies" in event:
        assert all(isinstance(c, str) for c in event["cookies"])
    for key in ("queryStringParameters", "pathParameters", "stageVariables"):
        assert key not in event or is_str_map(event[key])
    if function_url:
        assert "pathParameters" not in event
        assert "stageVariables" not in event
    assert "body" in event or event["isBase64Encoded"] is False


def check_alb(event: dict[str, Any], *, multi: bool) -> None:
    """ALB: single- xor multi-value keys; {} for no query, "" for no body."""
    single, many = (
        {"headers", "queryStringParameters"},
        {"multiValueHeaders", "multiValueQueryStringParameters"},
    )
    assert set(event) == {"requestContext", "httpMethod", "path", "body", "isBase64Encoded"} | (
        many if multi else single
    )
    if multi:
        assert is_list_map(event["multiValueHeaders"])
        assert isinstance(event["multiValueQueryStringParameters"], dict)
    else:
        assert is_str_map(event["headers"])
        assert is_str_map(event["queryStringParameters"])
    assert isinstance(event["body"], str)


def check(api: str, options: dict[str, Any], event: dict[str, Any]) -> None:
    if api == "rest":
        check_payload_1(event, version=False)
    elif api == "http-v1":
        check_payload_1(event, version=True)
        assert event["version"] == "1.0"
    elif api in ("http", "function-url"):
        check_payload_2(event, function_url=api == "function-url")
    else:
        check_alb(event, multi=bool(options.get("multi_value_headers")))


def build(gateway: Gateway, spec: RequestSpec) -> Any:
    return gateway.build_request(spec.method, spec.target, headers=spec.headers, body=spec.body.body)


@given(options=gateway_options, spec=any_requests)
def test_rule_8_8_every_event_satisfies_its_front_doors_schema(
    options: dict[str, Any], spec: RequestSpec
) -> None:
    gateway = Gateway(None, **options)
    try:
        request = build(gateway, spec)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", BinaryBodyCorruptedWarning)
            event = gateway.build_event(request)
    except (RouteNotFoundError, InvalidRequestError):
        return
    check(gateway.api, options, event)


def echo(event: dict[str, Any], context: object) -> dict[str, Any]:
    return {"statusCode": 200, "headers": {"Content-Type": "text/plain"}, "body": event.get("body") or ""}


@given(options=gateway_options, spec=any_requests)
def test_the_gateway_answers_every_request_without_crashing(
    options: dict[str, Any], spec: RequestSpec
) -> None:
    gateway = Gateway(echo, **options)
    try:
        request = build(gateway, spec)
    except InvalidRequestError:
        return
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", BinaryBodyCorruptedWarning)
        warnings.simplefilter("ignore", GatewayErrorWarning)
        invocation = gateway.invoke(request)
    assert invocation.error is None
    assert invocation.response.status in {200, 403, 404}
