"""From a Lambda result to the HTTP response a client of each front door receives (spec 5.2, 5.4, 6)."""

from __future__ import annotations

import binascii
import json
import re
import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from ._http_syntax import bad_value_character, is_token, shorten
from .cloudfront import CLOUDFRONT_RESPONSE_HEADERS, EDGE_POP, edge_response_headers
from .codec import b64decode
from .config import GatewayConfig
from .errors import BinaryResponseWarning
from .ids import RequestStamp, edge_ids, http_date
from .request import HttpRequest
from .trace import trace_header

__all__ = ["GatewayResponse", "MalformedResultError", "map_result"]


@dataclass(frozen=True, slots=True, init=False)
class GatewayResponse:
    """An HTTP response as the client receives it.

    :param status: the status code.
    :param headers: (name, value) pairs in order; a name may repeat (``Set-Cookie``).
    :param body: the body bytes.
    :param reason: for responses the gateway generated itself, why (AWS's own body rarely says).
    :param response_type: for a REST API's own answers, the gateway-response type it is
        (``UNAUTHORIZED``, ``INTEGRATION_FAILURE``...), which an API's customised gateway responses change.
    """

    status: int
    headers: tuple[tuple[str, str], ...]
    body: bytes
    reason: str | None = None
    response_type: str | None = None

    # A frozen dataclass's own __init__ sets each field through object.__setattr__; one response is made
    # per request, so this one sets the slots directly (as HttpRequest does).
    def __init__(
        self,
        status: int,
        headers: tuple[tuple[str, str], ...],
        body: bytes,
        reason: str | None = None,
        response_type: str | None = None,
    ) -> None:
        _set_status(self, status)
        _set_headers(self, headers)
        _set_body(self, body)
        _set_reason(self, reason)
        _set_response_type(self, response_type)

    def header(self, name: str, default: str | None = None) -> str | None:
        """The values of a header joined with ``", "`` as an HTTP client shows them, or ``default``."""
        values = self.header_values(name)
        return ", ".join(values) if values else default

    def header_values(self, name: str) -> list[str]:
        """Every value of a header, matched case-insensitively."""
        lname = name.lower()
        return [value for key, value in self.headers if key.lower() == lname]

    @property
    def text(self) -> str:
        """The body decoded as UTF-8 (invalid bytes replaced)."""
        return self.body.decode("utf-8", errors="replace")

    def json(self) -> Any:
        """The body parsed as JSON."""
        return json.loads(self.body)

    def __iter__(self) -> Iterator[tuple[str, str]]:
        return iter(self.headers)


_set_status = GatewayResponse.__dict__["status"].__set__
_set_headers = GatewayResponse.__dict__["headers"].__set__
_set_body = GatewayResponse.__dict__["body"].__set__
_set_reason = GatewayResponse.__dict__["reason"].__set__
_set_response_type = GatewayResponse.__dict__["response_type"].__set__


class MalformedResultError(ValueError):
    """The Lambda result is not a valid response for the front door; the gateway answers with an error."""


class _BinaryDecodeError(MalformedResultError):
    """``isBase64Encoded`` is true but the body is not base64."""


_STATUS_TEXT = re.compile(r"[0-9]{1,6}")
_REST_KEYS = frozenset({"statusCode", "headers", "multiValueHeaders", "body", "isBase64Encoded"})
#: REST response headers API Gateway renames to ``x-amzn-Remapped-<name>`` (spec 2.2, D5, R7).
_REST_REMAPPED = frozenset(
    {
        "connection",
        "content-length",
        "date",
        "server",
        "authorization",
        "content-md5",
        "max-forwards",
        "user-agent",
        "www-authenticate",
    }
)
#: REST response headers API Gateway drops (spec 2.2, D5).
_REST_DROPPED = frozenset(
    {"expect", "host", "proxy-authenticate", "te", "trailer", "transfer-encoding", "upgrade", "via"}
)
_HOP_BY_HOP = frozenset(
    {"connection", "transfer-encoding", "keep-alive", "te", "trailer", "upgrade", "content-length"}
)


def _status(value: Any, *, default: int | None) -> int:
    """The status of a result. A numeric string counts (spec 6.1), in ASCII digits only (``"\u00b2"`` is
    a digit to ``str.isdigit`` but not a number); a 1xx is no final response, so no status either."""
    if value is None and default is not None:
        return default
    if isinstance(value, bool):
        raise MalformedResultError(f"statusCode is a boolean ({value!r})")
    if isinstance(value, int):
        status = value
    elif isinstance(value, str) and _STATUS_TEXT.fullmatch(value.strip(" \t")):
        status = int(value)
    else:
        raise MalformedResultError(f"statusCode {shorten(value)} is not a number")
    if not 200 <= status <= 599:
        raise MalformedResultError(f"statusCode {shorten(status)} is not the status of a final response")
    return status


