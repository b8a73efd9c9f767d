"""Responses the front doors generate themselves (spec 1.3, 3.2, 6.1, 6.2, 7, 9, 10.2), byte for byte.

REST bodies come in two spellings. A gateway response rendered from API Gateway's default template
``{"message":$context.error.messageString}`` has no space after the colon: live captures show 401
``{"message":"Unauthorized"}`` (26 bytes) and 500 ``{"message":null}`` (16 bytes); ``Missing Authentication
Token``, ``Forbidden`` (API keys) and the ``API_CONFIGURATION_ERROR`` of an undecodable binary result are
written the same way. What the Lambda integration itself answers keeps the space its captures show:
``{"message": "Internal server error"}`` (a failed or malformed result, a throttled invocation),
``{"message": "Request Too Long"}`` (413, ``content-length: 31`` in a capture) and ``{"message": "Endpoint
request timed out"}`` (504, as users report it).
"""

from __future__ import annotations

import json

from .cloudfront import edge_response_headers, is_edge
from .config import GatewayConfig
from .ids import RequestStamp
from .response import GatewayResponse

__all__ = [
    "access_denied",
    "authorizer_failure",
    "bad_gateway",
    "forbidden",
    "gateway_timeout",
    "integration_configuration_error",
    "invalid_request_content",
    "missing_authentication_token",
    "payload_too_large",
    "request_too_long",
    "route_not_found",
    "throttled",
    "unauthorized",
    "unsupported_media_type",
]

_ALB_502 = (
    b"<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n"
    b"<center><h1>502 Bad Gateway</h1></center>\r\n</body>\r\n</html>\r\n"
)
_ALB_504 = (
    b"<html>\r\n<head><title>504 Gateway Time-out</title></head>\r\n<body>\r\n"
    b"<center><h1>504 Gateway Time-out</h1></center>\r\n</body>\r\n</html>\r\n"
)
_ALB_413 = (
    b"<html>\r\n<head><title>413 Request Entity Too Large</title></head>\r\n<body>\r\n"
    b"<center><h1>413 Request Entity Too Large</h1></center>\r\n</body>\r\n</html>\r\n"
)


def _rest(status: int, message: str, error_type: str, stamp: RequestStamp) -> GatewayResponse:
    """A body the Lambda integration writes: ``{"message": "..."}``, a space after the colon."""
    return _rest_body(status, f'{{"message": "{message}"}}'.encode(), error_type, stamp)


def _rest_default(status: int, message: str, error_type: str, stamp: RequestStamp) -> GatewayResponse:
    """A body of the default gateway-response template: ``{"message":"..."}``, no space (spec 10.2)."""
    return _rest_body(status, f'{{"message":"{message}"}}'.encode(), error_type, stamp)


def _rest_body(status: int, body: bytes, error_type: str, stamp: RequestStamp) -> GatewayResponse:
    return GatewayResponse(
        status,
        (
            ("Content-Type", "application/json"),
            ("Content-Length", str(len(body))),
            ("x-amzn-RequestId", stamp.request_id),
            ("x-amzn-ErrorType", error_type),
            ("x-amz-apigw-id", stamp.extended_request_id),
        ),
        body,
    )


def _http(status: int, message: str, stamp: RequestStamp) -> GatewayResponse:
    body = f'{{"message":"{message}"}}'.encode()
    return GatewayResponse(
        status,
        (
            ("Content-Type", "application/json"),
            ("Content-Length", str(len(body))),
            ("apigw-requestid", stamp.request_id),
        ),
        body,
    )


def _text(status: int, body: bytes, content_type: str) -> GatewayResponse:
    return GatewayResponse(status, (("Content-Type", content_type), ("Content-Length", str(len(body)))), body)


