"""The whole handler call on a prepared event, against the naive handler of the same event: the body
decoded from base64, a form split with requests-toolbelt's ``MultipartDecoder``, each image decoded with
``numpy.array(Image.open(...))`` to get its shape.

Targets (asserted when timed): at least 50x faster than the naive handler for a 600x400 JPEG (raw or
as a form), at least 1000x for a 4000x3000 JPEG. Untimed (``--benchmark-disable``), each runs once and
checks the answer.

The naive decode is timed with the allocator settled (``tests.benchmarks._timing.settle_allocator``), as
a full benchmark run leaves it: the ratios are then the same whether this file runs alone or after the
other benchmarks.
"""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from typing import Any

import numpy as np
import pybase64
import pytest
from PIL import Image
from requests_toolbelt.multipart.decoder import MultipartDecoder

from function.app import lambda_handler
from tests.benchmarks._timing import Timing

from .._http import curl_form
from ..conftest import image_bytes, rest_gateway


def naive(event: dict[str, Any]) -> Callable[[], object]:
    """The naive handler of the same event, what the function avoids: the body decoded from base64, a form
    split with requests-toolbelt's ``MultipartDecoder``, and every pixel of each image decoded to get its
    shape."""
    content_type = event["headers"]["Content-Type"]

    def handle() -> list[tuple[int, ...]]:
        body = pybase64.b64decode(event["body"], validate=True)
        if content_type.startswith("multipart/"):
            images = [part.content for part in MultipartDecoder(body, content_type).parts]
        else:
            images = [body]
        return [np.array(Image.open(io.BytesIO(image))).shape for image in images]

    return handle


def prepared_event(data: bytes, *, multipart: bool = False) -> dict[str, Any]:
    """A REST API event for ``POST /shape`` with ``data`` raw or as a curl form, built once."""
    if multipart:
        body, content_type = curl_form("image", "photo.jpg", data)
    else:
        body, content_type = data, "image/jpeg"
    return rest_gateway().event("POST", "/shape", headers={"Content-Type": content_type}, body=body)


def run_against_naive(timing: Timing, event: dict[str, Any], min_speedup: float) -> Any:
    """Benchmark the handler on ``event``, the naive handler of it as baseline; check the ratio."""
    response = timing.run(lambda: lambda_handler(event, None), baselines={"naive": naive(event)})
    ratio = timing.ratio("naive")
    if ratio is not None:
        timing.record(speedup=1 / ratio)
        assert 1 / ratio >= min_speedup, f"only {1 / ratio:.0f}x faster than the naive decode"
    assert response["statusCode"] == 200
    return json.loads(response["body"])


@pytest.mark.benchmark(group="handler")
@pytest.mark.parametrize("multipart", [False, True], ids=["raw", "multipart"])
def test_600x400_jpeg_50x_faster_than_naive(timing: Timing, multipart: bool) -> None:
    """A 600x400 (height x width) JPEG, raw and as a form."""
    data = image_bytes("photo-400x600.jpg")
    shape = run_against_naive(timing, prepared_event(data, multipart=multipart), 50)
    assert shape == ([[600, 400, 3]] if multipart else [600, 400, 3])


@pytest.mark.benchmark(group="handler")
def test_seed_photo_50x_faster_than_naive(timing: Timing, cat_jpeg: bytes) -> None:
    """The original project's cat.jpg, a real photo of 600x400."""
    assert run_against_naive(timing, prepared_event(cat_jpeg), 50) == [600, 400, 3]


@pytest.mark.benchmark(group="handler")
def test_4000x3000_jpeg_1000x_faster_than_naive(timing: Timing) -> None:
    """A 12-megapixel JPEG: the naive decode allocates 36 MB; the handler reads the frame header."""
    data = image_bytes("photo-4000x3000.jpg")
    assert run_against_naive(timing, prepared_event(data), 1000) == [3000, 4000, 3]


@pytest.mark.benchmark(group="handler-formats")
@pytest.mark.parametrize(
    "name", ["small-64x48.png", "small-64x48.gif", "small-64x48.webp", "small-64x48.tiff"]
)
def test_pillow_path_formats(timing: Timing, name: str) -> None:
    """Formats read through ``PIL.Image.open`` (no ratio target: recorded for the record)."""
    event = prepared_event(image_bytes(name))
    response = timing.run(lambda: lambda_handler(event, None))
    assert response["statusCode"] == 200
