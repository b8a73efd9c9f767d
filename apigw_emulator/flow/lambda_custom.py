"""The Lambda custom (non-proxy, ``AWS``) integration of a REST method (spec 10.4).

The integration request: the request template chosen by ``Content-Type`` and ``passthroughBehavior`` (415
when refused) rendered into the payload, or without one the body as it came (empty: ``{}``, as Lambda
takes an empty payload); the body goes through the integration's ``contentHandling`` first, and the
function's answer through its integration response's before the response template (spec 10.5,
:mod:`apigw_emulator.content_handling`). Lambda
takes JSON only: a payload that is not JSON is refused with 400 ``Could not parse request body into json``
before the function runs.

The function is invoked in its execution environments as a proxy integration invokes it (the function and
integration timeouts, Lambda's 6 MB limits, throttling), with the parsed payload as its event. Its answer
selects the integration response: a result takes the default one; a function error (the handler raised,
its init failed, it ran out of time, the runtime could not encode its result) is the error document Lambda
returns, and its ``errorMessage`` is matched against each ``selectionPattern`` (else the default). An
exception a pattern maps is how the function answers (not recorded in :attr:`Invocation.error`, so a
``Gateway`` does not re-raise it); one no pattern maps is recorded as for a proxy integration. The
method response is made of the selected response (:mod:`apigw_emulator.integration_response`) with
``$input.body`` = the function's answer as JSON text (after the response ``contentHandling``); without a
response template that text is the body, ``Content-Type: application/json``. A function that returns the
base64 of binary data as its result (a JSON string, quotes included) reaches the client as those bytes
through ``contentHandling: CONVERT_TO_BINARY`` and no template: the decoding discards the quotes.
"""

from __future__ import annotations

import dataclasses
import json
from typing import Any

from ..config import GatewayConfig
from ..content_handling import (
    response_conversion,
)
from ..errors import LambdaFunctionError
from ..gateway_errors import (
    bad_gateway,
    gateway_timeout,
    integration_configuration_error,
    invalid_request_content,
    request_too_long,
    throttled,
)
from ..ids import RequestStamp, lambda_request_id
from ..integration_response import SelectionPatternTimeoutError, method_response, select_integration_response
from ..mapping import (
    BodyNotJsonError,
    MappingTemplateError,
    TemplateVariables,
    render,
)
from ..model.rest import Integration
from ..request import HttpRequest
from ..request_payload import request_payload
from ..response import GatewayResponse
from ..route_integrations import RouteIntegrations
from ..runtime._bootstrap import _NON_ASCII_RUNTIMES, MARSHAL_ERROR, _Encoder
from ..runtime.model import InvokeOutcome, InvokeRequest
from ..trace import trace_header
from .lambda_proxy import DEFAULT_INTEGRATION_TIMEOUT, LAMBDA_REQUEST_LIMIT, LAMBDA_RESPONSE_LIMIT
from .route import match_route
from .state import PENDING_RESPONSE, FlowState, FunctionTarget, Invocation, describe, lambda_context

__all__ = ["integration_payload", "invoke_custom", "mapped_payload", "runtime_bytes"]

#: Lambda's error type for an invocation that ran out of time; Lambda's own document is compact:
#: ``{"errorType":"Sandbox.Timedout","errorMessage":"RequestId: ID Error: Task timed out after 3.00
#: seconds"}``.
TIMEOUT_ERROR = "Sandbox.Timedout"


def integration_payload(
    state: FlowState, integration: Integration, variables: list[TemplateVariables] | None = None
) -> bytes | GatewayResponse:
    """The payload a Lambda custom integration sends the function for this request (the rendered request
    template, or the body passed through), or the gateway's answer when there is none: 415 (no template
    for the content type and ``passthroughBehavior`` refuses it), 400 (the template reads a body that is not
    JSON), 500 (a template that cannot be rendered, a bad ``passthroughBehavior``).

    :param variables: where to leave the template variables made for the request template, if one was
        rendered (the response template reuses them).
    """
    request, config, stamp = state.request, state.config, state.stamp
    prepared = request_payload(
        integration, request, config, stamp, state.event, integration_name="the Lambda integration"
    )
    if isinstance(prepared, GatewayResponse):
        return prepared
    choice, converted = prepared.template, prepared.payload
    if choice is None:
        return converted.body
    made = TemplateVariables.from_rest_event(state.event, body=converted.text)
    if variables is not None:
        variables.append(made)
    try:
        return render(choice.template, made).body.encode()
    except BodyNotJsonError as exc:
        detail = str(exc).removeprefix("Could not parse request body into json: ")
        return invalid_request_content(config, stamp, detail)
    except MappingTemplateError as exc:
        return integration_configuration_error(config, stamp, f"the Lambda integration's template: {exc}")