def _warn(
    config: GatewayConfig,
    stamp: RequestStamp,
    response: GatewayResponse,
    reason: str,
    response_type: str | None = None,
) -> GatewayResponse:
    """Attach the reason (the driver turns it into a :class:`GatewayErrorWarning` for the test output),
    the REST gateway-response type the answer is (customised responses apply to it), and CloudFront's
    headers on an EDGE REST API (spec 2.2)."""
    headers = response.headers
    if not any(name.lower() == "date" for name, _ in headers):
        headers += (("Date", stamp.http_date),)  # on every answer the front door sends
    if is_edge(config):
        headers += tuple(edge_response_headers(stamp, response.status))
    kind = response_type if config.api == "rest" else None
    return GatewayResponse(response.status, headers, response.body, reason=reason, response_type=kind)


def _missing_token(stamp: RequestStamp) -> GatewayResponse:
    """REST's ``403 {"message":"Missing Authentication Token"}`` (the default template's body)."""
    return _rest_default(403, "Missing Authentication Token", "MissingAuthenticationTokenException", stamp)


def route_not_found(config: GatewayConfig, stamp: RequestStamp, reason: str) -> GatewayResponse:
    """REST ``403 Missing Authentication Token``; HTTP API ``404 Not Found`` (spec 1.3, 3.2)."""
    response = _missing_token(stamp) if config.api == "rest" else _http(404, "Not Found", stamp)
    return _warn(config, stamp, response, reason, "MISSING_AUTHENTICATION_TOKEN")


def bad_gateway(config: GatewayConfig, stamp: RequestStamp, reason: str) -> GatewayResponse:
    """The answer to a failed or malformed Lambda result (spec 6.1, 6.2).

    REST: 502 ``{"message": "Internal server error"}``. HTTP API: 500
    ``{"message":"Internal Server Error"}``. Function URL: 502, plain text ``Internal Server Error``.
    ALB: 502 with the load balancer's HTML page.
    """
    if config.api == "rest":
        response = _rest(502, "Internal server error", "InternalServerErrorException", stamp)
    elif config.api in ("http", "http-v1"):
        response = _http(500, "Internal Server Error", stamp)
    elif config.api == "function-url":
        response = _text(502, b"Internal Server Error", "text/plain; charset=utf-8")
    else:
        response = _text(502, _ALB_502, "text/html")
    return _warn(config, stamp, response, reason, "INTEGRATION_FAILURE")


def binary_decode_failed(config: GatewayConfig, stamp: RequestStamp, reason: str) -> GatewayResponse:
    """REST: a binary response whose body is not base64 is ``API_CONFIGURATION_ERROR``, 500 (spec 5.2),
    ``{"message":"Internal server error"}`` from the default template (its spacing is UNCONFIRMED: the
    AWS-validated snapshot records the parsed JSON)."""
    if config.api == "rest":
        response = _rest_default(500, "Internal server error", "InternalServerErrorException", stamp)
        return _warn(config, stamp, response, reason, "API_CONFIGURATION_ERROR")
    return bad_gateway(config, stamp, reason)


def gateway_timeout(config: GatewayConfig, stamp: RequestStamp, reason: str) -> GatewayResponse:
    """The integration timed out: REST 504, HTTP API 503 (spec 7); function URL 502 and ALB 504
    (UNCONFIRMED)."""
    if config.api == "rest":
        response = _rest(504, "Endpoint request timed out", "InternalServerErrorException", stamp)
    elif config.api in ("http", "http-v1"):
        response = _http(503, "Service Unavailable", stamp)
    elif config.api == "function-url":
        response = _text(502, b"Internal Server Error", "text/plain; charset=utf-8")
    else:
        response = _text(504, _ALB_504, "text/html")
    return _warn(config, stamp, response, reason, "INTEGRATION_TIMEOUT")


def payload_too_large(config: GatewayConfig, stamp: RequestStamp, reason: str) -> GatewayResponse:
    """The request body is over the front door's limit: REST ``HTTP content length exceeded`` (spec 7)."""
    if config.api == "rest":
        body = b"HTTP content length exceeded 10485760 bytes."
        response = _text(413, body, "text; charset=utf-8")
    elif config.api in ("http", "http-v1", "function-url"):
        response = _http(413, "Request Entity Too Large", stamp)
    else:
        response = _text(413, _ALB_413, "text/html")
    return _warn(config, stamp, response, reason)


