"""Hypothesis strategies for requests and events of every front door, binary bodies above all.

This module imports hypothesis and Pillow (the ``hypothesis`` extra); ``import apigw_emulator``
never imports it, so hypothesis stays optional. Every strategy takes keyword-only arguments, takes
strategies (wrap a constant in :func:`hypothesis.strategies.just`) rather than values, and raises
:class:`hypothesis.errors.InvalidArgument` naming the argument when it is called with bad ones::

    from hypothesis import given
    from apigw_emulator import Gateway
    from apigw_emulator.strategies import from_gateway, images, requests

    gw = Gateway(handler, api="rest", binary_media_types=["image/*"], routes=["POST /shape"])

    @given(from_gateway(gw, requests=requests(bodies=images())))
    def test_every_image_upload_round_trips(request):
        assert gw.invoke(request).response.status == 200

The building blocks (:func:`paths`, :func:`query_strings`, :func:`headers`, :func:`bodies`...) generate
what a client puts on the wire: raw percent-encoded paths and queries, header pairs with their casing,
order and duplicates, and body bytes. :func:`requests` assembles them into an
:class:`~apigw_emulator.HttpRequest`, :func:`from_gateway` aims them at a configured API's routes and
:func:`events` turns them into the event a front door hands the Lambda.
"""

# ruff: noqa: B008 - strategies are immutable values: one as a default argument is safely shared

from __future__ import annotations

import dataclasses
import functools
import io
import os
import random
import re
import types
import unicodedata
import warnings
from collections.abc import Collection, Iterable, Mapping, Sequence
from typing import Any, Final, Literal, TypeAlias, get_args
from urllib.parse import unquote, unquote_plus

from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument
from hypothesis.strategies import SearchStrategy

from .config import ApiKind
from .errors import BinaryBodyCorruptedWarning, ConfigurationError
from .events import _lowercase, http_v2, rest
from .gateway import Gateway
from .ids import RequestStamp
from .request import HttpRequest
from .routing import Route

__all__ = [
    "DEFAULT_EXCLUDED_HEADERS",
    "HTTP_METHODS",
    "IMAGE_MODES",
    "bodies",
    "events",
    "from_gateway",
    "from_template",
    "header_names",
    "headers",
    "http_methods",
    "images",
    "multipart_bodies",
    "paths",
    "query_strings",
    "requests",
]

#: A header as sent: (name, value).
Header: TypeAlias = tuple[str, str]
#: What a body strategy given to :func:`requests` may draw: the body bytes (Content-Type inferred), or a
#: ``(content_type, body)`` pair such as :func:`multipart_bodies` draws (``None``: no Content-Type).
BodyValue: TypeAlias = "bytes | tuple[str | None, bytes]"
BodyKind: TypeAlias = Literal["any", "text", "binary", "empty"]

#: The methods API Gateway routes (``ANY`` stands for these seven).
HTTP_METHODS: Final = ("GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS")

#: Header names that some front door adds, replaces, drops or rewrites (Host, Content-Length,
#: X-Forwarded-*, X-Amzn-Trace-Id, hop-by-hop headers, the CloudFront and TLS headers), plus those that
#: describe the body (Content-Type, Content-Encoding), which :func:`requests` derives from the body.
DEFAULT_EXCLUDED_HEADERS: Final = (
    rest.DROPPED_REQUEST_HEADERS
    | rest.CLOUDFRONT_HEADERS
    | _lowercase.HOP_BY_HOP
    | http_v2.REPLACED_HEADERS
    | http_v2.TLS_HEADERS
    | {"content-type", "content-encoding", "x-forwarded-for"}
)

#: The Pillow modes each format writes and reads back unchanged (the tests check every pair against the
#: installed Pillow), RGB first where there is one: :func:`images` shrinks towards it.
IMAGE_MODES: Final[Mapping[str, tuple[str, ...]]] = types.MappingProxyType(
    {
        "PNG": ("RGB", "RGBA", "L", "LA", "1", "P", "I;16"),
        "JPEG": ("RGB", "L", "CMYK"),
        "GIF": ("P",),
        "WEBP": ("RGB", "RGBA"),
        "TIFF": ("RGB", "RGBA", "L", "LA", "1", "P", "PA", "CMYK", "I;16", "I", "F"),
        "BMP": ("RGB", "L", "1", "P"),
    }
)
_ALL_MODES = frozenset(m for modes in IMAGE_MODES.values() for m in modes)
_APIS: Final = get_args(ApiKind)


# -- argument validation ---------------------------------------------------------------------------------
def _check_strategy(name: str, value: object) -> None:
    if not isinstance(value, SearchStrategy):
        raise InvalidArgument(
            f"{name}={value!r} must be a hypothesis strategy (wrap a constant in st.just(...))"
        )


def _check_count(name: str, value: object, *, minimum: int = 0) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidArgument(f"{name}={value!r} must be an int")
    if value < minimum:
        raise InvalidArgument(f"{name}={value} must be at least {minimum}")
    return value


def _check_range(
    min_name: str, min_value: object, max_name: str, max_value: object, *, minimum: int = 0
) -> None:
    low = _check_count(min_name, min_value, minimum=minimum)
    high = _check_count(max_name, max_value, minimum=minimum)
    if low > high:
        raise InvalidArgument(f"{min_name}={low} is greater than {max_name}={high}")


def _check_bool(name: str, value: object) -> None:
    if not isinstance(value, bool):
        raise InvalidArgument(f"{name}={value!r} must be True or False")


def _check_names(name: str, value: object) -> tuple[str, ...]:
    if isinstance(value, (str, bytes)) or not isinstance(value, Iterable):
        raise InvalidArgument(f"{name}={value!r} must be a collection of str, such as a tuple or a set")
    items = tuple(value)
    for item in items:
        if not isinstance(item, str):
            raise InvalidArgument(f"{name} holds {item!r}, which is not a str")
    return items


