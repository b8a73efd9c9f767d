"""The Lambda custom (non-proxy, ``AWS``) integration of a REST method (spec 10.4).

The integration request: the request template chosen by ``Content-Type`` and ``passthroughBehavior`` (415
when refused) rendered into the payload, or without one the body as it came (empty: ``{}``, as Lambda
takes an empty payload). Lambda takes JSON only: a payload that is not JSON is refused with 400 ``Could not
parse request body into json`` before the function runs.

The function is invoked in its execution environments as a proxy integration invokes it (the function and
integration timeouts, Lambda's 6 MB limits, throttling), with the parsed payload as its event. Its answer
selects the integration response: a result takes the default one; a function error (the handler raised,
its init failed, it ran out of time, the runtime could not encode its result) is the error document Lambda
returns, and its ``errorMessage`` is matched against each ``selectionPattern`` (else the default). An
exception a pattern maps is how the function answers (not recorded in :attr:`Invocation.error`, so a
``Gateway`` does not re-raise it); one no pattern maps is recorded as for a proxy integration. The
method response is made of the selected response (:mod:`apigw_emulator.integration_response`) with
``$input.body`` = the function's answer as JSON text; without a response template that text is the body,
``Content-Type: application/json``.
"""

from __future__ import annotations

import json
from typing import Any

from ..config import GatewayConfig
from ..errors import LambdaFunctionError
from ..gateway_errors import (
    bad_gateway,
    gateway_timeout,
    integration_configuration_error,
    invalid_request_content,
    request_too_long,
    throttled,
    unsupported_media_type,
)
from ..ids import RequestStamp
from ..integration_response import method_response, select_integration_response
from ..mapping import (
    BodyNotJsonError,
    MappingTemplateError,
    SelectedTemplate,
    TemplateVariables,
    UnsupportedMediaType,
    render,
    select_request_template,
)
from ..model.rest import Integration
from ..request import HttpRequest
from ..response import GatewayResponse
from ..route_integrations import RouteIntegrations
from ..runtime._bootstrap import MARSHAL_ERROR
from ..runtime.model import InvokeRequest
from ..trace import trace_header
from .lambda_proxy import DEFAULT_INTEGRATION_TIMEOUT, LAMBDA_REQUEST_LIMIT, LAMBDA_RESPONSE_LIMIT
from .route import match_route
from .runtime_json import runtime_dumps
from .state import FlowState, FunctionTarget, Invocation, describe, lambda_context

__all__ = ["integration_payload", "invoke_custom", "mapped_payload"]

#: Lambda's error type for an invocation that ran out of time.
TIMEOUT_ERROR = "Sandbox.Timedout"


