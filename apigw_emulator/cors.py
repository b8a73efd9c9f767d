"""CORS as the front doors do it themselves (spec 3.2 D11, 9 D29).

- A REST API with SAM's ``Cors`` has an ``OPTIONS`` method with a MOCK integration on every path that has
  methods (unless the path has its own ``OPTIONS``): a preflight gets 200 with the configured
  ``Access-Control-Allow-*`` headers, without reaching a function. The other methods' responses are the
  function's own: the gateway adds nothing to them.
- An HTTP API with ``CorsConfiguration`` answers a preflight (``OPTIONS`` with ``Origin`` and
  ``Access-Control-Request-Method``, neither empty; any other ``OPTIONS`` goes to its route) itself, even
  without an ``OPTIONS`` route, adds the configured headers to the responses of requests that carry an
  allowed ``Origin``, and ignores the CORS headers the backend returns. The preflight's status (204) and
  its answer to an origin that is not allowed (no CORS headers) are UNCONFIRMED.
- Without CORS configured, ``OPTIONS`` is a request like any other: it reaches the function of its route.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Literal

from .errors import ConfigurationError
from .request import HttpRequest
from .response import GatewayResponse
from .routing import Route, _match_segments, _rank

__all__ = [
    "SAM_CREDENTIALS_MESSAGE",
    "CorsRules",
    "check_credentials",
    "decorate",
    "is_preflight",
    "preflight",
]

#: The methods a REST path's ``ANY`` stands for in a preflight answer.
_ALL_METHODS = ("DELETE", "GET", "HEAD", "OPTIONS", "PATCH", "POST", "PUT")


@dataclass(frozen=True, slots=True)
class CorsRules:
    """A front door's CORS configuration.

    :param style: ``"rest"`` (SAM's ``Cors``: MOCK ``OPTIONS`` methods) or ``"http"`` (an HTTP API's
        ``CorsConfiguration``).
    :param allow_origins: allowed origins (``"*"`` for any).
    :param allow_methods: allowed methods; empty for REST means the path's own methods.
    :param allow_headers: allowed request headers.
    :param expose_headers: HTTP API: headers exposed to the browser.
    :param max_age: seconds a browser may cache the preflight answer.
    :param allow_credentials: whether credentials are allowed; never with the ``"*"`` origin.
    :raises ConfigurationError: for credentials allowed to any origin (:func:`check_credentials`).
    """

    style: Literal["rest", "http"]
    allow_origins: tuple[str, ...] = ("*",)
    allow_methods: tuple[str, ...] = ()
    allow_headers: tuple[str, ...] = ()
    expose_headers: tuple[str, ...] = ()
    max_age: int | None = None
    allow_credentials: bool = False

    def __post_init__(self) -> None:
        check_credentials(self.allow_origins, self.allow_credentials)

    @classmethod
    def from_template(cls, style: Literal["rest", "http"], value: Any, where: str) -> CorsRules:
        """SAM's ``Cors`` (a string is the allowed origin; values are quoted, ``"'*'"``) or an HTTP API's
        ``CorsConfiguration`` (``true`` allows everything).

        :raises ConfigurationError: for a value that is neither.
        """
        if value is True:
            return cls(style, allow_methods=("*",), allow_headers=("*",))
        if isinstance(value, str):
            return cls(style, allow_origins=(_unquote(value),))
        if not isinstance(value, Mapping):
            raise ConfigurationError(f"{where}: CORS must be a string, true or a mapping, got {value!r}")
        if style == "rest":
            return cls(
                style,
                allow_origins=_items(value.get("AllowOrigin", "'*'")),
                allow_methods=_items(value.get("AllowMethods", "")),
                allow_headers=_items(value.get("AllowHeaders", "")),
                max_age=_int(value.get("MaxAge"), where),
                allow_credentials=value.get("AllowCredentials") is True,
            )
        return cls(
            style,
            allow_origins=_items(value.get("AllowOrigins", ())),
            allow_methods=_items(value.get("AllowMethods", ())),
            allow_headers=_items(value.get("AllowHeaders", ())),
            expose_headers=_items(value.get("ExposeHeaders", ())),
            max_age=_int(value.get("MaxAge"), where),
            allow_credentials=value.get("AllowCredentials") is True,
        )

    def allowed_origin(self, origin: str | None) -> str | None:
        """The ``Access-Control-Allow-Origin`` value for a request's ``Origin``, or None (not allowed)."""
        if "*" in self.allow_origins:
            return "*"
        if origin is not None and origin in self.allow_origins:
            return origin
        return None


#: SAM's refusal of credentials with a wildcard origin, as its translator words it (REST ``Cors``; the HTTP
#: API's ``CorsConfiguration`` gets the same words).
SAM_CREDENTIALS_MESSAGE = (
    "Unable to add Cors configuration because 'AllowCredentials' can not be true when "
    "'AllowOrigin' is \"'*'\" or not set"
)


def check_credentials(allow_origins: Iterable[str], allow_credentials: bool) -> None:
    """Refuse credentials allowed to every origin, as SAM refuses the template (and browsers the answer).

    SAM refuses ``AllowCredentials: true`` with the REST ``AllowOrigin`` ``'*'`` or not set, and with the
    HTTP API ``AllowOrigins: ["*"]``; a list with ``*`` among named origins is refused here too, since it
    would mean answering every origin with credentials.

    :raises ConfigurationError: quoting SAM's message.
    """
    if allow_credentials and "*" in tuple(allow_origins):
        raise ConfigurationError(
            f"{SAM_CREDENTIALS_MESSAGE}. SAM refuses to deploy this and a browser refuses credentials from "
            "a '*' origin: list the origins that may send credentials"
        )