# -- percent-encoding ------------------------------------------------------------------------------------
_UNRESERVED = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~"


def _percent_encoded(char: str, lower: bool) -> str:
    """Every UTF-8 byte of ``char`` as ``%XX`` (``%xx`` when ``lower``), even for unreserved characters."""
    return "".join(f"%{b:02x}" if lower else f"%{b:02X}" for b in char.encode("utf-8"))


#: Escapes of visible ASCII characters (``%41``, ``%2f``...), upper-case hex unless the boolean says.
_ascii_escapes = st.builds(
    _percent_encoded, st.characters(min_codepoint=0x20, max_codepoint=0x7E), st.booleans()
)
#: Non-ASCII characters as a client sends them: percent-encoded UTF-8 (``é`` -> ``%C3%A9``).
_unicode_escapes = st.builds(
    _percent_encoded,
    st.characters(min_codepoint=0x80, codec="utf-8", exclude_categories=("Cc", "Cs")),
    st.booleans(),
)
#: Escapes front doors treat specially: slash, percent, space, ``?``, ``#``, plus, ``=``, ``&``, dot.
_special_escapes = st.sampled_from(["%2F", "%25", "%20", "%3F", "%23", "%2B", "%3D", "%26", "%2E", "%2f"])


# -- methods ---------------------------------------------------------------------------------------------
def http_methods() -> SearchStrategy[str]:
    """The seven methods API Gateway routes: ``GET``, ``POST``, ``PUT``, ``PATCH``, ``DELETE``, ``HEAD``
    and ``OPTIONS``.

    Example::

        @given(method=http_methods())
        def test_every_method_reaches_the_handler(method): ...

    Examples shrink towards ``GET``.
    """
    return st.sampled_from(HTTP_METHODS)


# -- paths -----------------------------------------------------------------------------------------------
#: RFC 3986 ``pchar`` that may travel unencoded in a path segment.
_PATH_RAW = _UNRESERVED + "!$&'()*+,;=:@"


@functools.cache
def _segments(*, percent_encoding: bool = True, unicode: bool = True) -> SearchStrategy[str]:
    """One non-empty raw path segment: runs of raw characters and, half of the time, escapes between
    them. Never a dot segment (``.``/``..``, even encoded): clients remove those before sending."""
    escapes: list[SearchStrategy[str]] = []
    if percent_encoding:
        escapes += [_special_escapes, _ascii_escapes]
    if unicode:
        escapes.append(_unicode_escapes)
    chunks = st.text(st.sampled_from(_PATH_RAW), min_size=1, max_size=6)
    if escapes:
        chunks = st.one_of(chunks, st.one_of(escapes))
    return (
        st.lists(chunks, min_size=1, max_size=4).map("".join).filter(lambda s: unquote(s) not in (".", ".."))
    )


def _join_path(segments: list[str], trailing_slash: bool) -> str:
    if not segments:
        return "/"
    return "/" + "/".join(segments) + ("/" if trailing_slash else "")


def paths(
    *, min_segments: int = 0, max_segments: int = 4, percent_encoding: bool = True, unicode: bool = True
) -> SearchStrategy[str]:
    """Raw request paths as a client sends them: ``/``, ``/a/b``, ``/caf%C3%A9/a%2Fb/``.

    Every path starts with ``/``, is made of RFC 3986 path characters and ``%XX`` escapes only (so it
    needs no further encoding and :meth:`HttpRequest.build <apigw_emulator.HttpRequest.build>` keeps it
    as it is), has no empty and no dot segment (clients remove dot segments and front doors collapse a
    leading ``//``), and may end with ``/``.

    :param min_segments: the fewest segments (``/`` has none).
    :param max_segments: the most segments.
    :param percent_encoding: draw escapes of ASCII characters too: ``%2F`` (a slash inside a segment),
        ``%25``, ``%20``, ``%3F``, even needless ones such as ``%41`` or lower-case ``%2f``.
    :param unicode: draw non-ASCII characters, as clients send them: percent-encoded UTF-8
        (``%C3%A9``). With ``percent_encoding=False, unicode=False`` a path holds no ``%`` at all.

    Example::

        @given(path=paths(min_segments=1, unicode=False))
        def test_proxy_path_parameter(path):
            event = Gateway(None, api="rest").build_event(HttpRequest("GET", "/Prod" + path))
            assert event["pathParameters"]["proxy"] == path.strip("/")

    Examples shrink towards ``/``, then towards fewer and shorter segments of plain characters.
    """
    _check_range("min_segments", min_segments, "max_segments", max_segments)
    _check_bool("percent_encoding", percent_encoding)
    _check_bool("unicode", unicode)
    segment = _segments(percent_encoding=percent_encoding, unicode=unicode)
    return st.builds(
        _join_path, st.lists(segment, min_size=min_segments, max_size=max_segments), st.booleans()
    )


# -- query strings ---------------------------------------------------------------------------------------
#: Query characters that travel raw and mean nothing to form decoding (no ``&``, ``=``, ``+``, ``#``).
_QUERY_RAW = _UNRESERVED + "!$'()*,;:@/?"
_query_chunks = st.one_of(
    st.text(st.sampled_from(_QUERY_RAW), min_size=1, max_size=6),
    st.one_of(
        st.just("+"),  # a space, form-encoded
        _special_escapes,  # %2B (a plus), %26, %3D...
        _ascii_escapes,
        _unicode_escapes,
    ),
)
_query_keys = st.lists(_query_chunks, min_size=1, max_size=3).map("".join)
_query_values = st.lists(st.one_of(_query_chunks, st.just("=")), max_size=4).map("".join)
#: Keys that repeat often, under different spellings of the same decoded key (``a+b`` and ``a%20b``).
_COMMON_QUERY_KEYS = ("a", "q", "id", "a+b", "a%20b", "x%2By", "%C3%A9", "tag%5B%5D")


