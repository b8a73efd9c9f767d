"""A REST method's ``HTTP_PROXY`` integration, run by the front door (spec 10.4); :func:`answer_http` sends
each kind of HTTP integration (REST ``HTTP``, HTTP API ``HTTP_PROXY``) to its module.

The method request goes on to the integration's URL: the URI's stage variables and ``{path}`` parameters
filled (``integration.request.path.X`` mappings first, then the method's own path parameters, which is how
a ``{proxy+}`` resource reaches ``http://backend/{proxy}``), the integration's ``httpMethod`` (``ANY``: the
client's), the client's query string and headers as the proxy event holds them (API Gateway's own
``X-Forwarded-*``, ``X-Amzn-Trace-Id`` and, on EDGE, CloudFront's headers included; ``Host`` is the
backend's), what ``requestParameters`` map on top, ``x-amzn-apigateway-api-id``, a ``User-Agent`` of
``AmazonAPIGateway_<api id>`` when the client sent none, and the body: its bytes exactly as sent when its
``Content-Type`` is one of the API's ``binaryMediaTypes``, else as text, as for a Lambda proxy (bytes that
are not UTF-8 replaced, with the same :class:`~apigw_emulator.errors.BinaryBodyCorruptedWarning`).

The backend's status, headers and body come back as they are, except what API Gateway drops
(``Transfer-Encoding``, ``Via``) and what it keeps under ``x-amzn-Remapped-<name>`` because it sets its own
(``Connection``, ``Content-Length``, ``Date``, ``Server``, ``x-amzn-RequestId``; LocalStack's AWS-recorded
snapshot of ``test_http_integration_with_lambda[HTTP_PROXY]``). A backend that cannot be reached is
REST's 500 ``{"message": "Internal server error"}``; one that does not answer within ``timeoutInMillis``
(29 s by default) is ``INTEGRATION_TIMEOUT``, 504 ``{"message": "Endpoint request timed out"}``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .cloudfront import edge_response_headers, is_edge
from .config import GatewayConfig
from .gateway_errors import gateway_timeout, integration_configuration_error
from .http_api_integration import answer_http_api_proxy
from .http_backend import BackendError, BackendRequest, BackendResponse, BackendTimeoutError, send
from .http_custom_integration import DEFAULT_HTTP_TIMEOUT, answer_http_custom, integration_timeout
from .ids import RequestStamp
from .integration_request import (
    IntegrationRequestError,
    MappedParameters,
    MethodRequestValues,
    fill_path_parameters,
    map_request_parameters,
    query_string,
    reads_context,
    substitute_stage_variables,
    with_query,
)
from .model.http import HttpIntegration
from .model.rest import Integration
from .request import HttpRequest
from .response import GatewayResponse

__all__ = [
    "DEFAULT_HTTP_TIMEOUT",
    "answer_http",
    "answer_http_proxy",
    "backend_request",
    "integration_timeout",
    "proxy_response",
]

# Not forwarded to the backend: the backend's own Host is sent instead.
_NOT_FORWARDED = frozenset({"host"})
_DROPPED_FROM_RESPONSE = frozenset({"transfer-encoding", "via"})
_REMAPPED_FROM_RESPONSE = frozenset({"connection", "content-length", "date", "server", "x-amzn-requestid"})


def answer_http(
    integration: Integration | HttpIntegration,
    request: HttpRequest,
    config: GatewayConfig,
    stamp: RequestStamp,
    event: Mapping[str, Any],
) -> GatewayResponse:
    """The client's response from a route's HTTP integration.

    :param event: the request's proxy event, whose values parameter mappings read.
    """
    if isinstance(integration, HttpIntegration):
        return answer_http_api_proxy(integration, request, config, stamp, event)
    if integration.type == "HTTP_PROXY":
        return answer_http_proxy(integration, request, config, stamp, event)
    if integration.type == "HTTP":
        return answer_http_custom(integration, request, config, stamp, event)
    return integration_configuration_error(
        config,
        stamp,
        f"{integration.type} integrations are not HTTP integrations ({integration.uri or 'no URI'})",
    )


def _url(
    uri: str, mapped: MappedParameters, values: MethodRequestValues, query: Mapping[str, list[str]]
) -> str:
    staged = substitute_stage_variables(uri, values.stage_variables)
    url = fill_path_parameters(staged, mapped.path, values.path)
    return with_query(url, query_string((name, value) for name, found in query.items() for value in found))


def backend_request(
    integration: Integration, request: HttpRequest, config: GatewayConfig, event: Mapping[str, Any]
) -> BackendRequest:
    """The request an ``HTTP_PROXY`` integration sends its backend for ``request`` (see the module
    docstring).

    :param event: the request's REST proxy event (headers, query and path parameters as API Gateway read
        them).
    :raises IntegrationRequestError: for a mapping or a URI API Gateway cannot complete.
    """
    values = MethodRequestValues.from_rest_event(
        event, with_context=reads_context(integration.request_parameters)
    )
    mapped = map_request_parameters(integration.request_parameters, values)
    query = {**values.querystring, **mapped.querystring}
    url = _url(integration.uri or "", mapped, values, query)
    overridden = {name.lower() for name in mapped.header}
    headers: list[tuple[str, str]] = [
        (name, value)
        for name, found in (event.get("multiValueHeaders") or {}).items()
        if name.lower() not in _NOT_FORWARDED and name.lower() not in overridden
        for value in found
    ]
    headers += list(mapped.header.items())
    present = {name.lower() for name, _ in headers}
    headers.append(("x-amzn-apigateway-api-id", config.api_id))
    if "user-agent" not in present:
        headers.append(("User-Agent", f"AmazonAPIGateway_{config.api_id}"))
    method = integration.http_method or "ANY"
    if method == "ANY":
        method = request.method
    return BackendRequest(method, url, tuple(headers), _body(request, event))


def _body(request: HttpRequest, event: Mapping[str, Any]) -> bytes:
    """The payload as API Gateway passes it: the exact bytes when its type is a binary media type (the
    event holds them in base64), else as text, where bytes that are not UTF-8 are already lost."""
    text = event.get("body")
    if text is None:
        return request.body
    if event.get("isBase64Encoded"):
        return request.body
    return str(text).encode()


def answer_http_proxy(
    integration: Integration,
    request: HttpRequest,
    config: GatewayConfig,
    stamp: RequestStamp,
    event: Mapping[str, Any],
) -> GatewayResponse:
    """The client's response from an ``HTTP_PROXY`` integration (see the module docstring)."""
    try:
        outgoing = backend_request(integration, request, config, event)
    except IntegrationRequestError as exc:
        return integration_configuration_error(config, stamp, f"the HTTP_PROXY integration: {exc}")
    try:
        answer = send(outgoing, integration_timeout(integration))
    except BackendTimeoutError as exc:
        return gateway_timeout(config, stamp, f"the HTTP_PROXY integration's backend timed out: {exc}")
    except BackendError as exc:
        return integration_configuration_error(config, stamp, f"the HTTP_PROXY integration's backend: {exc}")
    return proxy_response(answer, config, stamp)


def proxy_response(answer: BackendResponse, config: GatewayConfig, stamp: RequestStamp) -> GatewayResponse:
    """The backend's answer as the client gets it through a REST ``HTTP_PROXY`` integration."""
    headers: list[tuple[str, str]] = []
    for name, value in answer.headers:
        lname = name.lower()
        if lname in _DROPPED_FROM_RESPONSE:
            continue
        headers.append((f"x-amzn-Remapped-{name}" if lname in _REMAPPED_FROM_RESPONSE else name, value))
    if answer.header("content-type") is None:
        headers.insert(0, ("Content-Type", "application/json"))
    headers += [
        ("Content-Length", str(len(answer.body))),
        ("Date", stamp.http_date),
        ("x-amzn-RequestId", stamp.request_id),
        ("x-amz-apigw-id", stamp.extended_request_id),
    ]
    if is_edge(config):
        headers += edge_response_headers(stamp, answer.status)
    return GatewayResponse(answer.status, tuple(headers), answer.body)