def mapped_payload(
    request: HttpRequest,
    config: GatewayConfig,
    integrations: RouteIntegrations | None,
    stamp: RequestStamp | None = None,
) -> bytes | GatewayResponse | None:
    """For a request to a Lambda custom method, the integration request: the payload the function would
    be sent (or the gateway's refusal, see :func:`integration_payload`); None for any other request (a
    proxy route, no route). What ``apigw-emulator event`` prints for such a method."""
    if integrations is None or not integrations.lambda_custom:
        return None
    state = FlowState.start(request, config, stamp)
    if match_route(state) is not None:
        return None
    integration = integrations.lambda_custom.get(state.route_key)
    return None if integration is None else integration_payload(state, integration)


def runtime_bytes(value: Any, runtime: str) -> bytes:
    """What the function's runtime sends Lambda for ``value`` (a result or an error document), byte for
    byte: awslambdaric's encoder (the standard library's spacing, ``", "`` and ``": "``; non-ASCII written
    as it is from python3.12, escaped before), the same bytes a worker process's runtime posts. A
    non-proxy client gets these bytes when no response template applies.

    :raises TypeError, ValueError: when the runtime could not encode ``value`` (``Runtime.MarshalError``).
    """
    encoder = _Encoder()
    encoder.ensure_ascii = f"AWS_Lambda_{runtime}" not in _NON_ASCII_RUNTIMES
    return encoder.encode(value).encode("utf-8")


def _parse(payload: bytes) -> Any:
    """The event a payload gives the handler; :raises ValueError: when it is not JSON."""
    if not payload.strip():
        return {}
    try:
        return json.loads(payload)
    except RecursionError as exc:
        raise ValueError("the payload is nested too deep") from exc


def invoke_custom(state: FlowState, target: FunctionTarget, integration: Integration) -> Invocation:
    """Run a request through a Lambda custom integration (see the module docstring); what happened.

    :attr:`Invocation.integration_request` is the payload sent to the function.
    """
    config, stamp = state.config, state.stamp
    made: list[TemplateVariables] = []
    payload = integration_payload(state, integration, made)
    if isinstance(payload, GatewayResponse):
        return state.answer(payload)
    refusal = None
    event = None
    if len(payload) > LAMBDA_REQUEST_LIMIT:
        reason = (
            f"the integration request has {len(payload)} bytes, over Lambda's {LAMBDA_REQUEST_LIMIT}-byte "
            "invocation limit"
        )
        refusal = request_too_long(config, stamp, reason)
    else:
        try:
            event = _parse(payload)
        except ValueError as exc:
            refusal = invalid_request_content(config, stamp, f"Could not parse payload into json: {exc}")
    if refusal is not None:
        refused = state.answer(refusal)
        refused.integration_request = payload
        return refused
    record, outcome = _invoke(state, target, event, payload)
    answer = _function_answer(record, outcome, state, target)
    if isinstance(answer, GatewayResponse):
        record.response = answer
        return record
    body, document = answer
    record.response = _method_response(state, integration, record, body=body, document=document, made=made)
    return record


def _invoke(
    state: FlowState, target: FunctionTarget, event: Any, payload: bytes
) -> tuple[Invocation, InvokeOutcome]:
    """Invoke the function with ``event`` under the function and integration timeouts: the record of the
    invocation (its response still to be made) and what the environment gave."""
    function, config = target.function, state.config
    context = lambda_context(function, config, lambda_request_id())
    if target.qualifier is not None:
        context.invoked_function_arn += f":{target.qualifier}"
    trace = trace_header(state.request, config.api, state.stamp)
    outcome = target.environments.invoke(InvokeRequest(event, context, trace, _deadline(target)))
    record = Invocation(
        state.request,
        PENDING_RESPONSE,
        event,
        context,
        stamp=state.stamp,
        duration=outcome.duration,
        init_duration=outcome.init_duration,
        init_error=outcome.init_error,
        integration_request=payload,
    )
    return record, outcome


def _gateway_limit(target: FunctionTarget) -> float:
    limit = target.integration_timeout
    return limit if limit is not None else DEFAULT_INTEGRATION_TIMEOUT["rest"]


def _deadline(target: FunctionTarget) -> float:
    return min(target.function.timeout, _gateway_limit(target))


