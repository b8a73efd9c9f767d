"""The neutral request model: one HTTP request as a client put it on the wire.

Every driver (in-process calls, the ``requests`` transport, the local HTTP server) turns what it receives
into an :class:`HttpRequest`, and every event builder reads only this model. Nothing here knows about API
Gateway: the path is the raw, percent-encoded path the client sent, headers keep the client's casing, order
and duplicates, and the body is the exact bytes.
"""

from __future__ import annotations

import dataclasses
import functools
import re
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from ._http_syntax import bad_value_character, shorten
from ._types import BodyInput, HeaderInput
from .errors import InvalidRequestError

if TYPE_CHECKING:
    from requests import PreparedRequest

__all__ = ["HttpRequest"]

#: Methods accepted without a closer look (any other token is accepted too, upper-cased).
_STANDARD_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
_TOKEN = re.compile(r"^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$")
#: What a raw path or query cannot hold: what the local server rejects in a request target (controls,
#: space), a fragment's "#", and lone surrogates (no client can encode them).
_BAD_TARGET = re.compile("[\x00-\x20\x7f#\ud800-\udfff]")
# Anything outside what a client may send unencoded in a path or query (RFC 3986 plus "%" and the
# characters browsers send raw).
_NEEDS_QUOTING = re.compile(r"[^A-Za-z0-9\-._~!$&'()*+,;=:@/?%\[\]|{}^`\"<>\\]")


def _quote_unsafe(text: str) -> str:
    """Percent-encode what cannot travel raw in a request target (spaces, controls, non-ASCII).

    Existing ``%XX`` escapes are kept as they are, as ``requests`` does, so ``/a%20b`` stays ``/a%20b``
    and ``/a b`` becomes ``/a%20b``.
    """
    if not _NEEDS_QUOTING.search(text):
        return text
    out = []
    for ch in text:
        if _NEEDS_QUOTING.match(ch):
            out.append("".join(f"%{b:02X}" for b in ch.encode("utf-8")))
        else:
            out.append(ch)
    return "".join(out)


def _normalise_headers(headers: HeaderInput) -> tuple[tuple[str, str], ...]:
    if headers is None:
        return ()
    pairs: list[tuple[str, str]] = []
    items: Iterable[Any] = (
        headers.items() if headers.__class__ is dict or isinstance(headers, Mapping) else headers
    )
    for item in items:
        try:
            name, value = item
        except (TypeError, ValueError):
            raise InvalidRequestError(
                f"headers must be a mapping or (name, value) pairs, got the item {shorten(item)}"
            ) from None
        if value.__class__ is str or not isinstance(value, (list, tuple)):
            pairs.append(_check_header(name, value))
        else:
            for one in value:
                pairs.append(_check_header(name, one))
    return tuple(pairs)


def _check_header(name: object, value: object) -> tuple[str, str]:
    if name.__class__ is not str or name not in _VALID_NAMES:
        name = _checked_name(name)
    if value.__class__ is not str:
        value = _checked_value_type(name, value)
    _check_value(name, value)
    return name, value.strip(" \t")


def _check_value(name: str, value: str) -> None:
    """:raises InvalidRequestError: for a value holding a control character (HTAB aside) or a lone
    surrogate: the rule of the local server, which answers 400 to such a header (RFC 9110 5.5)."""
    bad = bad_value_character(value)
    if bad is not None:
        raise InvalidRequestError(
            f"header {name!r} contains {bad!r} ({shorten(value)}); no HTTP client can send that"
        )