def request_too_long(config: GatewayConfig, stamp: RequestStamp, reason: str) -> GatewayResponse:
    """The event JSON is over Lambda's 6 MB invocation limit: REST 413 ``Request Too Long`` (spec 7)."""
    if config.api == "rest":
        response = _rest(413, "Request Too Long", "BadRequestException", stamp)
    elif config.api in ("http", "http-v1", "function-url"):
        response = _http(413, "Request Entity Too Large", stamp)
    else:
        response = _text(413, _ALB_413, "text/html")
    return _warn(config, stamp, response, reason, "REQUEST_TOO_LARGE")


def throttled(config: GatewayConfig, stamp: RequestStamp, reason: str) -> GatewayResponse:
    """Lambda throttled the invocation (every environment busy at the concurrency limit).

    REST: 500 ``{"message": "Internal server error"}``, as observed (the proxy integration does not pass
    Lambda's 429 on). HTTP API: 500 (UNCONFIRMED, as its other integration failures). Function URL: 429
    ``{"Message":"Rate Exceeded."}`` (UNCONFIRMED: Lambda's own TooManyRequestsException status). ALB: 502
    (UNCONFIRMED, as its other Lambda failures).
    """
    if config.api == "rest":
        response = _rest(500, "Internal server error", "InternalServerErrorException", stamp)
    elif config.api in ("http", "http-v1"):
        response = _http(500, "Internal Server Error", stamp)
    elif config.api == "function-url":
        response = _text(429, b'{"Message":"Rate Exceeded."}', "application/json")
    else:
        response = _text(502, _ALB_502, "text/html")
    return _warn(config, stamp, response, reason, "INTEGRATION_FAILURE")


def forbidden(config: GatewayConfig, stamp: RequestStamp, reason: str) -> GatewayResponse:
    """An API key is required and missing or unknown: REST 403 ``{"message":"Forbidden"}`` (D7
    ``INVALID_API_KEY``, the default template)."""
    return _warn(
        config, stamp, _rest_default(403, "Forbidden", "ForbiddenException", stamp), reason, "INVALID_API_KEY"
    )


def unauthorized(
    config: GatewayConfig, stamp: RequestStamp, reason: str, *, www_authenticate: str | None = None
) -> GatewayResponse:
    """An authorizer refused the caller's identity, or the request has none: 401
    ``{"message":"Unauthorized"}`` (D7 ``UNAUTHORIZED``, D27, D28). A JWT authorizer's answer carries a
    ``www-authenticate`` header (its exact text is UNCONFIRMED)."""
    if config.api == "rest":
        response = _rest_default(401, "Unauthorized", "UnauthorizedException", stamp)
    else:
        response = _http(401, "Unauthorized", stamp)
    if www_authenticate is not None:
        response = _with_header(response, "www-authenticate", www_authenticate)
    return _warn(config, stamp, response, reason, "UNAUTHORIZED")


#: REST's 403 bodies for a policy that denies (D7 ``ACCESS_DENIED``): an explicit Deny, or no Allow.
_EXPLICIT_DENY = b'{"Message":"User is not authorized to access this resource with an explicit deny"}'
_NO_ALLOW = b'{"Message":"User is not authorized to access this resource"}'


def access_denied(
    config: GatewayConfig,
    stamp: RequestStamp,
    reason: str,
    *,
    explicit: bool = False,
    www_authenticate: str | None = None,
) -> GatewayResponse:
    """An authorizer denied the request: REST 403 with AWS's ``Message`` bodies (an explicit Deny, or no
    matching Allow); HTTP API 403 ``{"message":"Forbidden"}`` (D7 ``ACCESS_DENIED``, D27)."""
    if config.api == "rest":
        body = _EXPLICIT_DENY if explicit else _NO_ALLOW
        response = _rest_body(403, body, "AccessDeniedException", stamp)
    else:
        response = _http(403, "Forbidden", stamp)
    if www_authenticate is not None:
        response = _with_header(response, "www-authenticate", www_authenticate)
    return _warn(config, stamp, response, reason, "ACCESS_DENIED")


