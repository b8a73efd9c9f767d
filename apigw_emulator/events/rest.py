"""REST API (payload 1.0, "Lambda proxy") events: spec section 1 and 2.1."""

from __future__ import annotations

import copy
import functools
from typing import Any

from .._types import Event
from ..codec import b64encode, decode_text_body
from ..config import GatewayConfig
from ..ids import RequestStamp, edge_ids, stable_id
from ..media_types import essence
from ..query import parse_query_decoded
from ..request import HttpRequest
from ..trace import trace_header
from ._common import apply_overrides, identity_template, locate

__all__ = ["build_rest_event"]

#: Request headers a REST API never hands to a Lambda proxy (spec 2.1: D5 table, L4). Host and the
#: X-Forwarded-* headers are replaced by the gateway's own.
DROPPED_REQUEST_HEADERS = frozenset(
    {
        "content-length",
        "connection",
        "content-md5",
        "expect",
        "max-forwards",
        "proxy-authenticate",
        "server",
        "te",
        "transfer-encoding",
        "trailer",
        "upgrade",
        "www-authenticate",
        "keep-alive",
        "host",
        "x-forwarded-port",
        "x-forwarded-proto",
        "x-amzn-trace-id",
    }
)
_EDGE_STATIC = (
    ("CloudFront-Forwarded-Proto", "https"),
    ("CloudFront-Is-Desktop-Viewer", "true"),
    ("CloudFront-Is-Mobile-Viewer", "false"),
    ("CloudFront-Is-SmartTV-Viewer", "false"),
    ("CloudFront-Is-Tablet-Viewer", "false"),
    ("CloudFront-Viewer-ASN", "16509"),
    ("CloudFront-Viewer-Country", "US"),
)
#: Every header CloudFront sets on an EDGE endpoint (lower case); a client's own are replaced.
CLOUDFRONT_HEADERS = frozenset(name.lower() for name, _ in _EDGE_STATIC) | {"via", "x-amz-cf-id"}
_EDGE_DROPPED = DROPPED_REQUEST_HEADERS | CLOUDFRONT_HEADERS
#: What follows the version and the host digits in CloudFront's ``Via``.
_VIA_END = ".cloudfront.net (CloudFront)"
#: The address CloudFront appends to X-Forwarded-For on EDGE endpoints (an address of its range).
EDGE_FORWARDER_IP = "130.176.0.1"

#: ``requestContext.identity`` with its fixed values; each event's is a copy with the request's own.
_IDENTITY = identity_template()

BINARY_FIX = (
    "Add the type to the API's binary media types, e.g. in SAM `BinaryMediaTypes: - {sam}` "
    "(`x-amazon-apigateway-binary-media-types: [{plain}]` in OpenAPI), and redeploy the API."
)


@functools.lru_cache(maxsize=1024)
def _resource_id(api_id: str, resource: str) -> str:
    return stable_id(f"{api_id}:{resource}")


class _Shape:
    """What a configuration's events share, made once per configuration: the headers a client's are
    dropped for, and per method and raw path the route's part of the event: its resource, paths and
    parameters, and the ``requestContext`` with every value but the request's own ids, time and identity
    in place (written over it per event, key order kept)."""

    __slots__ = ("config", "dropped", "edge", "names", "routes")

    def __init__(self, config: GatewayConfig) -> None:
        self.config = config
        self.edge = config.endpoint_type == "EDGE"
        self.dropped = _EDGE_DROPPED if self.edge else DROPPED_REQUEST_HEADERS
        self.routes: dict[tuple[str, str], _Route] = {}
        #: What each request header name seen lately becomes: (its name in the event, or None when it is
        #: dropped or X-Forwarded-For; its lower case when the builder reads its value, else "").
        self.names: dict[str, tuple[str | None, str]] = {}

    def name(self, name: str) -> tuple[str | None, str]:
        """What the request header ``name`` becomes (remembered in :attr:`names`)."""
        lname = name.lower()
        special = lname if lname in _READ_HEADERS else ""
        key = (
            None
            if lname in self.dropped or lname == "x-forwarded-for"
            else self.config.recased_headers.get(lname, name)
        )
        if len(self.names) >= _NAMES_PER_SHAPE:
            self.names.clear()
        self.names[name] = (key, special)
        return key, special

    def route(self, request: HttpRequest) -> _Route:
        """The route part of ``request``'s event (made on the first request of its method and raw path).

        :raises RouteNotFoundError: when no resource matches.
        """
        key = (request.method, request.path)
        found = self.routes.get(key)
        if found is None:
            found = self._route(request)
            if len(self.routes) >= _ROUTES_PER_SHAPE:
                self.routes.clear()
            self.routes[key] = found
        return found

    def _route(self, request: HttpRequest) -> _Route:
        config = self.config
        seen_path, app_path, match = locate(request, config)
        if config.keep_prefix_in_path:
            path = seen_path
        else:
            path = "/" + app_path.lstrip("/") if app_path.startswith("//") else app_path
        resource = match.route.path
        context = {
            "accountId": config.account_id,
            "apiId": config.api_id,
            "deploymentId": config.deployment_id,
            "domainName": config.domain_name,
            "domainPrefix": config.domain_prefix,
            "extendedRequestId": None,
            "httpMethod": request.method,
            "identity": None,
            "path": seen_path,
            "protocol": "HTTP/1.1",
            "requestId": None,
            "requestTime": None,
            "requestTimeEpoch": None,
            "resourceId": _resource_id(config.api_id, resource),
            "resourcePath": resource,
            "stage": config.stage,
        }
        return (resource, path, context, match.path_parameters or None)


