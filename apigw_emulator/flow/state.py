"""What one request's pass through the front door carries from step to step, and what it produces."""

from __future__ import annotations

import functools
import traceback
from dataclasses import dataclass, field
from typing import Any

from .._types import Event
from ..authorizers.check import Granted
from ..config import GatewayConfig
from ..ids import RequestStamp, edge_ids, fresh_stamp
from ..lambda_context import LambdaContext
from ..request import HttpRequest
from ..response import GatewayResponse
from ..runtime.model import FunctionConfig
from ..runtime.pool import EnvironmentPool

__all__ = ["PENDING_RESPONSE", "FlowState", "FunctionTarget", "Invocation", "describe", "lambda_context"]

#: The response of a record whose response is still to be made (immutable, so one is shared).
PENDING_RESPONSE = GatewayResponse(0, (), b"")


@dataclass(slots=True)
class Invocation:
    """What happened for one request: what the handler saw and returned, and what the client got.

    :ivar request: the request as the client sent it.
    :ivar event: the event the handler received (None when the gateway answered without calling it).
    :ivar context: the context object the handler received.
    :ivar result: the handler's return value as the gateway read it (after the runtime's JSON encoding).
    :ivar error: the exception the handler (or the import of its module) raised, if any; for a function
        in a worker process, a :class:`~apigw_emulator.errors.LambdaFunctionError` made of what its runtime
        reported.
    :ivar function_error: the error document the Lambda runtime reports (``errorMessage``, ``errorType``,
        ``stackTrace``, ``requestId``), for a handler exception, an init failure or a result the runtime
        cannot encode (``Runtime.MarshalError``).
    :ivar response: the response the client receives.
    :ivar duration: seconds the handler ran.
    :ivar init_duration: seconds of the init phase when this invocation had a cold start, else None.
    :ivar init_error: whether the function's init failed (the handler was never called).
    :ivar integration_request: for a REST method with a Lambda custom (``AWS``) integration, the payload the
        front door sent the function (the rendered request template, or the body passed through), once
        there is one; None for a proxy integration, whose payload is :attr:`event`.
    """

    request: HttpRequest
    response: GatewayResponse
    event: Event | None = None
    context: LambdaContext | None = None
    result: Any = None
    error: BaseException | None = None
    function_error: dict[str, Any] | None = None
    duration: float = 0.0
    init_duration: float | None = None
    init_error: bool = False
    stamp: RequestStamp | None = field(default=None, repr=False)
    integration_request: bytes | None = None


@dataclass(slots=True)
class FlowState:
    """One request on its way through the steps (see :mod:`apigw_emulator.flow`).

    :ivar event: the proxy event, once the route matched (the authorizer's grant goes into it).
    :ivar route_key: the key of the route that matched (``"GET /items/{id}"``; ``""`` for front doors
        without routes).
    :ivar app_path: the path the route matched (the method ARN's), stage removed, outer slashes dropped.
    :ivar granted: what the authorizer granted, if one ran.
    :ivar plain: whether the event holds only what the flow made of checked parts (see
        :mod:`apigw_emulator.flow.plain`): its own stamp, a plain configuration, nothing an authorizer
        granted. A plain event is handed to the handler as it is (its JSON round trip would only copy it).
    """

    request: HttpRequest
    config: GatewayConfig
    stamp: RequestStamp
    event: Event = field(default_factory=dict)
    route_key: str = ""
    app_path: str = "/"
    granted: Granted | None = None
    plain: bool = False

    @classmethod
    def start(cls, request: HttpRequest, config: GatewayConfig, stamp: RequestStamp | None) -> FlowState:
        """The state of a request entering the front door, with its ids (CloudFront's too on EDGE)."""
        # CloudFront's ids (an EDGE REST API: cloudfront.is_edge) go into the event, again in the response.
        edge = config.api == "rest" and config.endpoint_type == "EDGE"
        if stamp is None:
            stamp = fresh_stamp(config.api in ("rest", "function-url"), edge)
            # The stamp is the flow's own: plain text. (Every field given by position: no keyword parsed.)
            return cls(request, config, stamp, {}, "", "/", None, True)
        if edge and stamp.edge_ids is None:
            stamp = stamp._replace(edge_ids=edge_ids())
        return cls(request, config, stamp)

    @property
    def routed(self) -> bool:
        """Whether the front door has routes (REST and HTTP APIs)."""
        return self.config.api in ("rest", "http", "http-v1")

    def answer(self, response: GatewayResponse) -> Invocation:
        """The front door answered itself: no function was invoked."""
        return Invocation(self.request, response, stamp=self.stamp)


@dataclass(slots=True)  # not frozen: one is made per request, and a frozen init costs twice as much
class FunctionTarget:
    """Where a route's requests go: the function's environments and configuration, and the integration
    timeout its routes set (None: the front door's default)."""

    environments: EnvironmentPool
    function: FunctionConfig
    integration_timeout: float | None = None
    #: The version or alias the integration invokes (``live``): the context's ``invoked_function_arn``
    #: ends with it, as Lambda qualifies the ARN it was invoked by.
    qualifier: str | None = None
    #: Whether the environments run the handler in this process (no worker needs the event's JSON).
    in_process: bool = False


def describe(exc: BaseException) -> str:
    """An exception as its one-line traceback summary."""
    return "".join(traceback.format_exception_only(type(exc), exc)).strip()


def lambda_context(function: FunctionConfig, config: GatewayConfig, request_id: str) -> LambdaContext:
    """The context object of one invocation of ``function`` (made from the function's template)."""
    known = _TEMPLATES.get(id(function))
    if known is not None and known[0] is function and known[1] is config:
        return known[2].renewed(request_id, function.timeout)
    template = _context_template(
        function.name, function.version, config.region, config.account_id, function.memory_size
    )
    if len(_TEMPLATES) >= _TEMPLATES_LIMIT:
        _TEMPLATES.clear()
    _TEMPLATES[id(function)] = (function, config, template)
    return template.renewed(request_id, function.timeout)


#: The context template of the last configuration each function was invoked with, by the function's
#: ``id`` (both immutable; the entry keeps them alive, so an id is not reused while it is there): a
#: lookup by an int in place of the cache's key of five fields.
_TEMPLATES: dict[int, tuple[FunctionConfig, GatewayConfig, LambdaContext]] = {}
_TEMPLATES_LIMIT = 64


@functools.lru_cache(maxsize=64)
def _context_template(
    name: str, version: str, region: str, account_id: str, memory_size: int
) -> LambdaContext:
    """A context of the function, made by the constructor once: what every invocation's context copies."""
    return LambdaContext(
        aws_request_id="",
        function_name=name,
        function_version=version,
        region=region,
        account_id=account_id,
        memory_limit_in_mb=memory_size,
        log_stream_name="",  # the execution environment's, set when one takes the invocation
    )
