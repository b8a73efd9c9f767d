"""REST gateway responses (spec 10.2): the answers API Gateway generates itself, as an API customises them.

Every answer the REST front door generates has a *type* (``UNAUTHORIZED``, ``BAD_REQUEST_BODY``...) with a
default status. An API customises a type with ``x-amazon-apigateway-gateway-responses`` (OpenAPI), SAM's
``GatewayResponses`` or ``AWS::ApiGateway::GatewayResponse``, read into
:class:`~apigw_emulator.model.GatewayResponseSpec`. :func:`render_gateway_response` applies AWS's rules:

- the customised response of the type, else the customised ``DEFAULT_4XX`` / ``DEFAULT_5XX`` of its status
  class, else AWS's default answer;
- the status: the customised one, else the case's own (a Lambda failure is 502 where the type says 504),
  else the type's default;
- headers from ``responseParameters``: ``gatewayresponse.header.X`` set to a ``'static'`` value,
  ``method.request.header.Y`` (``multivalueheader``, ``querystring``, ``multivaluequerystring``, ``path``),
  ``stageVariables.y`` or ``context.y``; a value the request does not have leaves the header out;
- the body from the template of the first ``Accept`` type, else ``application/json``'s, else the first one
  declared (API Gateway's own default is ``{"message":$context.error.messageString}``, no space after the
  colon). Gateway response templates support only ``$context`` and ``$stageVariables`` variables, so they
  are substituted, not run as VTL: ``$context.error.message``, ``$context.error.messageString`` (the message
  as a JSON string, ``null`` when there is none), ``$context.error.responseType``,
  ``$context.error.validationErrorString``, any other ``$context.a.b`` and ``$stageVariables.x``
  (``${...}`` and quiet ``$!`` spellings too); what is not defined renders empty.

When nothing is customised, the answer is AWS's bytes for the case: the default template's, or what the
captures show when they differ (:attr:`GatewayError.captured_body`: the Lambda integration's
``{"message": "Internal server error"}`` with its space, the ``{"Message":...}`` of an authorizer's deny).
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

from ._http_syntax import bad_value_character, is_token
from .cloudfront import edge_response_headers, is_edge
from .config import GatewayConfig
from .ids import RequestStamp
from .media_types import essence
from .model.rest import GatewayResponseSpec
from .query import parse_query_decoded
from .request import HttpRequest
from .response import GatewayResponse

__all__ = [
    "DEFAULT_TEMPLATE",
    "RESPONSE_TYPES",
    "GatewayError",
    "GatewayResponseSpecError",
    "ResponseType",
    "check_gateway_responses",
    "render_gateway_response",
]

#: API Gateway's body template for every type it has not been told otherwise about.
DEFAULT_TEMPLATE = '{"message":$context.error.messageString}'


@dataclass(frozen=True, slots=True)
class ResponseType:
    """One gateway response type AWS documents.

    :param name: ``UNAUTHORIZED``...
    :param default_status: the status AWS answers with; None for ``DEFAULT_4XX`` / ``DEFAULT_5XX``.
    :param error_type: the ``x-amzn-ErrorType`` header (the ones not seen in a capture are UNCONFIRMED).
    :param message: the message of AWS's default answer (None: ``{"message":null}``).
    :param customisable: False where AWS does not apply a customisation (``REQUEST_TOO_LARGE``, spec 7).
    :param default_template: the body template of AWS's own answer (``ACCESS_DENIED`` writes ``Message``).
    """

    name: str
    default_status: int | None
    error_type: str
    message: str | None
    customisable: bool = True
    default_template: str = DEFAULT_TEMPLATE


_SERVER = "InternalServerErrorException"

#: Every gateway response type AWS documents, by name. The statuses are AWS's table; the messages and
#: ``x-amzn-ErrorType`` values of the types today's front door does not answer (EXPIRED_TOKEN,
#: INVALID_SIGNATURE, QUOTA_EXCEEDED, RESOURCE_NOT_FOUND, THROTTLED, UNSUPPORTED_MEDIA_TYPE, WAF_FILTERED,
#: AUTHORIZER_FAILURE's error type) are UNCONFIRMED.
RESPONSE_TYPES: Mapping[str, ResponseType] = MappingProxyType(
    {
        t.name: t
        for t in (
            ResponseType(
                "ACCESS_DENIED",
                403,
                "AccessDeniedException",
                "User is not authorized to access this resource",
                default_template='{"Message":$context.error.messageString}',
            ),
            ResponseType("API_CONFIGURATION_ERROR", 500, _SERVER, "Internal server error"),
            ResponseType("AUTHORIZER_CONFIGURATION_ERROR", 500, "AuthorizerConfigurationException", None),
            ResponseType("AUTHORIZER_FAILURE", 500, "AuthorizerFailureException", None),
            ResponseType("BAD_REQUEST_PARAMETERS", 400, "BadRequestException", "Bad request parameters"),
            ResponseType("BAD_REQUEST_BODY", 400, "BadRequestException", "Invalid request body"),
            ResponseType("DEFAULT_4XX", None, "BadRequestException", "Bad Request"),
            ResponseType("DEFAULT_5XX", None, _SERVER, "Internal server error"),
            ResponseType(
                "EXPIRED_TOKEN",
                403,
                "ExpiredTokenException",
                "The security token included in the request is expired",
            ),
            ResponseType("INTEGRATION_FAILURE", 504, _SERVER, "Internal server error"),
            ResponseType("INTEGRATION_TIMEOUT", 504, _SERVER, "Endpoint request timed out"),
            ResponseType("INVALID_API_KEY", 403, "ForbiddenException", "Forbidden"),
            ResponseType("INVALID_SIGNATURE", 403, "InvalidSignatureException", "Invalid signature"),
            ResponseType(
                "MISSING_AUTHENTICATION_TOKEN",
                403,
                "MissingAuthenticationTokenException",
                "Missing Authentication Token",
            ),
            ResponseType("QUOTA_EXCEEDED", 429, "LimitExceededException", "Limit Exceeded"),
            ResponseType(
                "REQUEST_TOO_LARGE", 413, "BadRequestException", "Request Too Long", customisable=False
            ),
            ResponseType("RESOURCE_NOT_FOUND", 404, "NotFoundException", "Not Found"),
            ResponseType("THROTTLED", 429, "TooManyRequestsException", "Too Many Requests"),
            ResponseType("UNAUTHORIZED", 401, "UnauthorizedException", "Unauthorized"),
            ResponseType(
                "UNSUPPORTED_MEDIA_TYPE", 415, "UnsupportedMediaTypeException", "Unsupported Media Type"
            ),
            ResponseType("WAF_FILTERED", 403, "WAFFilteredException", "Forbidden"),
        )
    }
)


class GatewayResponseSpecError(ValueError):
    """A customised gateway response AWS would refuse: an unknown type, a status outside ``[1-5]\\d\\d``,
    a response parameter it cannot map. The message names the type and the entry."""


@dataclass(frozen=True, slots=True)
class GatewayError:
    """What went wrong, as a gateway response renders it.

    :param message: ``$context.error.message`` (None renders ``{"message":null}``).
    :param reason: why, in words: the driver turns it into a warning for the test output.
    :param status: the status of this case when it is not its type's default (a failed Lambda result is
        ``INTEGRATION_FAILURE`` answered 502); a customised status still wins.
    :param validation_error: ``$context.error.validationErrorString``.
    :param error_type: the ``x-amzn-ErrorType`` of this case when it is not its type's.
    :param captured_body: the bytes AWS answers for this case when nothing is customised, where captures
        show bytes other than the default template's.
    """

    message: str | None
    reason: str = ""
    status: int | None = None
    validation_error: str | None = None
    error_type: str | None = None
    captured_body: bytes | None = None

    @classmethod
    def default(cls, response_type: str, reason: str = "") -> GatewayError:
        """The error with the message of AWS's default answer for ``response_type``."""
        return cls(_type(response_type).message, reason)


