"""Reading a worker's result: ``runtime_loads`` gives exactly what the standard library's ``json.loads``
gives (the runtime's answer is read as Python's ``json`` reads it), with orjson only where it agrees."""

from __future__ import annotations

import json
import math
import struct
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from apigw_emulator.flow.runtime_json import round_trip, runtime_dumps, runtime_loads


def same(a: Any, b: Any) -> bool:
    """Equal values of the same types all the way down, floats by their bits (``-0.0`` is not ``0.0``,
    NaN is NaN), dict keys in the same order."""
    if type(a) is not type(b):
        return False
    if isinstance(a, float):
        return struct.pack("<d", a) == struct.pack("<d", b) or (math.isnan(a) and math.isnan(b))
    if isinstance(a, dict):
        return list(a) == list(b) and all(same(a[key], b[key]) for key in a)
    if isinstance(a, list):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b, strict=True))
    return bool(a == b)


scalars = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats()  # NaN and the infinities included: the stdlib writes and reads them
    | st.text()  # lone surrogates included: the stdlib escapes and reads them back
)
documents = st.recursive(
    scalars,
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=5), children, max_size=4)
    ),
    max_leaves=20,
)


@given(document=documents, ascii_only=st.booleans())
def test_what_the_runtimes_encoder_writes_is_read_exactly_as_json_reads_it(
    document: Any, ascii_only: bool
) -> None:
    payload = json.dumps(document, ensure_ascii=ascii_only).encode("utf-8", "surrogatepass")
    assert same(runtime_loads(payload), json.loads(payload))


@pytest.mark.parametrize(
    "payload",
    [
        b"123456789012345678901234567890",  # over 64 bits: orjson would give a float
        b'{"n": -9223372036854775809}',
        b"[0.1000000000000000055511151231257827]",  # more digits than a double holds
        b"1e400",  # out of a double's range: json gives inf
        b"-1e400",
        b"[NaN, Infinity, -Infinity]",
        b'"\\ud800"',  # a lone surrogate
        b'\xef\xbb\xbf{"bom": 1}',  # a UTF-8 byte order mark: json reads it
        '{"a": "\u00e9"}'.encode("utf-16"),  # json detects UTF-16
        b'{"a": 1, "a": 2}',  # the last of duplicate keys
        b"-0",
        b"-0.0",
        b"  {}  \n",
    ],
)
def test_what_orjson_would_read_otherwise_is_read_by_the_stdlib(payload: bytes) -> None:
    assert same(runtime_loads(payload), json.loads(payload))


@pytest.mark.parametrize("payload", [b"", b"{", b"[1,]", b'{"a" 1}', b"\xff", b'"\x01"', b"tru"])
def test_what_json_refuses_is_refused_with_jsons_error(payload: bytes) -> None:
    raised = []
    for loads in (json.loads, runtime_loads):
        try:
            loads(payload)
        except ValueError as exc:  # JSONDecodeError, UnicodeDecodeError
            raised.append((type(exc), str(exc)))
    assert len(raised) == 2
    assert raised[0] == raised[1]


#: Keys a result may have that JSON turns into text (the stdlib writes them; orjson refuses them).
result_keys = st.text(max_size=5) | st.integers() | st.booleans() | st.none()
results = st.recursive(
    scalars | st.decimals(allow_nan=False, places=3),
    lambda children: (
        st.lists(children, max_size=4)
        | st.tuples(children, children)
        | st.dictionaries(result_keys, children, max_size=4)
    ),
    max_leaves=20,
)


@given(result=results)
def test_a_results_round_trip_is_the_runtimes_encoding_read_back_as_json_reads_it(result: Any) -> None:
    try:
        payload = runtime_dumps(result)
    except (TypeError, ValueError):  # what the runtime cannot encode is refused the same way
        with pytest.raises((TypeError, ValueError)):
            round_trip(result)
        return
    size, parsed = round_trip(result)
    assert size == len(payload)
    assert same(parsed, json.loads(payload))
