"""Lambda proxy integration plumbing: the request inside an API Gateway event, and the response dict.

Reads every event shape that can reach the function: REST API (payload 1.0, client header casing), HTTP API
payload 2.0 (``rawPath``, ``requestContext.http.method``, lower-case headers) and HTTP API payload 1.0, with
the body as base64 (``isBase64Encoded: true``) or as text. Writes the response both payload formats accept.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any, NamedTuple

import pybase64

__all__ = [
    "HttpError",
    "ProxyRequest",
    "binary_body",
    "json_response",
    "json_text_response",
    "quoted",
    "read_request",
]

_REPLACEMENT_CHARACTER = "\ufffd"
#: The most characters of a client's value an error message quotes: messages stay small (Lambda's
#: response limit is 6 MB, and a repr can be 7 times its input), however big the input.
QUOTE_LIMIT = 60
_EMPTY: Mapping[str, Any] = {}


class HttpError(Exception):
    """A request the function refuses: the status, the message for the caller, and extra headers."""

    def __init__(self, status: int, message: str, headers: Mapping[str, str] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.headers: Mapping[str, str] = headers or {}


class ProxyRequest(NamedTuple):
    """What the function needs from an event (a NamedTuple: immutable, and built per request for less than
    half the cost of a frozen dataclass)."""

    method: str
    #: The path relative to the API, without stage or custom-domain base path (``"/shape"``).
    path: str
    #: The Content-Type header, whatever its casing in the event; None when absent.
    content_type: str | None
    #: The event's body: base64 text when ``is_base64`` is true, the body as UTF-8 text otherwise.
    body: str
    is_base64: bool

    def __repr__(self) -> str:
        """Everything but the body, which may be megabytes."""
        return (
            f"ProxyRequest(method={self.method!r}, path={self.path!r}, content_type={self.content_type!r}, "
            f"is_base64={self.is_base64!r})"
        )


def read_request(event: Mapping[str, Any]) -> ProxyRequest:
    """The request an API Gateway (REST, HTTP API 1.0 or 2.0) event carries."""
    body = event.get("body")
    return ProxyRequest(
        _method(event),
        _application_path(event),
        _header(event, "content-type"),
        body if isinstance(body, str) else "",
        event.get("isBase64Encoded") is True,
    )


def quoted(value: object, limit: int = QUOTE_LIMIT) -> str:
    """``repr(value)`` of at most about ``limit`` characters: how error messages echo client input."""
    if isinstance(value, str) and len(value) > limit:
        return f"{value[:limit]!r}... ({len(value)} characters)"
    text = repr(value)
    return text if len(text) <= 2 * limit else text[: 2 * limit] + "..."


def binary_body(request: ProxyRequest, binary_media_type: str) -> bytes:
    """The body bytes the client sent.

    :param binary_media_type: the ``binaryMediaTypes`` entry, in SAM's ``~1`` spelling, a REST API needs
        to pass this body intact; named in the error when the body arrived corrupted.
    :raises HttpError: 400 for invalid base64, or for a text body that shows API Gateway's text-mode
        corruption (every byte that is not UTF-8 replaced by U+FFFD).
    """
    if request.is_base64:
        try:
            return pybase64.b64decode(request.body, validate=True)
        except ValueError:  # binascii.Error, or non-ASCII text
            raise HttpError(400, "the body is marked isBase64Encoded but is not valid base64") from None
    if _REPLACEMENT_CHARACTER in request.body:
        media_type = binary_media_type.replace("~1", "/")
        raise HttpError(
            400,
            "the binary request body reached the function as text, with its non-UTF-8 bytes replaced by "
            f"U+FFFD: API Gateway only passes {media_type} bodies intact when the REST API's "
            f"binaryMediaTypes include it. Add {binary_media_type!r} to BinaryMediaTypes in the SAM template "
            f"({media_type!r} in the console or OpenAPI), redeploy the stage and send the request again",
        )
    return request.body.encode("utf-8", "surrogatepass")


def json_response(status: int, payload: object, headers: Mapping[str, str]) -> dict[str, Any]:
    """A proxy response whose body is ``payload`` as JSON (no body for 204)."""
    if status == 204:
        return {"statusCode": status, "headers": dict(headers), "body": "", "isBase64Encoded": False}
    return json_text_response(status, json.dumps(payload), headers)


def json_text_response(status: int, body: str, headers: Mapping[str, str]) -> dict[str, Any]:
    """A proxy response whose body is ``body``, JSON text already (see ``app.ROUTES``)."""
    return {
        "statusCode": status,
        "headers": {"Content-Type": "application/json", **headers},
        "body": body,
        "isBase64Encoded": False,
    }


def _method(event: Mapping[str, Any]) -> str:
    """The HTTP method: ``httpMethod`` (payload 1.0) or ``requestContext.http.method`` (2.0)."""
    method = event.get("httpMethod")
    if not isinstance(method, str):
        method = _mapping(_mapping(event.get("requestContext")).get("http")).get("method")
    return method.upper() if isinstance(method, str) else ""


def _application_path(event: Mapping[str, Any]) -> str:
    """The path the API routes on, without trailing slash.

    ``pathParameters.proxy`` of a ``/{proxy+}`` route when present: it is free of the stage and of a custom
    domain's base path. Otherwise ``rawPath`` (2.0) or ``path`` (1.0), without the stage prefix HTTP APIs
    keep for named stages.
    """
    proxy = _mapping(event.get("pathParameters")).get("proxy")
    if isinstance(proxy, str):
        return "/" + proxy.strip("/")
    path = event.get("rawPath") or event.get("path")
    if not isinstance(path, str):
        return "/"
    stage = _mapping(event.get("requestContext")).get("stage")
    if "version" in event and isinstance(stage, str) and stage != "$default":
        prefix = "/" + stage
        if path == prefix or path.startswith(prefix + "/"):
            path = path[len(prefix) :]
    return "/" + path.strip("/")


def _header(event: Mapping[str, Any], name: str) -> str | None:
    """The last value of header ``name`` (lower case), in any casing, from ``headers`` or
    ``multiValueHeaders``."""
    headers = _mapping(event.get("headers"))
    value = headers.get(name)
    if isinstance(value, str):
        return value
    for key, value in headers.items():
        if isinstance(key, str) and key.lower() == name and isinstance(value, str):
            return value
    for key, values in _mapping(event.get("multiValueHeaders")).items():
        if isinstance(key, str) and key.lower() == name and isinstance(values, list) and values:
            last = values[-1]
            return last if isinstance(last, str) else None
    return None


def _mapping(value: object) -> Mapping[str, Any]:
    """``value`` when it is a mapping, else an empty one (API Gateway writes ``null`` for empty maps)."""
    # Events are JSON, so their maps are dicts: checking dict first spares most calls the ABC check (~3x).
    return value if isinstance(value, (dict, Mapping)) else _EMPTY
