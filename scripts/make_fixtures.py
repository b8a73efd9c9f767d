"""Generate the committed test images under fixtures/images/ (deterministic: same bytes every run).

Run with the project's virtualenv: ``.venv/bin/python scripts/make_fixtures.py``.

Every image is a smooth gradient, so that JPEG output is stable and small (the 4000x3000 JPEG weighs about
200 KB). Besides valid images in every format the image function accepts, the set holds damaged files: a
truncated file per format family, a corrupt header, a non-image, and headers that claim 100 and 200
megapixels over a few bytes of data (decompression-bomb probes). The same Pillow build gives the same bytes;
another build (other libjpeg, zlib or libwebp) may encode differently, which the fixture test tolerates by
comparing decoded content.
"""

from __future__ import annotations

import io
import struct
import zlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PIL import Image

OUT = Path(__file__).resolve().parent.parent / "fixtures" / "images"

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def gradient(width: int, height: int) -> Image.Image:
    """An RGB image with a smooth gradient: red grows left to right, green top to bottom, blue along the
    diagonal (``(x * 255) // width``, ``(y * 255) // height``, ``((x + y) * 255) // (width + height)``).

    Built row by row from byte strings, so that 4000x3000 takes milliseconds.
    """
    red_row = bytes((x * 255) // width for x in range(width))
    diagonal = bytes((s * 255) // (width + height) for s in range(width + height))
    red = red_row * height
    green = b"".join(bytes([(y * 255) // height]) * width for y in range(height))
    blue = b"".join(diagonal[y : y + width] for y in range(height))
    bands = [Image.frombytes("L", (width, height), band) for band in (red, green, blue)]
    return Image.merge("RGB", bands)


def encode(img: Image.Image, fmt: str, **options: Any) -> bytes:
    """``img`` saved in format ``fmt`` with Pillow's ``options``."""
    buffer = io.BytesIO()
    img.save(buffer, format=fmt, **options)
    return buffer.getvalue()


def png_chunk(kind: bytes, data: bytes) -> bytes:
    """One PNG chunk: length, type, data, CRC."""
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def png_header_only(width: int, height: int) -> bytes:
    """A PNG whose header claims ``width`` x ``height`` RGB pixels over a few bytes of (stored) data."""
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    data = zlib.compress(b"\x00" * 16, 0)  # level 0: a stored block, the same bytes with any zlib
    return PNG_SIGNATURE + png_chunk(b"IHDR", header) + png_chunk(b"IDAT", data) + png_chunk(b"IEND", b"")


def jpeg_with_size(jpeg: bytes, width: int, height: int) -> bytes:
    """``jpeg`` with its frame header (SOF0) rewritten to claim ``width`` x ``height`` pixels."""
    pos = 2
    while jpeg[pos + 1] != 0xC0:
        pos += 2 + int.from_bytes(jpeg[pos + 2 : pos + 4], "big")
    return jpeg[: pos + 5] + struct.pack(">HH", height, width) + jpeg[pos + 9 :]


def valid_images() -> dict[str, bytes]:
    """The readable fixtures, by file name."""
    photo = gradient(400, 600)
    small = gradient(64, 48)
    stereo = io.BytesIO()
    small.save(
        stereo, format="MPO", save_all=True, append_images=[small.transpose(Image.Transpose.FLIP_LEFT_RIGHT)]
    )
    return {
        "photo-400x600.jpg": encode(photo, "JPEG", quality=85),
        "photo-400x600-progressive.jpg": encode(photo, "JPEG", quality=85, progressive=True),
        "photo-4000x3000.jpg": encode(gradient(4000, 3000), "JPEG", quality=85),
        "small-64x48.png": encode(small, "PNG"),
        "small-64x48.gif": encode(small.convert("P"), "GIF"),
        "small-64x48.webp": encode(small, "WEBP", lossless=True),
        "small-64x48.tiff": encode(small, "TIFF"),
        "small-64x48.bmp": encode(small, "BMP"),
        "stereo-64x48.mpo": stereo.getvalue(),
        "gray-64x48.png": encode(small.convert("L"), "PNG"),
        "gray16-64x48.png": encode(small.convert("I").point(lambda v: v * 257).convert("I;16"), "PNG"),
        "rgba-64x48.png": encode(_with_alpha(small), "PNG"),
        "bilevel-64x48.png": encode(small.convert("1"), "PNG"),
        "cmyk-64x48.jpg": encode(small.convert("CMYK"), "JPEG", quality=85),
        "float-64x48.tiff": encode(small.convert("F"), "TIFF"),
    }


def damaged_files(valid: dict[str, bytes]) -> dict[str, bytes]:
    """The unreadable, truncated and oversized fixtures, derived from the valid ones."""
    photo, png, gif, tiff = (
        valid[name]
        for name in ("photo-400x600.jpg", "small-64x48.png", "small-64x48.gif", "small-64x48.tiff")
    )
    return {
        "truncated-400x600.jpg": photo[: len(photo) * 3 // 5],
        "truncated-64x48.png": png[: len(png) - 20],
        "truncated-64x48.gif": gif[: len(gif) * 3 // 4],
        "truncated-64x48.tiff": tiff[: len(tiff) // 2],
        "corrupt-header.jpg": photo[:4] + bytes(range(256)) * 4,
        "not-an-image.jpg": b"This is a text file with a .jpg name, not an image.\n",
        "bomb-20000x5000.png": png_header_only(20_000, 5_000),
        "bomb-20000x10000.png": png_header_only(20_000, 10_000),
        "bomb-20000x5000.jpg": jpeg_with_size(photo, 20_000, 5_000),
    }


def generate() -> dict[str, bytes]:
    """Every fixture, by file name, in memory."""
    valid = valid_images()
    return {**valid, **damaged_files(valid)}


def _with_alpha(img: Image.Image) -> Image.Image:
    """``img`` with an alpha band equal to its green band."""
    rgba = img.convert("RGBA")
    rgba.putalpha(img.getchannel("G"))
    return rgba


def main(out: Path = OUT, write: Callable[[Path, bytes], object] = Path.write_bytes) -> None:
    """Write every fixture under ``out``."""
    out.mkdir(parents=True, exist_ok=True)
    for name, data in sorted(generate().items()):
        write(out / name, data)
    print(f"wrote fixtures to {out}")


if __name__ == "__main__":
    main()
