"""The integration: what the front door answers itself for a route (a MOCK method, an HTTP integration; an
integration not run, 500), or the Lambda function a route's proxy integration invokes."""

from __future__ import annotations

from collections.abc import Callable

from ..cors import CorsRules, decorate
from ..response import GatewayResponse
from ..route_integrations import RouteIntegrations
from ..runtime.model import FunctionConfig
from ..runtime.pool import EnvironmentPool
from .state import FlowState, FunctionTarget

__all__ = ["front_door_integration", "lambda_target"]


def front_door_integration(
    state: FlowState, integrations: RouteIntegrations | None, cors: CorsRules | None = None
) -> GatewayResponse | None:
    """The answer of an integration the front door runs itself, or None for a Lambda proxy. An HTTP API's
    CORS applies to its HTTP integrations' responses as to its Lambda proxies' (``cors``)."""
    if integrations is None or not state.routed:
        return None
    answer = integrations.integration(state.route_key, state.request, state.config, state.stamp, state.event)
    if answer is not None and cors is not None and state.route_key in integrations.http:
        return decorate(cors, state.request, answer)
    return answer


def lambda_target(
    state: FlowState,
    environments: EnvironmentPool | Callable[[str], FunctionTarget],
    function: FunctionConfig,
    integration_timeout: float | None,
    in_process: bool = False,
) -> FunctionTarget:
    """The function the matched route invokes: the gateway's one function (``in_process``: its
    environments run it in this process), or its route's."""
    if isinstance(environments, EnvironmentPool):
        return FunctionTarget(environments, function, integration_timeout, in_process=in_process)
    return environments(state.route_key)