def _checked_pairs(headers: object) -> tuple[tuple[str, str], ...]:
    """The ``headers`` of :class:`HttpRequest`: (str, str) pairs, each a valid header, as a tuple.

    The loop is the quick path (names seen before, printable values: a few dozen ns a header); anything
    unusual raises inside it and :func:`_explain_pairs` says precisely what is wrong.
    """
    if headers.__class__ is not tuple:
        if isinstance(headers, (str, bytes, Mapping)) or not isinstance(headers, Iterable):
            raise InvalidRequestError(
                f"headers must be (name, value) pairs, got {type(headers).__name__}; "
                "HttpRequest.build() takes a mapping"
            )
        headers = tuple(headers)
    pairs: tuple[Any, ...] = headers
    plain = True
    try:
        for pair in pairs:
            if pair.__class__ is not tuple:
                raise TypeError
            name, value = pair
            if name not in _VALID_NAMES:
                if name.__class__ is not str:
                    raise TypeError
                _checked_name(name)
            elif name.__class__ is not str:
                plain = False
            if not value.isprintable():
                if value.__class__ is not str:
                    raise TypeError
                _check_value(name, value)
            elif value.__class__ is not str:
                plain = False
    except (TypeError, ValueError, AttributeError):
        _explain_pairs(pairs)
        raise
    if not plain:  # a str subclass (a StrEnum...) is kept as the text it holds, as a client sends it
        pairs = tuple((str.__str__(name), str.__str__(value)) for name, value in pairs)
    return pairs


def _explain_pairs(pairs: tuple[Any, ...]) -> None:
    """:raises InvalidRequestError: saying which header of ``pairs`` is not a (str, str) pair."""
    for pair in pairs:
        if pair.__class__ is not tuple or len(pair) != 2:
            raise InvalidRequestError(f"a header must be a (name, value) pair of str, got {shorten(pair)}")
        name, value = pair
        if not isinstance(name, str):
            raise InvalidRequestError(
                f"header name {shorten(name)} is a {type(name).__name__}, not a str "
                "(HttpRequest.build() decodes bytes)"
            )
        if not isinstance(value, str):
            raise InvalidRequestError(
                f"header {name!r} has a {type(value).__name__} value, not a str (HttpRequest.build() "
                "converts bytes and numbers)"
            )


#: Header names already found to be tokens (bounded: names repeat, values do not).
_VALID_NAMES: set[str] = set()


def _checked_name(name: object) -> str:
    if isinstance(name, bytes):
        name = name.decode("latin-1")
    if not isinstance(name, str) or not _TOKEN.match(name):
        raise InvalidRequestError(f"invalid header name {shorten(name)}: HTTP allows only token characters")
    if len(_VALID_NAMES) < 1024:
        _VALID_NAMES.add(name)
    return name


def _checked_value_type(name: str, value: object) -> str:
    if isinstance(value, bytes):
        return value.decode("latin-1")
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        raise InvalidRequestError(f"header {name!r} has a {type(value).__name__} value; give a str")
    return str(value)


def _read_body(body: BodyInput) -> tuple[bytes, str | None]:
    """Return the body bytes and the content type a streaming encoder declares (if any)."""
    if body is None:
        return b"", None
    if isinstance(body, bytes):
        return body, None
    if isinstance(body, (bytearray, memoryview)):
        return bytes(body), None
    if isinstance(body, str):
        return body.encode("utf-8"), None
    read = getattr(body, "read", None)
    if callable(read):
        # A MultipartEncoder (or MultipartEncoderMonitor) is a stream: read it exactly once, and keep its
        # content type, which carries the boundary.
        content_type = getattr(body, "content_type", None)
        data = read()
        declared = getattr(body, "len", None)
        if not data and isinstance(declared, int) and declared > 0:
            raise InvalidRequestError(
                f"the {type(body).__name__} declares {declared} bytes but gave none: it was read "
                "already. An encoder is a stream and can be read once; build a new one for each request"
            )
        if isinstance(data, str):
            data = data.encode("utf-8")
        if not isinstance(data, (bytes, bytearray)):
            raise InvalidRequestError(f"reading the body returned {type(data).__name__}, not bytes")
        return bytes(data), content_type if isinstance(content_type, str) else None
    if isinstance(body, Iterable) and not isinstance(body, Mapping):
        chunks = []
        for chunk in body:
            piece = chunk.encode("utf-8") if isinstance(chunk, str) else chunk
            if not isinstance(piece, (bytes, bytearray, memoryview)):
                raise InvalidRequestError(f"a body chunk is {type(piece).__name__}, not bytes")
            chunks.append(bytes(piece))
        return b"".join(chunks), None
    raise InvalidRequestError(
        f"unsupported body type {type(body).__name__}: give bytes, str, a file object, a "
        "MultipartEncoder or None (for form fields or JSON, build a requests.Request and use from_prepared)"
    )


