"""A CORS preflight the front door answers itself (an HTTP API's ``CorsConfiguration``, or CORS rules given
in Python); a REST API's preflight is its MOCK ``OPTIONS`` method, answered by the integration step."""

from __future__ import annotations

from dataclasses import replace

from ..cors import CorsRules, preflight
from ..errors import RouteNotFoundError
from ..events._common import split_prefix
from ..response import GatewayResponse
from .state import FlowState

__all__ = ["answer_preflight"]


def answer_preflight(state: FlowState, cors: CorsRules | None) -> GatewayResponse | None:
    """The front door's answer to a CORS preflight, or None when the request goes on."""
    if cors is None or state.request.method != "OPTIONS":
        return None
    try:
        app_path = split_prefix(state.request, state.config)[1]
    except RouteNotFoundError:
        return None
    answer = preflight(cors, state.request, state.config.routes, app_path)
    if answer is None:
        return None
    stamp = state.stamp  # the front door's ids, as on every response it sends
    ids = (
        (("apigw-requestid", stamp.request_id),)
        if cors.style == "http"
        else (("x-amzn-RequestId", stamp.request_id), ("x-amz-apigw-id", stamp.extended_request_id))
    )
    return replace(answer, headers=(*answer.headers, *ids))
