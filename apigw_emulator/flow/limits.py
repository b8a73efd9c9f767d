"""The payload limit: a body over what the front door accepts gets 413 before anything else."""

from __future__ import annotations

from ..gateway_errors import payload_too_large
from ..response import GatewayResponse
from .state import FlowState

__all__ = ["ALB_PAYLOAD_LIMIT", "API_PAYLOAD_LIMIT", "check_payload"]

#: Largest request body API Gateway accepts (REST and HTTP APIs, spec 7).
API_PAYLOAD_LIMIT = 10 * 1024 * 1024
#: Largest request body an ALB passes to a Lambda target (D19).
ALB_PAYLOAD_LIMIT = 1024 * 1024


def check_payload(state: FlowState) -> GatewayResponse | None:
    """413 for a body over the limit, else None."""
    limit = ALB_PAYLOAD_LIMIT if state.config.api == "alb" else API_PAYLOAD_LIMIT
    size = len(state.request.body)
    if size <= limit:
        return None
    reason = f"the request body has {size} bytes, over the {limit}-byte limit"
    return payload_too_large(state.config, state.stamp, reason)
