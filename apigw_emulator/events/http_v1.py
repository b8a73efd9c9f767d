"""HTTP API payload format 1.0 events: spec section 3.4 and the D2 example."""

from __future__ import annotations

import copy
from typing import Any, cast

from .._types import Event
from ..config import GatewayConfig
from ..ids import RequestStamp
from ..query import decode_path, parse_query_decoded
from ..request import HttpRequest
from ._common import apply_overrides, identity, locate, text_or_base64_body
from ._lowercase import HOP_BY_HOP, lowercase_headers

__all__ = ["build_http_v1_event"]

_REPLACED = HOP_BY_HOP | {"host", "x-forwarded-port", "x-forwarded-proto", "x-amzn-trace-id"}


def build_http_v1_event(
    request: HttpRequest, config: GatewayConfig, stamp: RequestStamp | None = None
) -> Event:
    """Build the payload-1.0 event an HTTP API sends for ``request``.

    REST-like shape with ``"version": "1.0"``, lower-case header names (``headers`` = last value,
    ``multiValueHeaders`` = all), the ``cookie`` header kept, ``null`` for empty collections,
    ``requestContext.authorizer`` = ``{"claims": null, "scopes": null}`` without an authorizer and
    ``resourceId: null`` (D2). ``path`` is decoded like a 2.0 ``rawPath`` (R10) and keeps a custom
    domain's base path (D2). Body rules as for 2.0 (spec 3.4, UNCONFIRMED). The ``resource`` of the
    ``$default`` route is ``"$default"`` (UNCONFIRMED).
    """
    if stamp is None:
        stamp = RequestStamp.new(uuid_request_id=False)
    seen_path, app_path, match = locate(request, config)
    grouped, _, user_agent, content_type, forwarded = lowercase_headers(request, _REPLACED, joined=False)
    multi = cast(dict[str, list[str]], grouped)
    if "content-length" not in multi:
        multi["content-length"] = [str(len(request.body))]
    forwarded.append(request.source_ip)
    multi["host"] = [config.domain_name]
    multi["x-amzn-trace-id"] = [stamp.trace_id]
    multi["x-forwarded-for"] = [", ".join(forwarded)]
    multi["x-forwarded-port"] = ["443"]
    multi["x-forwarded-proto"] = ["https"]
    path = seen_path if (config.keep_prefix_in_path or not config.custom_domain) else app_path
    if config.decode_raw_path:
        path = decode_path(path)
    mvq: dict[str, list[str]] | None = parse_query_decoded(request.query) or None
    resource = "$default" if match.route.path == "$default" else match.route.path
    context: dict[str, Any] = {
        "accountId": config.account_id,
        "apiId": config.api_id,
        "authorizer": (
            copy.deepcopy(config.authorizer)
            if config.authorizer is not None
            else {"claims": None, "scopes": None}
        ),
        "domainName": config.domain_name,
        "domainPrefix": config.domain_prefix,
        "extendedRequestId": stamp.extended_request_id,
        "httpMethod": request.method,
        "identity": identity(request.source_ip, user_agent),
        "path": path,
        "protocol": "HTTP/1.1",
        "requestId": stamp.request_id,
        "requestTime": stamp.clf,
        "requestTimeEpoch": stamp.epoch_ms,
        "resourceId": None,
        "resourcePath": resource,
        "stage": config.stage,
    }
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
