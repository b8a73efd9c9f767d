"""Shape and size of an image from its header alone: no pixel is ever decoded.

``numpy.asarray(img)`` of a Pillow image has the shape ``(height, width)`` for one-band modes and
``(height, width, bands)`` otherwise, and one sample per band of the mode's array type: both follow from the
mode, exactly as Pillow's own array interface computes them (``PIL.ImageMode.getmode(mode)``: ``bands`` and
``typestr``). :func:`describe` reads the size and mode from the header, so its answer costs microseconds and
no memory, whatever the image's pixel count.

Two header readers:

- a JPEG frame-header scan (the common upload), about ten times faster than Pillow's JPEG parser, which
  decodes every table in Python. It answers only when it is certain to agree with Pillow (8-bit baseline,
  extended or progressive frame, 1, 3 or 4 components, within Pillow's pixel limit) and hands every other
  file to Pillow. It skips metadata segments (EXIF, ICC...) without parsing them, so a JPEG whose frame is
  sound but whose metadata Pillow would reject is still answered;
- ``PIL.Image.open``, which reads the header only, for everything else. Pillow's decompression-bomb limit
  (``PIL.Image.MAX_IMAGE_PIXELS``, read at call time) stays in force: above it the image is rejected.

What is promised for damaged files: a file Pillow cannot identify is :class:`UnreadableImageError`; a
file whose header is intact but whose data visibly stops early (JPEG without its end-of-image marker, PNG
without its IEND chunk, GIF whose first frame's data is cut, WebP, BMP or TIFF shorter than their headers
declare) is :class:`TruncatedImageError`. Damage *inside* the compressed data is not detected: that would
need a decode.
"""

from __future__ import annotations

import io
import struct
import warnings
from collections.abc import Callable
from typing import NamedTuple

from PIL import (
    BmpImagePlugin,
    GifImagePlugin,
    Image,
    ImageFile,
    ImageMode,
    JpegImagePlugin,
    PngImagePlugin,
    TiffImagePlugin,
    UnidentifiedImageError,
    WebPImagePlugin,
)

__all__ = [
    "SUPPORTED_FORMATS",
    "ImageInfo",
    "ImageTooLargeError",
    "InvalidImageError",
    "TruncatedImageError",
    "UnreadableImageError",
    "describe",
]

#: The formats accepted (Pillow format names). Limiting ``Image.open`` to them keeps Pillow's rarer
#: parsers away from untrusted input and is what the shape/size equality with numpy is tested on. JPEG
#: includes MPO, the multi-picture JPEG of many phone cameras (Pillow opens it through its JPEG plugin).
SUPPORTED_FORMATS = ("JPEG", "PNG", "GIF", "WEBP", "TIFF", "BMP")
#: The most characters of a decoder's error message quoted in an answer.
_MAX_DETAIL = 200
#: Importing a plugin registers it: ``Image.open(..., formats=...)`` fails with a KeyError on a format whose
#: plugin is not registered yet, and registering only these avoids ``Image.init()`` loading ~45 plugins.
_PLUGINS = (
    BmpImagePlugin,
    GifImagePlugin,
    JpegImagePlugin,
    PngImagePlugin,
    TiffImagePlugin,
    WebPImagePlugin,
)