#: Header names a result used before that are tokens: most results send the same few names again, and a
#: set lookup costs less than the token pattern (bounded: cleared when full).
_TOKEN_NAMES: set[str] = set()
_TOKEN_NAMES_LIMIT = 1024


def _check_headers(headers: list[tuple[str, str]]) -> None:
    """:raises MalformedResultError: unless every name is a token and no value holds a control character
    or a lone surrogate (what cannot be written as an HTTP header: splitting, injection)."""
    for name, value in headers:
        if name not in _TOKEN_NAMES or name.__class__ is not str:
            if not is_token(name):
                raise MalformedResultError(f"the header name {shorten(name)} is not an HTTP token")
            if len(_TOKEN_NAMES) >= _TOKEN_NAMES_LIMIT:
                _TOKEN_NAMES.clear()
            _TOKEN_NAMES.add(name)
        bad = None if value.isprintable() else bad_value_character(value)
        if bad is not None:
            raise MalformedResultError(
                f"the value of the header {name!r} holds {bad!r}, which no HTTP header can carry"
            )


def _header_value(name: str, value: Any, *, lenient: bool) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return value
    if lenient and isinstance(value, (int, float)):
        return json.dumps(value)
    raise MalformedResultError(
        f"header {shorten(name)} has a {type(value).__name__} value ({shorten(value)})"
    )


def _single_headers(result: dict[str, Any], key: str, *, lenient: bool) -> list[tuple[str, str]]:
    headers = result.get(key)
    if headers is None:
        return []
    if not isinstance(headers, dict):
        raise MalformedResultError(f"{key} must be an object, got {type(headers).__name__}")
    return [(str(name), _header_value(name, value, lenient=lenient)) for name, value in headers.items()]


def _multi_headers(result: dict[str, Any], key: str, *, lenient: bool) -> list[tuple[str, str]]:
    headers = result.get(key)
    if headers is None:
        return []
    if not isinstance(headers, dict):
        raise MalformedResultError(f"{key} must be an object, got {type(headers).__name__}")
    pairs: list[tuple[str, str]] = []
    for name, values in headers.items():
        if not isinstance(values, list):
            raise MalformedResultError(f"{key}[{shorten(name)}] must be a list, got {type(values).__name__}")
        pairs.extend((str(name), _header_value(name, v, lenient=lenient)) for v in values)
    return pairs


def _body_bytes(result: dict[str, Any], *, objects_allowed: bool) -> tuple[bytes | str, bool]:
    """The body as the function gave it and whether it claims to be base64."""
    body = result.get("body")
    is_b64 = result.get("isBase64Encoded", False)
    if is_b64 is not None and not isinstance(is_b64, bool):
        raise MalformedResultError(f"isBase64Encoded must be a boolean, got {shorten(is_b64)}")
    if body is None:
        return b"", False
    if isinstance(body, str):
        return body, bool(is_b64)
    if objects_allowed:
        # The runtime serialised the result with json.dumps; the front door forwards the body's JSON text.
        return json.dumps(body, ensure_ascii=False), bool(is_b64)
    raise MalformedResultError(f"body must be a string, got {type(body).__name__}")


def _decode(body: bytes | str) -> bytes:
    if not body:  # nothing to decode (an empty body is valid base64)
        return b""
    try:
        return b64decode(body)
    except (binascii.Error, ValueError) as exc:
        raise _BinaryDecodeError(
            f"isBase64Encoded is true but the body is not valid base64 ({exc})"
        ) from None


def _encode(body: bytes | str) -> bytes:
    if isinstance(body, bytes):
        return body
    try:
        return body.encode("utf-8")
    except UnicodeEncodeError as exc:
        # The runtime sends its JSON as UTF-8: a lone surrogate cannot get there (Runtime.MarshalError).
        raise MalformedResultError(
            f"the body holds {exc.object[exc.start : exc.end]!r}, a lone surrogate that has no UTF-8 "
            "encoding: the runtime cannot send it (Runtime.MarshalError)"
        ) from None


