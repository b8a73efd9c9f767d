"""The events a Lambda authorizer receives (D25 REST TOKEN and REQUEST, D27 HTTP API 1.0 and 2.0).

They are made of the proxy event the request makes (same headers, query, path parameters, stage
variables and ``requestContext``), without its body: an authorizer never sees the body.
"""

from __future__ import annotations

from typing import Any

from .._types import Event

__all__ = ["http_v1_event", "http_v2_event", "rest_request_event", "rest_token_event"]

_REST_REQUEST_KEYS = (
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
)
_HTTP_V2_KEYS = (
    "routeKey",
    "rawPath",
    "rawQueryString",
    "cookies",
    "headers",
    "queryStringParameters",
    "requestContext",
    "pathParameters",
    "stageVariables",
)


def rest_token_event(token: str, method_arn: str) -> Event:
    """A REST ``TOKEN`` authorizer's event: the token and the method ARN, nothing else."""
    return {"type": "TOKEN", "authorizationToken": token, "methodArn": method_arn}


def rest_request_event(proxy_event: Event, method_arn: str) -> Event:
    """A REST ``REQUEST`` authorizer's event, from the REST proxy event of the request."""
    event: dict[str, Any] = {"type": "REQUEST", "methodArn": method_arn}
    event.update((key, proxy_event.get(key)) for key in _REST_REQUEST_KEYS)
    return event


def http_v1_event(proxy_event: Event, method_arn: str, identity: list[str]) -> Event:
    """An HTTP API authorizer's payload 1.0 event, from the payload 1.0 proxy event of the request: the
    identity sources' values comma-joined in ``identitySource`` (and ``authorizationToken``)."""
    joined = ",".join(identity)
    event: dict[str, Any] = {
        "version": "1.0",
        "type": "REQUEST",
        "methodArn": method_arn,
        "identitySource": joined,
        "authorizationToken": joined,
    }
    event.update((key, proxy_event.get(key)) for key in _REST_REQUEST_KEYS)
    return event


def http_v2_event(proxy_event: Event, route_arn: str, identity: list[str]) -> Event:
    """An HTTP API authorizer's payload 2.0 event, from the payload 2.0 proxy event of the request (keys
    the proxy event leaves out, such as ``cookies`` without cookies, stay out)."""
    event: dict[str, Any] = {
        "version": "2.0",
        "type": "REQUEST",
        "routeArn": route_arn,
        "identitySource": list(identity),
    }
    event.update((key, proxy_event[key]) for key in _HTTP_V2_KEYS if key in proxy_event)
    return event