_JPEG_SOI = b"\xff\xd8\xff"
_JPEG_EOI = b"\xff\xd9"
#: Frame types the fast JPEG path answers for: baseline, extended sequential and progressive DCT.
_JPEG_FAST_FRAMES = frozenset({0xC0, 0xC1, 0xC2})
#: Every marker Pillow reads as a frame header (SOF0-15 except DHT, JPG, DAC; and DHP).
_JPEG_FRAMES = frozenset(range(0xC0, 0xD0)) - {0xC4, 0xC8, 0xCC} | {0xDE}
#: Markers without a length field: TEM, RST0-7, SOI.
_JPEG_STANDALONE = frozenset({0x01, *range(0xD0, 0xD9)})
_JPEG_SOS = 0xDA
#: Markers of segments the scan steps over: all but fill bytes, standalone markers, SOS and frame headers.
_JPEG_SKIPPED = frozenset(range(0xFF)) - _JPEG_STANDALONE - _JPEG_FRAMES - {_JPEG_SOS}
#: 0xFF, marker, length of a segment; precision, height, width, components of a frame header.
_JPEG_SEGMENT_HEAD = struct.Struct(">BBH").unpack_from
_JPEG_FRAME_HEADER = struct.Struct(">BHHB").unpack_from
_JPEG_MODES = {1: "L", 3: "RGB", 4: "CMYK"}
#: PNG's IEND chunk is always these 12 bytes: length 0, type, CRC.
_PNG_IEND = b"\x00\x00\x00\x00IEND\xaeB`\x82"
_TIFF_STRIP_OFFSETS, _TIFF_STRIP_BYTE_COUNTS = 273, 279
_TIFF_TILE_OFFSETS, _TIFF_TILE_BYTE_COUNTS = 324, 325
_TIFF_CLASSIC = 42  # the version number of classic TIFF (BigTIFF: 43)
#: Bytes per value of each TIFF field type (BYTE, ASCII, SHORT, LONG, RATIONAL, SBYTE, UNDEFINED, SSHORT,
#: SLONG, SRATIONAL, FLOAT, DOUBLE, IFD).
_TIFF_TYPE_SIZES = {1: 1, 2: 1, 3: 2, 4: 4, 5: 8, 6: 1, 7: 1, 8: 2, 9: 4, 10: 8, 11: 4, 12: 8, 13: 4}


class InvalidImageError(ValueError):
    """The bytes are not an image this service can describe."""


class UnreadableImageError(InvalidImageError):
    """Not an image of a supported format, or a header Pillow rejects."""


class TruncatedImageError(InvalidImageError):
    """The header is intact but the file ends before the image data it announces."""


class ImageTooLargeError(InvalidImageError):
    """More pixels than Pillow's decompression-bomb limit (``PIL.Image.MAX_IMAGE_PIXELS``)."""


class ImageInfo(NamedTuple):
    """Size, mode and format of an image, as its header declares them.

    Immutable like a frozen dataclass, and built for every image answered for less than half the cost.
    """

    width: int
    height: int
    #: The Pillow mode (``"RGB"``, ``"L"``, ``"I;16B"``...).
    mode: str
    #: The Pillow format name (``"JPEG"``, ``"PNG"``...).
    format: str

    @property
    def shape(self) -> tuple[int, ...]:
        """``numpy.asarray(img).shape``: ``(height, width)``, plus the band count when it is not 1."""
        bands = len(ImageMode.getmode(self.mode).bands)
        return (self.height, self.width) if bands == 1 else (self.height, self.width, bands)

    @property
    def nbytes(self) -> int:
        """``numpy.asarray(img).nbytes``: pixels x bands x bytes per sample (1 for mode ``"1"``'s bools)."""
        descriptor = ImageMode.getmode(self.mode)
        itemsize = int(descriptor.typestr[2:])  # "|u1", "<u2", ">u2", "<i4", "<f4", "|b1"
        return self.width * self.height * len(descriptor.bands) * itemsize


class _JpegFrame(NamedTuple):
    """What a scan of a JPEG's markers up to the first scan found."""

    marker: int
    precision: int
    width: int
    height: int
    components: int
    #: Offset of the first byte of entropy-coded data (just after the SOS segment).
    scan_offset: int


def describe(data: bytes) -> ImageInfo:
    """Size, mode and format of the image in ``data``, from its header.

    :raises ImageTooLargeError: more pixels than ``PIL.Image.MAX_IMAGE_PIXELS``.
    :raises TruncatedImageError: the file ends before the data its header announces.
    :raises UnreadableImageError: anything else that is not a readable image of a supported format.
    """
    frame = _scan_jpeg(data) if data.startswith(_JPEG_SOI) else None
    info = _from_jpeg_frame(frame) if frame is not None else None
    if info is not None:
        complete = _jpeg_complete(data, None, frame)
    else:
        info, complete = _open_with_pillow(data, frame)
    if not complete:
        raise TruncatedImageError(
            f"the {info.format} file is truncated ({len(data)} bytes): its header is intact but the image "
            "data is cut short. Upload the complete file."
        )
    return info