def _first_accept(request: HttpRequest) -> str | None:
    accept = None
    for name, value in reversed(request.headers):  # the last one, as request.header("accept") picks
        if len(name) == _ACCEPT_LENGTH and name.lower() == "accept":  # len first: quick for most
            accept = value
            break
    if not accept:
        return None
    first = _FIRST_ACCEPT.get(accept)
    if first is None:
        first = accept.split(",", 1)[0].split(";", 1)[0].strip()
        if len(_FIRST_ACCEPT) >= _FIRST_ACCEPT_LIMIT:
            _FIRST_ACCEPT.clear()
        _FIRST_ACCEPT[accept] = first
    return first


_ACCEPT_LENGTH = len("accept")
#: The first media type of ``Accept`` values seen lately (clients send the same few again and again).
_FIRST_ACCEPT: dict[str, str] = {}
_FIRST_ACCEPT_LIMIT = 256


def _has(headers: list[tuple[str, str]], lname: str) -> bool:
    return any(name.lower() == lname for name, _ in headers)


#: Result header names seen before that a REST API passes as they are (tokens, neither dropped nor
#: remapped nor CloudFront's), with their lower case: the usual result's names (bounded: cleared when full).
_PLAIN_NAMES: dict[str, str] = {}
_PLAIN_NAMES_LIMIT = 1024
_NOT_PLAIN_NAMES = _REST_DROPPED | _REST_REMAPPED | CLOUDFRONT_RESPONSE_HEADERS
_NO_HEADERS: dict[str, Any] = {}


def _plain_name(name: Any) -> str | None:
    """The lower case of a result header name the REST API passes as it is, else None."""
    if name.__class__ is not str or not is_token(name):
        return None
    lname: str = name.lower()
    if lname in _NOT_PLAIN_NAMES:
        return None
    if len(_PLAIN_NAMES) >= _PLAIN_NAMES_LIMIT:
        _PLAIN_NAMES.clear()
    _PLAIN_NAMES[name] = lname
    return lname


def _usual_rest(
    result: dict[str, Any], config: GatewayConfig, request: HttpRequest, stamp: RequestStamp
) -> GatewayResponse | None:
    """The response of the usual REST result, or None for any other (the general path maps it): an
    integer status, a ``headers`` object of distinct names the API passes as they are with printable
    string values, no ``multiValueHeaders``, a string body, ``isBase64Encoded`` a boolean, absent, or
    true with a first ``Accept`` type in ``binaryMediaTypes``. Byte for byte what the general path gives.
    """
    code = result.get("statusCode")
    single = result.get("headers")
    text = result.get("body")
    is_b64 = result.get("isBase64Encoded", False)
    if (
        code.__class__ is not int
        or not 200 <= code <= 599
        or (single.__class__ is not dict and single is not None)
        or text.__class__ is not str
        or is_b64.__class__ is not bool
        or result.get("multiValueHeaders") is not None
        or not _REST_KEYS.issuperset(result)
    ):
        return None
    pairs: list[tuple[str, str]] = []
    lnames: set[str] = set()
    for name, value in (single or _NO_HEADERS).items():
        # A str subclass equal to a memoised name is not that name: the general path writes str(name).
        lname = (_PLAIN_NAMES.get(name) or _plain_name(name)) if name.__class__ is str else None
        if lname is None or lname in lnames or value.__class__ is not str or not value.isprintable():
            return None  # names that differ only in case are merged by the general path
        lnames.add(lname)
        pairs.append((name, value))
    if is_b64:
        if not config.binary_media_types.matches(_first_accept(request)):
            return None  # sent as text, with a warning
        body = _decode(text)
    elif text.isascii():
        body = text.encode("ascii")
    else:
        body = _encode(text)
    own = _rest_own_headers(request, stamp, body, code, edge=config.endpoint_type == "EDGE")
    if "content-type" in lnames:
        return GatewayResponse(code, (*pairs, *own), body)
    return GatewayResponse(code, (("Content-Type", "application/json"), *pairs, *own), body)


def _map_rest(
    result: Any, config: GatewayConfig, request: HttpRequest, stamp: RequestStamp
) -> GatewayResponse:
    if result.__class__ is dict:
        usual = _usual_rest(result, config, request, stamp)
        if usual is not None:
            return usual
    return _map_rest_general(result, config, request, stamp)


