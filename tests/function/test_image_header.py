"""Shape and size from the header equal ``numpy.asarray(img)``'s, for every mode and format; damaged files."""

from __future__ import annotations

import io
import struct
import tracemalloc
import warnings
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from PIL import Image

from function.image_header import (
    SUPPORTED_FORMATS,
    ImageInfo,
    ImageTooLargeError,
    InvalidImageError,
    TruncatedImageError,
    UnreadableImageError,
    describe,
)

from .conftest import IMAGES, image_bytes

#: Every mode of this Pillow: ``Image.MODES`` lists them since Pillow 10.2; older ones left out the
#: ``I;16`` family, ``La``, ``PA``, ``RGBa`` although they supported them.
MODES = sorted(
    set(Image.MODES) | {"I;16", "I;16B", "I;16L", "I;16N", "La", "PA", "RGBa", "LAB", "HSV", "RGBX"}
)
#: Pillow's default limit: ``1024 * 1024 * 1024 // 4 // 3``.
PILLOW_DEFAULT_MAX_PIXELS = 89_478_485
#: Save options tried per format: each (mode, format, options) Pillow can store is a round-trip case.
SAVE_OPTIONS: dict[str, list[dict[str, Any]]] = {
    "JPEG": [{}, {"progressive": True}, {"quality": 30, "subsampling": 0}],
    "PNG": [{}],
    "GIF": [{}],
    "WEBP": [{"lossless": True}, {"quality": 50}],
    "TIFF": [{}, {"compression": "tiff_lzw"}, {"compression": "tiff_deflate"}, {"compression": "packbits"}],
    "BMP": [{}],
}
VALID_FIXTURES = sorted(
    path.name
    for path in IMAGES.iterdir()
    if not path.name.startswith(("truncated-", "bomb-", "corrupt-", "not-an-image"))
)


def encode(img: Image.Image, fmt: str, options: dict[str, Any]) -> bytes:
    """``img`` saved as ``fmt``."""
    buffer = io.BytesIO()
    img.save(buffer, format=fmt, **options)
    return buffer.getvalue()


