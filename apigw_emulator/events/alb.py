"""Application Load Balancer target events: spec section 4.2."""

from __future__ import annotations

from typing import cast

from .._types import Event
from ..codec import b64encode
from ..config import GatewayConfig
from ..ids import RequestStamp
from ..query import parse_query_raw
from ..request import HttpRequest
from ..trace import trace_header
from ._common import apply_overrides, text_or_base64_body
from ._lowercase import lowercase_headers

__all__ = ["build_alb_event"]

_REPLACED = frozenset({"host", "x-forwarded-port", "x-forwarded-proto", "x-amzn-trace-id"})


def build_alb_event(request: HttpRequest, config: GatewayConfig, stamp: RequestStamp | None = None) -> Event:
    """Build the event an ALB sends to a Lambda target for ``request``.

    - either ``headers``/``queryStringParameters`` (last value wins) or, with ``multi_value_headers``,
      ``multiValueHeaders``/``multiValueQueryStringParameters``, never both (D19).
    - header names lower case; ``content-length`` and ``connection`` kept as the client sent them.
    - neither the path nor the query is percent-decoded; no query gives ``{}``, no body gives ``""``.
    - the body is base64 when a ``content-encoding`` header is present or the type is not text.
    """
    if stamp is None:
        stamp = RequestStamp.new()
    grouped, _, _, content_type, forwarded = lowercase_headers(request, _REPLACED, joined=False)
    multi = cast(dict[str, list[str]], grouped)
    if request.body and "content-length" not in multi:
        multi["content-length"] = [str(len(request.body))]
    forwarded.append(request.source_ip)
    multi["host"] = [config.domain_name]
    multi["x-amzn-trace-id"] = [trace_header(request, "alb", stamp)]
    multi["x-forwarded-for"] = [", ".join(forwarded)]
    multi["x-forwarded-port"] = [config.forwarded_port]
    multi["x-forwarded-proto"] = [config.scheme]
    query = parse_query_raw(request.query)
    if not request.body:
        body, is_b64 = "", False
    elif "content-encoding" in multi:
        body, is_b64 = b64encode(request.body), True
    else:
        body, is_b64 = text_or_base64_body(request, config, "an ALB", content_type)
    event: Event = {
        "requestContext": {"elb": {"targetGroupArn": config.target_group_arn}},
        "httpMethod": request.method,
        "path": request.path,
    }
    if config.multi_value_headers:
        event["multiValueQueryStringParameters"] = query
        event["multiValueHeaders"] = multi
    else:
        event["queryStringParameters"] = {k: v[-1] for k, v in query.items()}
        event["headers"] = {k: v[-1] for k, v in multi.items()}
    event["body"] = body
    event["isBase64Encoded"] = is_b64
    if config.request_context or config.event_overrides:
        apply_overrides(event, config)
    return event
