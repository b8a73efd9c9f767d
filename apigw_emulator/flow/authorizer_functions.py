"""Lambda authorizers' functions, invoked as Lambda invokes a function: JSON in, JSON out."""

from __future__ import annotations

import json
from collections.abc import Callable

from .._types import Event
from ..authorizers.check import FunctionCall, FunctionCaller
from ..authorizers.model import LambdaAuthorizer
from ..config import GatewayConfig
from ..ids import lambda_request_id
from ..runtime.model import InvokeRequest
from .runtime_json import round_trip
from .state import FunctionTarget, describe, lambda_context

__all__ = ["call_function", "function_caller"]


def function_caller(
    resolve: Callable[[LambdaAuthorizer], FunctionTarget | None], config: GatewayConfig
) -> FunctionCaller:
    """How an API calls its Lambda authorizers: each in the execution environments ``resolve`` gives it
    (None: the authorizer's function is not part of this application, a 500 as for any failure)."""

    def call(authorizer: LambdaAuthorizer, event: Event, wait: float) -> FunctionCall:
        target = resolve(authorizer)
        if target is None:
            return FunctionCall(
                failure=f"names the function {authorizer.function!r}, which is not here to run"
            )
        return call_function(target, event, config, wait)

    return call


def call_function(target: FunctionTarget, event: Event, config: GatewayConfig, wait: float) -> FunctionCall:
    """Invoke a function with an event as Lambda does (JSON in, JSON out) and wait at most ``wait``
    seconds (or its own timeout): its decoded result, or why there is none."""
    function = target.function
    try:
        _, handler_event = round_trip(event)
    except (TypeError, ValueError) as exc:
        return FunctionCall(failure=f"cannot be sent the event: {describe(exc)}")
    context = lambda_context(function, config, lambda_request_id())
    deadline = min(function.timeout, wait)
    outcome = target.environments.invoke(InvokeRequest(handler_event, context, None, deadline))
    if outcome.kind == "throttled":
        return FunctionCall(failure=f"was throttled: every environment of {function.name} is busy")
    if outcome.kind == "timeout":
        return FunctionCall(failure=f"did not answer within {deadline:g} s")
    if outcome.kind == "error":
        document = outcome.error or {}
        message = str(document.get("errorMessage", ""))
        return FunctionCall(
            failure=f"raised {document.get('errorType', '')}: {message}", error_message=message
        )
    try:
        value = outcome.result
        result = json.loads(bytes(value)) if isinstance(value, (bytes, bytearray)) else round_trip(value)[1]
    except (TypeError, ValueError, RecursionError) as exc:
        return FunctionCall(failure=f"returned what the runtime cannot encode as JSON: {describe(exc)}")
    return FunctionCall(result=result)
