"""The one invoke step: a request's one pass through the front door, in API Gateway's order.

Every driver (``Gateway.invoke``, the ``requests`` transport, the local server) goes through :func:`invoke`,
so limits, the front door's own answers and the Lambda runtime's JSON rules are applied in one place. Each
step is a module of :mod:`apigw_emulator.flow` with one job; a step either lets the request go on or
answers it (the gateway response the client gets).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from .api_keys import ApiKeyRules
from .authorizers.check import Authorization
from .config import GatewayConfig
from .cors import CorsRules
from .flow.api_key import check_api_key
from .flow.authorization import authorize
from .flow.authorizer_functions import call_function, function_caller
from .flow.gateway_response import customise
from .flow.integration import front_door_integration, lambda_target
from .flow.lambda_custom import invoke_custom
from .flow.lambda_proxy import (
    DEFAULT_INTEGRATION_TIMEOUT,
    LAMBDA_REQUEST_LIMIT,
    LAMBDA_RESPONSE_LIMIT,
    invoke_function,
)
from .flow.limits import ALB_PAYLOAD_LIMIT, API_PAYLOAD_LIMIT, check_payload
from .flow.plain_proxy import invoke_plain
from .flow.preflight import answer_preflight
from .flow.route import match_route
from .flow.runtime_json import round_trip, runtime_dumps
from .flow.state import FlowState, FunctionTarget, Invocation
from .flow.validation import MethodValidation, validate_request
from .ids import RequestStamp
from .model.rest import GatewayResponseSpec
from .request import HttpRequest
from .route_integrations import RouteIntegrations
from .runtime.model import FunctionConfig
from .runtime.pool import EnvironmentPool

__all__ = [
    "ALB_PAYLOAD_LIMIT",
    "API_PAYLOAD_LIMIT",
    "DEFAULT_INTEGRATION_TIMEOUT",
    "LAMBDA_REQUEST_LIMIT",
    "LAMBDA_RESPONSE_LIMIT",
    "FunctionConfig",
    "FunctionTarget",
    "Invocation",
    "call_function",
    "function_caller",
    "invoke",
    "invoke_steps",
    "round_trip",
    "runtime_dumps",
]


def invoke(
    environments: EnvironmentPool | Callable[[str], FunctionTarget],
    request: HttpRequest,
    config: GatewayConfig,
    function: FunctionConfig,
    *,
    integration_timeout: float | None = None,
    stamp: RequestStamp | None = None,
    cors: CorsRules | None = None,
    api_keys: ApiKeyRules | None = None,
    authorization: Authorization | None = None,
    integrations: RouteIntegrations | None = None,
    gateway_responses: Mapping[str, GatewayResponseSpec] | None = None,
    validation: MethodValidation | None = None,
    in_process: bool = False,
) -> Invocation:
    """Send ``request`` through the front door to the function's ``environments``; say what happened.

    The steps, in API Gateway's order: the payload limit (413); a CORS preflight the front door answers;
    the route, matched once (REST 403 / HTTP API 404), and its event; authorization (an unsigned request to
    an ``AWS_IAM`` route; the route's authorizer: 401, 403, 500, or its grant in the event); the API key
    (REST 403); request validation (REST 400, ``validation``); the integration: a MOCK method or an
    integration not run yet answered by the front door, else the route's function: a Lambda custom
    integration (the mapped payload, the integration response its answer selects) or the Lambda proxy
    (Lambda's 6 MB limits, the function and integration timeouts, the runtime's JSON, the result mapped to
    the client's response).
    Every answer the front door gives itself is a gateway response, which a REST API's
    ``gateway_responses`` customise.

    Handler exceptions are recorded in :attr:`Invocation.error` (the response is the front door's 5xx);
    re-raising them is the caller's choice. A timeout resets the environment (the pool's next invocation
    initialises a fresh one); all environments busy at a configured concurrency limit is Lambda's
    throttling.

    ``environments`` may instead map the key of the route the request matched (``"POST /shape"``) to its
    :class:`FunctionTarget`: an API whose routes go to several functions. ``in_process`` says that the
    pool's environments run the handler in this process (no worker needs the event's JSON).
    """
    if (
        cors is None
        and api_keys is None
        and authorization is None
        and integrations is None
        and validation is None
        and not gateway_responses
        and isinstance(environments, EnvironmentPool)
    ):
        return invoke_plain(environments, request, config, function, integration_timeout, stamp, in_process)
    return invoke_steps(
        environments,
        request,
        config,
        function,
        integration_timeout=integration_timeout,
        stamp=stamp,
        cors=cors,
        api_keys=api_keys,
        authorization=authorization,
        integrations=integrations,
        gateway_responses=gateway_responses,
        validation=validation,
        in_process=in_process,
    )


def invoke_steps(
    environments: EnvironmentPool | Callable[[str], FunctionTarget],
    request: HttpRequest,
    config: GatewayConfig,
    function: FunctionConfig,
    *,
    integration_timeout: float | None = None,
    stamp: RequestStamp | None = None,
    cors: CorsRules | None = None,
    api_keys: ApiKeyRules | None = None,
    authorization: Authorization | None = None,
    integrations: RouteIntegrations | None = None,
    gateway_responses: Mapping[str, GatewayResponseSpec] | None = None,
    validation: MethodValidation | None = None,
    in_process: bool = False,
) -> Invocation:
    """:func:`invoke`'s general pass: every step whose option is set (what a plain proxy request gets
    from :func:`~apigw_emulator.flow.plain_proxy.invoke_plain` is the same)."""
    state = FlowState.start(request, config, stamp)
    keyed = (
        not isinstance(environments, EnvironmentPool)
        or authorization is not None
        or api_keys is not None
        or integrations is not None
        or validation is not None
    )
    # A step whose option is not set is not called: a request pays for what it uses (see invoke_plain).
    answer = (
        check_payload(state)
        or (cors is not None and answer_preflight(state, cors))
        or match_route(state, keyed)
        or ((integrations or authorization) is not None and authorize(state, integrations, authorization))
        or (api_keys is not None and check_api_key(state, api_keys))
        or None
    )
    if answer is None and validation is not None:
        refused = validate_request(state, validation, gateway_responses)  # rendered as customised
        if refused is not None:
            return state.answer(refused)
    if answer is None and integrations is not None:
        answer = front_door_integration(state, integrations, cors)
    if answer is not None:
        return state.answer(customise(state, answer, gateway_responses))
    if gateway_responses:
        state.plain = False  # the customised responses read the event after the handler had it
    target = lambda_target(state, environments, function, integration_timeout, in_process)
    custom = integrations.lambda_custom.get(state.route_key) if integrations is not None else None
    record = (
        invoke_custom(state, target, custom) if custom is not None else invoke_function(state, target, cors)
    )
    if gateway_responses:
        record.response = customise(state, record.response, gateway_responses)
    return record
