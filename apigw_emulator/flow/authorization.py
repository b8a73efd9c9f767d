"""Authorization, as the method or route declares it: ``AWS_IAM`` (an unsigned request is refused), then a
Lambda, JWT or Cognito authorizer (401, 403, 500, or what it grants in the event)."""

from __future__ import annotations

from ..authorizers.check import Authorization
from ..response import GatewayResponse
from ..route_integrations import RouteIntegrations
from .state import FlowState

__all__ = ["authorize"]


def authorize(
    state: FlowState, integrations: RouteIntegrations | None, authorization: Authorization | None
) -> GatewayResponse | None:
    """The refusal of an unauthorized request, else None (with the grant in ``state`` and the event)."""
    if not state.routed:
        return None
    if integrations is not None:
        unsigned = integrations.before_authorizer(state.route_key, state.request, state.config, state.stamp)
        if unsigned is not None:
            return unsigned
    if authorization is None:
        return None
    state.plain = False  # the authorizer's grant goes into the event: what its function returned
    verdict = authorization.check(
        state.request,
        state.event,
        state.route_key,
        app_path=state.app_path,
        config=state.config,
        stamp=state.stamp,
    )
    if isinstance(verdict, GatewayResponse):
        return verdict
    if verdict is not None:
        state.granted = verdict
        state.event["requestContext"]["authorizer"] = verdict.authorizer
    return None
