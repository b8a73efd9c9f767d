"""From an event back to the request and the configuration that produce it (like werkzeug's
``EnvironBuilder.from_environ``).

:func:`request_from_event` recovers what the client sent: headers the front door added (Host,
X-Forwarded-*, X-Amzn-Trace-Id, CloudFront's, the TLS headers of function URLs) are removed and the body is
decoded back to bytes. What the front door transformed stays transformed: comma-joined duplicates of an
HTTP API stay one header, a REST body corrupted to U+FFFD stays corrupted, decoded query values are
re-encoded. :func:`gateway_options_from_event` gives the :class:`~apigw_emulator.Gateway` keyword arguments
(front door, stage, ids, domain, routes, authorizer...) so that ``Gateway(**options).build_event(request)``
rebuilds the event, up to generated ids and times.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any
from urllib.parse import quote

from .codec import b64decode
from .errors import EventFormatError
from .events.http_v2 import TLS_HEADERS
from .events.rest import CLOUDFRONT_HEADERS
from .request import HttpRequest

__all__ = ["detect_api", "gateway_options_from_event", "request_from_event"]

_EDGE_MARKERS = ("cloudfront-forwarded-proto", "x-amz-cf-id")
_GATEWAY_ADDED = frozenset({"host", "x-amzn-trace-id", "x-forwarded-port", "x-forwarded-proto"})
_PATH_SAFE = "/!$&'()*+,;=:@~"
_REGION = re.compile(r"\.(?:execute-api|lambda-url|elb)\.([a-z]{2}(?:-[a-z]+)+-\d)\.")


def detect_api(event: Mapping[str, Any]) -> str:
    """Which front door produced ``event``: ``rest``, ``http``, ``http-v1``, ``function-url`` or ``alb``.

    :raises EventFormatError: when the dict is not an event of any of them.
    """
    if not isinstance(event, Mapping):
        raise EventFormatError(f"an event is a dict, got {type(event).__name__}")
    context = event.get("requestContext")
    if not isinstance(context, Mapping):
        raise EventFormatError("not an API Gateway, function URL or ALB event: no requestContext object")
    if "elb" in context:
        return "alb"
    version = event.get("version")
    if version == "2.0":
        domain = str(context.get("domainName", ""))
        return (
            "function-url" if ".lambda-url." in domain or context.get("accountId") == "anonymous" else "http"
        )
    if version == "1.0":
        return "http-v1"
    if "httpMethod" in event and "resource" in event:
        return "rest"
    raise EventFormatError(
        "cannot tell the front door of this event: expected version 2.0 (HTTP API, function URL), "
        "version 1.0 (HTTP API payload 1.0), requestContext.elb (ALB) or resource + httpMethod (REST)"
    )


def _pairs(event: Mapping[str, Any]) -> list[tuple[str, str]]:
    """Header pairs from multiValueHeaders when it holds lists, else from headers."""
    multi = event.get("multiValueHeaders")
    single = event.get("headers") or {}
    pairs: list[tuple[str, str]] = []
    if isinstance(multi, Mapping) and multi:
        for name, values in multi.items():
            if isinstance(values, list):
                pairs.extend((name, str(v)) for v in values)
            elif name in single:
                pairs.append((name, str(single[name])))
        return pairs
    return [(name, str(value)) for name, value in single.items() if value is not None]


def _client_forwarded_for(value: str | None, added: int) -> str | None:
    """What the client itself sent in X-Forwarded-For, once the gateway's ``added`` entries are removed."""
    if not value:
        return None
    entries = [e.strip() for e in value.split(",")]
    client = entries[: max(0, len(entries) - added)]
    return ", ".join(client) or None


def _body(event: Mapping[str, Any]) -> bytes:
    body = event.get("body")
    if body is None or body == "":
        return b""
    if not isinstance(body, str):
        raise EventFormatError(f"the event body must be a str or null, got {type(body).__name__}")
    if event.get("isBase64Encoded"):
        try:
            return b64decode(body)
        except ValueError as exc:
            raise EventFormatError(f"isBase64Encoded is true but the body is not base64: {exc}") from None
    return body.encode("utf-8")