def authorizer_failure(config: GatewayConfig, stamp: RequestStamp, reason: str) -> GatewayResponse:
    """The authorizer failed (raised, timed out, or returned what API Gateway cannot read): REST 500
    ``{"message":null}`` (16 bytes, live capture; D7 ``AUTHORIZER_CONFIGURATION_ERROR`` /
    ``AUTHORIZER_FAILURE``); HTTP API 500 ``{"message":"Internal Server Error"}``."""
    if config.api == "rest":
        response = _rest_body(500, b'{"message":null}', "AuthorizerConfigurationException", stamp)
    else:
        response = _http(500, "Internal Server Error", stamp)
    return _warn(config, stamp, response, reason, "AUTHORIZER_CONFIGURATION_ERROR")


def _with_header(response: GatewayResponse, name: str, value: str) -> GatewayResponse:
    return GatewayResponse(response.status, (*response.headers, (name, value)), response.body)


def integration_configuration_error(
    config: GatewayConfig, stamp: RequestStamp, reason: str
) -> GatewayResponse:
    """REST: 500 ``{"message": "Internal server error"}`` for an integration API Gateway cannot complete as
    configured (``Execution failed due to configuration error`` in its logs), such as a MOCK status that no
    integration response maps."""
    response = _rest(500, "Internal server error", "InternalServerErrorException", stamp)
    return _warn(config, stamp, response, reason, "API_CONFIGURATION_ERROR")


def missing_authentication_token(config: GatewayConfig, stamp: RequestStamp, reason: str) -> GatewayResponse:
    """A request without a SigV4 signature to an ``AWS_IAM`` route: REST 403 ``{"message":"Missing
    Authentication Token"}`` from the default template, as for an unknown path (D7
    ``MISSING_AUTHENTICATION_TOKEN``, spec 10.6); HTTP API 403 ``{"message":"Forbidden"}`` (UNCONFIRMED)."""
    response = _missing_token(stamp) if config.api == "rest" else _http(403, "Forbidden", stamp)
    return _warn(config, stamp, response, reason, "MISSING_AUTHENTICATION_TOKEN")


def unsupported_media_type(config: GatewayConfig, stamp: RequestStamp, reason: str) -> GatewayResponse:
    """REST: 415 ``{"message":"Unsupported Media Type"}`` (``UNSUPPORTED_MEDIA_TYPE``): no request template
    for the request's content type, and the integration's ``passthroughBehavior`` refuses it."""
    response = _rest_default(415, "Unsupported Media Type", "UnsupportedMediaTypeException", stamp)
    return _warn(config, stamp, response, reason, "UNSUPPORTED_MEDIA_TYPE")


def invalid_request_content(config: GatewayConfig, stamp: RequestStamp, detail: str) -> GatewayResponse:
    """REST, a Lambda custom (``AWS``) integration whose payload is not JSON: Lambda refuses the invocation
    (``InvalidRequestContentException``, HTTP 400) and the client gets ``{"message": "Could not parse
    request body into json: Could not parse payload into json: ..."}`` (the body users report, with its
    space after the colon; the detail after it is Python's JSON parser's, Lambda's Java parser words it
    differently: ``Unrecognized token 'x': was expecting ...``). The 400 status is Lambda's own for this
    error and the ``x-amzn-ErrorType`` its exception's name: both UNCONFIRMED for the gateway's answer."""
    message = f"Could not parse request body into json: {detail}"
    body = json.dumps({"message": message}).encode()
    response = _rest_body(400, body, "InvalidRequestContentException", stamp)
    return _warn(config, stamp, response, f"the Lambda integration's payload is not JSON: {detail}")
