"""HTTP API payload 2.0 and Lambda function URL events: spec sections 3.1, 3.3, 2.3, 2.4 and 4.1."""

from __future__ import annotations

import copy
from typing import Any, cast

from .._types import Event
from ..config import GatewayConfig
from ..ids import RequestStamp
from ..query import decode_path, parse_query_decoded
from ..request import HttpRequest
from ..trace import trace_header
from ._common import apply_overrides, locate, text_or_base64_body
from ._lowercase import HOP_BY_HOP, lowercase_headers, split_cookies

__all__ = ["build_function_url_event", "build_http_v2_event"]

_REPLACED = HOP_BY_HOP | {"host", "x-forwarded-port", "x-forwarded-proto", "x-amzn-trace-id"}
#: The TLS facts a function URL adds to every event (spec 2.4).
TLS_HEADERS = frozenset({"x-amzn-tls-cipher-suite", "x-amzn-tls-version"})
#: Client headers an HTTP API (and, with the TLS ones, a function URL) replaces with its own.
REPLACED_HEADERS = _REPLACED
_URL_REPLACED = _REPLACED | TLS_HEADERS


def _query(request: HttpRequest) -> dict[str, str] | None:
    parsed = parse_query_decoded(request.query)
    return {k: ",".join(v) for k, v in parsed.items()} if parsed else None


def _common_headers(
    request: HttpRequest, config: GatewayConfig, stamp: RequestStamp, replaced: frozenset[str]
) -> tuple[dict[str, str], list[str], str | None, str | None]:
    """(headers, cookies, user agent, content type) of a payload-2.0 event."""
    joined, cookie_values, user_agent, content_type, forwarded = lowercase_headers(
        request, replaced, joined=True
    )
    headers = cast(dict[str, str], joined)
    forwarded.append(request.source_ip)
    headers["host"] = config.domain_name
    headers["x-amzn-trace-id"] = trace_header(request, config.api, stamp)
    headers["x-forwarded-for"] = ", ".join(forwarded)
    headers["x-forwarded-port"] = "443"
    headers["x-forwarded-proto"] = "https"
    return headers, split_cookies(cookie_values) if cookie_values else [], user_agent, content_type


def _request_context(
    request: HttpRequest,
    config: GatewayConfig,
    stamp: RequestStamp,
    *,
    account_id: str,
    path: str,
    route_key: str,
    stage: str,
    user_agent: str | None,
) -> dict[str, Any]:
    """The payload-2.0 ``requestContext`` (spec 3.1, 4.1); authorizer and mTLS parts come from overrides."""
    context: dict[str, Any] = {
        "accountId": account_id,
        "apiId": config.api_id,
        "domainName": config.domain_name,
        "domainPrefix": config.domain_prefix,
        "http": {
            "method": request.method,
            "path": path,
            "protocol": "HTTP/1.1",
            "sourceIp": request.source_ip,
            "userAgent": user_agent or "",
        },
        "requestId": stamp.request_id,
        "routeKey": route_key,
        "stage": stage,
        "time": stamp.clf,
        "timeEpoch": stamp.epoch_ms,
    }
    if config.authorizer is not None:
        context["authorizer"] = copy.deepcopy(config.authorizer)
    return context


