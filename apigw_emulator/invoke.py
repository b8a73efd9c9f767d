"""The one invoke step: request -> event -> Lambda handler (as the Python runtime calls it) -> response.

Every driver (``Gateway.invoke``, the ``requests`` transport, the local server) goes through :func:`invoke`,
so limits, error responses and the Lambda runtime's JSON rules are applied in one place.
"""

from __future__ import annotations

import binascii
import json
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import orjson

from ._types import Event
from .api_keys import ApiKeyRules
from .authorizers.check import Authorization, FunctionCall, FunctionCaller, Granted
from .authorizers.model import LambdaAuthorizer
from .cloudfront import is_edge
from .codec import b64decode, is_known_base64
from .config import GatewayConfig
from .cors import CorsRules, decorate, preflight
from .errors import LambdaFunctionError, RouteNotFoundError
from .events import BUILDERS
from .events._common import locate, split_prefix
from .gateway_errors import (
    bad_gateway,
    binary_decode_failed,
    forbidden,
    gateway_timeout,
    payload_too_large,
    request_too_long,
    route_not_found,
    throttled,
)
from .ids import RequestStamp, edge_ids, stable_id
from .lambda_context import LambdaContext
from .request import HttpRequest
from .response import GatewayResponse, MalformedResultError, _BinaryDecodeError, map_result
from .route_integrations import RouteIntegrations
from .routing import routed_path
from .runtime._bootstrap import MARSHAL_ERROR
from .runtime.model import FunctionConfig, InvokeRequest
from .runtime.pool import EnvironmentPool
from .trace import trace_header

__all__ = ["FunctionConfig", "FunctionTarget", "Invocation", "function_caller", "invoke"]

#: Largest request body API Gateway accepts (REST and HTTP APIs, spec 7).
API_PAYLOAD_LIMIT = 10 * 1024 * 1024
#: Largest request body an ALB passes to a Lambda target (D19).
ALB_PAYLOAD_LIMIT = 1024 * 1024
#: Largest synchronous invocation payload, the event JSON (D18).
LAMBDA_REQUEST_LIMIT = 6 * 1024 * 1024
#: Largest synchronous response; Lambda's own error names 6291556 bytes (R3).
LAMBDA_RESPONSE_LIMIT = 6 * 1024 * 1024 + 100
#: Default integration timeouts (spec 7): REST 29 s, HTTP API 30 s.
DEFAULT_INTEGRATION_TIMEOUT = {"rest": 29.0, "http": 30.0, "http-v1": 30.0}


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


# -- the runtime's JSON ------------------------------------------------------------------------------


def _runtime_default(obj: Any) -> Any:
    # The Python runtime's encoder writes Decimal as a JSON number (awslambdaric's marshaller).
    if isinstance(obj, Decimal):
        return float(obj) if obj.is_nan() else json.loads(str(obj))
    raise TypeError(f"Object of type {type(obj).__name__} is not JSON serializable")


_ORJSON_STRICT = (
    orjson.OPT_PASSTHROUGH_DATETIME | orjson.OPT_PASSTHROUGH_DATACLASS | orjson.OPT_PASSTHROUGH_SUBCLASS
)


def _reject(obj: Any) -> Any:
    raise TypeError


def runtime_dumps(value: Any) -> bytes:
    """Serialise like the Lambda Python runtime (stdlib-json semantics), with orjson where they agree.

    orjson is tried with every native extra turned off (datetimes, dataclasses, subclasses, non-str keys
    all fail there); anything it refuses goes through the stdlib encoder with the runtime's Decimal rule, so
    what serialises and how is what the runtime does. :raises TypeError: when the runtime would fail too.
    """
    return _dumps(value)[0]


def _dumps(value: Any) -> tuple[bytes, bool]:
    """:func:`runtime_dumps`, and whether orjson wrote it (then orjson reads it back as ``json`` would)."""
    try:
        return orjson.dumps(value, default=_reject, option=_ORJSON_STRICT), True
    except TypeError:
        payload = json.dumps(value, default=_runtime_default, ensure_ascii=False)
        return payload.encode("utf-8", "surrogatepass"), False


#: Below this estimate a big body's JSON size is not computed exactly (it cannot reach a limit); see
#: :func:`round_trip`.
_EXACT_SIZE_FROM = 3 * 1024 * 1024
#: Body strings longer than this are measured, not serialised, by :func:`round_trip`.
_BIG_STRING = 64 * 1024


def _loads(payload: bytes, by_orjson: bool) -> Any:
    # orjson reads what it wrote as json does; what only the stdlib writes (integers over 64 bits, which
    # orjson would read as floats, NaN) is read by the stdlib.
    return orjson.loads(payload) if by_orjson else json.loads(payload)