_STATUS = re.compile(r"[1-5]\d\d")
_HEADER_KEY = "gatewayresponse.header."
_OTHER_KEYS = ("gatewayresponse.path.", "gatewayresponse.querystring.")
_REQUEST_SOURCES = ("header", "multivalueheader", "querystring", "multivaluequerystring", "path")
_VARIABLE = re.compile(
    r"\$!?(?:\{(?P<braced>(?:context|stageVariables)(?:\.[A-Za-z0-9_-]+)+)\}"
    r"|(?P<plain>(?:context|stageVariables)(?:\.[A-Za-z_][A-Za-z0-9_]*)+))"
)


def _type(name: str) -> ResponseType:
    try:
        return RESPONSE_TYPES[name]
    except KeyError:
        known = ", ".join(RESPONSE_TYPES)
        raise GatewayResponseSpecError(
            f"unknown gateway response type {name!r}; AWS's types: {known}"
        ) from None


def check_gateway_responses(customised: Mapping[str, GatewayResponseSpec]) -> None:
    """Check customised gateway responses as API Gateway does when they are deployed.

    :raises GatewayResponseSpecError: for an unknown type, a key that is not its spec's type, a status
        outside ``[1-5]\\d\\d``, a response parameter that is not
        ``gatewayresponse.{header,path,querystring}.X`` or whose value is not a ``'static'`` value,
        ``method.request.*``, ``stageVariables.*`` or ``context.*``.
    """
    for name, spec in customised.items():
        _check_spec(name, spec)


