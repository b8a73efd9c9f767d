"""Which multipart parser the function uses, by measurement: the fastest of the correct candidates.

Correctness first (the same cases for every candidate), then speed on two bodies: four 100 KB parts (the
PERFORMANCE.md shape) and one curl upload of a 10 KB JPEG. The function's parser is benchmarked with the
other candidates as in-test baselines, so that the ratios come from one run.
"""

from __future__ import annotations

import functools
import random
from collections.abc import Callable

import pytest

from tests.benchmarks._timing import Timing

from .._http import FormPart, multipart_body
from ..conftest import image_bytes
from ._candidates import CANDIDATES, Parsed

BOUNDARY = "----------------------------bench0123456789"
CONTENT_TYPE = f"multipart/form-data; boundary={BOUNDARY}"
#: Binary content with boundary-like bytes RFC 2046 allows (not a line starting with the delimiter).
TRICKY = b"\xff\xd8 --" + BOUNDARY.encode() + b" \r\n--" + BOUNDARY[:-1].encode() + b"\r\n\r\n\x00"


def correctness_cases() -> list[tuple[str, bytes, str, Parsed | None]]:
    """(case, body, content type, expected parts or None when the body must be rejected)."""
    parts = [
        FormPart("image", TRICKY, "a.jpg", "image/jpeg"),
        FormPart("note", b"text"),
        FormPart("image", b""),
    ]
    expected: Parsed = [("image", TRICKY), ("note", b"text"), ("image", b"")]
    body = multipart_body(parts, BOUNDARY)
    return [
        ("several parts, boundary-like bytes", body, CONTENT_TYPE, expected),
        ("quoted boundary", body, f'multipart/form-data; boundary="{BOUNDARY}"', expected),
        (
            "preamble and epilogue",
            multipart_body(parts, BOUNDARY, preamble=b"pre", epilogue=b"epi"),
            CONTENT_TYPE,
            expected,
        ),
        ("no close delimiter", multipart_body(parts, BOUNDARY, close=False), CONTENT_TYPE, None),
        ("cut inside a part", body[: len(body) // 2], CONTENT_TYPE, None),
    ]


def is_correct(parser_name: str) -> bool:
    """Whether a candidate gets every correctness case right (parts, or a rejection)."""
    parser = CANDIDATES[parser_name]
    for _, body, content_type, expected in correctness_cases():
        try:
            parsed: Parsed | None = parser(body, content_type)
        except Exception:  # each library has its own error types: any exception is a rejection
            parsed = None
        if parsed != expected:
            return False
    return True


def test_correct_candidates() -> None:
    """Measured: requests-toolbelt accepts a body without its close delimiter (keeping the CRLF before it in
    the content) and fails on a preamble; the function's parser and ``multipart`` are correct."""
    assert {name for name in CANDIDATES if is_correct(name)} == {"function", "multipart"}


def bodies() -> dict[str, bytes]:
    """The benchmark bodies: four 100 KB random binary parts; one curl-style 10 KB JPEG upload."""
    rng = random.Random(20261125)
    four = [
        FormPart("image", rng.randbytes(100_000), f"{i}.bin", "application/octet-stream") for i in range(4)
    ]
    photo = [FormPart("image", image_bytes("photo-400x600.jpg"), "photo.jpg", "image/jpeg")]
    return {"4x100KB": multipart_body(four, BOUNDARY), "curl-10KB-jpeg": multipart_body(photo, BOUNDARY)}


#: Highest accepted time of the function's parser over each other candidate's, per body. On a curl upload
#: (the function's traffic) it must be faster than both. On four 100 KB parts the function's parser and
#: ``multipart`` spend most of their time in the same C calls: ``bytes.find`` over each part (~30 us of
#: ~50) and one copy of it (~9 us). Only the few microseconds of Python per part differ, so the function's
#: parser is ahead by that, not by a factor: 49 us against 58 us (0.85x) in the separate benchmarks below,
#: 0.95x before its per-part work was cut. The in-test ratio, whose baseline is sampled before and after
#: the benchmark, spread over 0.65-1.04x in 15 timed runs (median 0.84x) on this shared machine, and once
#: reached 1.19x from 0.95x: the 15 % tolerance stays.
MAX_RATIO = {
    ("curl-10KB-jpeg", "toolbelt"): 1.0,
    ("curl-10KB-jpeg", "multipart"): 1.0,
    ("4x100KB", "toolbelt"): 1.0,
    ("4x100KB", "multipart"): 1.15,
}


@pytest.mark.benchmark(group="multipart")
@pytest.mark.parametrize("body_name", ["4x100KB", "curl-10KB-jpeg"])
def test_function_parser_is_the_fastest_correct_one(timing: Timing, body_name: str) -> None:
    """The function's parser against the other candidates on the same body, in the same run."""
    body = bodies()[body_name]
    expected = CANDIDATES["multipart"](body, CONTENT_TYPE)
    others: dict[str, Callable[[], object]] = {
        name: functools.partial(parser, body, CONTENT_TYPE)
        for name, parser in CANDIDATES.items()
        if name != "function"
    }
    parsed = timing.run(lambda: CANDIDATES["function"](body, CONTENT_TYPE), baselines=others)
    assert parsed == expected == CANDIDATES["toolbelt"](body, CONTENT_TYPE)
    for name in others:
        ratio = timing.ratio(name)
        if ratio is not None:
            limit = MAX_RATIO[body_name, name]
            assert ratio < limit, (
                f"the function's parser takes {ratio:.2f}x the time of {name} (limit {limit})"
            )


@pytest.mark.benchmark(group="multipart")
@pytest.mark.parametrize("parser_name", sorted(CANDIDATES))
def test_each_candidate_on_four_100kb_parts(timing: Timing, parser_name: str) -> None:
    """Each candidate alone, for pytest-benchmark's comparison table."""
    body = bodies()["4x100KB"]
    parsed = timing.run(lambda: CANDIDATES[parser_name](body, CONTENT_TYPE))
    assert [len(content) for _, content in parsed] == [100_000] * 4