def round_trip(value: Any) -> tuple[int, Any]:
    """Serialise ``value`` as the runtime does and parse it back: (JSON size in bytes, the parsed value).

    This is what a Lambda handler receives for an event, and what the front door reads of a result. A big
    ``"body"`` string is the exception: serialising a megabyte only to parse it back costs more than the
    rest of an invocation (fresh buffers page-fault), so the rest of the value makes the round trip and
    the string, immutable and JSON-safe by construction, is put back as is; its size is its length where
    escapes cannot matter (under 3 MB and ASCII) and is computed exactly otherwise.

    :raises TypeError: when the runtime could not serialise ``value`` (``Runtime.MarshalError``).
    """
    body = value.get("body") if type(value) is dict else None
    if type(body) is not str or len(body) <= _BIG_STRING:
        payload, by_orjson = _dumps(value)
        return len(payload), _loads(payload, by_orjson)
    payload, by_orjson = _dumps({**value, "body": ""})
    parsed = _loads(payload, by_orjson)
    parsed["body"] = body
    size = len(payload) + len(body)
    if (size >= _EXACT_SIZE_FROM or not body.isascii()) and not _is_base64(body, value):
        size = len(payload) + len(orjson.dumps(body)) - 2
    return size, parsed


def _is_base64(body: str, value: dict[str, Any]) -> bool:
    """Whether ``body`` is base64 text, whose JSON is the text in quotes: one the event builder encoded,
    or a result's base64 body (decoded here to know; the response reuses the bytes, see ``codec``)."""
    if is_known_base64(body):
        return True
    if value.get("isBase64Encoded") is not True or not body.isascii():
        return False
    try:
        b64decode(body, remember=True)
    except binascii.Error:
        return False
    return True


# -- the invoke step ----------------------------------------------------------------------------------


def _preflight(cors: CorsRules, request: HttpRequest, config: GatewayConfig) -> GatewayResponse | None:
    """The front door's own answer to a CORS preflight (see :mod:`apigw_emulator.cors`), or None."""
    if request.method != "OPTIONS":
        return None
    try:
        app_path = split_prefix(request, config)[1]
    except RouteNotFoundError:
        return None
    return preflight(cors, request, config.routes, app_path)


def _describe(exc: BaseException) -> str:
    return "".join(traceback.format_exception_only(type(exc), exc)).strip()


def _lambda_context(function: FunctionConfig, config: GatewayConfig, request_id: str) -> LambdaContext:
    return LambdaContext(
        aws_request_id=request_id,
        function_name=function.name,
        function_version=function.version,
        region=config.region,
        account_id=config.account_id,
        memory_limit_in_mb=function.memory_size,
        timeout=function.timeout,
        log_stream_name="",  # the execution environment's, set when one takes the invocation
    )


@dataclass(frozen=True, slots=True)
class FunctionTarget:
    """Where a route's requests go: the function's environments and configuration, and the integration
    timeout its routes set (None: the front door's default)."""

    environments: EnvironmentPool
    function: FunctionConfig
    integration_timeout: float | None = None
    #: The version or alias the integration invokes (``live``): the context's ``invoked_function_arn``
    #: ends with it, as Lambda qualifies the ARN it was invoked by.
    qualifier: str | None = None


