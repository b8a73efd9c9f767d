"""A bound on the size of a plain event's JSON, from the request and the configuration it was made of,
without writing it: below Lambda's 6 MB invocation limit, an in-process environment's event need not be
written at all (see :func:`~apigw_emulator.flow.lambda_proxy.invoke_function`).

A plain event (:mod:`apigw_emulator.flow.plain`) holds only text the builders copy from three places, in
fixed keys and containers: the request's text (method, path, query, header names and values, source
address, protocol), the configuration's text (ids, names, the stage, stage variables, route templates),
and the stamp's ids; its body is the request body base64-encoded or decoded as text. Whatever the front
door, in JSON:

- a character of text takes at most 6 bytes (``\\u001f``; UTF-8 needs at most 4 for one character), and
  text decoded from bytes (a body, a percent-escape) has at most one character per byte;
- a body is written once: at most 6 bytes a byte of the request body (base64 is 4/3 of it);
- a character of the request's text appears at most 5 times (a header value in ``headers``,
  ``multiValueHeaders``, an identity field and a joined ``X-Forwarded-For``; a path in ``path``, the
  context's path, ``rawPath`` and a path parameter), 30 bytes; each header and each query parameter
  (at least one character of the request each, or a header counted as one more) adds its keys, quotes,
  brackets and separators, under 34 bytes an occurrence: :data:`REQUEST_BYTES_PER_CHAR` is twice that;
- a character of the configuration's text appears at most :data:`CONFIG_OCCURRENCES` times, each string
  with its quotes and separators (:data:`CONFIG_BYTES_PER_STRING`);
- the rest (every key and fixed value of each front door's event, the stamp's ids, the headers the
  front door adds: well under 4 KB) is within :data:`FIXED_BYTES`.

``tests/test_event_size_bound.py`` checks the bound against the written JSON of every front door's
events, for requests made to approach it.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from ..config import GatewayConfig
from ..request import HttpRequest

__all__ = [
    "BODY_BYTES_PER_BYTE",
    "CONFIG_BYTES_PER_STRING",
    "CONFIG_OCCURRENCES",
    "FIXED_BYTES",
    "REQUEST_BYTES_PER_CHAR",
    "config_text_bound",
    "event_json_bound",
]

#: JSON bytes a character of the request's text (header, path, query, address...) can cost in an event.
REQUEST_BYTES_PER_CHAR = 64
#: JSON bytes a byte of the request body can cost (escaped text, or base64).
BODY_BYTES_PER_BYTE = 6
#: Times a string of the configuration can appear in one event.
CONFIG_OCCURRENCES = 8
#: Bytes of quotes, separators and a key around one string of the configuration.
CONFIG_BYTES_PER_STRING = 8
#: Every event's keys, fixed values, the stamp's ids and the front door's own headers.
FIXED_BYTES = 64 * 1024

#: Fields of a configuration whose values never reach an event (memos, and what only steers decisions).
_NOT_IN_EVENTS = frozenset({"route_cache", "text_type_cache", "binary_media_types", "text_media_types"})
#: Bounds of the configurations seen lately, by ``id`` (each kept alive by its entry: no id reused).
_BOUNDS: dict[int, tuple[GatewayConfig, int]] = {}
_BOUNDS_LIMIT = 64


def event_json_bound(request: HttpRequest, config: GatewayConfig) -> int:
    """At least the size in bytes of the JSON of a plain event the builders make of ``request`` under
    ``config`` (any front door), worked out from their lengths."""
    headers = request.headers
    chars = (
        len(request.method)
        + len(request.path)
        + len(request.query)
        + len(request.source_ip)
        + len(request.protocol)
        + len(headers)
    )
    for name, value in headers:
        chars += len(name) + len(value)
    return (
        REQUEST_BYTES_PER_CHAR * chars
        + BODY_BYTES_PER_BYTE * len(request.body)
        + config_text_bound(config)
        + FIXED_BYTES
    )


def config_text_bound(config: GatewayConfig) -> int:
    """At most what the configuration's text adds to an event's JSON (computed once per configuration)."""
    seen = _BOUNDS.get(id(config))
    if seen is not None and seen[0] is config:
        return seen[1]
    bound = sum(
        _text_bound(getattr(config, field.name))
        for field in dataclasses.fields(config)
        if field.name not in _NOT_IN_EVENTS
    )
    if len(_BOUNDS) >= _BOUNDS_LIMIT:
        _BOUNDS.clear()
    _BOUNDS[id(config)] = (config, bound)
    return bound


def _text_bound(value: Any) -> int:
    """The bound of the text in ``value``: each string's JSON (its characters, quotes and separators)
    times the times it can appear; a number as its text (a plain configuration holds nothing else)."""
    if value is None or value.__class__ is bool:
        return 0
    if isinstance(value, str):
        return CONFIG_OCCURRENCES * (6 * len(value) + CONFIG_BYTES_PER_STRING)
    if isinstance(value, (int, float)):
        return CONFIG_OCCURRENCES * (len(repr(value)) + CONFIG_BYTES_PER_STRING)
    if isinstance(value, (tuple, list, frozenset, set)):
        return sum(_text_bound(item) for item in value)
    if isinstance(value, dict):
        return sum(_text_bound(key) + _text_bound(item) for key, item in value.items())
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return sum(_text_bound(getattr(value, field.name)) for field in dataclasses.fields(value))
    return CONFIG_OCCURRENCES * (6 * len(str(value)) + CONFIG_BYTES_PER_STRING)