def _query_param(key: str, value: str | None) -> str:
    return key if value is None else f"{key}={value}"


def _decoded_key(param: str) -> str:
    return unquote_plus(param.partition("=")[0])


def query_strings(
    *, min_params: int = 0, max_params: int = 5, duplicates: bool = True
) -> SearchStrategy[str]:
    """Raw query strings without the ``?``: ``""``, ``a=1&a=2&empty=&flag&q=x+y&p=1%2B1``.

    Parameters are joined with ``&``; keys are never empty; values may be blank (``k=``) or absent
    (``k``, a flag); ``+`` (a space) and ``%2B`` (a plus) both occur, as do percent-encoded UTF-8 and
    escaped ``&``/``=``. Everything is RFC 3986 query characters and ``%XX`` escapes.

    :param min_params: the fewest parameters.
    :param max_params: the most parameters.
    :param duplicates: let keys repeat (likely, not certain), also under different spellings of the same
        decoded key (``a+b`` and ``a%20b``). With False every key decodes to a different string.

    Example::

        @given(query=query_strings(min_params=1))
        def test_multi_value_query(query):
            event = Gateway(None, api="rest").build_event(HttpRequest("GET", "/Prod/", query))
            assert event["multiValueQueryStringParameters"]

    Examples shrink towards ``""``, then towards fewer parameters of the form ``a=``.
    """
    _check_range("min_params", min_params, "max_params", max_params)
    _check_bool("duplicates", duplicates)
    keys = st.one_of(st.sampled_from(_COMMON_QUERY_KEYS), _query_keys)
    params = st.builds(_query_param, keys, st.one_of(_query_values, st.none()))
    return st.lists(
        params, min_size=min_params, max_size=max_params, unique_by=None if duplicates else _decoded_key
    ).map("&".join)


# -- headers ---------------------------------------------------------------------------------------------
_COMMON_HEADER_NAMES = (
    "X-Custom",
    "Accept",
    "User-Agent",
    "Authorization",
    "Accept-Language",
    "Cache-Control",
    "Cookie",
    "If-None-Match",
    "Origin",
    "Referer",
    "X-Api-Key",
    "X-Request-Id",
)
_ALNUM = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
#: RFC 9110 ``tchar``.
_TOKEN_CHARS = _ALNUM + "!#$%&'*+-.^_`|~"
_tokens = st.text(st.sampled_from(_TOKEN_CHARS), min_size=1, max_size=16)


def _recase(name: str, mask: int) -> str:
    """``name`` with the letters whose bit is set in ``mask`` swapped to the other case."""
    return "".join(c.swapcase() if (mask >> i) & 1 else c for i, c in enumerate(name))


def header_names() -> SearchStrategy[str]:
    """HTTP header names: RFC 9110 tokens, common ones (``Accept``, ``Authorization``, ``Cookie``...) and
    any others, in random casing (``aCCEPT``, ``x-custom``).

    REST APIs pass the client's casing through (re-casing only a few names), the other front doors lower
    it: the casing is part of what is tested.

    Example::

        @given(name=header_names())
        def test_header_lookup_ignores_case(name): ...

    Examples shrink towards ``X-Custom`` as spelled here, then towards the usual casing of a name.
    """
    return st.builds(
        _recase, st.one_of(st.sampled_from(_COMMON_HEADER_NAMES), _tokens), st.integers(0, 2**16 - 1)
    )


def _strip(value: str) -> str:
    return value.strip(" \t")


#: Field values: visible ASCII with inner spaces and tabs, or also Latin-1 letters (obs-text on the wire);
#: never surrounding whitespace, which HTTP strips.
_header_values = st.one_of(
    st.text(st.characters(min_codepoint=0x20, max_codepoint=0x7E), max_size=24),
    st.text(
        st.one_of(
            st.characters(min_codepoint=0x20, max_codepoint=0x7E),
            st.characters(min_codepoint=0xA0, max_codepoint=0xFF),
            st.just("\t"),
        ),
        max_size=24,
    ),
).map(_strip)


def _lower_name(header: Header) -> str:
    return header[0].lower()


def headers(
    *,
    min_size: int = 0,
    max_size: int = 8,
    duplicates: bool = True,
    exclude: Collection[str] = DEFAULT_EXCLUDED_HEADERS,
) -> SearchStrategy[tuple[Header, ...]]:
    """Request headers as ``(name, value)`` pairs in the order sent: ``(("accept", "*/*"), ("X-A", ""))``.

    Names come from :func:`header_names`; values are visible ASCII (sometimes Latin-1) without CR, LF,
    NUL or surrounding whitespace, possibly empty. The pairs are exactly what
    :attr:`HttpRequest.headers <apigw_emulator.HttpRequest.headers>` holds for them.

    :param min_size: the fewest headers.
    :param max_size: the most headers.
    :param duplicates: let a name repeat (likely, not certain), possibly in another casing; with False
        no two names are equal ignoring case.
    :param exclude: names never drawn, ignoring case. The default, :data:`DEFAULT_EXCLUDED_HEADERS`,
        leaves out what the front doors replace or rewrite and what describes the body; pass ``()`` to
        draw any name.

    Example::

        @given(pairs=headers(min_size=1, duplicates=False))
        def test_single_value_headers(pairs):
            event = Gateway(None, api="function-url").build_event(HttpRequest("GET", headers=pairs))
            assert all(name.lower() in event["headers"] for name, _ in pairs)

    Examples shrink towards fewer headers, then towards ``("X-Custom", "")``.
    """
    _check_range("min_size", min_size, "max_size", max_size)
    _check_bool("duplicates", duplicates)
    excluded = frozenset(name.lower() for name in _check_names("exclude", exclude))
    names = header_names()
    if excluded:
        names = names.filter(lambda name: name.lower() not in excluded)
    return st.lists(
        st.tuples(names, _header_values),
        min_size=min_size,
        max_size=max_size,
        unique_by=None if duplicates else _lower_name,
    ).map(tuple)


