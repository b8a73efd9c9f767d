"""A REST method's ``MOCK`` integration answered by the front door (the CORS preflight methods of SAM and CDK
above all): the request template, chosen by the request's ``Content-Type`` and the integration's
``passthroughBehavior``, is rendered and its ``statusCode`` selects the integration response (the first
whose ``selectionPattern`` matches, else the default), which becomes the method response as every
non-proxy integration's does (:mod:`apigw_emulator.integration_response`: its ``responseParameters``, its
template chosen by ``Accept`` with an empty ``$input.body``, ``$context.responseOverride``; spec 10.3,
10.4)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from .config import GatewayConfig
from .gateway_errors import integration_configuration_error, unsupported_media_type
from .ids import RequestStamp
from .integration_response import method_response, select_integration_response
from .mapping import (
    MappingTemplateError,
    TemplateVariables,
    UnsupportedMediaType,
    render,
    select_request_template,
)
from .mapping.selection import SelectedTemplate
from .model.rest import Integration
from .request import HttpRequest
from .response import GatewayResponse

__all__ = ["answer_mock"]

# The status a MOCK request template gives: JSON, or the unquoted ``{ statusCode: 200 }`` CDK writes.
_STATUS = re.compile(r"""["']?statusCode["']?\s*:\s*["']?(\d{3})""")


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
            variables = (
                TemplateVariables() if event is None else TemplateVariables.from_rest_event(dict(event))
            )
            rendered = render(choice.template, variables).body
            match = _STATUS.search(rendered)
            status = match.group(1) if match else "200"
        selected = select_integration_response(integration.responses, status)
        if selected is None:
            return integration_configuration_error(
                config,
                stamp,
                f"the MOCK integration answers {status} and no integration response matches it (no default)",
            )
        return method_response(
            selected,
            request=request,
            config=config,
            stamp=stamp,
            event=event,
            integration_body=b"",  # a MOCK's integration body is empty
            integration_headers=None,
            stage_variables=(event or {}).get("stageVariables"),
        )
    except MappingTemplateError as exc:
        return integration_configuration_error(config, stamp, f"the MOCK integration's template: {exc}")
