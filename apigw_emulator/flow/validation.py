"""Request validation (the method request's validator: required parameters, the body's model).

The step exists in the flow's order now; validators, models and required parameters are read into the model
(:class:`~apigw_emulator.model.RestApi`) and are applied when the validation rules land (issue #19). Until
then every request passes, and templates that declare validators say so in their notes.
"""

from __future__ import annotations

from ..response import GatewayResponse
from .state import FlowState

__all__ = ["validate_request"]


def validate_request(state: FlowState) -> GatewayResponse | None:
    """The 400 of a request its method's validator refuses, else None (no rule is applied yet)."""
    return None
