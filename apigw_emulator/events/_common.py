"""Pieces shared by the event builders (private)."""

from __future__ import annotations

import copy
from collections.abc import Mapping
from typing import Any, Final

from .._http_syntax import shorten
from ..codec import b64encode, decode_text_body
from ..config import GatewayConfig
from ..errors import RouteNotFoundError
from ..media_types import essence, is_text_media_type
from ..request import HttpRequest
from ..routing import RouteMatch, match_route

__all__ = [
    "ABSENT",
    "apply_overrides",
    "identity",
    "identity_template",
    "locate",
    "split_prefix",
    "text_or_base64_body",
]


class _Absent:
    """Marker for "leave this key out of the event" in overrides."""

    _instance: _Absent | None = None

    def __new__(cls) -> _Absent:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "ABSENT"

    def __reduce__(self) -> str:
        return "ABSENT"


#: Use as an override value to remove a key from the event (``event_overrides={"body": ABSENT}``).
ABSENT: Final = _Absent()


_ROUTE_CACHE_SIZE = 4096


def split_prefix(request: HttpRequest, config: GatewayConfig) -> tuple[str, str]:
    """Return (path as the gateway saw it, path of the application under the stage or base path).

    Leading slashes collapse to one before the stage; the stage (or custom-domain base path) is removed;
    what follows keeps its inner ``//`` (spec 1.3, L1: ``//stage/x`` -> ``/stage/x``; ``/stage//x`` keeps
    ``/stage//x`` as the gateway path and routes as ``/x``).
    """
    raw = request.path
    seen = raw if not raw.startswith("//") else "/" + raw.lstrip("/")
    prefix = config.url_prefix
    if not prefix:
        return seen, seen
    if seen == prefix or seen.startswith(prefix + "/"):
        rest = seen[len(prefix) :]
        return seen, rest if rest else "/"
    raise RouteNotFoundError(
        f"{request.method} {shorten(raw)}: the path is not under {prefix!r}, where this API is deployed "
        f"(call {config.url}/...; Gateway.event() paths are relative to it)",
        method=request.method,
        path=raw,
    )


def locate(request: HttpRequest, config: GatewayConfig) -> tuple[str, str, RouteMatch]:
    """(gateway path, application path, matching route) for a request; see :func:`split_prefix`.

    Memoised per configuration by method and raw path; callers copy ``path_parameters`` before handing
    them out. :raises RouteNotFoundError: naming the routes that exist, when nothing matches.
    """
    key = (request.method, request.path)
    cache = config.route_cache
    found = cache.get(key)
    if found is None:
        seen_path, app_path = split_prefix(request, config)
        found = (seen_path, app_path, match_route(config.routes, request.method, app_path))
        if len(cache) >= _ROUTE_CACHE_SIZE:
            cache.clear()
        cache[key] = found
    seen_path, app_path, match = found
    if match is None:
        known = ", ".join(r.key for r in config.routes)
        raise RouteNotFoundError(
            f"no route matches {request.method} {shorten(app_path)} (routes: {known}); AWS would answer "
            + ("403 Missing Authentication Token" if config.api == "rest" else "404 Not Found"),
            method=request.method,
            path=request.path,
        )
    return seen_path, app_path, match


def identity(source_ip: str, user_agent: str | None) -> dict[str, Any]:
    """``requestContext.identity`` of payload-1.0 events without IAM or Cognito auth (spec 1.2, L1)."""
    return {
        "accessKey": None,
        "accountId": None,
        "caller": None,
        "cognitoAuthenticationProvider": None,
        "cognitoAuthenticationType": None,
        "cognitoIdentityId": None,
        "cognitoIdentityPoolId": None,
        "principalOrgId": None,
        "sourceIp": source_ip,
        "user": None,
        "userAgent": user_agent,
        "userArn": None,
    }


def identity_template() -> dict[str, Any]:
    """:func:`identity` with its request's values left None: what a builder copies and fills in."""
    return identity("", None) | {"sourceIp": None}


def text_or_base64_body(
    request: HttpRequest, config: GatewayConfig, front_door: str, content_type: str | None
) -> tuple[str, bool]:
    """The body of an HTTP API, function URL or ALB event: text for text types, base64 for the rest.

    ``content_type`` is the request's (last) Content-Type value; the decision is memoised per
    configuration by that value.
    """
    cache = config.text_type_cache
    is_text = cache.get(content_type)
    if is_text is None:
        is_text = is_text_media_type(content_type, config.text_media_types)
        if len(cache) < 256:
            cache[content_type] = is_text
    if is_text:
        fix = (
            "Send binary data with a binary Content-Type such as application/octet-stream, "
            f"which {front_door} base64-encodes."
        )
        return decode_text_body(
            request.body, content_type=essence(content_type), front_door=front_door, fix=fix
        ), False
    return b64encode(request.body), True


def _merge(target: dict[str, Any], overrides: Mapping[str, Any]) -> None:
    for key, value in overrides.items():
        if value is ABSENT:
            target.pop(key, None)
        elif isinstance(value, Mapping) and isinstance(target.get(key), dict):
            _merge(target[key], value)
        elif isinstance(value, Mapping):
            target[key] = copy.deepcopy(dict(value))
        else:
            target[key] = copy.deepcopy(value) if isinstance(value, list) else value


def apply_overrides(event: dict[str, Any], config: GatewayConfig) -> dict[str, Any]:
    """Deep-merge ``request_context`` into ``requestContext`` and ``event_overrides`` into the event."""
    if config.request_context:
        _merge(event["requestContext"], config.request_context)
    if config.event_overrides:
        _merge(event, config.event_overrides)
    return event