def _scan_jpeg(data: bytes) -> _JpegFrame | None:
    """The frame header and scan offset of a JPEG, or None when the marker structure is anything but plain
    (junk between segments, several frame headers, a segment past the end...): Pillow then decides."""
    last = len(data) - 4  # the last position a segment head (0xFF, marker, 2-byte length) fits at
    pos = 2
    frame: tuple[int, int, int, int, int] | None = None
    while pos <= last:
        prefix, marker, length = _JPEG_SEGMENT_HEAD(data, pos)
        if prefix != 0xFF:
            return None
        # Every upload runs this loop over its ~10 header segments: the metadata and table segments it
        # skips take one set lookup. A skip past the end of the data ends the loop (None), as it must.
        if marker in _JPEG_SKIPPED and length >= 2:
            pos += 2 + length
            continue
        if marker == 0xFF:  # fill byte before a marker
            pos += 1
            continue
        if marker in _JPEG_STANDALONE:
            pos += 2
            continue
        segment_end = pos + 2 + length
        if length < 2 or segment_end > len(data):
            return None
        if marker == _JPEG_SOS:
            return None if frame is None else _JpegFrame(*frame, segment_end)
        # a frame header (_JPEG_FRAMES): the only one allowed
        if frame is not None or length < 8:
            return None
        precision, height, width, components = _JPEG_FRAME_HEADER(data, pos + 4)
        frame = (marker, precision, width, height, components)
        pos = segment_end
    return None


def _from_jpeg_frame(frame: _JpegFrame) -> ImageInfo | None:
    """The answer Pillow would give for this frame, or None when only Pillow can tell."""
    marker, precision, width, height, components, _ = frame  # one unpack, not a dozen attribute reads
    mode = _JPEG_MODES.get(components)
    limit = Image.MAX_IMAGE_PIXELS
    if (
        mode is None
        or marker not in _JPEG_FAST_FRAMES
        or precision != 8
        or width == 0
        or height == 0
        or (limit is not None and width * height > limit)
    ):
        return None
    return ImageInfo(width, height, mode, "JPEG")


def _open_with_pillow(data: bytes, frame: _JpegFrame | None) -> tuple[ImageInfo, bool]:
    """Size and mode from ``PIL.Image.open``, which reads the header only, and whether the file is
    complete; Pillow's errors become ours."""
    with warnings.catch_warnings():
        # Pillow warns about odd metadata (corrupt EXIF...): irrelevant to the shape. Its decompression-bomb
        # warning (above MAX_IMAGE_PIXELS, below twice that) rejects the image like the error above 2x.
        warnings.simplefilter("ignore")
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            with Image.open(io.BytesIO(data), formats=SUPPORTED_FORMATS) as img:
                info = ImageInfo(img.width, img.height, img.mode, img.format or "")
                check = _COMPLETENESS_CHECKS.get(info.format)
                return info, check is None or check(data, img, frame)
        except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
            raise ImageTooLargeError(
                f"{exc} Send an image of at most {Image.MAX_IMAGE_PIXELS} pixels."
            ) from exc
        except Exception as exc:  # Pillow's parsers raise many types on hostile input; all mean "unreadable"
            raise UnreadableImageError(_unreadable_reason(exc)) from exc


def _unreadable_reason(exc: Exception) -> str:
    """A short reason for a file Pillow could not open."""
    if isinstance(exc, UnidentifiedImageError):
        return f"not a {', '.join(SUPPORTED_FORMATS)} image"
    detail = str(exc)
    if len(detail) > _MAX_DETAIL:
        detail = detail[:_MAX_DETAIL] + "..."
    return f"invalid image header ({type(exc).__name__}: {detail})"


