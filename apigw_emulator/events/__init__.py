"""Pure event builders, one per front door: an :class:`~apigw_emulator.HttpRequest` in, an event dict out.

The builders do no I/O and keep no state; each call generates fresh ids and times (or takes a
:class:`~apigw_emulator.ids.RequestStamp`).
"""

from __future__ import annotations

from collections.abc import Callable

from .._types import Event
from ..config import ApiKind, GatewayConfig
from ..ids import RequestStamp
from ..request import HttpRequest
from ._common import ABSENT
from .alb import build_alb_event
from .http_v1 import build_http_v1_event
from .http_v2 import build_function_url_event, build_http_v2_event
from .rest import build_rest_event

__all__ = [
    "ABSENT",
    "BUILDERS",
    "build_alb_event",
    "build_event",
    "build_function_url_event",
    "build_http_v1_event",
    "build_http_v2_event",
    "build_rest_event",
]

Builder = Callable[[HttpRequest, GatewayConfig, "RequestStamp | None"], Event]

#: The builder of each front door.
BUILDERS: dict[ApiKind, Builder] = {
    "rest": build_rest_event,
    "http": build_http_v2_event,
    "http-v1": build_http_v1_event,
    "function-url": build_function_url_event,
    "alb": build_alb_event,
}


def build_event(request: HttpRequest, config: GatewayConfig, stamp: RequestStamp | None = None) -> Event:
    """Build the event that ``config``'s front door sends to the Lambda for ``request``."""
    return BUILDERS[config.api](request, config, stamp)