#: A route's part of an event: (resource, path, requestContext with the route's values, path parameters
#: or None). The context and the parameters are copied into each event.
_Route = tuple[str, str, dict[str, Any], "dict[str, str] | None"]
_ROUTES_PER_SHAPE = 1024
_NAMES_PER_SHAPE = 1024
#: The request headers whose values the builder reads (the lower case of their names).
_READ_HEADERS = frozenset({"x-forwarded-for", "user-agent", "content-type"})
#: The shapes of the configurations seen lately, by ``id`` (each keeps its configuration alive, so an id
#: is not reused while its entry is there).
_SHAPES: dict[int, _Shape] = {}
_SHAPES_LIMIT = 64


def _shape_of(config: GatewayConfig) -> _Shape:
    """The shape of ``config``'s events, made on its first event."""
    shape = _SHAPES.get(id(config))
    if shape is None or shape.config is not config:
        shape = _Shape(config)
        if len(_SHAPES) >= _SHAPES_LIMIT:
            _SHAPES.clear()
        _SHAPES[id(config)] = shape
    return shape


def build_rest_event(request: HttpRequest, config: GatewayConfig, stamp: RequestStamp | None = None) -> Event:
    """Build the event a REST API Lambda proxy integration sends for ``request``.

    - ``path`` has the stage removed and is **not** percent-decoded; ``requestContext.path`` keeps the
      stage (spec 1.3, 1.4). On a custom domain both keep the base path.
    - header names keep the client's casing except Host, User-Agent and Authorization (spec 2.1);
      ``headers`` holds the last value, ``multiValueHeaders`` all values; Content-Length and hop-by-hop
      headers are dropped; Host, X-Amzn-Trace-Id and X-Forwarded-* are added, and on EDGE endpoints the
      CloudFront headers.
    - query parameters are form-decoded; empty collections and an empty body are ``null`` (spec 1.1).
    - the body is base64 when the Content-Type matches ``binaryMediaTypes``, otherwise UTF-8 text with
      U+FFFD for invalid bytes, as AWS does, with a :class:`BinaryBodyCorruptedWarning` (spec 5.1).

    :raises RouteNotFoundError: when no resource matches (AWS: 403 Missing Authentication Token).
    """
    if stamp is None:
        stamp = RequestStamp.new()
    shape = _shape_of(config)
    resource, path, route_context, path_parameters = shape.route(request)

    # Headers ---------------------------------------------------------------------------------------
    headers: dict[str, str] = {}
    multi: dict[str, list[str]] = {}
    forwarded_for: list[str] = []
    user_agent: str | None = None
    content_type: str | None = None
    names = shape.names
    for name, value in request.headers:
        known = names.get(name)
        if known is None:
            known = shape.name(name)
        key, special = known
        if special:
            if key is None:  # X-Forwarded-For: the gateway's own, the client's values first
                forwarded_for.append(value)
                continue
            if special == "user-agent":
                user_agent = value
            else:
                content_type = value
        elif key is None:  # dropped
            continue
        headers[key] = value
        values = multi.get(key)
        if values is None:
            multi[key] = [value]
        else:
            values.append(value)
    forwarded_for.append(request.source_ip)
    # The gateway's own headers, one value each, in their order (written out: this runs for every event);
    # none of their names can be a client's left in the maps (dropped above), so each goes last.
    host, trace = config.domain_name, trace_header(request, "rest", stamp)
    if shape.edge:  # CloudFront's own too: the stamp's ids (or fresh ones)
        forwarded_for.append(EDGE_FORWARDER_IP)
        forwarded = ", ".join(forwarded_for)
        digits, cf_id = stamp.edge_ids or edge_ids()
        via = f"{'2.0' if request.protocol.startswith(('HTTP/2', 'http/2')) else '1.1'} {digits}{_VIA_END}"
        headers["Host"] = host
        headers["X-Amzn-Trace-Id"] = trace
        headers["X-Forwarded-For"] = forwarded
        headers["X-Forwarded-Port"] = "443"
        headers["X-Forwarded-Proto"] = "https"
        headers["CloudFront-Forwarded-Proto"] = "https"
        headers["CloudFront-Is-Desktop-Viewer"] = "true"
        headers["CloudFront-Is-Mobile-Viewer"] = "false"
        headers["CloudFront-Is-SmartTV-Viewer"] = "false"
        headers["CloudFront-Is-Tablet-Viewer"] = "false"
        headers["CloudFront-Viewer-ASN"] = "16509"
        headers["CloudFront-Viewer-Country"] = "US"
        headers["Via"] = via
        headers["X-Amz-Cf-Id"] = cf_id
        multi["Host"] = [host]
        multi["X-Amzn-Trace-Id"] = [trace]
        multi["X-Forwarded-For"] = [forwarded]
        multi["X-Forwarded-Port"] = ["443"]
        multi["X-Forwarded-Proto"] = ["https"]
        multi["CloudFront-Forwarded-Proto"] = ["https"]
        multi["CloudFront-Is-Desktop-Viewer"] = ["true"]
        multi["CloudFront-Is-Mobile-Viewer"] = ["false"]
        multi["CloudFront-Is-SmartTV-Viewer"] = ["false"]
        multi["CloudFront-Is-Tablet-Viewer"] = ["false"]
        multi["CloudFront-Viewer-ASN"] = ["16509"]
        multi["CloudFront-Viewer-Country"] = ["US"]
        multi["Via"] = [via]
        multi["X-Amz-Cf-Id"] = [cf_id]
    else:
        forwarded = ", ".join(forwarded_for)
        headers["Host"] = host
        headers["X-Amzn-Trace-Id"] = trace
        headers["X-Forwarded-For"] = forwarded
        headers["X-Forwarded-Port"] = "443"
        headers["X-Forwarded-Proto"] = "https"
        multi["Host"] = [host]
        multi["X-Amzn-Trace-Id"] = [trace]
        multi["X-Forwarded-For"] = [forwarded]
        multi["X-Forwarded-Port"] = ["443"]
        multi["X-Forwarded-Proto"] = ["https"]

    # Query -----------------------------------------------------------------------------------------
    mvq: dict[str, list[str]] | None = (parse_query_decoded(request.query) or None) if request.query else None
    qs = {k: v[-1] for k, v in mvq.items()} if mvq else None

    # Body ------------------------------------------------------------------------------------------
    raw = request.body
    body: str | None
    if not raw:
        body, is_b64 = None, False
    elif config.binary_media_types.matches(content_type):
        body, is_b64 = b64encode(raw), True
    else:
        plain = essence(content_type) or "application/octet-stream"
        body, is_b64 = (
            decode_text_body(
                raw,
                content_type=essence(content_type),
                front_door="a REST API without a matching binaryMediaTypes entry",
                fix=BINARY_FIX.format(sam=plain.replace("/", "~1"), plain=plain),
            ),
            False,
        )

    identity = _IDENTITY.copy()
    identity["sourceIp"] = request.source_ip
    identity["userAgent"] = user_agent
    context = route_context.copy()
    context["extendedRequestId"] = stamp.extended_request_id
    context["identity"] = identity
    context["requestId"] = stamp.request_id
    context["requestTime"] = stamp.clf
    context["requestTimeEpoch"] = stamp.epoch_ms
    if config.authorizer is not None:
        context["authorizer"] = copy.deepcopy(config.authorizer)
    event: Event = {
        "resource": resource,
        "path": path,
        "httpMethod": request.method,
        "headers": headers,
        "multiValueHeaders": multi,
        "queryStringParameters": qs,
        "multiValueQueryStringParameters": mvq,
        "pathParameters": path_parameters.copy() if path_parameters is not None else None,
        "stageVariables": dict(config.stage_variables) if config.stage_variables else None,
        "requestContext": context,
        "body": body,
        "isBase64Encoded": is_b64,
    }
    if config.request_context or config.event_overrides:
        apply_overrides(event, config)
    return event