def _check_spec(name: str, spec: GatewayResponseSpec) -> None:
    _type(name)
    if spec.type != name:
        raise GatewayResponseSpecError(f"gateway response {name!r} holds the spec of type {spec.type!r}")
    if spec.status_code is not None and not _STATUS.fullmatch(spec.status_code):
        raise GatewayResponseSpecError(
            f"gateway response {name}: statusCode {spec.status_code!r} is not a status code (100-599)"
        )
    for key, value in spec.response_parameters.items():
        _check_parameter(name, key, value)


def _check_parameter(name: str, key: str, value: str) -> None:
    where = f"gateway response {name}: responseParameters {key!r}"
    if key.startswith(_HEADER_KEY):
        header = key[len(_HEADER_KEY) :]
        if not is_token(header):
            raise GatewayResponseSpecError(f"{where}: {header!r} is not a header name")
    elif not any(key.startswith(prefix) and len(key) > len(prefix) for prefix in _OTHER_KEYS):
        raise GatewayResponseSpecError(
            f"{where}: the key must be gatewayresponse.header.X (or .path.X, .querystring.X)"
        )
    if len(value) >= 2 and value[0] == value[-1] == "'":
        if bad_value_character(value[1:-1]) is not None:
            raise GatewayResponseSpecError(f"{where}: the static value holds a control character")
        return
    source, _, rest = value.partition(".")
    if source == "method":
        position, _, param = rest.removeprefix("request.").partition(".")
        if rest.startswith("request.") and position in _REQUEST_SOURCES and param:
            return
    elif source in ("stageVariables", "context") and rest:
        return
    raise GatewayResponseSpecError(
        f"{where}: {value!r} is neither a 'quoted' static value nor method.request.{{header,querystring,"
        "path,multivalueheader,multivaluequerystring}.X, stageVariables.x or context.x"
    )


def _chosen(
    response_type: ResponseType, customised: Mapping[str, GatewayResponseSpec], status: int
) -> GatewayResponseSpec | None:
    """The customised response that applies: the type's own, else its status class's default."""
    if not response_type.customisable:
        return None
    name = response_type.name
    if name not in customised and response_type.default_status is not None:
        name = "DEFAULT_5XX" if status >= 500 else "DEFAULT_4XX"
    spec = customised.get(name)
    if spec is not None:
        _check_spec(name, spec)
    return spec


def render_gateway_response(  # noqa: PLR0917 (the values a gateway response can read)
    response_type: str,
    customised: Mapping[str, GatewayResponseSpec],
    error: GatewayError,
    context: Mapping[str, Any],
    stage_variables: Mapping[str, str] | None,
    request: HttpRequest | None,
    *,
    config: GatewayConfig,
    stamp: RequestStamp,
    path_parameters: Mapping[str, str] | None = None,
) -> GatewayResponse:
    """The REST front door's answer of ``response_type`` for ``error``, as the API customises it.

    :param response_type: one of :data:`RESPONSE_TYPES`.
    :param customised: the API's customised gateway responses by type
        (:attr:`RestApi.gateway_responses <apigw_emulator.model.RestApi.gateway_responses>`).
    :param error: the message and the case's own facts.
    :param context: ``$context`` without ``error`` (the event's ``requestContext`` has its values).
    :param stage_variables: ``$stageVariables`` (None: the stage has none).
    :param request: the method request, for ``method.request.*`` response parameters (None: none known).
    :param config: the deployment: REST only; an EDGE API's answer gains CloudFront's headers.
    :param stamp: the request's ids (``x-amzn-RequestId``, ``x-amz-apigw-id``).
    :param path_parameters: the route's path parameters, for ``method.request.path.X``.
    :raises GatewayResponseSpecError: for an unknown type or a customised response AWS would refuse.
    :raises ValueError: when ``config`` is not a REST API's (other front doors have no gateway responses).
    """
    if config.api != "rest":
        raise ValueError(f"gateway responses are REST API answers; this front door is {config.api!r}")
    kind = _type(response_type)
    status = error.status or kind.default_status or (500 if kind.name == "DEFAULT_5XX" else 400)
    spec = _chosen(kind, customised, status)
    variables = _Variables(kind.name, error, context, stage_variables or {})
    if spec is None:
        content_type = "application/json"
        body = error.captured_body
        if body is None:
            body = variables.substitute(kind.default_template).encode()
        extra: list[tuple[str, str]] = []
    else:
        if spec.status_code is not None:
            status = int(spec.status_code)
        content_type, template = _template(spec.response_templates, request)
        body = variables.substitute(template).encode()
        extra = _headers(spec, request, path_parameters or {}, variables)
    headers = [
        ("Content-Type", content_type),
        ("Content-Length", str(len(body))),
        ("x-amzn-RequestId", stamp.request_id),
        ("x-amzn-ErrorType", error.error_type or kind.error_type),
        ("x-amz-apigw-id", stamp.extended_request_id),
        ("Date", stamp.http_date),
    ]
    if extra:
        replaced = {name.lower() for name, _ in extra}
        headers = [(n, v) for n, v in headers if n.lower() not in replaced or n == "Content-Length"]
        headers += [(n, v) for n, v in extra if n.lower() != "content-length"]
    if is_edge(config):
        headers += edge_response_headers(stamp, status)
    return GatewayResponse(status, tuple(headers), body, reason=error.reason or None, response_type=kind.name)