def _map_rest_general(
    result: Any, config: GatewayConfig, request: HttpRequest, stamp: RequestStamp
) -> GatewayResponse:
    """Any REST result (:func:`_usual_rest` is the same for the usual one)."""
    if not isinstance(result, dict):
        raise MalformedResultError(f"the result is a {type(result).__name__}, not an object")
    if not _REST_KEYS.issuperset(result):
        unknown = sorted(set(result) - _REST_KEYS)
        raise MalformedResultError(
            f"unknown key(s) {', '.join(map(shorten, unknown[:5]))}: a REST proxy result may only hold "
            "statusCode, headers, multiValueHeaders, body and isBase64Encoded"
        )
    code = result.get("statusCode")
    status = code if code.__class__ is int and 200 <= code <= 599 else _status(code, default=200)
    # Merge case-insensitively: multiValueHeaders first and its name casing wins; an identical
    # name/value pair in headers is not repeated (spec 6.1, D1, L1).
    merged: dict[str, tuple[str, list[str]]] = {}
    if result.get("multiValueHeaders") is not None:
        for name, value in _multi_headers(result, "multiValueHeaders", lenient=False):
            merged.setdefault(name.lower(), (name, []))[1].append(value)
    single = result.get("headers")
    if single is not None:
        if not isinstance(single, dict):
            raise MalformedResultError(f"headers must be an object, got {type(single).__name__}")
        for key, item in single.items():
            # A str is taken as it is; anything else is checked.
            value = item if item.__class__ is str else _header_value(key, item, lenient=False)
            name = key if key.__class__ is str else str(key)
            lname = name.lower()
            entry = merged.get(lname)
            if entry is None:
                merged[lname] = (name, [value])
            elif value not in entry[1]:
                entry[1].append(value)
    text = result.get("body")
    is_b64 = result.get("isBase64Encoded", False)
    raw: bytes | str
    if text.__class__ is str and is_b64.__class__ is bool:  # the usual result: _body_bytes' quick path
        raw = text
    else:
        raw, is_b64 = _body_bytes(result, objects_allowed=False)
    if is_b64:
        accept = _first_accept(request)
        if config.binary_media_types.matches(accept):
            body = _decode(raw)
        else:
            body = _encode(raw)
            patterns = list(config.binary_media_types.patterns)
            if not patterns:
                why = "the API has no binaryMediaTypes"
            elif accept:
                why = f"the first Accept media type {accept!r} matches none of {patterns}"
            else:
                why = "the request has no Accept header"
            warnings.warn(
                BinaryResponseWarning(
                    "the REST API sends the base64 text of this isBase64Encoded response, not the bytes: "
                    f"{why}. AWS decodes only when the first Accept type matches binaryMediaTypes "
                    "(use */* to decode every response)."
                ),
                stacklevel=5,  # invoke.invoke, through _map_rest, map_result and the proxy step
            )
    else:
        body = _encode(raw)
    headers: list[tuple[str, str]] = []
    edge = config.endpoint_type == "EDGE"  # is_edge: this is a REST API
    for lname, (name, values) in merged.items():
        if lname in _REST_DROPPED or (edge and lname in CLOUDFRONT_RESPONSE_HEADERS):
            continue
        out_name = f"x-amzn-Remapped-{name}" if lname in _REST_REMAPPED else name
        if len(values) == 1:
            headers.append((out_name, values[0]))
        else:
            headers.extend((out_name, v) for v in values)
    _check_headers(headers)
    if "content-type" not in merged:  # kept as it is: neither dropped nor remapped, nor CloudFront's
        headers.insert(0, ("Content-Type", "application/json"))
    return GatewayResponse(
        status, (*headers, *_rest_own_headers(request, stamp, body, status, edge=edge)), body
    )


