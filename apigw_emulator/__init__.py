"""apigw-emulator: faithful API Gateway, function URL and ALB events for testing Lambda handlers locally.

The public names are re-exported here; import them from ``apigw_emulator``.
"""

from __future__ import annotations

from .config import GatewayConfig
from .errors import (
    ApigwEmulatorError,
    ApigwEmulatorWarning,
    BinaryBodyCorruptedWarning,
    ConfigurationError,
    EventFormatError,
    InvalidRequestError,
    RouteNotFoundError,
)
from .events import ABSENT, build_event
from .gateway import Gateway
from .ids import RequestStamp
from .inverse import gateway_options_from_event, request_from_event
from .media_types import BinaryMediaTypes
from .request import HttpRequest

__version__ = "0.1.0.dev0"

__all__ = [
    "ABSENT",
    "ApigwEmulatorError",
    "ApigwEmulatorWarning",
    "BinaryBodyCorruptedWarning",
    "BinaryMediaTypes",
    "ConfigurationError",
    "EventFormatError",
    "Gateway",
    "GatewayConfig",
    "HttpRequest",
    "InvalidRequestError",
    "RequestStamp",
    "RouteNotFoundError",
    "__version__",
    "build_event",
    "gateway_options_from_event",
    "request_from_event",
]
