"""The first step of every REST non-proxy integration (MOCK, Lambda custom, HTTP): which request template
applies and what the body is once the integration's ``contentHandling`` has converted it, or the gateway's
own answer when it stops there (415 when ``passthroughBehavior`` refuses the content type; 500 for a
misconfigured integration or a payload the conversion refuses). Spec 10.3 and 10.5."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from .config import GatewayConfig
from .content_handling import ConversionError, ConvertedPayload, convert_request, event_body_text
from .errors import ConfigurationError
from .gateway_errors import integration_configuration_error, unsupported_media_type
from .ids import RequestStamp
from .mapping import SelectedTemplate, UnsupportedMediaType, select_request_template
from .model.rest import Integration
from .request import HttpRequest
from .response import GatewayResponse

__all__ = ["RequestPayload", "request_payload"]


@dataclass(frozen=True, slots=True)
class RequestPayload:
    """The request template that applies (None: the payload passes through) and the converted payload."""

    template: SelectedTemplate | None
    payload: ConvertedPayload


def request_payload(
    integration: Integration,
    request: HttpRequest,
    config: GatewayConfig,
    stamp: RequestStamp,
    event: Mapping[str, Any] | None,
    *,
    integration_name: str,
) -> RequestPayload | GatewayResponse:
    """The template and payload of ``request`` for ``integration``, or the gateway's answer.

    :param event: the request's proxy event, whose body text the conversion reuses (None: decoded here).
    :param integration_name: how the reasons name the integration (``"the MOCK integration"``).
    """
    try:
        choice = select_request_template(
            integration.request_templates, request.header("content-type"), integration.passthrough_behavior
        )
    except ValueError as exc:
        return integration_configuration_error(config, stamp, f"{integration_name}: {exc}")
    if isinstance(choice, UnsupportedMediaType):
        reason = f"no request template for {choice.media_type} and passthroughBehavior refuses it"
        return unsupported_media_type(config, stamp, reason)
    template = choice if isinstance(choice, SelectedTemplate) else None
    try:
        converted = convert_request(
            request.body,
            request.header("content-type"),
            config.binary_media_types,
            integration.content_handling,
            has_template=template is not None,
            text=event_body_text(event),
        )
    except ConfigurationError as exc:
        return integration_configuration_error(config, stamp, f"{integration_name}: {exc}")
    if isinstance(converted, ConversionError):
        reason = f"{integration_name}'s request payload: {converted.reason} (row: {converted.row})"
        return integration_configuration_error(config, stamp, reason)
    return RequestPayload(template, converted)