# -- bodies ----------------------------------------------------------------------------------------------
#: Bytes that are invalid UTF-8 wherever they stand (unlike a continuation byte such as 0x80).
_NEVER_UTF8 = (b"\xff", b"\xfe", b"\xc0", b"\xc1", b"\xf5", b"\xf8")
#: Starts of common binary files, each invalid UTF-8.
_BINARY_SAMPLES = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
    b"\xff\xd8\xff\xe0\x00\x10JFIF\x00",
    b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03",
    b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n",
)


def _utf8_prefix(max_size: int, text: str) -> bytes:
    """``text`` in UTF-8, cut to at most ``max_size`` bytes at a character boundary."""
    data = text.encode("utf-8")
    if len(data) <= max_size:
        return data
    return data[:max_size].decode("utf-8", "ignore").encode("utf-8")


def _with_invalid_byte(data: bytes, invalid: bytes, index: int) -> bytes:
    index = min(index, len(data))
    return data[:index] + invalid + data[index:]


def _text_bodies(max_size: int) -> SearchStrategy[bytes]:
    return st.text(max_size=max_size).map(functools.partial(_utf8_prefix, max_size))


def _after(prefix: bytes, data: bytes, max_size: int) -> bytes:
    return prefix + data[: max_size - len(prefix)]


def _binary_bodies(max_size: int) -> SearchStrategy[bytes]:
    """Bytes with at least one byte that cannot occur in UTF-8; sometimes after the start of a PNG, JPEG,
    gzip or PDF file (each invalid UTF-8 by itself). That start is drawn last, so that it shrinks away."""
    drawn = st.builds(
        _with_invalid_byte,
        st.binary(max_size=max_size - 1),
        st.sampled_from(_NEVER_UTF8),
        st.integers(0, max_size - 1),
    )
    samples = [sample for sample in _BINARY_SAMPLES if len(sample) <= max_size]
    if not samples:
        return drawn
    prefixes = st.one_of(st.just(b""), st.sampled_from(samples))
    return st.builds(_after, prefixes, drawn, st.just(max_size))


def bodies(*, kind: BodyKind = "any", max_size: int = 256) -> SearchStrategy[bytes]:
    """Request bodies as bytes.

    - ``"text"``: valid UTF-8, the bodies every front door passes as text when sent as ``text/plain``.
    - ``"binary"``: never valid UTF-8 (at least one byte that cannot occur in UTF-8; sometimes the start
      of a PNG, JPEG, gzip or PDF file): what a REST API without a matching ``binaryMediaTypes`` entry
      corrupts into U+FFFD, and what the other front doors must base64-encode.
    - ``"empty"``: only ``b""``.
    - ``"any"``: any of the three.

    :func:`requests` sends text bodies as ``text/plain; charset=utf-8`` and binary ones as
    ``application/octet-stream`` (``image/*`` when they are images, as :func:`images` draws).

    :param kind: ``"any"``, ``"text"``, ``"binary"`` or ``"empty"``.
    :param max_size: the most bytes (ignored for ``"empty"``; at least 1 for ``"binary"``).

    Example::

        @given(body=bodies(kind="binary"))
        def test_binary_body_is_base64(body):
            gw = Gateway(None, api="rest", binary_media_types=["application/octet-stream"])
            request = HttpRequest("POST", "/Prod/", headers=(("Content-Type", "application/octet-stream"),),
                                  body=body)
            assert gw.build_event(request)["isBase64Encoded"]

    Examples shrink towards the empty body, then towards shorter bodies of zero bytes or ``0`` characters
    (``b"\\xff"`` for ``"binary"``).
    """
    if kind not in get_args(BodyKind):
        raise InvalidArgument(f"kind={kind!r} must be one of 'any', 'text', 'binary' or 'empty'")
    _check_count("max_size", max_size, minimum=1 if kind == "binary" else 0)
    if kind == "empty" or max_size == 0:
        return st.just(b"")
    if kind == "text":
        return _text_bodies(max_size)
    if kind == "binary":
        return _binary_bodies(max_size)
    return st.one_of(st.just(b""), _text_bodies(max_size), _binary_bodies(max_size))


# -- multipart bodies ------------------------------------------------------------------------------------
@dataclasses.dataclass(frozen=True)
class _Part:
    """One part of a multipart/form-data body: a field (no filename) or a file."""

    name: str
    filename: str | None
    content_type: str | None
    content: bytes


_DEFAULT_FIELD_NAMES = st.one_of(
    st.sampled_from(["file", "image", "field", "description", "files[]"]),
    st.text(st.sampled_from(_ALNUM + "_.-[]"), min_size=1, max_size=16),
    # Names browsers escape (", CR, LF) and non-ASCII ones, which they send as raw UTF-8.
    st.text(
        st.one_of(
            st.characters(codec="utf-8", exclude_categories=("Cc", "Cs", "Zl", "Zp")),
            st.sampled_from('"\r\n'),
        ),
        min_size=1,
        max_size=8,
    ),
)
_filenames = st.builds(
    "{}.{}".format,
    st.text(st.sampled_from(_ALNUM + "_-"), min_size=1, max_size=12),
    st.sampled_from(["bin", "png", "jpg", "txt", "pdf"]),
)
_FILE_TYPES = ("application/octet-stream", "image/png", "image/jpeg", "application/pdf")
#: RFC 2046 boundary characters, space aside; the ones outside an HTTP token need quotes.
_boundaries = st.one_of(
    st.text(st.sampled_from(_ALNUM + "'()+_,-./:=?"), min_size=1, max_size=60),
    st.text(st.sampled_from(_ALNUM), min_size=16, max_size=16).map("----WebKitFormBoundary".__add__),
)
_TOKEN = re.compile(r"^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$")