def _query_from_values(values: Mapping[str, Any] | None, *, encode: bool) -> str:
    if not values:
        return ""
    parts = []
    for key, value in values.items():
        for one in value if isinstance(value, list) else [value]:
            if encode:
                parts.append(f"{quote(str(key), safe='')}={quote(str(one), safe='')}")
            else:
                parts.append(f"{key}={one}")
    return "&".join(parts)


def request_from_event(event: Mapping[str, Any]) -> HttpRequest:
    """The request a client sent to produce ``event`` (the inverse of the event builders).

    :raises EventFormatError: when ``event`` is not an event of a known front door.
    """
    api = detect_api(event)
    context = event["requestContext"]
    pairs = _pairs(event)
    method = str(event.get("httpMethod") or context.get("http", {}).get("method") or "GET")
    protocol = "HTTP/1.1"
    if api == "rest":
        lower = {n.lower() for n, _ in pairs}
        edge = any(m in lower for m in _EDGE_MARKERS)
        dropped = _GATEWAY_ADDED | (CLOUDFRONT_HEADERS if edge else frozenset())
        identity = context.get("identity") or {}
        source_ip = str(identity.get("sourceIp") or "127.0.0.1")
        for name, value in pairs:
            if name.lower() == "via" and edge and value.startswith("2.0 "):
                protocol = "HTTP/2.0"
        path = context.get("path")
        if not isinstance(path, str) or not path.startswith("/"):
            stage = context.get("stage")
            path = f"/{stage}{event.get('path', '/')}" if stage else str(event.get("path", "/"))
        query = _query_from_values(
            event.get("multiValueQueryStringParameters") or event.get("queryStringParameters"), encode=True
        )
        xff_added = 2 if edge else 1
    elif api in ("http", "function-url"):
        http = context.get("http") or {}
        source_ip = str(http.get("sourceIp") or "127.0.0.1")
        dropped = _GATEWAY_ADDED | (TLS_HEADERS if api == "function-url" else frozenset())
        raw_path = str(event.get("rawPath") or "/")
        path = raw_path if api == "function-url" else quote(raw_path, safe=_PATH_SAFE)
        query = str(event.get("rawQueryString") or "")
        xff_added = 1
        cookies = event.get("cookies")
        if cookies and not any(n.lower() == "cookie" for n, _ in pairs):
            pairs.append(("cookie", "; ".join(cookies)))
    elif api == "http-v1":
        identity = context.get("identity") or {}
        source_ip = str(identity.get("sourceIp") or "127.0.0.1")
        dropped = _GATEWAY_ADDED
        # event.path: requestContext.path starts with the stage on a custom domain (spec 3.4, V5).
        path = quote(str(event.get("path") or context.get("path") or "/"), safe=_PATH_SAFE)
        query = _query_from_values(
            event.get("multiValueQueryStringParameters") or event.get("queryStringParameters"), encode=True
        )
        xff_added = 1
    else:  # alb
        dropped = _GATEWAY_ADDED
        xff = next((v for n, v in reversed(pairs) if n.lower() == "x-forwarded-for"), "")
        source_ip = xff.split(",")[-1].strip() or "127.0.0.1"
        path = str(event.get("path") or "/")
        query = _query_from_values(
            event.get("multiValueQueryStringParameters") or event.get("queryStringParameters"), encode=False
        )
        xff_added = 1
    headers: list[tuple[str, str]] = []
    for name, value in pairs:
        lname = name.lower()
        if lname in dropped:
            continue
        if lname == "x-forwarded-for":
            client = _client_forwarded_for(value, xff_added)
            if client:
                headers.append((name, client))
            continue
        headers.append((name, value))
    return HttpRequest(method, path, query, tuple(headers), _body(event), source_ip, protocol)