@dataclasses.dataclass(frozen=True, slots=True, init=False)
class HttpRequest:
    """An HTTP request exactly as the client sent it.

    :param method: the request method, upper case (``"POST"``).
    :param path: the raw request path, percent-encoded as on the wire, starting with ``/``
        (``"/live/capture/space%20value"``). It includes any stage or base-path prefix the client sent.
    :param query: the raw query string without ``?`` (``"a=1&a=2&b=x+y"``), ``""`` when there is none.
    :param headers: (name, value) pairs in the order sent, with the client's casing and duplicates.
    :param body: the body bytes, ``b""`` when there is none.
    :param source_ip: the client address API Gateway would see.
    :param protocol: the HTTP version of the client connection.

    Every text field (header names and values too) is a plain ``str``: a ``str`` subclass given (a
    ``StrEnum``...) is kept as the text it holds, as a client sends it.
    """

    method: str
    path: str
    query: str
    headers: tuple[tuple[str, str], ...]
    body: bytes
    source_ip: str
    protocol: str

    # A frozen dataclass's own __init__ sets each field through object.__setattr__, which costs more
    # than the rest of a small event; this one checks the fields and sets the slots directly.
    def __init__(  # noqa: PLR0917 (positional like the dataclass fields it replaces)
        self,
        method: str,
        path: str = "/",
        query: str = "",
        headers: tuple[tuple[str, str], ...] = (),
        body: bytes = b"",
        source_ip: str = "127.0.0.1",
        protocol: str = "HTTP/1.1",
    ) -> None:
        if method not in _STANDARD_METHODS:
            method = _checked_method(method)
        elif method.__class__ is not str:
            method = str.__str__(method)
        if not isinstance(path, str) or not path.startswith("/"):
            raise InvalidRequestError(f"the request path must start with '/', got {shorten(path)}")
        if path.__class__ is not str:  # the text of a str subclass: every field is a plain str
            path = str.__str__(path)
        if _BAD_TARGET.search(path):
            raise InvalidRequestError(
                f"the raw path {shorten(path)} holds characters a client cannot send unencoded; "
                "use HttpRequest.build() to have them percent-encoded"
            )
        if query.__class__ is not str or (query and _BAD_TARGET.search(query)):
            raise InvalidRequestError(
                f"the raw query {shorten(query)} is not a str a client can send unencoded; "
                "use HttpRequest.build() to have it percent-encoded"
            )
        if source_ip.__class__ is not str or protocol.__class__ is not str:
            raise InvalidRequestError("source_ip and protocol must be str")
        if not isinstance(body, bytes):
            raise InvalidRequestError(f"body must be bytes, got {type(body).__name__}")
        _set_method(self, method)
        _set_path(self, path)
        _set_query(self, query)
        _set_headers(self, _checked_pairs(headers))
        _set_body(self, body)
        _set_source_ip(self, source_ip)
        _set_protocol(self, protocol)

    # -- constructors ------------------------------------------------------------------------------
    @classmethod
    def build(
        cls,
        method: str,
        target: str,
        *,
        headers: HeaderInput = None,
        body: BodyInput = None,
        source_ip: str = "127.0.0.1",
        protocol: str = "HTTP/1.1",
    ) -> HttpRequest:
        """Build a request from a path (or URL), headers and a body in any supported form.

        :param target: ``/path?query`` or a full URL; characters that cannot travel raw (spaces,
            non-ASCII) are percent-encoded the way ``requests`` does, existing escapes are kept.
        :param headers: a mapping (a list value means repeated headers) or (name, value) pairs.
        :param body: bytes, str (sent as UTF-8), a binary file object, a requests-toolbelt
            ``MultipartEncoder`` (read exactly once; its content type, with the boundary, becomes the
            ``Content-Type`` header unless one is given), an iterable of byte chunks, or None.
        """
        path, query = _split_target(target)
        pairs = _normalise_headers(headers)
        data, declared_type = _read_body(body)
        if declared_type and not any(n.lower() == "content-type" for n, _ in pairs):
            pairs = (*pairs, ("Content-Type", declared_type))
        return cls(method, path, query, pairs, data, source_ip, protocol)

    @classmethod
    def from_prepared(cls, prepared: PreparedRequest, *, source_ip: str = "127.0.0.1") -> HttpRequest:
        """Build a request from a ``requests.PreparedRequest`` (``files=``, ``data=``, ``json=`` all work).

        The headers are taken in the order requests prepared them; a streaming body (such as a
        ``MultipartEncoder`` passed as ``data=``) is read exactly once.
        """
        if prepared.method is None or prepared.url is None:
            raise InvalidRequestError("the prepared request has no method or URL")
        body: Any = prepared.body
        return cls.build(
            prepared.method,
            prepared.url,
            headers=list(prepared.headers.items()),
            body=body,
            source_ip=source_ip,
        )

    @classmethod
    def from_event(cls, event: Mapping[str, Any]) -> HttpRequest:
        """The request a client sent to produce ``event``, for any front door (see
        :func:`apigw_emulator.request_from_event`)."""
        from .inverse import request_from_event  # noqa: PLC0415 (inverse imports this module)

        return request_from_event(event)

    # -- views ---------------------------------------------------------------------------------------
    @property
    def target(self) -> str:
        """The request target as on the request line: path plus ``?query`` when there is one."""
        return f"{self.path}?{self.query}" if self.query else self.path

    def header(self, name: str, default: str | None = None) -> str | None:
        """The last value of a header, matched case-insensitively (``default`` when absent)."""
        lname = name.lower()
        for key, value in reversed(self.headers):
            if key.lower() == lname:
                return value
        return default

    def header_values(self, name: str) -> list[str]:
        """Every value of a header in order, matched case-insensitively."""
        lname = name.lower()
        return [value for key, value in self.headers if key.lower() == lname]

    @property
    def content_type(self) -> str | None:
        """The ``Content-Type`` header, if the client sent one."""
        return self.header("content-type")

    def replace(self, **changes: Any) -> HttpRequest:
        """A copy with some fields changed (``headers`` and ``body`` are normalised as in :meth:`build`)."""
        if "headers" in changes:
            changes["headers"] = _normalise_headers(changes["headers"])
        if "body" in changes:
            changes["body"] = _read_body(changes["body"])[0]
        return dataclasses.replace(self, **changes)


