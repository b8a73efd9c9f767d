"""The plan of a plain proxy request: a gateway with one function and none of the options a later step
reads (no CORS rules, API keys, authorizers, route integrations, validators or customised gateway
responses). Such a request goes through the payload limit, the route and its event, and the Lambda proxy
step, without the steps it cannot need: the same steps as :func:`apigw_emulator.invoke.invoke`'s general
pass, called directly (its differential test holds the two to the same results).
"""

from __future__ import annotations

from ..config import GatewayConfig
from ..errors import RouteNotFoundError
from ..events import BUILDERS
from ..gateway_errors import route_not_found
from ..ids import RequestStamp
from ..request import HttpRequest
from ..runtime.model import FunctionConfig
from ..runtime.pool import EnvironmentPool
from .lambda_proxy import invoke_function
from .limits import API_PAYLOAD_LIMIT, check_payload
from .plain import plain_config
from .state import FlowState, FunctionTarget, Invocation

__all__ = ["invoke_plain"]


def invoke_plain(  # noqa: PLR0917 (called once, by position: keywords cost a call more)
    environments: EnvironmentPool,
    request: HttpRequest,
    config: GatewayConfig,
    function: FunctionConfig,
    integration_timeout: float | None,
    stamp: RequestStamp | None,
    in_process: bool,
) -> Invocation:
    """Send a plain proxy ``request`` through the front door to the function's ``environments``."""
    state = FlowState.start(request, config, stamp)
    if len(request.body) > API_PAYLOAD_LIMIT or config.api == "alb":  # the limit step, when it can refuse
        refused = check_payload(state)
        if refused is not None:
            return state.answer(refused)
    try:
        state.event = BUILDERS[config.api](request, config, state.stamp)
    except RouteNotFoundError as exc:
        return state.answer(route_not_found(config, state.stamp, str(exc)))
    if state.plain:
        state.plain = plain_config(config)
    return invoke_function(state, _target(environments, function, integration_timeout, in_process), None)


def _target(
    environments: EnvironmentPool,
    function: FunctionConfig,
    integration_timeout: float | None,
    in_process: bool,
) -> FunctionTarget:
    """The gateway's one function as a target, made once per pool and kept on it (made again when what it
    holds changes): the proxy step only reads it."""
    known = environments.plain_target
    if (
        isinstance(known, FunctionTarget)
        and known.function is function
        and known.integration_timeout == integration_timeout
        and known.in_process is in_process
    ):
        return known
    target = FunctionTarget(environments, function, integration_timeout, None, in_process)
    environments.plain_target = target
    return target