def build_http_v2_event(
    request: HttpRequest, config: GatewayConfig, stamp: RequestStamp | None = None
) -> Event:
    """Build the payload-2.0 event an HTTP API sends for ``request``.

    - header names lower case, duplicates joined with ``,`` (no space), the ``cookie`` header moved into
      ``cookies`` (one element per cookie), ``content-length`` always present, ``"0"`` without a body
      (spec 2.3).
    - ``rawPath`` keeps the stage prefix of a named stage and is percent-decoded, as observed since 2024
      (``decode_raw_path=False`` gives the 2020 behaviour); ``rawQueryString`` is raw (spec 3.1).
    - keys with nothing to hold are absent, never ``null`` (spec 8.8).
    - text types give a text body; anything else, including no Content-Type, base64 (spec 3.3).

    :raises RouteNotFoundError: when no route matches and there is no ``$default`` route (AWS: 404).
    """
    if stamp is None:
        stamp = RequestStamp.new(uuid_request_id=False)
    seen_path, app_path, match = locate(request, config)
    headers, cookies, user_agent, content_type = _common_headers(request, config, stamp, _REPLACED)
    headers.pop("cookie", None)  # moved into `cookies` (spec 2.3)
    if "content-length" not in headers:
        headers["content-length"] = str(len(request.body))
    raw_path = seen_path if config.url_prefix and not config.custom_domain else app_path
    if config.decode_raw_path:
        raw_path = decode_path(raw_path)
    route_key = match.route.key
    event: Event = {"version": "2.0", "routeKey": route_key, "rawPath": raw_path}
    event["rawQueryString"] = request.query
    if cookies:
        event["cookies"] = cookies
    event["headers"] = headers
    if request.query:
        query = _query(request)
        if query:
            event["queryStringParameters"] = query
    context = _request_context(
        request,
        config,
        stamp,
        account_id=config.account_id,
        path=raw_path,
        route_key=route_key,
        stage=config.stage,
        user_agent=user_agent,
    )
    event["requestContext"] = context
    if match.path_parameters:
        params = match.path_parameters
        event["pathParameters"] = (
            {k: decode_path(v) for k, v in params.items()} if config.decode_raw_path else dict(params)
        )
    if config.stage_variables:
        event["stageVariables"] = dict(config.stage_variables)
    if request.body:
        event["body"], event["isBase64Encoded"] = text_or_base64_body(
            request, config, "an HTTP API", content_type
        )
    else:
        event["isBase64Encoded"] = False
    if config.request_context or config.event_overrides:
        apply_overrides(event, config)
    return event


def build_function_url_event(
    request: HttpRequest, config: GatewayConfig, stamp: RequestStamp | None = None
) -> Event:
    """Build the event a Lambda function URL sends for ``request`` (spec 4.1).

    Same schema as HTTP API 2.0, except: ``rawPath`` stays percent-encoded while
    ``requestContext.http.path`` is decoded; the ``cookie`` header stays in ``headers`` *and* fills
    ``cookies``; ``requestId`` is a UUID; ``accountId`` is ``"anonymous"`` with auth type NONE;
    ``content-length`` is present only when the client sent a body or the header; TLS headers are added.
    """
    if stamp is None:
        stamp = RequestStamp.new()
    path = "/" + request.path.lstrip("/") if request.path.startswith("//") else request.path
    headers, cookies, user_agent, content_type = _common_headers(request, config, stamp, _URL_REPLACED)
    if request.body and "content-length" not in headers:
        headers["content-length"] = str(len(request.body))
    headers["x-amzn-tls-cipher-suite"] = config.tls_cipher_suite
    headers["x-amzn-tls-version"] = config.tls_version
    event: Event = {
        "version": "2.0",
        "routeKey": "$default",
        "rawPath": path,
        "rawQueryString": request.query,
    }
    if cookies:
        event["cookies"] = cookies
    event["headers"] = headers
    if request.query:
        query = _query(request)
        if query:
            event["queryStringParameters"] = query
    account_id = "anonymous" if config.function_url_auth_type == "NONE" else config.account_id
    context = _request_context(
        request,
        config,
        stamp,
        account_id=account_id,
        path=decode_path(path),
        route_key="$default",
        stage="$default",
        user_agent=user_agent,
    )
    event["requestContext"] = context
    if request.body:
        event["body"], event["isBase64Encoded"] = text_or_base64_body(
            request, config, "a function URL", content_type
        )
    else:
        event["isBase64Encoded"] = False
    if config.request_context or config.event_overrides:
        apply_overrides(event, config)
    return event
