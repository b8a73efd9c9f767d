"""An HTTP API route's ``HTTP_PROXY`` integration, run by the front door.

The request goes to the integration's URI, its ``${stageVariables.x}`` and ``{name}`` path variables
(``{proxy}`` for a greedy ``{proxy+}`` route) filled from the stage and the route's path parameters; the
request path is not appended (a URI without path variables is called as written). The method is the
integration's (``ANY``: the client's); the client's query string, headers (hop-by-hop headers and ``Host``
left out: the backend's host is sent; ``X-Forwarded-*`` turned into a ``Forwarded`` header with the
client's address, the API's host and the protocol) and body bytes go on unchanged, with API Gateway's
``X-Amzn-Trace-Id``. The integration's ``requestParameters`` then change headers, query string and path
(:mod:`apigw_emulator.http_api_mapping`).

The backend's status, headers and body come back, its hop-by-hop headers dropped, its ``Content-Length``
and ``Date`` API Gateway's own, with the ``apigw-requestid`` header; the ``responseParameters`` of its status
code apply. A backend that cannot be reached answers 500 ``{"message":"Internal Server Error"}``; one slower
than ``timeoutInMillis`` (30 s by default) answers as an HTTP API integration timeout does (503
``{"message":"Service Unavailable"}``). Both statuses are what the Lambda integration gives; for an HTTP
backend they are UNCONFIRMED.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Mapping
from typing import Any
from urllib.parse import parse_qsl, quote, urlsplit, urlunsplit

from .config import GatewayConfig
from .gateway_errors import bad_gateway, gateway_timeout
from .http_api_mapping import HttpApiMappingError, MappingSources, map_request, map_response
from .http_backend import BackendError, BackendRequest, BackendResponse, BackendTimeoutError, send
from .ids import RequestStamp
from .integration_request import IntegrationRequestError, fill_path_parameters, substitute_stage_variables
from .model.http import HttpIntegration
from .request import HttpRequest
from .response import GatewayResponse
from .trace import trace_header

__all__ = ["DEFAULT_HTTP_API_TIMEOUT", "answer_http_api_proxy", "http_api_backend_request"]

#: An HTTP API's default (and largest) integration timeout, seconds.
DEFAULT_HTTP_API_TIMEOUT = 30.0
_HOP_BY_HOP = frozenset(
    {"connection", "keep-alive", "proxy-connection", "te", "trailer", "transfer-encoding", "upgrade"}
)
_NOT_FORWARDED = _HOP_BY_HOP | {"host", "content-length", "x-forwarded-for", "x-forwarded-proto"}
_NOT_FORWARDED |= {"x-forwarded-port", "x-forwarded-host", "forwarded", "x-amzn-trace-id"}
_NOT_RETURNED = _HOP_BY_HOP | {"content-length", "date"}


def _without_stage(path: str, stage: str) -> str:
    """The request path without its stage prefix (``$request.path``), as the route matched it."""
    prefix = f"/{stage}"
    if stage in ("", "$default") or not (path == prefix or path.startswith(prefix + "/")):
        return path
    return path[len(prefix) :] or "/"


_GREEDY = re.compile(r"\{([^{}+]+)\+\}")
# What a path parameter's decoded value keeps as is in one segment of a URI path (RFC 3986 pchar).
_SEGMENT_SAFE = "!$&'()*+,;=:@~"


def _sources(request: HttpRequest, config: GatewayConfig, event: Mapping[str, Any]) -> MappingSources:
    headers: dict[str, list[str]] = {}
    for name, value in request.headers:
        headers.setdefault(name.lower(), []).append(value)
    query: dict[str, list[str]] = {}
    for name, value in parse_qsl(request.query, keep_blank_values=True):
        query.setdefault(name, []).append(value)
    context = dict(event.get("requestContext") or {})
    http = context.get("http") or {}
    context.setdefault("httpMethod", http.get("method", request.method))
    context.setdefault("path", http.get("path", request.path))
    context.setdefault("protocol", http.get("protocol", request.protocol))
    identity = dict(context.get("identity") or {})
    identity.setdefault("sourceIp", http.get("sourceIp", request.source_ip))
    identity.setdefault("userAgent", http.get("userAgent", request.header("user-agent") or ""))
    context["identity"] = identity
    return MappingSources(
        headers={name: ",".join(values) for name, values in headers.items()},
        querystring={name: ",".join(values) for name, values in query.items()},
        path=_without_stage(str(http.get("path") or event.get("path") or request.path), config.stage),
        path_parameters=dict(event.get("pathParameters") or {}),
        body=request.body.decode("utf-8", "replace"),
        context=context,
        stage_variables=dict(config.stage_variables or {}),
    )


def _encoded_path_parameters(values: Mapping[str, str], event: Mapping[str, Any]) -> dict[str, str]:
    """The route's path parameters (decoded in the event) percent-encoded for the integration URI: a ``%``
    of the value is ``%25`` (the backend decodes it once, to the value), and a ``/`` is ``%2F`` unless the
    parameter is greedy (``{proxy+}`` spans segments), so a client's ``..%2F..%2Fadmin`` in one segment
    stays one segment of the backend's path, not a climb out of the URI's path."""
    greedy = set(_GREEDY.findall(str(event.get("routeKey") or "")))
    return {
        name: quote(value, safe=_SEGMENT_SAFE + ("/" if name in greedy else ""))
        for name, value in values.items()
    }


def http_api_backend_request(
    integration: HttpIntegration,
    request: HttpRequest,
    config: GatewayConfig,
    stamp: RequestStamp,
    event: Mapping[str, Any],
) -> tuple[BackendRequest, MappingSources]:
    """The request the integration sends its backend for ``request``, and what the mapping read.

    :param event: the request's event for the route (its path parameters and request context).
    :raises IntegrationRequestError: for a URI the stage or the route cannot complete.
    """
    sources = _sources(request, config, event)
    uri = substitute_stage_variables(integration.uri or "", sources.stage_variables)
    uri = fill_path_parameters(uri, _encoded_path_parameters(sources.path_parameters, event))
    headers = [(name, value) for name, value in request.headers if name.lower() not in _NOT_FORWARDED]
    host = request.header("host") or config.domain_name
    headers.append(("forwarded", f"for={request.source_ip};host={host};proto={config.scheme}"))
    headers.append(("x-amzn-trace-id", trace_header(request, config.api, stamp)))
    query = parse_qsl(request.query, keep_blank_values=True)
    mapped = map_request(integration.request_parameters, headers, query, sources)
    parts = urlsplit(uri)
    path = parts.path if mapped.path is None else mapped.path
    if any(key.partition(":")[2].startswith("querystring.") for key in integration.request_parameters):
        text = "&".join(f"{quote(n, safe='')}={quote(v, safe='')}" for n, v in mapped.querystring)
    else:
        text = request.query
    joined = "&".join(part for part in (parts.query, text) if part)
    url = urlunsplit((parts.scheme, parts.netloc, path or "/", joined, ""))
    method = (integration.http_method or "ANY").upper()
    if method == "ANY":
        method = request.method
    return BackendRequest(method, url, mapped.headers, request.body), sources


def answer_http_api_proxy(
    integration: HttpIntegration,
    request: HttpRequest,
    config: GatewayConfig,
    stamp: RequestStamp,
    event: Mapping[str, Any],
) -> GatewayResponse:
    """The client's response from an HTTP API ``HTTP_PROXY`` integration (see the module docstring)."""
    try:
        outgoing, sources = http_api_backend_request(integration, request, config, stamp, event)
    except (IntegrationRequestError, HttpApiMappingError) as exc:
        return bad_gateway(config, stamp, f"the HTTP_PROXY integration: {exc}")
    timeout = DEFAULT_HTTP_API_TIMEOUT
    if integration.timeout_in_millis is not None:
        timeout = integration.timeout_in_millis / 1000
    try:
        answer = send(outgoing, timeout)
    except BackendTimeoutError as exc:
        return gateway_timeout(config, stamp, f"the HTTP_PROXY integration's backend timed out: {exc}")
    except BackendError as exc:
        return bad_gateway(config, stamp, f"the HTTP_PROXY integration's backend: {exc}")
    return _response(integration, answer, sources, stamp)


def _response(
    integration: HttpIntegration, answer: BackendResponse, sources: MappingSources, stamp: RequestStamp
) -> GatewayResponse:
    headers = [(name, value) for name, value in answer.headers if name.lower() not in _NOT_RETURNED]
    status = answer.status
    if integration.response_parameters:
        with_response = dataclasses.replace(
            sources,
            response_headers=answer.joined_headers(),
            response_body=answer.body.decode("utf-8", "replace"),
        )
        mapped = map_response(integration.response_parameters, status, headers, with_response)
        status, headers = mapped.status, list(mapped.headers)
    headers += [
        ("Content-Length", str(len(answer.body))),
        ("Date", stamp.http_date),
        ("apigw-requestid", stamp.request_id),
    ]
    return GatewayResponse(status, tuple(headers), answer.body)
