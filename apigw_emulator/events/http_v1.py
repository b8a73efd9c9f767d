"""HTTP API payload format 1.0 events: spec section 3.4 and the D2 example."""

from __future__ import annotations

import copy
from typing import Any

from .._types import Event
from ..config import GatewayConfig
from ..ids import RequestStamp
from ..query import decode_path, parse_query_decoded
from ..request import HttpRequest
from ..trace import trace_header
from ._common import apply_overrides, identity, locate, text_or_base64_body
from ._lowercase import HOP_BY_HOP

__all__ = ["build_http_v1_event"]

_REPLACED = HOP_BY_HOP | {"host", "x-forwarded-port", "x-forwarded-proto", "x-amzn-trace-id"}


#: Names the gateway re-cases to this spelling (spec 3.4, V5); every other name keeps the client's casing.
_RECASED = {name.lower(): name for name in ("Content-Length", "Content-Type", "Host", "User-Agent")}


def _headers(
    request: HttpRequest, config: GatewayConfig, stamp: RequestStamp
) -> tuple[dict[str, list[str]], str | None, str | None]:
    """(multiValueHeaders, user agent, content type) of a payload-1.0 event.

    As in both live captures (V5): Content-Length, Content-Type, Host, User-Agent re-cased and first, then
    the gateway's X-Amzn-Trace-Id and X-Forwarded-*, then the client's other headers with their casing
    (the first casing sent names a repeated header).
    """
    grouped: dict[str, tuple[str, list[str]]] = {}
    forwarded: list[str] = []
    for name, value in request.headers:
        lname = name.lower()
        if lname in _REPLACED:
            continue
        if lname == "x-forwarded-for":
            forwarded.append(value)
            continue
        entry = grouped.get(lname)
        if entry is None:
            grouped[lname] = (_RECASED.get(lname, name), [value])
        else:
            entry[1].append(value)
    forwarded.append(request.source_ip)
    length = grouped.pop("content-length", None)
    content_type = grouped.pop("content-type", None)
    user_agent = grouped.pop("user-agent", None)
    multi: dict[str, list[str]] = {"Content-Length": length[1] if length else [str(len(request.body))]}
    if content_type is not None:
        multi["Content-Type"] = content_type[1]
    multi["Host"] = [config.domain_name]
    if user_agent is not None:
        multi["User-Agent"] = user_agent[1]
    multi["X-Amzn-Trace-Id"] = [trace_header(request, config.api, stamp)]
    multi["X-Forwarded-For"] = [", ".join(forwarded)]
    multi["X-Forwarded-Port"] = ["443"]
    multi["X-Forwarded-Proto"] = ["https"]
    for name, values in grouped.values():
        multi[name] = values
    return (
        multi,
        user_agent[1][-1] if user_agent else None,
        content_type[1][-1] if content_type else None,
    )


def build_http_v1_event(
    request: HttpRequest, config: GatewayConfig, stamp: RequestStamp | None = None
) -> Event:
    """Build the payload-1.0 event an HTTP API sends for ``request``.

    REST-like shape with ``"version": "1.0"``, ``null`` for empty collections, checked against two live
    captures (spec 3.4, V5): header names as the client sent them except the re-cased Content-Length,
    Content-Type, Host, User-Agent and the gateway's own X-Amzn-Trace-Id and X-Forwarded-* (``headers`` =
    last value, ``multiValueHeaders`` = all), the ``cookie`` header kept; no ``authorizer`` key without
    an authorizer; ``resource``, ``resourcePath`` and ``resourceId`` of the ``$default`` route all
    ``"$default"`` (``resourceId`` of other routes: ``null``, UNCONFIRMED). ``path`` is decoded like a 2.0
    ``rawPath`` (R10) and keeps a custom domain's base path (D2); on a custom domain
    ``requestContext.path`` starts with the stage, as in the 2020 capture. Body rules as for 2.0 (spec
    3.4, UNCONFIRMED).
    """
    if stamp is None:
        stamp = RequestStamp.new(uuid_request_id=False)
    seen_path, app_path, match = locate(request, config)
    multi, user_agent, content_type = _headers(request, config, stamp)
    path = seen_path if (config.keep_prefix_in_path or not config.custom_domain) else app_path
    if config.decode_raw_path:
        path = decode_path(path)
    mvq: dict[str, list[str]] | None = parse_query_decoded(request.query) or None
    resource = "$default" if match.route.path == "$default" else match.route.path
    context_path = path
    if config.custom_domain and config.stage != "$default":
        context_path = f"/{config.stage}{decode_path(app_path) if config.decode_raw_path else app_path}"
    identity_ = identity(request.source_ip, user_agent)
    identity_ = {"accessKey": None, "accountId": None, "caller": None, "cognitoAmr": None, **identity_}
    context: dict[str, Any] = {
        "accountId": config.account_id,
        "apiId": config.api_id,
        "domainName": config.domain_name,
        "domainPrefix": config.domain_prefix,
        "extendedRequestId": stamp.extended_request_id,
        "httpMethod": request.method,
        "identity": identity_,
        "path": context_path,
        "protocol": "HTTP/1.1",
        "requestId": stamp.request_id,
        "requestTime": stamp.clf,
        "requestTimeEpoch": stamp.epoch_ms,
        "resourceId": "$default" if resource == "$default" else None,
        "resourcePath": resource,
        "stage": config.stage,
    }
    if config.authorizer is not None:
        context["authorizer"] = copy.deepcopy(config.authorizer)
    params = match.path_parameters
    event: Event = {
        "version": "1.0",
        "resource": resource,
        "path": path,
        "httpMethod": request.method,
        "headers": {k: v[-1] for k, v in multi.items()},
        "multiValueHeaders": multi,
        "queryStringParameters": {k: v[-1] for k, v in mvq.items()} if mvq else None,
        "multiValueQueryStringParameters": mvq,
        "requestContext": context,
        "pathParameters": (
            {k: decode_path(v) for k, v in params.items()} if config.decode_raw_path else dict(params)
        )
        if params
        else None,
        "stageVariables": dict(config.stage_variables) if config.stage_variables else None,
    }
    if request.body:
        event["body"], event["isBase64Encoded"] = text_or_base64_body(
            request, config, "an HTTP API", content_type
        )
    else:
        event["body"], event["isBase64Encoded"] = None, False
    if config.request_context or config.event_overrides:
        apply_overrides(event, config)
    return event