def sample(mode: str, size: tuple[int, int], seed: bytes = b"") -> Image.Image:
    """An image of ``mode`` with varied pixels (from random RGB where Pillow can convert, else blank)."""
    rgb = Image.frombytes(
        "RGB", size, (seed * (3 * size[0] * size[1] // max(len(seed), 1) + 1))[: 3 * size[0] * size[1]]
    )
    try:
        return rgb.convert(mode) if seed else Image.new(mode, size)
    except ValueError:
        return Image.new(mode, size)


def numpy_facts(data: bytes) -> tuple[tuple[int, ...], int]:
    """``numpy.asarray(Image.open(data))``'s shape and nbytes: the naive answer, pixels decoded."""
    with Image.open(io.BytesIO(data)) as img:
        array = np.asarray(img)
    return array.shape, array.nbytes


def storable_cases() -> list[tuple[str, str, dict[str, Any]]]:
    """Every (mode, format, options) whose save Pillow supports and whose file reopens and decodes."""
    cases = []
    for mode in MODES:
        for fmt, variants in SAVE_OPTIONS.items():
            for options in variants:
                try:
                    with warnings.catch_warnings():
                        # A combination this Pillow deprecates (e.g. I mode as PNG before 13) is not storable.
                        warnings.simplefilter("error")
                        numpy_facts(encode(sample(mode, (3, 2), b"\x10\x80\xf0"), fmt, options))
                except (OSError, ValueError, KeyError, TypeError, Warning):
                    continue
                cases.append((mode, fmt, options))
    return cases


STORABLE = storable_cases()


# -- modes --------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("mode", MODES)
def test_every_pillow_mode_matches_numpy(mode: str) -> None:
    """Shape and nbytes from (size, mode) equal numpy's, for each mode of this Pillow, odd sizes included."""
    for size in [(1, 1), (3, 2), (7, 5), (64, 48)]:
        img = Image.new(mode, size)
        array = np.asarray(img)
        info = ImageInfo(size[0], size[1], mode, "")
        assert (info.shape, info.nbytes) == (array.shape, array.nbytes)


def test_round_trip_cases_cover_every_format_and_many_modes() -> None:
    """The property below is not vacuous: each format, and nearly every mode, can be stored."""
    assert {fmt for _, fmt, _ in STORABLE} == set(SAVE_OPTIONS) == set(SUPPORTED_FORMATS)
    assert len({mode for mode, _, _ in STORABLE}) >= 0.75 * len(MODES)


@given(
    case=st.sampled_from(STORABLE),
    width=st.integers(1, 24),
    height=st.integers(1, 24),
    seed=st.binary(min_size=1, max_size=16),
)
def test_header_answer_equals_numpy_after_a_round_trip(
    case: tuple[str, str, dict[str, Any]], width: int, height: int, seed: bytes
) -> None:
    """For any image saved in any supported format and reopened, the header's shape and nbytes are
    those of ``numpy.asarray`` of what ``Image.open`` gives back (the mode may change on saving)."""
    mode, fmt, options = case
    data = encode(sample(mode, (width, height), seed), fmt, options)
    info = describe(data)
    assert (info.shape, info.nbytes) == numpy_facts(data)


@pytest.mark.parametrize("name", VALID_FIXTURES)
def test_fixtures_match_numpy(name: str) -> None:
    """Every valid committed fixture (MPO, progressive JPEG, CMYK, 16-bit...)."""
    data = image_bytes(name)
    info = describe(data)
    assert (info.shape, info.nbytes) == numpy_facts(data)


# -- the JPEG fast path -------------------------------------------------------------------------------------
def pillow_header(data: bytes) -> tuple[int, int, str]:
    """(width, height, mode) as ``Image.open`` reads them."""
    with Image.open(io.BytesIO(data)) as img:
        return img.width, img.height, img.mode


def with_frame(
    jpeg: bytes, marker: int | None = None, precision: int | None = None, components: int | None = None
) -> bytes:
    """``jpeg`` with fields of its SOF0 frame header rewritten."""
    pos = jpeg.index(b"\xff\xc0")
    data = bytearray(jpeg)
    if marker is not None:
        data[pos + 1] = marker
    if precision is not None:
        data[pos + 4] = precision
    if components is not None:
        data[pos + 9] = components
    return bytes(data)


def camera_exif() -> bytes:
    """EXIF with a camera make and an orientation (which numpy ignores, as the header answer does)."""
    exif = Image.Exif()
    exif[0x010F] = "camera"
    exif[0x0112] = 6
    return exif.tobytes()


@given(
    mode=st.sampled_from(sorted({mode for mode, fmt, _ in STORABLE if fmt == "JPEG"})),
    width=st.integers(1, 40),
    height=st.integers(1, 40),
    options=st.sampled_from(SAVE_OPTIONS["JPEG"]),
    exif=st.booleans(),
)
def test_jpeg_fast_path_agrees_with_pillow(
    mode: str, width: int, height: int, options: dict[str, Any], exif: bool
) -> None:
    """The frame-header scan gives Pillow's size and mode, with metadata segments in the way or not."""
    img = sample(mode, (width, height), b"\x01\x7f\xfe")
    extra = {"exif": camera_exif(), "comment": b"hi", "icc_profile": bytes(300)} if exif else {}
    data = encode(img, "JPEG", {**options, **extra})
    info = describe(data)
    assert (info.width, info.height, info.mode) == pillow_header(data)


@pytest.mark.parametrize(
    ("change", "error"),
    [
        ({"precision": 12}, UnreadableImageError),  # Pillow: "cannot handle 12-bit layers"
        ({"components": 2}, UnreadableImageError),  # Pillow: "cannot handle 2-layer images"
        ({"marker": 0xC3}, None),  # lossless frame: Pillow reads the header, the answer comes from it
    ],
)
def test_unusual_jpeg_frames_are_left_to_pillow(
    change: dict[str, int], error: type[Exception] | None
) -> None:
    """Frames the fast path does not answer for get Pillow's verdict."""
    data = with_frame(image_bytes("photo-400x600.jpg"), **change)
    if error is None:
        info = describe(data)
        assert (info.width, info.height, info.mode) == pillow_header(data)
    else:
        with pytest.raises(error):
            describe(data)


# -- damaged files ------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "name", ["truncated-400x600.jpg", "truncated-64x48.png", "truncated-64x48.gif", "truncated-64x48.tiff"]
)
def test_truncated_fixtures_keep_a_readable_header(name: str) -> None:
    """The fixtures are what they claim: Pillow still reads their header, the function refuses them."""
    assert pillow_header(image_bytes(name))
    with pytest.raises(TruncatedImageError, match="truncated"):
        describe(image_bytes(name))


@given(name=st.sampled_from(VALID_FIXTURES), data=st.data())
def test_a_cut_file_is_refused_or_answered_as_the_whole(name: str, data: st.DataObject) -> None:
    """Cut anywhere, a file is refused (truncated or unreadable), or it still holds the whole frame the
    answer describes: a truncated file never yields a different answer."""
    whole = image_bytes(name)
    cut = data.draw(st.integers(min_value=0, max_value=len(whole) - 1))
    try:
        info = describe(whole[:cut])
    except InvalidImageError:
        return
    assert info == describe(whole)


@pytest.mark.parametrize(
    "name",
    [
        "bilevel-64x48.png",
        "photo-400x600.jpg",
        "small-64x48.gif",
        "small-64x48.tiff",
        "small-64x48.webp",
        "small-64x48.bmp",
    ],
)
def test_one_byte_short_is_truncated(name: str) -> None:
    """Each format's completeness check catches the smallest cut (the trailer of a GIF excepted: its
    frame is complete without it)."""
    whole = image_bytes(name)
    cut = whole[:-2] if name.endswith(".gif") else whole[:-1]
    with pytest.raises(InvalidImageError):
        describe(cut)


@pytest.mark.parametrize(
    "data",
    [b"", b"\xff\xd8\xff", b"GIF89a", b"\x89PNG\r\n\x1a\n", b"RIFF\x00\x00\x00\x00WEBP", b"BM", b"II*\x00"],
)
def test_magic_numbers_alone_are_unreadable(data: bytes) -> None:
    """A format's signature without a header."""
    with pytest.raises(UnreadableImageError):
        describe(data)


def test_other_formats_are_refused() -> None:
    """Formats Pillow reads but this service does not accept (here PPM and ICO)."""
    for fmt in ("PPM", "ICO"):
        with pytest.raises(UnreadableImageError, match="not a JPEG, PNG"):
            describe(encode(Image.new("RGB", (16, 16)), fmt, {}))


# -- decompression bombs ------------------------------------------------------------------------------------
def test_pillow_limit_is_untouched() -> None:
    """Importing the function leaves Pillow's decompression-bomb limit as Pillow sets it."""
    assert Image.MAX_IMAGE_PIXELS == PILLOW_DEFAULT_MAX_PIXELS


@pytest.mark.parametrize("name", ["bomb-20000x5000.png", "bomb-20000x10000.png", "bomb-20000x5000.jpg"])
def test_bombs_are_too_large_without_allocating_pixels(name: str) -> None:
    """100 and 200 megapixel headers (Pillow's warning band and error band) over a few bytes: refused,
    and the refusal allocates nothing like the 300-600 MB the pixels would take."""
    data = image_bytes(name)
    tracemalloc.start()
    try:
        with pytest.raises(ImageTooLargeError, match=str(PILLOW_DEFAULT_MAX_PIXELS)):
            describe(data)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 1_000_000


def test_a_lowered_limit_applies_to_the_fast_path_too(monkeypatch: pytest.MonkeyPatch) -> None:
    """The limit is read at call time: an operator's lower limit refuses a 400x600 JPEG."""
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", 100_000)
    with pytest.raises(ImageTooLargeError, match="100000"):
        describe(image_bytes("photo-400x600.jpg"))


def test_crafted_headers_in_fixtures_are_what_they_claim(images_dir: Path) -> None:
    """The bomb fixtures declare their size in the header and carry almost no data."""
    png = (images_dir / "bomb-20000x5000.png").read_bytes()
    assert struct.unpack(">II", png[16:24]) == (20_000, 5_000)
    assert len(png) < 100
