"""Memory: a request costs about its body, whatever the image's pixel count; no pixel buffer is created."""

from __future__ import annotations

import io
import tracemalloc
from collections.abc import Callable

import numpy as np
import pytest
from PIL import Image, _imaging

from function.app import lambda_handler

from ._http import curl_form
from .conftest import IMAGES, image_bytes, rest_gateway

MB = 1_000_000


def peak_allocated(fn: Callable[[], object]) -> int:
    """Peak bytes allocated by Python (and numpy) while ``fn`` runs, after a warm-up call."""
    fn()
    tracemalloc.start()
    try:
        fn()
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return peak


def pillow_images_created() -> int:
    """How many image memories Pillow's C core has ever created in this process (pixel buffers are
    allocated there, outside tracemalloc's sight)."""
    stats: dict[str, int] = _imaging.get_stats()  # what PIL.Image.core is
    return stats["new_count"]


@pytest.mark.parametrize("multipart", [False, True], ids=["raw", "multipart"])
def test_a_4000x3000_request_peaks_within_8_mb_of_its_body(multipart: bool) -> None:
    """36 MB of pixels, ~260 KB of JPEG: the handler's peak stays near the body (base64 decode, part copy)
    instead of the 36 MB a decode takes."""
    body = image_bytes("photo-4000x3000.jpg")
    gateway = rest_gateway()
    if multipart:
        data, content_type = curl_form("image", "big.jpg", body)
        event = gateway.event("POST", "/shape", headers={"Content-Type": content_type}, body=data)
    else:
        event = gateway.event("POST", "/shape", headers={"Content-Type": "image/jpeg"}, body=body)
    assert lambda_handler(event, None)["statusCode"] == 200
    peak = peak_allocated(lambda: lambda_handler(event, None))
    assert peak - len(body) < 8 * MB, f"peak {peak / MB:.2f} MB for a {len(body) / MB:.2f} MB body"


def test_the_naive_decode_is_visible_to_the_measure() -> None:
    """The measure is not blind: ``numpy.array(Image.open(...))`` of the same file peaks at 36 MB+."""
    body = image_bytes("photo-4000x3000.jpg")
    assert peak_allocated(lambda: np.array(Image.open(io.BytesIO(body)))) >= 36 * MB


def test_no_pixel_buffer_is_ever_created() -> None:
    """Every fixture, bombs and damaged files included, through the handler: Pillow's core creates no image
    memory at all (header reads only)."""
    gateway = rest_gateway()
    events = [
        gateway.event("POST", "/nbytes", headers={"Content-Type": "image/png"}, body=path.read_bytes())
        for path in sorted(IMAGES.iterdir())
    ]
    before = pillow_images_created()
    statuses = {lambda_handler(event, None)["statusCode"] for event in events}
    assert pillow_images_created() == before
    assert statuses == {200, 413, 422}