def _function_answer(
    record: Invocation, outcome: InvokeOutcome, state: FlowState, target: FunctionTarget
) -> tuple[bytes, dict[str, Any] | None] | GatewayResponse:
    """What Lambda answered the invocation: the payload and, for a function error, its error document
    (the payload is that document); or the gateway's own answer (throttled, the integration timeout, a
    result over Lambda's limit)."""
    function = target.function
    config, stamp = state.config, state.stamp
    assert record.context is not None
    request_id = record.context.aws_request_id
    if outcome.kind == "throttled":
        reason = (
            f"every execution environment of {function.name} is busy "
            f"({target.environments.max_concurrency}, the function's max_concurrency): Lambda throttles "
            "the invocation (TooManyRequestsException)"
        )
        return throttled(config, stamp, reason)
    document: dict[str, Any] | None = None
    body = b""
    if outcome.kind == "timeout":
        limit = _gateway_limit(target)
        if limit < function.timeout and not outcome.init_error:
            return gateway_timeout(config, stamp, f"the handler ran past the {limit:g} s integration timeout")
        document = {
            "errorType": TIMEOUT_ERROR,
            "errorMessage": f"RequestId: {request_id} Error: Task timed out after "
            f"{function.timeout:.2f} seconds",
        }
    elif outcome.kind == "error":
        document = dict(outcome.error or {})
        record.error = outcome.exception or LambdaFunctionError(document)  # kept if no pattern maps it
    elif isinstance(outcome.result, (bytes, bytearray)):  # a worker's runtime posted its JSON as it is
        body = bytes(outcome.result)
        try:
            record.result = json.loads(body)
        except (ValueError, RecursionError) as exc:
            return bad_gateway(config, stamp, f"the function's answer is not JSON: {exc}")
    else:
        try:
            body = runtime_bytes(outcome.result, function.runtime)
            record.result = json.loads(body)
        except (TypeError, ValueError, RecursionError) as exc:  # UnicodeEncodeError is a ValueError
            document = {
                "errorMessage": f"Unable to marshal response: {describe(exc)}",
                "errorType": MARSHAL_ERROR,
                "requestId": request_id,
                "stackTrace": [],
            }
    if document is not None:
        record.function_error = document
        if document.get("errorType") == TIMEOUT_ERROR:  # written by Lambda itself, compact
            return json.dumps(document, separators=(",", ":")).encode(), document
        return runtime_bytes(document, function.runtime), document
    if len(body) > LAMBDA_RESPONSE_LIMIT:
        reason = (
            f"the result has {len(body)} bytes: Exceeded maximum allowed payload size "
            f"({LAMBDA_RESPONSE_LIMIT} bytes)"
        )
        return bad_gateway(config, stamp, reason)
    return body, None


def _method_response(
    state: FlowState,
    integration: Integration,
    record: Invocation,
    *,
    body: bytes,
    document: dict[str, Any] | None,
    made: list[TemplateVariables],
) -> GatewayResponse:
    """The method response of the integration response the function's answer selects (a result: the
    default one; a function error: by its ``errorMessage``). An error no ``selectionPattern`` maps is said
    in the response's reason, and a handler exception stays in :attr:`Invocation.error`."""
    request, config, stamp = state.request, state.config, state.stamp
    assert record.context is not None
    error_message = None if document is None else str(document.get("errorMessage", ""))
    try:
        selected = select_integration_response(integration.responses, error_message)
    except SelectionPatternTimeoutError as exc:
        record.error = None  # the gateway's own failure answers, not the function's exception
        return integration_configuration_error(config, stamp, str(exc))
    mapped = selected is not None and bool(selected.selection_pattern)
    unmapped_error = None
    if document is not None and not mapped:
        unmapped_error = (
            f"the function failed ({document.get('errorType', '')}: {error_message}) and no "
            "selectionPattern maps its errorMessage: the default integration response answers it"
        )
    if mapped or document is None or document.get("errorType") == MARSHAL_ERROR:
        record.error = None  # a mapped exception is how the function answers, as the API designed it
    if selected is None:
        answer = "a function error" if document is not None else "a result"
        reason = (
            f"the function answered {answer} and no integration response maps it (no default response): "
            "No match for output mapping and no default output mapping configured"
        )
        return integration_configuration_error(config, stamp, reason)
    trace = trace_header(request, config.api, stamp)
    headers = {
        "Content-Type": "application/json",
        "X-Amz-Executed-Version": record.context.function_version,
        "x-amzn-RequestId": record.context.aws_request_id,
        "X-Amzn-Trace-Id": trace,
    }
    if document is not None:
        headers["X-Amz-Function-Error"] = "Unhandled"
    try:
        response = method_response(
            selected,
            request=request,
            config=config,
            stamp=stamp,
            event=state.event,
            integration_body=body,
            integration_headers=headers,
            stage_variables=state.event.get("stageVariables"),
            extra_headers=(("X-Amzn-Trace-Id", trace),),
            variables=made[0] if made else None,
            content_handling=response_conversion(request.header("accept"), config.binary_media_types),
        )
    except MappingTemplateError as exc:
        reason = f"the Lambda integration's response template: {exc}"
        return integration_configuration_error(config, stamp, reason)
    except ValueError as exc:  # the response contentHandling step refused the body (spec 10.5)
        return integration_configuration_error(config, stamp, f"the Lambda integration's response: {exc}")
    if unmapped_error is not None and response.reason is None:
        response = dataclasses.replace(response, reason=unmapped_error)
    return response
