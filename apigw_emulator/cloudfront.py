"""The headers CloudFront adds to the responses of an EDGE REST API (spec 2.2, 8.10).

An EDGE endpoint is a CloudFront distribution in front of the regional API: every response, the Lambda's
and the gateway's own errors alike, leaves through it and gains ``X-Cache``, ``Via``, ``X-Amz-Cf-Pop`` and
``X-Amz-Cf-Id`` (L5). The ``Via`` host and the ``X-Amz-Cf-Id`` are the ones of the request's event: the
stamp carries them (:attr:`RequestStamp.edge_ids <apigw_emulator.ids.RequestStamp.edge_ids>`).
"""

from __future__ import annotations

from .config import GatewayConfig
from .ids import RequestStamp, edge_ids

__all__ = ["CLOUDFRONT_RESPONSE_HEADERS", "edge_response_headers", "is_edge"]

#: The edge location reported in ``X-Amz-Cf-Pop`` (a US one, like the viewer facts of the event).
EDGE_POP = "IAD89-P1"
#: Response headers CloudFront sets itself (lower case): a Lambda's own values are replaced.
CLOUDFRONT_RESPONSE_HEADERS = frozenset({"x-cache", "x-amz-cf-pop", "x-amz-cf-id"})


def is_edge(config: GatewayConfig) -> bool:
    """Whether responses of ``config``'s front door pass through CloudFront (a REST API on EDGE)."""
    return config.api == "rest" and config.endpoint_type == "EDGE"


def edge_response_headers(stamp: RequestStamp, status: int) -> list[tuple[str, str]]:
    """CloudFront's headers for a response with ``status``, in the order clients receive them.

    ``X-Cache`` is ``Miss from cloudfront`` (API responses are not cached) and ``Error from cloudfront``
    for a 4xx or 5xx, as CloudFront reports an error status of its origin (spec 7: the 413 of a REST
    API; for other errors UNCONFIRMED).
    """
    via_digits, cf_id = stamp.edge_ids or edge_ids()
    return [
        ("X-Cache", "Error from cloudfront" if status >= 400 else "Miss from cloudfront"),
        ("Via", f"1.1 {via_digits}.cloudfront.net (CloudFront)"),
        ("X-Amz-Cf-Pop", EDGE_POP),
        ("X-Amz-Cf-Id", cf_id),
    ]