def integration_payload(state: FlowState, integration: Integration) -> bytes | GatewayResponse:
    """The payload a Lambda custom integration sends the function for this request (the rendered request
    template, or the body passed through), or the gateway's answer when there is none: 415 (no template
    for the content type and ``passthroughBehavior`` refuses it), 400 (the template reads a body that is not
    JSON), 500 (a template that cannot be rendered, a bad ``passthroughBehavior``)."""
    request, config, stamp = state.request, state.config, state.stamp
    try:
        choice = select_request_template(
            integration.request_templates, request.header("content-type"), integration.passthrough_behavior
        )
    except ValueError as exc:
        return integration_configuration_error(config, stamp, f"the Lambda integration: {exc}")
    if isinstance(choice, UnsupportedMediaType):
        reason = f"no request template for {choice.media_type} and passthroughBehavior refuses it"
        return unsupported_media_type(config, stamp, reason)
    if not isinstance(choice, SelectedTemplate):
        return request.body
    try:
        return render(choice.template, TemplateVariables.from_rest_event(state.event)).body.encode()
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
    request, config, stamp = state.request, state.config, state.stamp
    payload = integration_payload(state, integration)
    if isinstance(payload, GatewayResponse):
        return state.answer(payload)
    if len(payload) > LAMBDA_REQUEST_LIMIT:
        reason = (
            f"the integration request has {len(payload)} bytes, over Lambda's {LAMBDA_REQUEST_LIMIT}-byte "
            "invocation limit"
        )
        refused = state.answer(request_too_long(config, stamp, reason))
        refused.integration_request = payload
        return refused
    try:
        event = _parse(payload)
    except ValueError as exc:
        refused = state.answer(invalid_request_content(config, stamp, str(exc)))
        refused.integration_request = payload
        return refused
    environments, function = target.environments, target.function
    request_id = RequestStamp.new().request_id
    context = lambda_context(function, config, request_id)
    if target.qualifier is not None:
        context.invoked_function_arn += f":{target.qualifier}"
    limit = target.integration_timeout
    gateway_limit = limit if limit is not None else DEFAULT_INTEGRATION_TIMEOUT["rest"]
    deadline = min(function.timeout, gateway_limit)
    trace = trace_header(request, config.api, stamp)
    outcome = environments.invoke(InvokeRequest(event, context, trace, deadline))
    record = Invocation(
        request,
        GatewayResponse(0, (), b""),
        event,
        context,
        stamp=stamp,
        duration=outcome.duration,
        init_duration=outcome.init_duration,
        init_error=outcome.init_error,
        integration_request=payload,
    )
    if outcome.kind == "throttled":
        reason = (
            f"every execution environment of {function.name} is busy "
            f"({environments.max_concurrency}, the function's max_concurrency): Lambda throttles the "
            "invocation (TooManyRequestsException)"
        )
        record.response = throttled(config, stamp, reason)
        return record
    document: dict[str, Any] | None = None
    body = b""
    if outcome.kind == "timeout":
        if gateway_limit < function.timeout and not outcome.init_error:
            reason = f"the handler ran past the {gateway_limit:g} s integration timeout"
            record.response = gateway_timeout(config, stamp, reason)
            return record
        document = {
            "errorType": TIMEOUT_ERROR,
            "errorMessage": f"RequestId: {request_id} Error: Task timed out after "
            f"{function.timeout:.2f} seconds",
        }
    elif outcome.kind == "error":
        document = dict(outcome.error or {})
    else:
        value = outcome.result
        if isinstance(value, (bytes, bytearray)):  # a worker's runtime posted its JSON as it is
            body = bytes(value)
            try:
                record.result = json.loads(body)
            except (ValueError, RecursionError) as exc:
                record.response = bad_gateway(config, stamp, f"the function's answer is not JSON: {exc}")
                return record
        else:
            try:
                body = runtime_dumps(value)
                record.result = json.loads(body)
            except (TypeError, ValueError, RecursionError) as exc:
                document = {
                    "errorMessage": f"Unable to marshal response: {describe(exc)}",
                    "errorType": MARSHAL_ERROR,
                    "requestId": request_id,
                    "stackTrace": [],
                }
        if document is None and len(body) > LAMBDA_RESPONSE_LIMIT:
            reason = (
                f"the result has {len(body)} bytes: Exceeded maximum allowed payload size "
                f"({LAMBDA_RESPONSE_LIMIT} bytes)"
            )
            record.response = bad_gateway(config, stamp, reason)
            return record
    headers = {
        "Content-Type": "application/json",
        "X-Amz-Executed-Version": function.version,
        "x-amzn-RequestId": request_id,
        "X-Amzn-Trace-Id": trace,
    }
    if document is not None:
        record.function_error = document
        body = runtime_dumps(document)
        headers["X-Amz-Function-Error"] = "Unhandled"
    error_message = None if document is None else str(document.get("errorMessage", ""))
    selected = select_integration_response(integration.responses, error_message)
    unmapped = selected is None or not selected.selection_pattern
    if document is not None and unmapped and document.get("errorType") not in (MARSHAL_ERROR, TIMEOUT_ERROR):
        # No selectionPattern was written for this error: an exception the API does not expect, which the
        # caller may re-raise (a mapped one is how the function answers, as the API designed it).
        record.error = outcome.exception or LambdaFunctionError(document)
    if selected is None:
        answer = "a function error" if document is not None else "a result"
        reason = (
            f"the function answered {answer} and no integration response maps it (no default response): "
            "No match for output mapping and no default output mapping configured"
        )
        record.response = integration_configuration_error(config, stamp, reason)
        return record
    try:
        record.response = method_response(
            selected,
            request=request,
            config=config,
            stamp=stamp,
            event=state.event,
            integration_body=body,
            integration_headers=headers,
            stage_variables=state.event.get("stageVariables"),
            extra_headers=(("X-Amzn-Trace-Id", trace),),
        )
    except MappingTemplateError as exc:
        reason = f"the Lambda integration's response template: {exc}"
        record.response = integration_configuration_error(config, stamp, reason)
    return record