def _template(templates: Mapping[str, str], request: HttpRequest | None) -> tuple[str, str]:
    """The template for the first ``Accept`` type, else ``application/json``'s, else the first declared;
    API Gateway's default template when there is none."""
    if not templates:
        return "application/json", DEFAULT_TEMPLATE
    by_type = {essence(key): (key, value) for key, value in templates.items()}
    accept = request.header("accept") if request is not None else None
    first = essence(accept.split(",", 1)[0]) if accept else ""
    key, template = by_type.get(first) or by_type.get("application/json") or next(iter(templates.items()))
    return key, template


def _headers(
    spec: GatewayResponseSpec,
    request: HttpRequest | None,
    path_parameters: Mapping[str, str],
    variables: _Variables,
) -> list[tuple[str, str]]:
    found = []
    query: dict[str, list[str]] | None = None
    for key, value in spec.response_parameters.items():
        if not key.startswith(_HEADER_KEY):
            continue  # path and query string parameters of a response reach no client
        resolved: str | None
        if len(value) >= 2 and value[0] == value[-1] == "'":
            resolved = value[1:-1]
        elif value.startswith("method.request."):
            position, _, name = value[len("method.request.") :].partition(".")
            if position == "path":
                resolved = path_parameters.get(name)
            elif request is None:
                resolved = None
            elif position in ("header", "multivalueheader"):
                values = request.header_values(name)
                resolved = (values[-1] if position == "header" else ",".join(values)) if values else None
            else:
                if query is None:
                    query = parse_query_decoded(request.query)
                values = query.get(name) or []
                resolved = (values[-1] if position == "querystring" else ",".join(values)) if values else None
        else:
            resolved = variables.lookup(value)
        if resolved is not None and bad_value_character(resolved) is None:
            found.append((key[len(_HEADER_KEY) :], resolved))
    return found


class _Variables:
    """``$context`` (with ``error``) and ``$stageVariables`` of one gateway response."""

    __slots__ = ("context", "stage_variables")

    def __init__(
        self,
        type_name: str,
        error: GatewayError,
        context: Mapping[str, Any],
        stage_variables: Mapping[str, str],
    ) -> None:
        self.context: dict[str, Any] = dict(context)
        self.context["error"] = {
            "message": error.message,
            "messageString": json.dumps(error.message, ensure_ascii=False),
            "responseType": type_name,
            "validationErrorString": error.validation_error,
        }
        self.stage_variables = stage_variables

    def lookup(self, dotted: str) -> str | None:
        """``context.a.b`` or ``stageVariables.x`` as text; None when it is not defined."""
        root, *names = dotted.split(".")
        value: Any = self.context if root == "context" else self.stage_variables
        for name in names:
            if not isinstance(value, Mapping) or name not in value:
                return None
            value = value[name]
        return None if value is None else _text(value)

    def substitute(self, template: str) -> str:
        """The template with every ``$context.*`` and ``$stageVariables.*`` replaced."""
        return _VARIABLE.sub(lambda m: self.lookup(m.group("braced") or m.group("plain")) or "", template)


def _text(value: object) -> str:
    """A value as Velocity writes it: ``true``, ``{a=b}``, ``[x, y]``."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Mapping):
        return "{" + ", ".join(f"{k}={_text(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_text(v) for v in value) + "]"
    return str(value)
