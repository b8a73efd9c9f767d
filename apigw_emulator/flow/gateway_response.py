"""Gateway responses (REST): every answer the front door gives itself is of a gateway-response type, and
the API's customised responses (``x-amazon-apigateway-gateway-responses``, SAM's ``GatewayResponses``,
``AWS::ApiGateway::GatewayResponse``) change its status, headers and body
(:mod:`apigw_emulator.gateway_responses`)."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Mapping
from typing import Any

from ..gateway_responses import GatewayError, render_gateway_response
from ..model.rest import GatewayResponseSpec
from ..response import GatewayResponse
from .state import FlowState

__all__ = ["customise"]


def customise(
    state: FlowState, response: GatewayResponse, customised: Mapping[str, GatewayResponseSpec] | None
) -> GatewayResponse:
    """``response`` as the API customises its type; unchanged (byte for byte) when nothing applies."""
    if not customised or response.response_type is None:
        return response
    error = GatewayError(
        _message(response.body),
        response.reason or "",
        status=response.status,
        error_type=response.header("x-amzn-ErrorType"),
        captured_body=response.body,  # what is not customised keeps its bytes
    )
    event: Mapping[str, Any] = state.event
    rendered = render_gateway_response(
        response.response_type,
        customised,
        error,
        event.get("requestContext") or {},
        state.config.stage_variables,
        state.request,
        config=state.config,
        stamp=state.stamp,
        path_parameters=event.get("pathParameters") or {},
    )
    return dataclasses.replace(rendered, reason=response.reason, response_type=response.response_type)


def _message(body: bytes) -> str | None:
    """``$context.error.message``: the message of the front door's own answer."""
    try:
        document = json.loads(body)
    except ValueError:
        return body.decode("utf-8", "replace")
    if not isinstance(document, dict):
        return None
    message = document.get("message", document.get("Message"))
    return None if message is None else str(message)