def _rest_own_headers(
    request: HttpRequest, stamp: RequestStamp, body: bytes, status: int, *, edge: bool
) -> tuple[tuple[str, str], ...]:
    """The headers a REST API adds after the integration's: length, date, its ids, the trace header, and
    CloudFront's for an edge-optimized API (:func:`~apigw_emulator.cloudfront.edge_response_headers`,
    written out here for the usual status: every response of an EDGE API has them)."""
    own = (
        ("Content-Length", str(len(body))),
        ("Date", http_date(stamp.epoch_ms // 1000)),
        ("x-amzn-RequestId", stamp.request_id),
        ("x-amz-apigw-id", stamp.extended_request_id),
        ("X-Amzn-Trace-Id", trace_header(request, "rest", stamp)),
    )
    if not edge:
        return own
    if status >= 400:  # CloudFront's error line: the general rule
        return (*own, *edge_response_headers(stamp, status))
    via_digits, cf_id = stamp.edge_ids or edge_ids()
    return (
        *own,
        ("X-Cache", "Miss from cloudfront"),
        ("Via", f"1.1 {via_digits}.cloudfront.net (CloudFront)"),
        ("X-Amz-Cf-Pop", EDGE_POP),
        ("X-Amz-Cf-Id", cf_id),
    )


def _map_http_v2(
    result: Any, config: GatewayConfig, request: HttpRequest, stamp: RequestStamp
) -> GatewayResponse:
    headers: list[tuple[str, str]] = []
    if isinstance(result, dict) and "statusCode" in result:
        status = _status(result.get("statusCode"), default=None)
        cookies = result.get("cookies")
        if cookies is not None:
            if not isinstance(cookies, list) or not all(isinstance(c, str) for c in cookies):
                raise MalformedResultError("cookies must be a list of strings")
            headers += [("set-cookie", cookie) for cookie in cookies]
        headers += _single_headers(result, "headers", lenient=True)
        raw, is_b64 = _body_bytes(result, objects_allowed=True)
        body = _decode(raw) if is_b64 else _encode(raw)
    else:
        # Inference (D2, L2): any JSON value without statusCode is a 200 JSON body; a string is sent as is.
        status = 200
        text = (
            result
            if isinstance(result, str)
            else json.dumps(result, separators=(",", ":"), ensure_ascii=False)
        )
        body = _encode(text)
    if config.api == "function-url":
        ids = [
            ("x-amzn-RequestId", stamp.request_id),
            ("X-Amzn-Trace-Id", trace_header(request, "function-url", stamp)),
        ]
    else:
        ids = [("apigw-requestid", stamp.request_id)]
    return _finish(status, headers, body, stamp, ids, default_json=True)


def _status_of_object(result: Any, what: str) -> int:
    """The status of a result that must be an object with a ``statusCode`` (payload 1.0 on HTTP, ALB)."""
    if not isinstance(result, dict):
        raise MalformedResultError(f"the result is a {type(result).__name__}, not an object")
    if "statusCode" not in result:
        raise MalformedResultError(f"{what} needs a statusCode")
    return _status(result["statusCode"], default=None)


def _finish(
    status: int,
    headers: list[tuple[str, str]],
    body: bytes,
    stamp: RequestStamp,
    ids: list[tuple[str, str]],
    *,
    default_json: bool,
) -> GatewayResponse:
    """Drop hop-by-hop headers, default the Content-Type, add length, date and the front door's ids."""
    _check_headers(headers)
    headers = [(n, v) for n, v in headers if n.lower() not in _HOP_BY_HOP]
    if default_json and not _has(headers, "content-type"):
        headers.insert(0, ("Content-Type", "application/json"))
    headers += [("Content-Length", str(len(body))), ("Date", stamp.http_date), *ids]
    return GatewayResponse(status, tuple(headers), body)


def _map_http_v1(
    result: Any, config: GatewayConfig, request: HttpRequest, stamp: RequestStamp
) -> GatewayResponse:
    status = _status_of_object(result, "a payload 1.0 result")
    # Both maps are sent, duplicates included (R8); unknown keys are ignored (E2).
    headers = _single_headers(result, "headers", lenient=True) + _multi_headers(
        result, "multiValueHeaders", lenient=True
    )
    raw, is_b64 = _body_bytes(result, objects_allowed=False)
    body = _decode(raw) if is_b64 else _encode(raw)
    return _finish(status, headers, body, stamp, [("apigw-requestid", stamp.request_id)], default_json=True)


def _map_alb(
    result: Any, config: GatewayConfig, request: HttpRequest, stamp: RequestStamp
) -> GatewayResponse:
    status = _status_of_object(result, "an ALB target result")
    if config.multi_value_headers:
        headers = _multi_headers(result, "multiValueHeaders", lenient=True)
    else:
        headers = _single_headers(result, "headers", lenient=True)
    raw, is_b64 = _body_bytes(result, objects_allowed=False)
    body = _decode(raw) if is_b64 else _encode(raw)
    return _finish(status, headers, body, stamp, [], default_json=False)


_MAPPERS = {
    "rest": _map_rest,
    "http": _map_http_v2,
    "function-url": _map_http_v2,
    "http-v1": _map_http_v1,
    "alb": _map_alb,
}


def map_result(
    result: Any, config: GatewayConfig, request: HttpRequest, stamp: RequestStamp
) -> GatewayResponse:
    """The response the client of ``config``'s front door receives for the Lambda ``result``.

    ``result`` is the handler's return value after the JSON round trip the runtime applies.

    :raises MalformedResultError: when the front door would reject the result (the caller answers with the
        front door's error response).
    """
    return _MAPPERS[config.api](result, config, request, stamp)
