"""The Lambda Python runtime's JSON: how an event reaches a handler and how a result leaves it."""

from __future__ import annotations

import binascii
import json
import os
import re
from typing import Any

import orjson

from ..codec import b64decode, is_known_base64
from ..runtime._bootstrap import _Encoder
from ..runtime.model import SplicedJSON

__all__ = ["event_round_trip", "round_trip", "runtime_dumps", "runtime_loads"]


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


def _dumps(value: Any, *, vouched: bool = False) -> tuple[bytes, bool]:
    """:func:`runtime_dumps`, and whether orjson wrote it (then orjson reads it back as ``json`` would).
    ``vouched``: the caller knows ``value`` holds plain types only (:func:`_orjson_wrote_runtime_json`).
    """
    try:
        payload = orjson.dumps(value, default=_reject, option=_ORJSON_STRICT)
    except TypeError:
        return _stdlib_dumps(value), False
    if vouched or _orjson_wrote_runtime_json(value):
        return payload, True
    return _stdlib_dumps(value), False


def _stdlib_dumps(value: Any) -> bytes:
    """What the runtime's encoder writes of a value orjson does not write as it does (see
    :func:`runtime_dumps`): awslambdaric's rules (a Decimal as its number, NaN and infinities as such,
    ``bytes`` as UTF-8 text, named tuples as objects), shared with the emulator's own worker runtime.

    :raises TypeError: for what it cannot encode (a UUID, an Enum, a set...); ValueError for a cycle.
    """
    return _Encoder(ascii_only=False).encode(value).encode("utf-8", "surrogatepass")


#: Types whose values orjson (with :data:`_ORJSON_STRICT`) writes as the runtime's encoder does, besides
#: finite floats, dicts, lists and tuples.
_PLAIN_LEAVES = frozenset({str, int, bool, type(None)})


def _orjson_wrote_runtime_json(value: Any) -> bool:
    """Whether the JSON orjson wrote of ``value`` is the runtime's: every part a dict, list, tuple,
    ``str``, ``int``, ``bool``, None or finite float (by exact type). orjson also writes what the runtime
    refuses (a UUID, an Enum) or writes otherwise (NaN and infinities, which orjson writes as null). Only
    called once orjson wrote ``value``, so it has no cycle."""
    pending = [value]
    pop, extend = pending.pop, pending.extend
    while pending:
        item = pop()
        kind = type(item)
        if kind is dict:
            extend(item.values())
        elif kind is list or kind is tuple:
            extend(item)
        elif kind is float:
            if item - item != 0.0:  # NaN or an infinity
                return False
        elif kind not in _PLAIN_LEAVES:
            return False
    return True


#: Below this estimate a big body's JSON size is not computed exactly (it cannot reach a limit); see
#: :func:`round_trip`.
_EXACT_SIZE_FROM = 3 * 1024 * 1024
#: Body strings longer than this are measured, not serialised, by :func:`round_trip`.
_BIG_STRING = 64 * 1024


#: A run of 16 digits: a number orjson might not read as ``json`` does (an integer over 64 bits becomes a
#: float there; a float of 16 or more significant digits is left to the stdlib too).
_LONG_DIGITS = re.compile(rb"[0-9]{16}")


def runtime_loads(payload: bytes) -> Any:
    """Read JSON as the standard library's ``json.loads`` does, with orjson where that gives the same value.

    orjson reads what it accepts as ``json`` does (same types, same floats, the last of duplicate keys,
    the keys' order) except integers over 64 bits, which it turns into floats: a payload holding a run of
    16 digits goes to the stdlib. What orjson refuses (NaN and infinities, lone surrogates, encodings
    other than UTF-8, a byte order mark, numbers out of a double's range, nesting past 1,024 levels) is
    read by the stdlib, which accepts it or raises as it always did.

    :raises ValueError: (``json.JSONDecodeError``, ``UnicodeDecodeError``) when ``json`` raises it.
    :raises RecursionError: when ``json`` does.
    """
    if _LONG_DIGITS.search(payload) is None:
        try:
            return orjson.loads(payload)
        except orjson.JSONDecodeError:
            pass
    return json.loads(payload)


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

    :raises TypeError, ValueError, RecursionError: when the runtime could not serialise ``value``
        (``Runtime.MarshalError``: a type it does not write, a cycle, nesting too deep).
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


#: From this length on, a plain event's base64 body is sent apart from the rest of its JSON (see
#: :func:`_spliced`). Below it, orjson writing the whole event costs less: measured through ``serve``, a
#: 1.4 MB body was 0.1 ms of orjson's time, and its ASCII copy made apart cost more (a fresh buffer each
#: request, faulted in), while a 5.6 MB one took orjson 2 ms against 0.5 ms for the copy.
_SPLICE_FROM = _EXACT_SIZE_FROM

#: What stands for a big body while the rest of an event is written: text no event holds otherwise (the
#: request's characters are checked, and NUL cannot be in a header; the random part rules out the rest).
_BODY_MARKER = f"\x00apigw-emulator-body-{os.urandom(8).hex()}\x00"
_BODY_MARKER_JSON = orjson.dumps(_BODY_MARKER)


def _spliced(event: dict[str, Any], body: str) -> SplicedJSON | None:
    """The JSON of a plain event whose big body is base64 the builder wrote (nothing in it needs an
    escape), written without the body (see :class:`~apigw_emulator.runtime.model.SplicedJSON`); None
    when that cannot be done exactly (then the event is written whole)."""
    try:
        payload = orjson.dumps({**event, "body": _BODY_MARKER}, default=_reject, option=_ORJSON_STRICT)
    except TypeError:
        return None
    if payload.count(_BODY_MARKER_JSON) != 1:
        return None
    head, _, tail = payload.partition(_BODY_MARKER_JSON)
    return SplicedJSON(head + b'"', body, b'"' + tail)


def event_round_trip(event: Any, *, plain: bool = False) -> tuple[int, Any, bytes | SplicedJSON | None]:
    """:func:`round_trip` of an event, and its JSON when orjson wrote all of it (a small body): the bytes
    a worker process gets, written once. None when the body was left out, or the stdlib wrote it (what
    orjson reads back differently: integers over 64 bits, lone surrogates).

    A plain event's big base64 body (the builder's) is not written with the rest: its JSON comes back as
    a :class:`~apigw_emulator.runtime.model.SplicedJSON`.

    :param plain: the caller vouches that ``event`` is fresh and made only of dicts, lists, plain ``str``,
        ``int``, ``bool`` and None, no container twice (an event builder's work from checked parts, see
        :attr:`FlowState.plain <apigw_emulator.flow.state.FlowState.plain>`): what JSON gives back is then
        an equal value of the same types, so ``event`` itself is handed over once orjson wrote it (which
        also proves it serialisable, and counts its bytes). Reading those bytes back would only copy it.
    """
    body = event.get("body") if type(event) is dict else None
    if type(body) is str and len(body) > _BIG_STRING:
        spliced = (
            _spliced(event, body)
            if plain and len(body) >= _SPLICE_FROM and event.get("isBase64Encoded") is True
            else None
        )
        if spliced is not None:
            return spliced.size, event, spliced
        size, parsed = round_trip(event)
        return size, parsed, None
    payload, by_orjson = _dumps(event, vouched=plain)
    if plain and by_orjson:
        return len(payload), event, payload
    return len(payload), _loads(payload, by_orjson), payload if by_orjson else None


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