def _unquote(text: str) -> str:
    text = text.strip()
    return text[1:-1] if len(text) >= 2 and text[0] == text[-1] == "'" else text


def _items(value: Any) -> tuple[str, ...]:
    if isinstance(value, str):
        return tuple(item.strip() for item in _unquote(value).split(",") if item.strip())
    if isinstance(value, Iterable):
        return tuple(str(item).strip() for item in value)
    return ()


def _int(value: Any, where: str) -> int | None:
    if value is None:
        return None
    try:
        return int(_unquote(str(value)))
    except ValueError:
        raise ConfigurationError(
            f"{where}: MaxAge must be a whole number of seconds, got {value!r}"
        ) from None


def _header(request: HttpRequest, name: str) -> str | None:
    lowered = name.lower()
    for key, value in request.headers:
        if key.lower() == lowered:
            return value
    return None


def is_preflight(request: HttpRequest) -> bool:
    """Whether an HTTP API takes the request for a CORS preflight: ``OPTIONS`` with an ``Origin`` and an
    ``Access-Control-Request-Method`` header, neither empty (D11: "for the OPTIONS method, your request
    must contain" both). An ``OPTIONS`` without them is an ordinary request."""
    if request.method != "OPTIONS":
        return False
    origin = _header(request, "Origin")
    method = _header(request, "Access-Control-Request-Method")
    return bool(origin and origin.strip()) and bool(method and method.strip())


def preflight(
    rules: CorsRules, request: HttpRequest, routes: tuple[Route, ...], app_path: str
) -> GatewayResponse | None:
    """The front door's own answer to a CORS preflight, or None when the request goes on as usual."""
    if request.method != "OPTIONS":
        return None
    if rules.style == "http":
        if not is_preflight(request):
            return None  # an OPTIONS request like any other: it goes to its route
        origin = rules.allowed_origin(_header(request, "Origin"))
        headers = _allow_headers(rules, origin, rules.allow_methods, str.lower) if origin is not None else []
        return GatewayResponse(204, tuple(headers), b"")
    found = _path_methods(routes, app_path)
    if found is None or found[1]:  # no such resource, or it has an OPTIONS method of its own
        return None
    allowed = rules.allow_methods or tuple(sorted({*found[0], "OPTIONS"}))
    origin = rules.allow_origins[0] if rules.allow_origins else "*"  # the MOCK's static header value
    headers = [("Content-Type", "application/json"), ("Content-Length", "0")]
    return GatewayResponse(200, (*headers, *_allow_headers(rules, origin, allowed, str)), b"")


def _allow_headers(
    rules: CorsRules, origin: str, methods: tuple[str, ...], case: Callable[[str], str]
) -> list[tuple[str, str]]:
    """The ``Access-Control-Allow-*`` headers of a preflight answer, names in the front door's casing."""
    headers = [(case("Access-Control-Allow-Origin"), origin)]
    if methods:
        headers.append((case("Access-Control-Allow-Methods"), ",".join(methods)))
    if rules.allow_headers:
        headers.append((case("Access-Control-Allow-Headers"), ",".join(rules.allow_headers)))
    if rules.max_age is not None:
        headers.append((case("Access-Control-Max-Age"), str(rules.max_age)))
    if rules.allow_credentials:
        headers.append((case("Access-Control-Allow-Credentials"), "true"))
    return headers


def _path_methods(routes: tuple[Route, ...], app_path: str) -> tuple[set[str], bool] | None:
    """The methods of the resource ``app_path`` resolves to (the most specific path that matches, as for
    any method; ``ANY`` expanded) and whether one of them is an explicit ``OPTIONS``; None when no
    resource matches."""
    trimmed = app_path.strip("/")
    parts = trimmed.split("/") if trimmed else []
    matching = [
        r for r in routes if r.path != "$default" and _match_segments(r.segments, parts, {}) is not None
    ]
    if not matching:
        return None
    resource = min(matching, key=_rank).path
    methods: set[str] = set()
    explicit_options = False
    for route in matching:
        if route.path == resource:
            methods.update(_ALL_METHODS if route.method == "ANY" else (route.method,))
            explicit_options = explicit_options or route.method == "OPTIONS"
    return methods, explicit_options


def decorate(rules: CorsRules, request: HttpRequest, response: GatewayResponse) -> GatewayResponse:
    """An HTTP API's response with CORS applied: the backend's CORS headers dropped, the configured ones
    added when the request's ``Origin`` is allowed. REST responses are the function's own."""
    if rules.style != "http":
        return response
    headers = [(n, v) for n, v in response.headers if not n.lower().startswith("access-control-")]
    origin = rules.allowed_origin(_header(request, "Origin"))
    if _header(request, "Origin") is not None and origin is not None:
        headers.append(("access-control-allow-origin", origin))
        if rules.expose_headers:
            headers.append(("access-control-expose-headers", ",".join(rules.expose_headers)))
        if rules.allow_credentials:
            headers.append(("access-control-allow-credentials", "true"))
    return GatewayResponse(response.status, tuple(headers), response.body, reason=response.reason)
