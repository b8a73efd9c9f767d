"""A REST method's ``MOCK`` integration answered by the front door (the CORS preflight methods of SAM and CDK
above all): the request template, chosen by the request's ``Content-Type`` and the integration's
``passthroughBehavior``, is rendered and its ``statusCode`` selects the integration response (the first
whose ``selectionPattern`` matches, else the default), which becomes the method response as every
non-proxy integration's does (:mod:`apigw_emulator.integration_response`: its ``responseParameters``, its
template chosen by ``Accept`` with an empty ``$input.body``, ``$context.responseOverride``; spec 10.3,
10.4). The request body goes through the request ``contentHandling`` table before the request template
(``$input.body`` is the base64 text of a binary body after ``CONVERT_TO_TEXT``), the integration's empty
response payload through the response table before the response template
(:mod:`apigw_emulator.content_handling`; spec 10.5): a MOCK answers text, since a template cannot transform
the empty binary payload ``CONVERT_TO_BINARY`` would make of it (500)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from .config import GatewayConfig
from .content_handling import response_conversion
from .gateway_errors import integration_configuration_error
from .ids import RequestStamp
from .integration_response import method_response, select_integration_response
from .mapping import (
    MappingTemplateError,
    TemplateVariables,
    render,
)
from .model.rest import Integration
from .request import HttpRequest
from .request_payload import request_payload
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
    prepared = request_payload(
        integration, request, config, stamp, event, integration_name="the MOCK integration"
    )
    if isinstance(prepared, GatewayResponse):
        return prepared
    choice, payload = prepared.template, prepared.payload
    status = "200"  # a MOCK without a template answers its default response
    variables = None
    try:
        if choice is not None:
            body = payload.text or ""  # with a template the payload is text (a binary one was refused)
            variables = (
                TemplateVariables(body=body)
                if event is None
                else TemplateVariables.from_rest_event(dict(event), body=body)
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
            variables=variables,
            content_handling=response_conversion(request.header("accept"), config.binary_media_types),
        )
    except MappingTemplateError as exc:
        return integration_configuration_error(config, stamp, f"the MOCK integration's template: {exc}")
    except ValueError as exc:  # the response contentHandling step refused the body
        return integration_configuration_error(config, stamp, f"the MOCK integration's response: {exc}")
