"""The integration: what the front door answers itself for a route (a MOCK method; an integration not run
yet, 500), or the Lambda function a route's proxy integration invokes."""

from __future__ import annotations

from collections.abc import Callable

from ..response import GatewayResponse
from ..route_integrations import RouteIntegrations
from ..runtime.model import FunctionConfig
from ..runtime.pool import EnvironmentPool
from .state import FlowState, FunctionTarget

__all__ = ["front_door_integration", "lambda_target"]


def front_door_integration(
    state: FlowState, integrations: RouteIntegrations | None
) -> GatewayResponse | None:
    """The answer of an integration the front door runs itself, or None for a Lambda proxy."""
    if integrations is None or not state.routed:
        return None
    return integrations.integration(state.route_key, state.request, state.config, state.stamp, state.event)


def lambda_target(
    state: FlowState,
    environments: EnvironmentPool | Callable[[str], FunctionTarget],
    function: FunctionConfig,
    integration_timeout: float | None,
) -> FunctionTarget:
    """The function the matched route invokes: the gateway's one function, or its route's."""
    if isinstance(environments, EnvironmentPool):
        return FunctionTarget(environments, function, integration_timeout)
    return environments(state.route_key)