def invoke(
    environments: EnvironmentPool | Callable[[str], FunctionTarget],
    request: HttpRequest,
    config: GatewayConfig,
    function: FunctionConfig,
    *,
    integration_timeout: float | None = None,
    stamp: RequestStamp | None = None,
    cors: CorsRules | None = None,
    api_keys: ApiKeyRules | None = None,
    authorization: Authorization | None = None,
    integrations: RouteIntegrations | None = None,
) -> Invocation:
    """Send ``request`` through the front door to the function's ``environments``; say what happened.

    Steps, each as AWS does them: the payload limit (413); a CORS preflight the front door answers; the
    route (REST 403 / HTTP API 404); the route's authorizer (401, 403, 500, or its context in the event);
    the API key (REST 403); the event and Lambda's 6 MB request limit (413); the handler called with the
    JSON-decoded event and a :class:`LambdaContext` under the function timeout and the integration
    timeout; the result encoded as the runtime encodes it (6 MB response limit, 502); the result mapped
    to the client's response.

    Handler exceptions are recorded in :attr:`Invocation.error` (the response is the front door's 5xx);
    re-raising them is the caller's choice. A timeout resets the environment (the pool's next invocation
    initialises a fresh one); all environments busy at the concurrency limit is Lambda's throttling.

    ``environments`` may instead map the key of the route the request matched (``"POST /shape"``) to its
    :class:`FunctionTarget`: an API whose routes go to several functions.
    """
    if stamp is None:
        stamp = RequestStamp.new(uuid_request_id=config.api in ("rest", "function-url"))
    if stamp.edge_ids is None and is_edge(config):  # the event's CloudFront ids, again in the response
        stamp = stamp._replace(edge_ids=edge_ids())
    limit = ALB_PAYLOAD_LIMIT if config.api == "alb" else API_PAYLOAD_LIMIT
    if len(request.body) > limit:
        reason = f"the request body has {len(request.body)} bytes, over the {limit}-byte limit"
        return Invocation(request, payload_too_large(config, stamp, reason), stamp=stamp)
    if cors is not None:
        answer = _preflight(cors, request, config)
        if answer is not None:
            return Invocation(request, answer, stamp=stamp)
    try:
        event = BUILDERS[config.api](request, config, stamp)
    except RouteNotFoundError as exc:
        return Invocation(request, route_not_found(config, stamp, str(exc)), stamp=stamp)
    routed = config.api in ("rest", "http", "http-v1")
    route_key, app_path = "", "/"
    needs_route = (
        authorization is not None
        or api_keys is not None
        or integrations is not None
        or not isinstance(environments, EnvironmentPool)
    )
    if routed and needs_route:  # the route match again, only for what depends on it
        _, app_path, match = locate(request, config)
        route_key = match.route.key
        app_path = routed_path(app_path)  # the path the route matched: the method ARN's
    granted: Granted | None = None
    if integrations is not None and routed:
        unsigned = integrations.before_authorizer(route_key, request, config, stamp)
        if unsigned is not None:
            return Invocation(request, unsigned, stamp=stamp)
    if authorization is not None and routed:
        verdict = authorization.check(
            request, event, route_key, app_path=app_path, config=config, stamp=stamp
        )
        if isinstance(verdict, GatewayResponse):
            return Invocation(request, verdict, stamp=stamp)
        if verdict is not None:
            granted = verdict
            event["requestContext"]["authorizer"] = verdict.authorizer
    if api_keys is not None and config.api == "rest":
        from_authorizer = granted.usage_identifier_key if granted is not None else None
        refusal = api_keys.refusal(route_key, request, from_authorizer)
        if refusal is not None:
            return Invocation(request, forbidden(config, stamp, refusal), stamp=stamp)
        used = api_keys.key_used(route_key, request, from_authorizer)
        if used is not None:
            event["requestContext"]["identity"].update(apiKey=used, apiKeyId=stable_id(f"apikey:{used}"))
    if integrations is not None and routed:
        answer = integrations.integration(route_key, request, config, stamp)
        if answer is not None:
            return Invocation(request, answer, stamp=stamp)
    qualifier = None
    if not isinstance(environments, EnvironmentPool):
        target = environments(route_key)
        environments, function = target.environments, target.function
        integration_timeout, qualifier = target.integration_timeout, target.qualifier
    event_size, handler_event = round_trip(event)
    if event_size > LAMBDA_REQUEST_LIMIT:
        reason = (
            f"the event JSON has {event_size} bytes, over Lambda's {LAMBDA_REQUEST_LIMIT}-byte invocation "
            "limit (base64 makes a body 4/3 larger: uploads over about 4.4 MB cannot reach a Lambda)"
        )
        return Invocation(request, request_too_long(config, stamp, reason), stamp=stamp)
    request_id = stamp.request_id if config.api == "function-url" else RequestStamp.new().request_id
    context = _lambda_context(function, config, request_id)
    if qualifier is not None:
        context.invoked_function_arn += f":{qualifier}"
    deadline = function.timeout
    gateway_limit = (
        integration_timeout
        if integration_timeout is not None
        else DEFAULT_INTEGRATION_TIMEOUT.get(config.api)
    )
    if gateway_limit is not None:
        deadline = min(deadline, gateway_limit)
    trace = trace_header(request, config.api, stamp)  # what the event carries: _X_AMZN_TRACE_ID
    outcome = environments.invoke(InvokeRequest(handler_event, context, trace, deadline))
    record = Invocation(
        request,
        GatewayResponse(0, (), b""),
        handler_event,
        context,
        stamp=stamp,
        duration=outcome.duration,
        init_duration=outcome.init_duration,
        init_error=outcome.init_error,
    )
    if outcome.kind == "throttled":
        reason = (
            f"every execution environment of {function.name} is busy "
            f"({environments.max_concurrency}, the function's max_concurrency): Lambda throttles the "
            "invocation (TooManyRequestsException)"
        )
        record.response = throttled(config, stamp, reason)
        return record
    if outcome.kind == "timeout":
        if outcome.init_error:
            record.response = bad_gateway(
                config, stamp, "the init timed out: the runtime did not ask for an invocation in time"
            )
        elif gateway_limit is not None and gateway_limit < function.timeout:
            record.response = gateway_timeout(
                config, stamp, f"the handler ran past the {gateway_limit:g} s integration timeout"
            )
        else:
            record.response = bad_gateway(
                config, stamp, f"Task timed out after {function.timeout:.2f} seconds (the function timeout)"
            )
        return record
    if outcome.kind == "error":
        document = outcome.error or {}
        record.function_error = document
        error_type = str(document.get("errorType", ""))
        if error_type != MARSHAL_ERROR:
            record.error = outcome.exception or LambdaFunctionError(document)
        if outcome.init_error:
            reason = f"the function's init failed: {error_type}: {document.get('errorMessage', '')}"
        elif error_type == MARSHAL_ERROR:
            reason = (
                f"the runtime cannot encode the result as JSON ({error_type}): {document.get('errorMessage')}"
            )
        elif outcome.exception is not None:
            reason = f"the handler raised {_describe(outcome.exception)}"
        else:
            reason = f"the handler raised {error_type}: {document.get('errorMessage', '')}"
        record.response = bad_gateway(config, stamp, reason)
        return record
    value = outcome.result
    try:
        if isinstance(value, (bytes, bytearray)):
            # The runtime sends bytes as they are; the front door then needs them to be JSON.
            result_size = len(value)
            result = json.loads(bytes(value))
        else:
            result_size, result = round_trip(value)
    except (TypeError, ValueError, RecursionError) as exc:  # RecursionError: a result nested too deep
        record.function_error = {
            "errorMessage": f"Unable to marshal response: {exc}",
            "errorType": MARSHAL_ERROR,
            "requestId": request_id,
            "stackTrace": [],
        }
        record.response = bad_gateway(
            config,
            stamp,
            f"the runtime cannot encode the result as JSON ({MARSHAL_ERROR}): {_describe(exc)}",
        )
        return record
    record.result = result
    if result_size > LAMBDA_RESPONSE_LIMIT:
        reason = (
            f"the result has {result_size} bytes: Exceeded maximum allowed payload size "
            f"({LAMBDA_RESPONSE_LIMIT} bytes)"
        )
        record.response = bad_gateway(config, stamp, reason)
        return record
    try:
        record.response = map_result(result, config, request, stamp)
        if cors is not None:
            record.response = decorate(cors, request, record.response)
    except _BinaryDecodeError as exc:
        record.response = binary_decode_failed(config, stamp, str(exc))
    except MalformedResultError as exc:
        record.response = bad_gateway(config, stamp, f"Malformed Lambda proxy response: {exc}")
    return record