def _escaped(name: str, argument: str) -> str:
    """A field name or filename as browsers put it in quotes: ``"``, CR and LF percent-encoded (HTML's
    multipart/form-data encoding algorithm). Other control characters cannot travel in a part header."""
    escaped = name.replace('"', "%22").replace("\r", "%0D").replace("\n", "%0A")
    for char in escaped:
        if char != "\t" and unicodedata.category(char) in ("Cc", "Zl", "Zp"):
            raise InvalidArgument(
                f"{argument} drew {name!r}, which holds the control character {char!r}: no browser puts "
                "one in a part header"
            )
    return escaped


def _check_field_name(name: object) -> str:
    if not isinstance(name, str):
        raise InvalidArgument(f"field_names drew {name!r}, which is not a str")
    _escaped(name, "field_names")
    return name


def _safe_boundary(boundary: str, contents: Iterable[bytes]) -> str:
    """``boundary``, or a variant of it, such that ``--boundary`` occurs in no part."""
    data = tuple(contents)
    candidate, n = boundary, 0
    while any(b"--" + candidate.encode("ascii") in content for content in data):
        n += 1
        candidate = f"{boundary[:56]}_{n}"
    return candidate


def _encode_multipart(parts: list[_Part], boundary: str) -> tuple[str, bytes]:
    boundary = _safe_boundary(boundary, (part.content for part in parts))
    delimiter = b"--" + boundary.encode("ascii")
    out = bytearray()
    for part in parts:
        disposition = f'form-data; name="{_escaped(part.name, "field_names")}"'
        if part.filename is not None:
            disposition += f'; filename="{_escaped(part.filename, "filename")}"'
        out += delimiter + b"\r\nContent-Disposition: " + disposition.encode("utf-8") + b"\r\n"
        if part.content_type is not None:
            out += b"Content-Type: " + part.content_type.encode("ascii") + b"\r\n"
        out += b"\r\n" + part.content + b"\r\n"
    out += delimiter + b"--\r\n"
    parameter = boundary if _TOKEN.match(boundary) else f'"{boundary}"'
    return f"multipart/form-data; boundary={parameter}", bytes(out)


def multipart_bodies(
    *,
    min_parts: int = 1,
    max_parts: int = 4,
    field_names: SearchStrategy[str] = _DEFAULT_FIELD_NAMES,
    binary: bool = True,
) -> SearchStrategy[tuple[str, bytes]]:
    """``multipart/form-data`` bodies as ``(content_type, body)``, built byte for byte as browsers do.

    The content type carries the boundary (``multipart/form-data; boundary=----WebKitFormBoundary...``,
    quoted when it holds characters such as ``:`` or ``=``). Each part is
    ``--boundary CRLF headers CRLF CRLF content CRLF``, the body ends with ``--boundary-- CRLF``, and
    the boundary occurs in no part. Parts are form fields (UTF-8 text, no Content-Type) or files (a
    ``filename`` and a Content-Type); field names may repeat, and ``"``, CR and LF in them are escaped
    as ``%22``, ``%0D``, ``%0A``, as browsers do. Give the pair to :func:`requests` as a body::

        requests(bodies=multipart_bodies())

    :param min_parts: the fewest parts (at least 1: RFC 2046 has no empty multipart body).
    :param max_parts: the most parts.
    :param field_names: the strategy of field names; names with control characters other than CR and LF
        raise :class:`~hypothesis.errors.InvalidArgument` when drawn.
    :param binary: let files hold any bytes (``application/octet-stream``, ``image/png``...); with False
        every part holds UTF-8 text and files are ``text/plain``.

    Example::

        @given(form=multipart_bodies(field_names=st.just("image")))
        def test_upload(form):
            content_type, body = form
            parts = MultipartDecoder(body, content_type).parts
            assert all(p.headers[b"Content-Disposition"].startswith(b"form-data") for p in parts)

    Examples shrink towards one text field named ``file`` holding nothing, with the boundary ``0``.
    """
    _check_range("min_parts", min_parts, "max_parts", max_parts, minimum=1)
    _check_strategy("field_names", field_names)
    _check_bool("binary", binary)
    names = field_names.map(_check_field_name)
    text = _text_bodies(128)
    fields = st.builds(_Part, names, st.none(), st.none(), text)
    if binary:
        files = st.builds(
            _Part,
            names,
            _filenames,
            st.sampled_from(_FILE_TYPES),
            st.one_of(st.binary(max_size=128), _binary_bodies(128)),
        )
    else:
        files = st.builds(_Part, names, _filenames, st.just("text/plain"), text)
    parts = st.lists(st.one_of(fields, files), min_size=min_parts, max_size=max_parts)
    return st.builds(_encode_multipart, parts, _boundaries)


