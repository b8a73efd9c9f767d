"""The image service: shape and size of uploaded images, behind API Gateway (Lambda proxy integration).

``POST /shape`` answers ``numpy.asarray(img).shape`` as a JSON list (``[600, 400, 3]``), ``POST /nbytes``
answers ``numpy.asarray(img).nbytes / 1000`` (kB, a JSON number such as ``720.0``), both from the image
header alone, without decoding a pixel and without numpy.

- A raw body (``curl --data-binary @cat.jpg -H "Content-Type: image/jpeg"``, any ``image/*`` type, including
  the non-standard ``image/jpg``) is one image: the answer is one result.
- A ``multipart/form-data`` body (``curl -F image=@cat.jpg``) may hold several fields named ``image``: the
  answer is the list of their results, in order. Other fields are ignored.
- ``OPTIONS`` (CORS preflight) gets ``204 No Content`` with the CORS headers, which every answer carries.
- Errors are ``{"message": "..."}`` saying what to change: 404 unknown path, 405 other methods (with
  ``Allow``), 415 other Content-Types, 400 for a body that is not what its headers say (invalid base64,
  multipart without boundary, truncated or without an ``image`` field, binary data corrupted by a REST API
  missing binaryMediaTypes, an empty body, an event that is not a JSON object), 413 for an image over
  Pillow's pixel limit or too many images, 422 for an image that cannot be read or is truncated. Messages
  quote what the client sent (names, filenames, types) cut to a few dozen characters.

Deployed by SAM with ``CodeUri: function/`` and ``Handler: app.lambda_handler``, this module is the
top-level ``app``; in the repository it is ``function.app``. The imports below work both ways.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING or __package__:
    from .form_data import MultipartError, Part, boundary_of, parse_form_data
    from .image_header import ImageInfo, ImageTooLargeError, InvalidImageError, describe
    from .proxy import (
        HttpError,
        ProxyRequest,
        binary_body,
        json_response,
        json_text_response,
        quoted,
        read_request,
    )
else:  # deployed: function/ is the code root, its modules are top-level
    from form_data import MultipartError, Part, boundary_of, parse_form_data
    from image_header import ImageInfo, ImageTooLargeError, InvalidImageError, describe
    from proxy import (
        HttpError,
        ProxyRequest,
        binary_body,
        json_response,
        json_text_response,
        quoted,
        read_request,
    )

__all__ = ["CORS_HEADERS", "MAX_IMAGES", "lambda_handler"]

#: Sent with every response, errors included, so that browsers let pages read them.
CORS_HEADERS: Mapping[str, str] = {
    "Access-Control-Allow-Origin": "*",
    "Access-Control-Allow-Headers": "Content-Type",
    "Access-Control-Allow-Methods": "OPTIONS,POST",
}
#: The most ``image`` fields one multipart request may carry.
MAX_IMAGES = 100
#: The most field names a message lists.
_MAX_NAMES_LISTED = 10
#: The ``binaryMediaTypes`` entries (SAM spelling) a REST API needs for each kind of upload.
RAW_IMAGE_MEDIA_TYPE = "image~1*"
MULTIPART_MEDIA_TYPE = "multipart~1form-data"
_ALLOW = "OPTIONS, POST"


def shape(info: ImageInfo) -> str:
    """``numpy.asarray(img).shape`` as a JSON list (``[600, 400, 3]``)."""
    return str(list(info.shape))


def kilobytes(info: ImageInfo) -> str:
    """``numpy.asarray(img).nbytes / 1000`` as a JSON number (``720.0``)."""
    return repr(info.nbytes / 1000)


#: The API: path -> the JSON text of the answer for one image. The answers are lists of ints and finite
#: floats, whose Python repr is exactly what ``json.dumps`` writes for them (same ", " separator, same
#: shortest float repr): 0.3 us instead of json.dumps' 1.6 us, in a handler call of 7 to 12 us.
ROUTES: Mapping[str, Callable[[ImageInfo], str]] = {"/shape": shape, "/nbytes": kilobytes}


def lambda_handler(event: Mapping[str, Any], context: object) -> dict[str, Any]:
    """Answer one API Gateway proxy event (REST, HTTP API payload 2.0 or 1.0); never raises.

    Anything else (a console test event can be any JSON value) gets a 400 saying what was expected.
    """
    try:
        if not isinstance(event, Mapping):
            raise HttpError(
                400,
                f"the event is a JSON {_json_kind(event)}, not an API Gateway proxy event (an object): "
                "invoke the function through its API, or with an API Gateway test event",
            )
        return _handle(read_request(event))
    except HttpError as error:
        return json_response(error.status, {"message": error.message}, {**CORS_HEADERS, **error.headers})


def _handle(request: ProxyRequest) -> dict[str, Any]:
    """Route, check and answer a request; refusals raise :class:`HttpError`."""
    measure = ROUTES.get(request.path)
    if measure is None:
        raise HttpError(404, f"no such path {quoted(request.path)}: POST an image to /shape or /nbytes")
    if request.method == "OPTIONS":
        return json_response(204, None, CORS_HEADERS)
    if request.method != "POST":
        raise HttpError(
            405,
            f"{quoted(request.method) if request.method else 'this method'} is not allowed on "
            f"{quoted(request.path)}: use POST",
            {"Allow": _ALLOW},
        )
    media_type = (request.content_type or "").partition(";")[0].strip().lower()
    if media_type.startswith("image/"):
        return json_text_response(200, measure(_inspect(_raw_body(request))), CORS_HEADERS)
    if media_type == "multipart/form-data":
        results = [
            measure(_inspect(part.content, index, part)) for index, part in enumerate(_image_parts(request))
        ]
        return json_text_response(200, "[" + ", ".join(results) + "]", CORS_HEADERS)
    raise HttpError(
        415,
        f"unsupported Content-Type {quoted(request.content_type)}: send the image bytes with an image/* "
        "Content-Type (curl --data-binary @cat.jpg -H 'Content-Type: image/jpeg') or a multipart/form-data "
        "form with a field named 'image' (curl -F image=@cat.jpg)",
    )


def _raw_body(request: ProxyRequest) -> bytes:
    """The image of a request whose body is the image."""
    data = binary_body(request, RAW_IMAGE_MEDIA_TYPE)
    if not data:
        raise HttpError(400, "the request body is empty: send the image bytes (curl --data-binary @cat.jpg)")
    return data


def _image_parts(request: ProxyRequest) -> list[Part]:
    """The ``image`` fields of a ``multipart/form-data`` request, in order."""
    try:
        boundary = boundary_of(request.content_type or "")
        parts = parse_form_data(binary_body(request, MULTIPART_MEDIA_TYPE), boundary)
    except MultipartError as error:
        raise HttpError(400, str(error)) from None
    images = [part for part in parts if part.name == "image"]
    if not images:
        names = sorted({part.name for part in parts if part.name is not None})
        listed = ", ".join(quoted(name) for name in names[:_MAX_NAMES_LISTED])
        if len(names) > _MAX_NAMES_LISTED:
            listed += f" and {len(names) - _MAX_NAMES_LISTED} more"
        raise HttpError(
            400,
            f"the form has no field named 'image' (fields: [{listed}]): send each image as a field 'image'",
        )
    if len(images) > MAX_IMAGES:
        raise HttpError(413, f"{len(images)} images in one request: send at most {MAX_IMAGES} per request")
    return images


def _inspect(data: bytes, index: int | None = None, part: Part | None = None) -> ImageInfo:
    """The header facts of one image: the request body, or the ``index``-th image field ``part``; 413 over
    the pixel limit, 422 when unreadable or truncated."""
    try:
        return describe(data)
    except ImageTooLargeError as error:
        raise HttpError(413, f"{_source(index, part)} has too many pixels: {error}") from None
    except InvalidImageError as error:
        raise HttpError(422, f"{_source(index, part)} is not a readable image: {error}") from None


def _source(index: int | None, part: Part | None) -> str:
    """Where an image came from, for error messages: ``"the request body"`` or ``"image 2 (filename
    'cat.jpg')"``. Only computed for an error: reading the filename parses the part's header again."""
    if index is None or part is None:
        return "the request body"
    return f"image {index} (filename {quoted(part.filename)})"


def _json_kind(value: object) -> str:
    """What JSON calls the type of ``value``."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, (int, float)):
        return "number"
    if isinstance(value, str):
        return "string"
    return "array" if isinstance(value, list) else type(value).__name__
