"""API keys (REST): a method that requires one refuses a request without a known key (403); the key used,
from the header or the authorizer's ``usageIdentifierKey``, reaches the event."""

from __future__ import annotations

from ..api_keys import ApiKeyRules
from ..gateway_errors import forbidden
from ..ids import stable_id
from ..response import GatewayResponse
from .state import FlowState

__all__ = ["check_api_key"]


def check_api_key(state: FlowState, api_keys: ApiKeyRules | None) -> GatewayResponse | None:
    """403 for a request without the key its method requires, else None."""
    if api_keys is None or state.config.api != "rest":
        return None
    granted = state.granted
    from_authorizer = granted.usage_identifier_key if granted is not None else None
    refusal = api_keys.refusal(state.route_key, state.request, from_authorizer)
    if refusal is not None:
        return forbidden(state.config, state.stamp, refusal)
    used = api_keys.key_used(state.route_key, state.request, from_authorizer)
    if used is not None:
        state.event["requestContext"]["identity"].update(apiKey=used, apiKeyId=stable_id(f"apikey:{used}"))
    return None