# -- images ----------------------------------------------------------------------------------------------
def _tiled(seed: bytes, size: int) -> bytes:
    return (seed * (size // len(seed) + 1))[:size] if seed else bytes(size)


def _encode_image(combination: tuple[str, str], width: int, height: int, seed: bytes) -> bytes:
    """An image file of ``width`` x ``height`` pixels in a (format, mode) ``combination``, its pixels (and
    palette) repeating ``seed``."""
    from PIL import Image  # noqa: PLC0415 - Pillow is optional: images() checked it is there

    image_format, mode = combination
    needed = (
        len(Image.new(mode, (1, 1)).tobytes()) * width * height if mode != "1" else (width + 7) // 8 * height
    )
    image = Image.frombytes(mode, (width, height), _tiled(seed, needed))
    if mode in ("P", "PA"):
        image.putpalette(_tiled(seed, 768))
    if image_format == "WEBP" and mode == "RGBA":
        low, _ = image.getextrema()[3]  # type: ignore[misc]
        if low == 255:  # WebP drops an opaque alpha channel: keep one pixel translucent
            red, green, blue, _ = image.getpixel((0, 0))  # type: ignore[misc]
            image.putpixel((0, 0), (red, green, blue, 254))
    buffer = io.BytesIO()
    image.save(buffer, format=image_format)
    return buffer.getvalue()


def images(
    *,
    formats: Sequence[str] = ("PNG", "JPEG", "GIF", "WEBP", "TIFF", "BMP"),
    modes: Sequence[str] | None = None,
    min_size: int = 1,
    max_size: int = 64,
) -> SearchStrategy[bytes]:
    """Encoded image files made with Pillow, in the formats clients upload.

    Only format and mode combinations that Pillow writes and reads back unchanged are drawn (see
    :data:`IMAGE_MODES`: JPEG in ``L``, ``RGB``, ``CMYK``; PNG in ``1``, ``L``, ``LA``, ``P``, ``RGB``,
    ``RGBA``, ``I;16``...), so ``Image.open`` gives back the drawn format, mode and size. Pixels repeat
    a drawn pattern; palette images get a drawn palette. :func:`requests` sends them as ``image/png``,
    ``image/jpeg``...

    Pillow is needed (it is a test dependency of this project); without it the call raises
    :class:`ImportError`.

    :param formats: Pillow format names among ``PNG``, ``JPEG``, ``GIF``, ``WEBP``, ``TIFF`` and ``BMP``
        (any case), in shrinking order.
    :param modes: the Pillow modes to draw (``("RGB", "RGBA")``), or None for every mode of each format.
    :param min_size: the smallest width and height, in pixels (at least 1).
    :param max_size: the largest width and height, in pixels.

    Example::

        @given(image=images(formats=("JPEG",), max_size=16))
        def test_thumbnail(image):
            response = gw.request("POST", "/thumbnail", data=image, headers={"Content-Type": "image/jpeg"})
            assert response.status_code == 200

    Examples shrink towards a black 1x1 image in the first format and its first mode (an RGB PNG by
    default).
    """
    names = _check_names("formats", formats)
    if not names:
        raise InvalidArgument("formats=() must name at least one format")
    chosen = []
    for name in names:
        upper = name.upper()
        if upper not in IMAGE_MODES:
            raise InvalidArgument(
                f"formats holds the unknown format {name!r}: choose among {', '.join(IMAGE_MODES)}"
            )
        if upper not in chosen:
            chosen.append(upper)
    if modes is not None:
        wanted = _check_names("modes", modes)
        for mode in wanted:
            if mode not in _ALL_MODES:
                raise InvalidArgument(
                    f"modes holds the unknown mode {mode!r}: choose among {sorted(_ALL_MODES)}"
                )
        combinations = [(f, m) for f in chosen for m in IMAGE_MODES[f] if m in wanted]
        if not combinations:
            raise InvalidArgument(
                f"no format of formats={tuple(chosen)} can be written in modes={tuple(wanted)}"
            )
    else:
        combinations = [(f, m) for f in chosen for m in IMAGE_MODES[f]]
    _check_range("min_size", min_size, "max_size", max_size, minimum=1)
    if "WEBP" in chosen and max_size > 16383:
        raise InvalidArgument(f"max_size={max_size} is larger than WebP's limit of 16383 pixels")
    try:
        from PIL import features  # noqa: PLC0415 - Pillow is optional
    except ImportError as err:
        raise ImportError(
            "apigw_emulator.strategies.images() needs Pillow: pip install Pillow", name=err.name
        ) from err
    if "WEBP" in chosen and not features.check("webp"):
        raise InvalidArgument("formats holds 'WEBP', but this Pillow was built without WebP support")
    sizes = st.integers(min_size, max_size)
    return st.builds(_encode_image, st.sampled_from(combinations), sizes, sizes, st.binary(max_size=64))


# -- requests --------------------------------------------------------------------------------------------
_BMP_HEADER = 14


def _image_type(body: bytes) -> str | None:
    """The ``image/*`` type whose file signature starts ``body``, if any."""
    if body.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if body.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if body.startswith((b"GIF87a", b"GIF89a")):
        return "image/gif"
    if body.startswith(b"RIFF") and body[8:12] == b"WEBP":
        return "image/webp"
    if body.startswith((b"II*\x00", b"MM\x00*")):
        return "image/tiff"
    if (
        body.startswith(b"BM")
        and len(body) >= _BMP_HEADER
        and int.from_bytes(body[2:6], "little") == len(body)
        and body[6:10] == b"\x00\x00\x00\x00"
    ):
        return "image/bmp"
    return None


def _content_type_of(body: bytes) -> str | None:
    """The Content-Type a client sends with ``body``: none without a body, ``image/*`` for an image
    file, ``text/plain; charset=utf-8`` for UTF-8 text, ``application/octet-stream`` otherwise."""
    if not body:
        return None
    image_type = _image_type(body)
    if image_type is not None:
        return image_type
    try:
        body.decode("utf-8")
    except UnicodeDecodeError:
        return "application/octet-stream"
    return "text/plain; charset=utf-8"


def _body_and_type(value: object) -> tuple[bytes, str | None]:
    if isinstance(value, bytes):
        return value, _content_type_of(value)
    if (
        isinstance(value, tuple)
        and len(value) == 2
        and (value[0] is None or isinstance(value[0], str))
        and isinstance(value[1], bytes)
    ):
        return value[1], value[0]
    raise InvalidArgument(f"bodies drew {value!r}: it must draw bytes or (content_type or None, bytes) pairs")


def _assemble_request(
    method: str, path: str, query: str, pairs: Iterable[Header], body: object
) -> HttpRequest:
    data, content_type = _body_and_type(body)
    kept = [pair for pair in pairs if pair[0].lower() != "content-type"]
    if content_type is not None:
        kept.append(("Content-Type", content_type))
    try:
        return HttpRequest(method, path, query).replace(headers=kept, body=data)
    except ValueError as err:  # InvalidRequestError
        raise InvalidArgument(f"the drawn parts do not make a request a client can send: {err}") from err


def requests(
    *,
    methods: SearchStrategy[str] = http_methods(),
    paths: SearchStrategy[str] = paths(),
    queries: SearchStrategy[str] = query_strings(),
    headers: SearchStrategy[Iterable[Header]] = headers(),
    bodies: SearchStrategy[BodyValue] = bodies(),
) -> SearchStrategy[HttpRequest]:
    """:class:`~apigw_emulator.HttpRequest` values: one request as a client puts it on the wire.

    The ``Content-Type`` always matches the body: none for an empty body, ``image/png`` (``jpeg``,
    ``gif``, ``webp``, ``tiff``, ``bmp``) for bytes that start with that image signature,
    ``text/plain; charset=utf-8`` for other UTF-8 text, ``application/octet-stream`` for other bytes,
    and the drawn type for ``(content_type, body)`` pairs such as :func:`multipart_bodies` draws
    (``None``: no Content-Type). A Content-Type drawn by ``headers`` is dropped for it.
    The paths carry no stage or base path: aim requests at a configured API with :func:`from_gateway`.

    :param methods: the strategy of methods.
    :param paths: the strategy of raw paths.
    :param queries: the strategy of raw query strings.
    :param headers: the strategy of ``(name, value)`` pairs.
    :param bodies: the strategy of bodies: bytes, or ``(content_type, body)`` pairs.

    Example::

        @given(requests(bodies=st.one_of(images(), multipart_bodies())))
        def test_uploads(request):
            event = Gateway(None, api="http").build_event(request)
            assert event["isBase64Encoded"]

    Examples shrink by shrinking each part: towards ``GET /`` with no query, no header and no body.
    """
    _check_strategy("methods", methods)
    _check_strategy("paths", paths)
    _check_strategy("queries", queries)
    _check_strategy("headers", headers)
    _check_strategy("bodies", bodies)
    return st.builds(_assemble_request, methods, paths, queries, headers, bodies)


# -- requests for a configured API -----------------------------------------------------------------------
def _join_segments(*segments: str) -> str:
    return "/" + "/".join(segments)


def _route_paths(route: Route) -> SearchStrategy[str | None]:
    """Application paths (under the stage or base path) that ``route`` matches; None for ``$default``,
    which matches the drawn request's own path."""
    if route.path == "$default":
        return st.none()
    segment = _segments()
    parts: list[SearchStrategy[str]] = []
    for template in route.segments:
        if template.endswith("+}"):
            parts.append(st.lists(segment, min_size=1, max_size=3).map("/".join))
        elif template.startswith("{"):
            parts.append(segment)
        else:
            parts.append(st.just(template))
    return st.builds(_join_segments, *parts)


def _aim(prefix: str, request: HttpRequest, target: tuple[Route, str | None]) -> HttpRequest:
    route, app_path = target
    method = request.method if route.method == "ANY" else route.method
    return dataclasses.replace(
        request, method=method, path=prefix + (request.path if app_path is None else app_path)
    )


def from_gateway(
    gateway: Gateway, *, requests: SearchStrategy[HttpRequest] = requests()
) -> SearchStrategy[HttpRequest]:
    """Requests that reach a route of ``gateway``: never a ``RouteNotFoundError``.

    Each example picks one of ``gateway.config.routes`` and fills its template: static segments as
    written, a ``{param}`` with one drawn segment, a greedy ``{proxy+}`` with one to three; the
    method is the route's (a drawn one for ``ANY``); ``$default`` keeps the drawn path. The path is put
    under the gateway's stage or base path (``/Prod/items/a%20b``), as clients call :attr:`Gateway.url
    <apigw_emulator.Gateway.url>`. A more specific route may win the match: the request reaches *a*
    route, not necessarily the drawn one. Query, headers and body come from ``requests``.

    :param gateway: the configured front door.
    :param requests: the strategy of requests whose method and path are replaced.

    Example::

        gw = Gateway(handler, api="http", routes=["GET /items/{id}", "POST /items"], stage="v1")

        @given(from_gateway(gw))
        def test_api(request):
            assert gw.invoke(request).response.status < 500

    Examples shrink towards the first route, then as ``requests`` and :func:`paths` shrink.
    """
    if not isinstance(gateway, Gateway):
        raise InvalidArgument(f"gateway={gateway!r} must be an apigw_emulator.Gateway")
    _check_strategy("requests", requests)
    routes = gateway.config.routes
    if not routes:
        raise InvalidArgument("gateway has no routes: no request can reach it")
    targets = st.one_of([st.tuples(st.just(route), _route_paths(route)) for route in routes])
    return st.builds(_aim, st.just(gateway.config.url_prefix), requests, targets)


#: Arrival times of generated events, in milliseconds: 2020-01-01 to 2035-12-31 UTC.
_ARRIVAL_TIMES = st.integers(1_577_836_800_000, 2_082_758_399_999)


def _event(gateway: Gateway, request: HttpRequest, seed: int, epoch_ms: int) -> dict[str, Any]:
    """The event of ``request`` with ids drawn from ``seed`` and the arrival time ``epoch_ms``, so that
    hypothesis can replay it (the test's own random state is not touched)."""
    stamp = RequestStamp.new(
        uuid_request_id=gateway.api not in ("http", "http-v1"),
        now=(epoch_ms + 0.5) / 1000,
        rng=random.Random(seed),
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", BinaryBodyCorruptedWarning)
        return gateway.build_event(request, stamp)


def events(
    *, api: str = "rest", requests: SearchStrategy[HttpRequest] = requests(), **gateway_options: Any
) -> SearchStrategy[dict[str, Any]]:
    """Events of one front door: what ``Gateway(None, api=api, **gateway_options).build_event`` gives
    for requests aimed at its routes by :func:`from_gateway` (so none raises ``RouteNotFoundError``).

    The events are as the Lambda receives them before its JSON round trip. Their ids are drawn and their
    arrival times lie between 2020 and 2035 (UTC), so that a failing example replays exactly. (Mapping
    ``Gateway.build_event`` over a strategy instead would give fresh ids that hypothesis cannot replay;
    in a test body it is fine: ``gw.build_event(request)`` for a request drawn from
    :func:`from_gateway`.)
    Where AWS corrupts a body (a REST API whose ``binaryMediaTypes`` do not match a binary body), the
    event holds the U+FFFD text as on AWS, and no ``BinaryBodyCorruptedWarning`` is emitted: generated
    data is not a mistake of the test.

    :param api: ``"rest"``, ``"http"``, ``"http-v1"``, ``"function-url"`` or ``"alb"``.
    :param requests: the strategy of requests whose method and path are aimed at the routes.
    :param gateway_options: any keyword argument of :class:`~apigw_emulator.Gateway` (``routes``,
        ``stage``, ``binary_media_types``, ``multi_value_headers``...).

    Example::

        @given(event=events(api="rest", binary_media_types=["*/*"], routes=["POST /upload"]))
        def test_handler(event):
            assert handler(event, context)["statusCode"] == 200

    Examples shrink as :func:`from_gateway` examples do, towards the time 2020-01-01T00:00:00Z.
    """
    if api not in _APIS:
        raise InvalidArgument(f"api={api!r} must be one of {', '.join(repr(a) for a in _APIS)}")
    _check_strategy("requests", requests)
    try:
        gateway = Gateway(None, api=api, **gateway_options)
    except (ConfigurationError, TypeError) as err:
        raise InvalidArgument(f"invalid gateway option for events(): {err}") from err
    return st.builds(
        functools.partial(_event, gateway),
        from_gateway(gateway, requests=requests),
        st.integers(0, 2**32 - 1),
        _ARRIVAL_TIMES,
    )


def from_template(
    path: str | os.PathLike[str],
    *,
    template_api: str | None = None,
    function: str | None = None,
    api: str | None = None,
    parameters: Mapping[str, str] | None = None,
    custom_domain: bool = False,
    requests: SearchStrategy[HttpRequest] = requests(),
) -> SearchStrategy[HttpRequest]:
    """Requests that reach a route of the API a SAM or CloudFormation template declares.

    A thin wrapper: :func:`apigw_emulator.template.gateway_kwargs_from_template` reads the template
    (importing the function's handler, and PyYAML for YAML files) when this is called, and the requests
    come from :func:`from_gateway` for the :class:`~apigw_emulator.Gateway` it describes.

    :param path: the template file.
    :param template_api: the logical id of the API or function URL, needed when the template has several.
    :param function: the logical id of the function, needed when the API's routes go to several.
    :param api: the front door (``"rest"``, ``"http"``...), as everywhere: it chooses among the template's
        APIs by kind.
    :param parameters: template parameter values, overriding their defaults.
    :param custom_domain: serve the API through the custom domain of SAM's ``Domain`` property.
    :param requests: the strategy of requests whose method and path are aimed at the routes.
    :raises InvalidArgument: also when the template cannot be used (the loader's ``TemplateError``, which
        names the file and property, is the cause).

    Example::

        @given(from_template("template.yaml", api="rest", requests=requests(bodies=images())))
        def test_every_route_takes_images(request): ...

    Examples shrink as :func:`from_gateway` examples do.
    """
    if not isinstance(path, (str, os.PathLike)):
        raise InvalidArgument(f"path={path!r} must be a str or a path")
    for name, value in (("template_api", template_api), ("function", function), ("api", api)):
        if value is not None and not isinstance(value, str):
            raise InvalidArgument(f"{name}={value!r} must be a str or None")
    if parameters is not None and not isinstance(parameters, Mapping):
        raise InvalidArgument(f"parameters={parameters!r} must be a mapping or None")
    _check_bool("custom_domain", custom_domain)
    _check_strategy("requests", requests)
    from .template import gateway_kwargs_from_template  # noqa: PLC0415 - needs PyYAML; rarely used

    try:
        _, gateway_kwargs = gateway_kwargs_from_template(
            path,
            template_api=template_api,
            function=function,
            api=api,
            parameters=parameters,
            custom_domain=custom_domain,
        )
    except ConfigurationError as err:  # TemplateError names the file, the property and the problem
        raise InvalidArgument(f"path={os.fspath(path)!r} cannot be used: {err}") from err
    return from_gateway(Gateway(None, **gateway_kwargs), requests=requests)
