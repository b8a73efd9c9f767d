"""Request validation (REST): the method request's validator checks the required parameters and the body
against its model (:mod:`apigw_emulator.request_validation`); a refused request gets the
``BAD_REQUEST_PARAMETERS`` or ``BAD_REQUEST_BODY`` gateway response, as the API customises it."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from ..gateway_responses import GatewayError, render_gateway_response
from ..model.rest import GatewayResponseSpec, Method
from ..request_validation import RequestValidation
from ..response import GatewayResponse
from .state import FlowState

__all__ = ["MethodValidation", "validate_request"]


@dataclass(frozen=True)
class MethodValidation:
    """The validation of a REST API's methods that have a validator, by route key."""

    validation: RequestValidation
    methods: Mapping[str, Method]

    def check(self) -> None:
        """Set every method's validation up now (what API Gateway would refuse to deploy fails here).

        :raises apigw_emulator.request_validation.ValidationConfigError: for a misconfigured method.
        """
        self.validation.check()


def validate_request(
    state: FlowState,
    validation: MethodValidation | None,
    gateway_responses: Mapping[str, GatewayResponseSpec] | None = None,
) -> GatewayResponse | None:
    """The 400 of a request its method's validator refuses, else None."""
    if validation is None or state.config.api != "rest":
        return None
    method = validation.methods.get(state.route_key)
    if method is None:
        return None
    path_parameters = state.event.get("pathParameters") or {}
    failure = validation.validation.validate(method, state.request, path_parameters)
    if failure is None:
        return None
    reason = (
        f"{method.http_method} {method.path}'s validator {method.request_validator} refuses the request: "
        f"{failure.message}"
    )
    error = GatewayError(failure.message, reason, validation_error=failure.validation_error_string)
    response = render_gateway_response(
        failure.response_type,
        gateway_responses or {},
        error,
        state.event.get("requestContext") or {},
        state.config.stage_variables,
        state.request,
        config=state.config,
        stamp=state.stamp,
        path_parameters=path_parameters,
    )
    return response