def _jpeg_complete(data: bytes, _img: ImageFile.ImageFile | None, frame: _JpegFrame | None) -> bool:
    """An end-of-image marker follows the first scan (0xFF 0xD9 cannot occur inside entropy-coded data)."""
    start = frame.scan_offset if frame is not None else 2
    return data.rfind(_JPEG_EOI, start) >= 0


def _png_complete(data: bytes, _img: ImageFile.ImageFile, _frame: _JpegFrame | None) -> bool:
    """The IEND chunk, which closes every PNG, is present."""
    return data.rfind(_PNG_IEND, 8) >= 0


def _gif_complete(data: bytes, img: ImageFile.ImageFile, _frame: _JpegFrame | None) -> bool:
    """The first frame's LZW sub-blocks end with their terminator inside the file."""
    if not img.tile:
        return False
    pos, end = img.tile[0][2], len(data)  # (codec, box, offset, args)
    while pos < end:
        size = data[pos]
        pos += 1 + size
        if size == 0:
            return pos <= end
    return False


def _webp_complete(data: bytes, _img: ImageFile.ImageFile, _frame: _JpegFrame | None) -> bool:
    """The RIFF container holds as many bytes as its header declares."""
    riff_size: int = struct.unpack_from("<I", data, 4)[0]
    return len(data) >= 8 + riff_size


def _bmp_complete(data: bytes, _img: ImageFile.ImageFile, _frame: _JpegFrame | None) -> bool:
    """The file is as long as the file header's size field says (0 means unknown)."""
    file_size: int = struct.unpack_from("<I", data, 2)[0]
    return file_size == 0 or len(data) >= file_size


def _tiff_complete(data: bytes, img: ImageFile.ImageFile, _frame: _JpegFrame | None) -> bool:
    """The first page's directory, every value it points to, and every strip (or tile) lie inside the
    file. Pillow skips directory entries whose values lie past the end (a cut file may lose its
    SampleFormat and read as another mode), so the directory is checked too."""
    if not _tiff_directory_inside(data):
        return False
    tags = img.tag_v2  # type: ignore[attr-defined]  # a TiffImageFile attribute
    offsets = tags.get(_TIFF_STRIP_OFFSETS) or tags.get(_TIFF_TILE_OFFSETS)
    counts = tags.get(_TIFF_STRIP_BYTE_COUNTS) or tags.get(_TIFF_TILE_BYTE_COUNTS)
    offsets = offsets if isinstance(offsets, tuple) else (offsets,)
    counts = counts if isinstance(counts, tuple) else (counts,)
    if None in offsets or None in counts or len(offsets) != len(counts):
        return False
    return all(offset + count <= len(data) for offset, count in zip(offsets, counts, strict=True))


def _tiff_directory_inside(data: bytes) -> bool:
    """Whether the first image file directory of a classic TIFF, and the values its entries point to,
    lie inside ``data`` (BigTIFF: not checked here)."""
    order = "<" if data.startswith(b"II") else ">"
    if struct.unpack_from(order + "H", data, 2)[0] != _TIFF_CLASSIC:
        return True
    directory: int = struct.unpack_from(order + "I", data, 4)[0]
    if directory + 2 > len(data):
        return False
    entries: int = struct.unpack_from(order + "H", data, directory)[0]
    if directory + 2 + 12 * entries + 4 > len(data):
        return False
    for entry in range(directory + 2, directory + 2 + 12 * entries, 12):
        kind, count, value = struct.unpack_from(order + "HII", data, entry + 2)
        size = _TIFF_TYPE_SIZES.get(kind, 0) * count
        if size > 4 and value + size > len(data):  # values of up to 4 bytes are stored in the entry
            return False
    return True


_COMPLETENESS_CHECKS: dict[str, Callable[[bytes, ImageFile.ImageFile, _JpegFrame | None], bool]] = {
    "JPEG": _jpeg_complete,
    "MPO": _jpeg_complete,
    "PNG": _png_complete,
    "GIF": _gif_complete,
    "WEBP": _webp_complete,
    "BMP": _bmp_complete,
    "TIFF": _tiff_complete,
}
