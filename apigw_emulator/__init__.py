"""apigw-emulator: faithful API Gateway, function URL and ALB events for testing Lambda handlers locally.

The public names are re-exported here; import them from ``apigw_emulator``. They load on first use
(PEP 562), so that importing the package, or its pytest plugin, costs nothing until a name is needed.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .config import (
        GatewayConfig as GatewayConfig,
    )
    from .errors import (
        ApigwEmulatorError as ApigwEmulatorError,
    )
    from .errors import (
        ApigwEmulatorWarning as ApigwEmulatorWarning,
    )
    from .errors import (
        BinaryBodyCorruptedWarning as BinaryBodyCorruptedWarning,
    )
    from .errors import (
        BinaryResponseWarning as BinaryResponseWarning,
    )
    from .errors import (
        ConfigurationError as ConfigurationError,
    )
    from .errors import (
        EventFormatError as EventFormatError,
    )
    from .errors import (
        GatewayErrorWarning as GatewayErrorWarning,
    )
    from .errors import (
        HandlerImportError as HandlerImportError,
    )
    from .errors import (
        InvalidRequestError as InvalidRequestError,
    )
    from .errors import (
        LambdaFunctionError as LambdaFunctionError,
    )
    from .errors import (
        MissingEnvironmentWarning as MissingEnvironmentWarning,
    )
    from .errors import (
        RouteNotFoundError as RouteNotFoundError,
    )
    from .events import (
        ABSENT as ABSENT,
    )
    from .events import (
        build_event as build_event,
    )
    from .gateway import (
        Gateway as Gateway,
    )
    from .ids import (
        RequestStamp as RequestStamp,
    )
    from .inverse import (
        gateway_options_from_event as gateway_options_from_event,
    )
    from .inverse import (
        request_from_event as request_from_event,
    )
    from .invoke import (
        FunctionConfig as FunctionConfig,
    )
    from .invoke import (
        Invocation as Invocation,
    )
    from .lambda_context import (
        LambdaContext as LambdaContext,
    )
    from .media_types import (
        BinaryMediaTypes as BinaryMediaTypes,
    )
    from .request import (
        HttpRequest as HttpRequest,
    )
    from .response import (
        GatewayResponse as GatewayResponse,
    )
    from .server import (
        LocalGateway as LocalGateway,
    )
    from .transport import (
        GatewayAdapter as GatewayAdapter,
    )
    from .transport import (
        invocation_of as invocation_of,
    )

__version__ = "0.1.0.dev0"

#: Where each public name lives.
_LOCATIONS = {
    "ABSENT": "events",
    "ApigwEmulatorError": "errors",
    "ApigwEmulatorWarning": "errors",
    "BinaryBodyCorruptedWarning": "errors",
    "BinaryMediaTypes": "media_types",
    "BinaryResponseWarning": "errors",
    "ConfigurationError": "errors",
    "EventFormatError": "errors",
    "FunctionConfig": "invoke",
    "Gateway": "gateway",
    "GatewayAdapter": "transport",
    "GatewayConfig": "config",
    "GatewayErrorWarning": "errors",
    "GatewayResponse": "response",
    "HttpRequest": "request",
    "HandlerImportError": "errors",
    "InvalidRequestError": "errors",
    "Invocation": "invoke",
    "LambdaContext": "lambda_context",
    "LambdaFunctionError": "errors",
    "LocalGateway": "server",
    "MissingEnvironmentWarning": "errors",
    "RequestStamp": "ids",
    "RouteNotFoundError": "errors",
    "build_event": "events",
    "gateway_options_from_event": "inverse",
    "invocation_of": "transport",
    "request_from_event": "inverse",
}

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
    "HandlerImportError",
    "HttpRequest",
    "InvalidRequestError",
    "Invocation",
    "LambdaContext",
    "LambdaFunctionError",
    "LocalGateway",
    "MissingEnvironmentWarning",
    "RequestStamp",
    "RouteNotFoundError",
    "__version__",
    "build_event",
    "gateway_options_from_event",
    "invocation_of",
    "request_from_event",
]


def __getattr__(name: str) -> Any:
    module = _LOCATIONS.get(name)
    if module is None:
        raise AttributeError(f"module 'apigw_emulator' has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{module}", __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
