"""The image service behind a Lambda non-proxy (custom, ``AWS``) integration: API Gateway maps the request.

``template-non-proxy.yaml`` deploys it. API Gateway does the HTTP work the proxy handler (``app.py``) does
itself: the integration's ``contentHandling: CONVERT_TO_TEXT`` turns the uploaded image into base64 text,
the request template puts it in the event, and the integration responses turn the result (or the error)
into the HTTP answer. The event is::

    {"operation": "shape" | "nbytes" | "thumbnail", "image": "<the image, base64>"}

- ``shape``: ``numpy.asarray(img).shape`` as a list (``[600, 400, 3]``), from the image header;
- ``nbytes``: ``numpy.asarray(img).nbytes / 1000`` (kB), from the image header;
- ``thumbnail``: ``"<base64 PNG>"``, the image shrunk to fit 128x128 pixels, its base64 text as the result
  (API Gateway's documented pattern for binary out of a non-proxy Lambda function). The integration payload
  is then that JSON string, quotes included; the integration response's ``contentHandling:
  CONVERT_TO_BINARY`` (no response template) decodes it and sends the PNG bytes.

A request the function refuses raises :class:`ImageRequestError`, whose message starts with the HTTP status
(``[400] ...``, ``[413] ...``, ``[422] ...``): the integration responses select on that prefix
(``selectionPattern``) and answer ``{"message": "..."}``.

Deployed with ``CodeUri: function/`` and ``Handler: non_proxy.lambda_handler``, this module is the top-level
``non_proxy``; in the repository it is ``function.non_proxy``.
"""

from __future__ import annotations

import binascii
import io
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import pybase64
from PIL import Image

if TYPE_CHECKING or __package__:
    from .image_header import ImageInfo, ImageTooLargeError, InvalidImageError, describe
else:  # deployed: function/ is the code root, its modules are top-level
    from image_header import ImageInfo, ImageTooLargeError, InvalidImageError, describe

__all__ = ["OPERATIONS", "THUMBNAIL_SIZE", "ImageRequestError", "lambda_handler", "thumbnail"]

#: The largest width and height of a thumbnail, in pixels.
THUMBNAIL_SIZE = (128, 128)
OPERATIONS = ("shape", "nbytes", "thumbnail")


class ImageRequestError(Exception):
    """A request the function refuses; the message starts with ``[status]`` for the integration responses."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(f"[{status}] {message}")
        self.status = status


def lambda_handler(event: Any, context: object) -> Any:
    """The answer for one mapped event (see the module docstring).

    :raises ImageRequestError: for a request the function refuses.
    """
    if not isinstance(event, Mapping):
        raise ImageRequestError(400, "the event must be an object with 'operation' and 'image'")
    operation = event.get("operation")
    if operation not in OPERATIONS:
        raise ImageRequestError(404, f"no such operation {operation!r}: use one of {', '.join(OPERATIONS)}")
    data = _image(event.get("image"))
    info = _describe(data)
    if operation == "shape":
        return list(info.shape)
    if operation == "nbytes":
        return info.nbytes / 1000
    return pybase64.b64encode_as_string(thumbnail(data, info))  # one line: no breaks in the JSON string


def thumbnail(data: bytes, info: ImageInfo) -> bytes:
    """A PNG of the image ``data`` (described by ``info``) shrunk to fit :data:`THUMBNAIL_SIZE`."""
    with Image.open(io.BytesIO(data), formats=[info.format]) as opened:
        opened.draft("RGB", THUMBNAIL_SIZE)  # a JPEG decodes at a reduced scale: faster, less memory
        img: Image.Image = opened
        if img.mode not in ("1", "L", "LA", "P", "RGB", "RGBA"):  # CMYK, 16-bit, float: to 8-bit RGB(A)
            img = img.convert("RGBA" if "A" in img.mode else "RGB")
        img.thumbnail(THUMBNAIL_SIZE)
        out = io.BytesIO()
        img.save(out, format="PNG")
    return out.getvalue()


def _image(text: object) -> bytes:
    """The image bytes of the event's ``image`` (base64 text, as ``CONVERT_TO_TEXT`` gives it)."""
    if not isinstance(text, str):
        raise ImageRequestError(400, "the event has no 'image' text: send the image bytes as the body")
    if not text:
        raise ImageRequestError(400, "the request body is empty: send the image bytes (curl --data-binary)")
    try:
        return pybase64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        raise ImageRequestError(
            400,
            "the image is not base64 text: the integration's contentHandling must be CONVERT_TO_TEXT and the "
            "Content-Type one of the API's binary media types",
        ) from None


def _describe(data: bytes) -> ImageInfo:
    try:
        return describe(data)
    except ImageTooLargeError as error:
        raise ImageRequestError(413, f"the image has too many pixels: {error}") from None
    except InvalidImageError as error:
        raise ImageRequestError(422, f"the body is not a readable image: {error}") from None