def _meaningful(value: Any) -> bool:
    """Whether a value carries information (typed loggers write empty strings and nulls for absent keys)."""
    if isinstance(value, Mapping):
        return any(_meaningful(v) for v in value.values())
    if isinstance(value, list):
        return any(_meaningful(v) for v in value)
    return value not in (None, "")


def _region(domain: str) -> str | None:
    found = _REGION.search(domain)
    return found.group(1) if found else None


def gateway_options_from_event(event: Mapping[str, Any]) -> dict[str, Any]:
    """The :class:`~apigw_emulator.Gateway` keyword arguments of the deployment that sent ``event``.

    Covers the front door, stage, region, account and API ids, domain, endpoint type, route,
    stage variables, authorizer and, for ALB, the target group and its multi-value mode. Binary media
    types cannot be read from an event; add them yourself.
    """
    api = detect_api(event)
    context = event["requestContext"]
    options: dict[str, Any] = {"api": api}
    if api == "alb":
        options["target_group_arn"] = context["elb"]["targetGroupArn"]
        options["multi_value_headers"] = (
            "multiValueHeaders" in event and event["multiValueHeaders"] is not None
        )
        pairs = _pairs(event)
        host = next((v for n, v in pairs if n.lower() == "host"), None)
        proto = next((v for n, v in pairs if n.lower() == "x-forwarded-proto"), "https")
        if host:
            options["domain_name"] = host
        options["scheme"] = "http" if proto == "http" else "https"
        arn = options["target_group_arn"].split(":")
        if len(arn) > 4:
            options["region"], options["account_id"] = arn[3], arn[4]
        return options
    domain = str(context.get("domainName") or "")
    if not domain:  # older REST events have no domainName; it equals the Host header (D8)
        domain = next((v for n, v in _pairs(event) if n.lower() == "host"), "")
    if domain:
        options["domain_name"] = domain
        region = _region(domain)
        if region:
            options["region"] = region
    if context.get("apiId"):
        options["api_id"] = context["apiId"]
    if context.get("accountId") and context["accountId"] != "anonymous":
        options["account_id"] = context["accountId"]
    if api != "function-url":
        options["stage"] = context.get("stage") or "$default"
    if api == "rest":
        lower = {n.lower() for n, _ in _pairs(event)}
        options["endpoint_type"] = "EDGE" if any(m in lower for m in _EDGE_MARKERS) else "REGIONAL"
        resource = event.get("resource") or "/{proxy+}"
        options["routes"] = [f"{event.get('httpMethod', 'ANY')} {resource}"]
    elif api == "http":
        route_key = event.get("routeKey") or "$default"
        options["routes"] = [route_key]
    elif api == "http-v1":
        resource = event.get("resource") or "$default"
        options["routes"] = ["$default" if resource == "$default" else f"ANY {resource}"]
    if event.get("stageVariables"):
        options["stage_variables"] = dict(event["stageVariables"])
    if _meaningful(context.get("authorizer")) and not (
        api == "http-v1" and context.get("authorizer") == {"claims": None, "scopes": None}
    ):
        options["authorizer"] = context["authorizer"]
    extra: dict[str, Any] = {}
    if api in ("http", "function-url") and _meaningful(context.get("authentication")):
        extra["authentication"] = context["authentication"]
    if api in ("rest", "http-v1"):
        identity = context.get("identity") or {}
        known = {"sourceIp", "userAgent"}
        extra_identity = {k: v for k, v in identity.items() if k not in known and _meaningful(v)}
        if extra_identity:
            extra["identity"] = extra_identity
        if _meaningful(context.get("operationName")):
            extra["operationName"] = context["operationName"]
    if api == "function-url":
        if context.get("accountId") not in (None, "anonymous"):
            options["function_url_auth_type"] = "AWS_IAM"
        for name, value in _pairs(event):
            if name.lower() == "x-amzn-tls-version":
                options["tls_version"] = value
            elif name.lower() == "x-amzn-tls-cipher-suite":
                options["tls_cipher_suite"] = value
    if extra:
        options["request_context"] = extra
    return options
