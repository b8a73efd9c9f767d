"""apigw-emulator: faithful API Gateway, function URL and ALB events for testing Lambda handlers locally.

The public names are re-exported here; import them from ``apigw_emulator``.
"""

from __future__ import annotations

from .config import GatewayConfig
from .errors import (
    ApigwEmulatorError,
    ApigwEmulatorWarning,
    BinaryBodyCorruptedWarning,
    BinaryResponseWarning,
    ConfigurationError,
    EventFormatError,
    GatewayErrorWarning,
    InvalidRequestError,
    RouteNotFoundError,
)
from .events import ABSENT, build_event
from .gateway import Gateway
from .ids import RequestStamp
from .inverse import gateway_options_from_event, request_from_event
from .invoke import FunctionConfig, Invocation
from .lambda_context import LambdaContext
from .media_types import BinaryMediaTypes
from .request import HttpRequest
from .response import GatewayResponse
from .transport import GatewayAdapter, invocation_of

__version__ = "0.1.0.dev0"

__all__ = [
    "ABSENT",
    "ApigwEmulatorError",
    "ApigwEmulatorWarning",
    "BinaryBodyCorruptedWarning",
    "BinaryMediaTypes",
    "BinaryResponseWarning",
    "ConfigurationError",
    "EventFormatError",
    "FunctionConfig",
    "Gateway",
    "GatewayAdapter",
    "GatewayConfig",
    "GatewayErrorWarning",
    "GatewayResponse",
    "HttpRequest",
    "InvalidRequestError",
    "Invocation",
    "LambdaContext",
    "RequestStamp",
    "RouteNotFoundError",
    "__version__",
    "build_event",
    "gateway_options_from_event",
    "invocation_of",
    "request_from_event",
]
