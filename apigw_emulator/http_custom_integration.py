"""A REST method's ``HTTP`` (custom, non-proxy) integration, run by the front door (spec 10.4).

The integration request is built, not passed through: the URI's stage variables and ``{name}`` path
variables filled from ``integration.request.path.X`` mappings only; the query string and headers are what
``requestParameters`` map (and what the request template sets in ``$context.requestOverride``), with API
Gateway's own ``User-Agent: AmazonAPIGateway_<api id>``, ``x-amzn-apigateway-api-id``, ``Accept:
application/json`` and ``X-Amzn-Trace-Id``; the method is the integration's ``httpMethod``. The body is the
request template chosen by ``Content-Type`` and ``passthroughBehavior`` (415 when refused) rendered, or
without one the payload; the integration's ``contentHandling`` converts the payload first and the
integration response's converts the backend's answer (binary when its ``Content-Type`` is one of the API's
``binaryMediaTypes``) before the response template reads it (spec 10.5,
:mod:`apigw_emulator.content_handling`).

The backend's status code selects the integration response (the first ``selectionPattern`` that matches it
in full, e.g. ``4\\d{2}``, else the default: a method with only a default response answers 200 even to a
backend's 400, L6 test_http_integration_status_code_selection); the method response is made of it
(:func:`apigw_emulator.integration_response.method_response`: its status, response parameters, template,
``$context.responseOverride``). No response matching and no default is a 500. An unreachable backend is
500, one slower than ``timeoutInMillis`` 504, as for ``HTTP_PROXY``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .config import GatewayConfig
from .content_handling import response_conversion
from .gateway_errors import gateway_timeout, integration_configuration_error
from .http_backend import BackendError, BackendRequest, BackendResponse, BackendTimeoutError, send
from .ids import RequestStamp
from .integration_request import (
    IntegrationRequestError,
    MethodRequestValues,
    fill_path_parameters,
    map_request_parameters,
    query_string,
    reads_context,
    substitute_stage_variables,
    with_query,
)
from .integration_response import method_response, select_integration_response
from .mapping import (
    MappingTemplateError,
    RequestOverride,
    TemplateVariables,
    render,
)
from .model.http import HttpIntegration
from .model.rest import Integration
from .request import HttpRequest
from .request_payload import request_payload
from .response import GatewayResponse
from .trace import trace_header

__all__ = [
    "DEFAULT_HTTP_TIMEOUT",
    "RefusedError",
    "answer_http_custom",
    "custom_backend_request",
    "integration_timeout",
]

#: API Gateway's default integration timeout, seconds.
DEFAULT_HTTP_TIMEOUT = 29.0


def integration_timeout(integration: Integration | HttpIntegration) -> float:
    """The integration's timeout in seconds: ``timeoutInMillis``, else API Gateway's 29 s (a template's
    value is checked against API Gateway's bounds when it is read)."""
    if integration.timeout_in_millis is None:
        return DEFAULT_HTTP_TIMEOUT
    return integration.timeout_in_millis / 1000


class RefusedError(Exception):
    """The gateway answers before calling the backend (:attr:`response`)."""

    def __init__(self, response: GatewayResponse) -> None:
        super().__init__(response.reason)
        self.response = response


def _payload(
    integration: Integration, request: HttpRequest, config: GatewayConfig, stamp: RequestStamp, event: Any
) -> tuple[bytes, str | None, RequestOverride]:
    """The body, its ``Content-Type`` and the template's request override."""
    prepared = request_payload(
        integration, request, config, stamp, event, integration_name="the HTTP integration"
    )
    if isinstance(prepared, GatewayResponse):
        raise RefusedError(prepared)
    choice, converted = prepared.template, prepared.payload
    if choice is None:
        return converted.body, request.header("content-type"), RequestOverride()
    try:
        variables = TemplateVariables.from_rest_event(dict(event), body=converted.text or "")
        rendered = render(choice.template, variables)
    except MappingTemplateError as exc:
        response = integration_configuration_error(config, stamp, f"the HTTP integration's template: {exc}")
        raise RefusedError(response) from None
    return rendered.body.encode(), choice.media_type, rendered.request_override


def custom_backend_request(
    integration: Integration,
    request: HttpRequest,
    config: GatewayConfig,
    stamp: RequestStamp,
    event: Mapping[str, Any],
) -> BackendRequest:
    """The request an ``HTTP`` integration sends its backend (see the module docstring).

    :raises IntegrationRequestError: for a mapping or a URI API Gateway cannot complete.
    :raises RefusedError: when the gateway answers first (415, a template that cannot be rendered).
    """
    values = MethodRequestValues.from_rest_event(
        event, with_context=reads_context(integration.request_parameters)
    )
    mapped = map_request_parameters(integration.request_parameters, values)
    body, content_type, override = _payload(integration, request, config, stamp, event)
    path = {**mapped.path, **override.path}
    query: dict[str, list[str]] = {name: list(found) for name, found in mapped.querystring.items()}
    for name, value in override.querystring.items():
        query[name] = [value] if isinstance(value, str) else list(value)
    staged = substitute_stage_variables(integration.uri or "", values.stage_variables)
    url = with_query(
        fill_path_parameters(staged, path),
        query_string((name, value) for name, found in query.items() for value in found),
    )
    headers: dict[str, tuple[str, list[str]]] = {}

    def put(name: str, value: str | tuple[str, ...] | list[str]) -> None:
        headers[name.lower()] = (name, [value] if isinstance(value, str) else list(value))

    put("User-Agent", f"AmazonAPIGateway_{config.api_id}")
    put("x-amzn-apigateway-api-id", config.api_id)
    put("Accept", "application/json")
    put("X-Amzn-Trace-Id", trace_header(request, config.api, stamp))
    if content_type is not None and body:
        put("Content-Type", content_type)
    for name, value in mapped.header.items():
        put(name, value)
    for name, value in override.header.items():
        put(name, value)
    pairs = tuple((name, value) for name, values in headers.values() for value in values)
    method = integration.http_method or "GET"
    if method == "ANY":
        method = request.method
    return BackendRequest(method, url, pairs, body)


def answer_http_custom(
    integration: Integration,
    request: HttpRequest,
    config: GatewayConfig,
    stamp: RequestStamp,
    event: Mapping[str, Any],
) -> GatewayResponse:
    """The client's response from an ``HTTP`` integration (see the module docstring)."""
    try:
        outgoing = custom_backend_request(integration, request, config, stamp, event)
    except RefusedError as refused:
        return refused.response
    except IntegrationRequestError as exc:
        return integration_configuration_error(config, stamp, f"the HTTP integration: {exc}")
    timeout = integration_timeout(integration)
    try:
        answer = send(outgoing, timeout)
    except BackendTimeoutError as exc:
        return gateway_timeout(config, stamp, f"the HTTP integration's backend timed out: {exc}")
    except BackendError as exc:
        return integration_configuration_error(config, stamp, f"the HTTP integration's backend: {exc}")
    selected = select_integration_response(integration.responses, str(answer.status))
    if selected is None:
        return integration_configuration_error(
            config,
            stamp,
            f"the HTTP integration's backend answered {answer.status} and no integration response matches it "
            "(no default response)",
        )
    try:
        return method_response(
            selected,
            request=request,
            config=config,
            stamp=stamp,
            event=event,
            integration_body=answer.body,
            integration_headers=answer.joined_headers(),
            stage_variables=config.stage_variables,
            content_handling=response_conversion(
                request.header("accept"),
                config.binary_media_types,
                payload_content_type=_first_header(answer, "content-type"),
            ),
        )
    except MappingTemplateError as exc:
        reason = f"the HTTP integration's response template: {exc}"
        return integration_configuration_error(config, stamp, reason)
    except ValueError as exc:  # the response contentHandling step refused the body
        return integration_configuration_error(config, stamp, f"the HTTP integration's response: {exc}")


def _first_header(answer: BackendResponse, name: str) -> str | None:
    """The first value the backend sent for a header (its payload's ``Content-Type``)."""
    return next((value for key, value in answer.headers if key.lower() == name), None)
