"""A REST method's ``MOCK`` integration answered by the front door (the CORS preflight methods of SAM and CDK
above all): the request template, chosen by the request's ``Content-Type`` and the integration's
``passthroughBehavior``, is rendered and its ``statusCode`` selects the integration response (the first
whose ``selectionPattern`` matches, else the default); that response's static ``'value'`` parameters are the
headers and its template, chosen by ``Accept`` and rendered, the body; ``$context.responseOverride`` has the
last word (spec 10.3, 10.4)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from .cloudfront import edge_response_headers, is_edge
from .config import GatewayConfig
from .gateway_errors import integration_configuration_error, unsupported_media_type
from .ids import RequestStamp
from .mapping import (
    MappingTemplateError,
    TemplateVariables,
    UnsupportedMediaType,
    render,
    select_request_template,
    select_response_template,
)
from .mapping.selection import SelectedTemplate
from .model.rest import Integration, IntegrationResponse
from .request import HttpRequest
from .response import GatewayResponse

__all__ = ["answer_mock"]

# The status a MOCK request template gives: JSON, or the unquoted ``{ statusCode: 200 }`` CDK writes.
_STATUS = re.compile(r"""["']?statusCode["']?\s*:\s*["']?(\d{3})""")
_HEADER = "method.response.header."


def _select(responses: tuple[IntegrationResponse, ...], status: str) -> IntegrationResponse | None:
    for response in responses:
        if response.selection_pattern is not None and re.fullmatch(response.selection_pattern, status):
            return response
    return next((response for response in responses if response.selection_pattern is None), None)


def answer_mock(
    integration: Integration,
    request: HttpRequest,
    config: GatewayConfig,
    stamp: RequestStamp,
    event: Mapping[str, Any] | None = None,
) -> GatewayResponse:
    """The client's response from a ``MOCK`` integration (see the module docstring).

    :param event: the request's proxy event, whose values the templates' ``$context``, ``$input`` and
        ``$stageVariables`` read.
    """
    try:
        choice = select_request_template(
            integration.request_templates, request.header("content-type"), integration.passthrough_behavior
        )
    except ValueError as exc:
        return integration_configuration_error(config, stamp, f"the MOCK integration: {exc}")
    if isinstance(choice, UnsupportedMediaType):
        reason = f"no request template for {choice.media_type} and passthroughBehavior refuses it"
        return unsupported_media_type(config, stamp, reason)
    status = "200"  # a MOCK without a template answers its default response
    try:
        if isinstance(choice, SelectedTemplate):
            rendered = render(choice.template, _variables(event, None)).body
            match = _STATUS.search(rendered)
            status = match.group(1) if match else "200"
        selected = _select(integration.responses, status)
        if selected is None:
            return integration_configuration_error(
                config,
                stamp,
                f"the MOCK integration answers {status} and no integration response matches it (no default)",
            )
        return _method_response(selected, request, config, stamp, event)
    except MappingTemplateError as exc:
        return integration_configuration_error(config, stamp, f"the MOCK integration's template: {exc}")


def _variables(event: Mapping[str, Any] | None, body: str | None) -> TemplateVariables:
    if event is None:
        return TemplateVariables(body=body or "")
    return TemplateVariables.from_rest_event(dict(event), body=body)


def _method_response(
    selected: IntegrationResponse,
    request: HttpRequest,
    config: GatewayConfig,
    stamp: RequestStamp,
    event: Mapping[str, Any] | None,
) -> GatewayResponse:
    headers: list[tuple[str, str]] = []
    reasons: list[str] = []
    for name, value in selected.response_parameters.items():
        if not name.startswith(_HEADER):
            continue
        if len(value) >= 2 and value[0] == value[-1] == "'":
            headers.append((name[len(_HEADER) :], value[1:-1]))
        else:
            reasons.append(f"the response parameter {name} = {value} is not mapped yet (static values only)")
    code = int(selected.status_code)
    body = b""
    content_type = "application/json"
    template = select_response_template(selected.response_templates, request.header("accept"))
    if template is not None:
        rendered = render(template.template, _variables(event, ""))  # a MOCK's integration body is empty
        body = rendered.body.encode()
        content_type = template.media_type
        override = rendered.response_override
        if override.status is not None:
            code = override.status
        overridden = {name.lower() for name in override.header}
        headers = [(n, v) for n, v in headers if n.lower() not in overridden] + list(override.header.items())
    if not any(name.lower() == "content-type" for name, _ in headers):
        headers.insert(0, ("Content-Type", content_type))
    headers += [
        ("Content-Length", str(len(body))),
        ("x-amzn-RequestId", stamp.request_id),
        ("x-amz-apigw-id", stamp.extended_request_id),
    ]
    if is_edge(config):
        headers += edge_response_headers(stamp, code)
    return GatewayResponse(code, tuple(headers), body, reason="; ".join(reasons) or None)