_set_method = HttpRequest.__dict__["method"].__set__
_set_path = HttpRequest.__dict__["path"].__set__
_set_query = HttpRequest.__dict__["query"].__set__
_set_headers = HttpRequest.__dict__["headers"].__set__
_set_body = HttpRequest.__dict__["body"].__set__
_set_source_ip = HttpRequest.__dict__["source_ip"].__set__
_set_protocol = HttpRequest.__dict__["protocol"].__set__


def _checked_method(method: object) -> str:
    """A method outside the usual ones: a token, upper-cased."""
    if not isinstance(method, str) or not _TOKEN.match(method):
        raise InvalidRequestError(f"invalid HTTP method {shorten(method)}")
    return method.upper()


def _split_target(target: str) -> tuple[str, str]:
    if not isinstance(target, str):
        raise InvalidRequestError(f"the request target must be a str, got {type(target).__name__}")
    return _split_str_target(target)


@functools.lru_cache(maxsize=1024)
def _split_str_target(target: str) -> tuple[str, str]:
    """(raw path, raw query) of a target; memoised, as tests send the same targets again and again."""
    if "://" in target.split("?", 1)[0]:
        parts = urlsplit(target)
        path = parts.path or "/"
        query = parts.query
    else:
        target = target.split("#", 1)[0]
        path, _, query = target.partition("?")
    if not path.startswith("/"):
        raise InvalidRequestError(f"the request path must start with '/', got {shorten(target)}")
    return _quote_unsafe(path), _quote_unsafe(query)
