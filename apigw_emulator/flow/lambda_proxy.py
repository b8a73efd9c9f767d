"""The Lambda proxy integration: the event in the runtime's JSON (Lambda's 6 MB request limit), the
function invoked in its execution environments under the function and integration timeouts, its result
read back as the runtime encodes it (6 MB response limit) and mapped to the client's response (the
integration response and method response of a proxy), with an HTTP API's CORS headers."""

from __future__ import annotations

from typing import Any

from ..cors import CorsRules, decorate
from ..errors import LambdaFunctionError
from ..gateway_errors import bad_gateway, binary_decode_failed, gateway_timeout, request_too_long, throttled
from ..ids import lambda_request_id
from ..response import MalformedResultError, _BinaryDecodeError, map_result
from ..runtime._bootstrap import MARSHAL_ERROR
from ..runtime.model import InvokeRequest, SplicedJSON
from ..trace import trace_header
from .event_size import event_json_bound
from .runtime_json import event_round_trip, round_trip, runtime_loads
from .state import PENDING_RESPONSE, FlowState, FunctionTarget, Invocation, describe, lambda_context

__all__ = ["DEFAULT_INTEGRATION_TIMEOUT", "LAMBDA_REQUEST_LIMIT", "LAMBDA_RESPONSE_LIMIT", "invoke_function"]

#: Largest synchronous invocation payload, the event JSON (D18).
LAMBDA_REQUEST_LIMIT = 6 * 1024 * 1024
#: Largest synchronous response; Lambda's own error names 6291556 bytes (R3).
LAMBDA_RESPONSE_LIMIT = 6 * 1024 * 1024 + 100
#: Default integration timeouts (spec 7): REST 29 s, HTTP API 30 s.
DEFAULT_INTEGRATION_TIMEOUT = {"rest": 29.0, "http": 30.0, "http-v1": 30.0}


def invoke_function(state: FlowState, target: FunctionTarget, cors: CorsRules | None) -> Invocation:
    """Invoke ``target`` with the state's event as a Lambda proxy integration does; what happened."""
    request, config, stamp = state.request, state.config, state.stamp
    environments, function = target.environments, target.function
    integration_timeout, qualifier = target.integration_timeout, target.qualifier
    handler_event: Any
    encoded: bytes | SplicedJSON | None
    if target.in_process and state.plain and event_json_bound(request, config) <= LAMBDA_REQUEST_LIMIT:
        # Nothing to write: a plain event is handed over as it is, and one this small cannot be over
        # the limit (see event_size); no worker needs its bytes.
        handler_event, encoded = state.event, None
    else:
        event_size, handler_event, encoded = event_round_trip(state.event, plain=state.plain)
        if event_size > LAMBDA_REQUEST_LIMIT:
            reason = (
                f"the event JSON has {event_size} bytes, over Lambda's {LAMBDA_REQUEST_LIMIT}-byte "
                "invocation limit (base64 makes a body 4/3 larger: uploads over about 4.4 MB cannot reach "
                "a Lambda)"
            )
            return state.answer(request_too_long(config, stamp, reason))
    request_id = stamp.request_id if config.api == "function-url" else lambda_request_id()
    context = lambda_context(function, config, request_id)
    if qualifier is not None:
        context.invoked_function_arn += f":{qualifier}"
    deadline = function.timeout
    gateway_limit = (
        integration_timeout
        if integration_timeout is not None
        else DEFAULT_INTEGRATION_TIMEOUT.get(config.api)
    )
    if gateway_limit is not None:
        deadline = min(deadline, gateway_limit)
    trace = trace_header(request, config.api, stamp)  # what the event carries: _X_AMZN_TRACE_ID
    outcome = environments.invoke(InvokeRequest(handler_event, context, trace, deadline, encoded))
    record = Invocation(  # positional: Invocation's field order (keywords cost a call more)
        request,
        PENDING_RESPONSE,
        handler_event,
        context,
        None,
        None,
        None,
        outcome.duration,
        outcome.init_duration,
        outcome.init_error,
        stamp,
    )
    if outcome.kind == "throttled":
        reason = (
            f"every execution environment of {function.name} is busy "
            f"({environments.max_concurrency}, the function's max_concurrency): Lambda throttles the "
            "invocation (TooManyRequestsException)"
        )
        record.response = throttled(config, stamp, reason)
        return record
    if outcome.kind == "timeout":
        if outcome.init_error:
            record.response = bad_gateway(
                config, stamp, "the init timed out: the runtime did not ask for an invocation in time"
            )
        elif gateway_limit is not None and gateway_limit < function.timeout:
            record.response = gateway_timeout(
                config, stamp, f"the handler ran past the {gateway_limit:g} s integration timeout"
            )
        else:
            record.response = bad_gateway(
                config, stamp, f"Task timed out after {function.timeout:.2f} seconds (the function timeout)"
            )
        return record
    if outcome.kind == "error":
        document = outcome.error or {}
        record.function_error = document
        error_type = str(document.get("errorType", ""))
        if error_type != MARSHAL_ERROR:
            record.error = outcome.exception or LambdaFunctionError(document)
        if outcome.init_error:
            reason = f"the function's init failed: {error_type}: {document.get('errorMessage', '')}"
        elif error_type == MARSHAL_ERROR:
            reason = (
                f"the runtime cannot encode the result as JSON ({error_type}): {document.get('errorMessage')}"
            )
        elif outcome.exception is not None:
            reason = f"the handler raised {describe(outcome.exception)}"
        else:
            reason = f"the handler raised {error_type}: {document.get('errorMessage', '')}"
        record.response = bad_gateway(config, stamp, reason)
        return record
    value = outcome.result
    try:
        if isinstance(value, (bytes, bytearray)):
            # The runtime sends bytes as they are; the front door then needs them to be JSON.
            result_size = len(value)
            result = runtime_loads(bytes(value))
        else:
            result_size, result = round_trip(value)
    except (TypeError, ValueError, RecursionError) as exc:  # RecursionError: a result nested too deep
        record.function_error = {
            "errorMessage": f"Unable to marshal response: {exc}",
            "errorType": MARSHAL_ERROR,
            "requestId": request_id,
            "stackTrace": [],
        }
        record.response = bad_gateway(
            config,
            stamp,
            f"the runtime cannot encode the result as JSON ({MARSHAL_ERROR}): {describe(exc)}",
        )
        return record
    record.result = result
    if result_size > LAMBDA_RESPONSE_LIMIT:
        reason = (
            f"the result has {result_size} bytes: Exceeded maximum allowed payload size "
            f"({LAMBDA_RESPONSE_LIMIT} bytes)"
        )
        record.response = bad_gateway(config, stamp, reason)
        return record
    try:
        record.response = map_result(result, config, request, stamp)
        if cors is not None:
            record.response = decorate(cors, request, record.response)
    except _BinaryDecodeError as exc:
        record.response = binary_decode_failed(config, stamp, str(exc))
    except MalformedResultError as exc:
        record.response = bad_gateway(config, stamp, f"Malformed Lambda proxy response: {exc}")
    return record