# -- authorizer functions -----------------------------------------------------------------------------


def function_caller(
    resolve: Callable[[LambdaAuthorizer], FunctionTarget | None], config: GatewayConfig
) -> FunctionCaller:
    """How an API calls its Lambda authorizers: each in the execution environments ``resolve`` gives it
    (None: the authorizer's function is not part of this application, a 500 as for any failure)."""

    def call(authorizer: LambdaAuthorizer, event: Event, wait: float) -> FunctionCall:
        target = resolve(authorizer)
        if target is None:
            return FunctionCall(
                failure=f"names the function {authorizer.function!r}, which is not here to run"
            )
        return call_function(target, event, config, wait)

    return call


def call_function(target: FunctionTarget, event: Event, config: GatewayConfig, wait: float) -> FunctionCall:
    """Invoke a function with an event as Lambda does (JSON in, JSON out) and wait at most ``wait``
    seconds (or its own timeout): its decoded result, or why there is none."""
    function = target.function
    try:
        _, handler_event = round_trip(event)
    except (TypeError, ValueError) as exc:
        return FunctionCall(failure=f"cannot be sent the event: {_describe(exc)}")
    context = _lambda_context(function, config, RequestStamp.new().request_id)
    deadline = min(function.timeout, wait)
    outcome = target.environments.invoke(InvokeRequest(handler_event, context, None, deadline))
    if outcome.kind == "throttled":
        return FunctionCall(failure=f"was throttled: every environment of {function.name} is busy")
    if outcome.kind == "timeout":
        return FunctionCall(failure=f"did not answer within {deadline:g} s")
    if outcome.kind == "error":
        document = outcome.error or {}
        message = str(document.get("errorMessage", ""))
        return FunctionCall(
            failure=f"raised {document.get('errorType', '')}: {message}", error_message=message
        )
    try:
        value = outcome.result
        result = json.loads(bytes(value)) if isinstance(value, (bytes, bytearray)) else round_trip(value)[1]
    except (TypeError, ValueError, RecursionError) as exc:
        return FunctionCall(failure=f"returned what the runtime cannot encode as JSON: {_describe(exc)}")
    return FunctionCall(result=result)
