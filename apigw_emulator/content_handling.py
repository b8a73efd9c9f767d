"""AWS's two content-type conversion tables for REST non-proxy integrations (spec 10.5 and 5.3), pure.

API Gateway decides whether a payload is text or binary, and whether to convert it, from three things:
the API's ``binaryMediaTypes``, the client's headers (``Content-Type`` going in, the first ``Accept`` type
coming out) and ``contentHandling`` (on the integration going in, on the integration response coming out).
The developer guide page "Content type conversions in API Gateway" lists every combination as a table
row; :func:`convert_request` and :func:`convert_response` each name the row they applied.

- **Request** (before the request template): a body whose ``Content-Type`` matches ``binaryMediaTypes``
  (or that has none, when the list holds ``*/*``) is binary, any other body is text (UTF-8, each invalid
  byte replaced by U+FFFD as on AWS, with a :class:`~apigw_emulator.errors.BinaryBodyCorruptedWarning`).
  ``CONVERT_TO_TEXT`` base64-encodes a binary body (``$input.body`` is then that base64 text);
  ``CONVERT_TO_BINARY`` base64-decodes a text body; unset leaves either as it is. A text body that is
  not base64 cannot become binary: 500 (API_CONFIGURATION_ERROR). A binary payload cannot go through a
  mapping template either: AWS logs ``Unable to transform request`` and answers 500 (the cure is
  ``CONVERT_TO_TEXT``).
- **Response** (before the response template, which then reads the converted payload): a ``str`` payload
  is text, ``bytes`` binary. ``CONVERT_TO_TEXT`` gives text (base64 of a binary payload, which a template
  reads as ``$input.body``), ``CONVERT_TO_BINARY`` gives bytes (a text payload base64-decoded); unset
  converts only when the payload's kind and the first ``Accept`` type's kind differ (binary Accept: a text
  payload is base64-decoded; text Accept: a binary payload is base64-encoded). A response template over a
  payload that is binary after the conversion cannot be rendered: 500.

Text to binary (``CONVERT_TO_BINARY``, and a text payload for a binary ``Accept``) assumes base64 and is
lenient about what surrounds it: characters outside the base64 alphabet (the quotes of a Lambda function's
string result, line breaks, spaces) are discarded and the rest decoded; it answers 500 only when what
remains is not base64 (a bad length or misplaced padding). That leniency is UNCONFIRMED: API Gateway's own
non-proxy Lambda pattern has the function return the base64 text as its result, so the integration payload
is a JSON string literal, quotes included, and that works on AWS; a decoder that skips characters outside
the alphabet (Java's MIME decoder, Python's ``b64decode`` without ``validate``) explains it.
"""

from __future__ import annotations

import binascii
import contextlib
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Final, Literal

from .codec import b64decode, b64encode, decode_text_body
from .errors import ConfigurationError
from .events.rest import BINARY_FIX
from .media_types import BinaryMediaTypes, essence
from .model.rest import IntegrationResponse

__all__ = [
    "CONTENT_HANDLING_VALUES",
    "ConversionError",
    "ConvertedPayload",
    "check_content_handling",
    "convert_request",
    "convert_response",
    "event_body_text",
    "is_binary_request",
    "lenient_b64decode",
    "response_conversion",
    "response_payload",
]

_UNMATCHED = "a REST API without a matching binaryMediaTypes entry"

ContentHandling = Literal["CONVERT_TO_BINARY", "CONVERT_TO_TEXT"]
#: The values ``contentHandling`` may take (None, its absence, passes payloads through).
CONTENT_HANDLING_VALUES: Final = frozenset({"CONVERT_TO_BINARY", "CONVERT_TO_TEXT"})


@dataclass(frozen=True, slots=True)
class ConvertedPayload:
    """A payload after a conversion table row applied.

    :param text: the payload as text when it is text (what a mapping template's ``$input.body`` reads);
        None when it is binary.
    :param row: the table row that applied, in the table's own words.
    :param corrupted: AWS decoded bytes that are not valid UTF-8 as text, replacing them with U+FFFD: the
        original bytes are lost (a :class:`~apigw_emulator.errors.BinaryBodyCorruptedWarning` said so).
    :param data: the payload's bytes when they are at hand (a binary payload's always); a text payload's
        are otherwise encoded when :attr:`body` is read, so a template that reads only the text never
        copies a big body.
    """

    text: str | None
    row: str
    corrupted: bool = False
    data: bytes | None = None

    @property
    def body(self) -> bytes:
        """The payload's bytes (a text payload's UTF-8 encoding)."""
        if self.data is not None:
            return self.data
        return (self.text or "").encode("utf-8")

    @property
    def is_binary(self) -> bool:
        """Whether the payload is a binary blob (not text)."""
        return self.text is None


@dataclass(frozen=True, slots=True)
class ConversionError:
    """A conversion AWS cannot make: it answers 500 ``Internal server error`` (API_CONFIGURATION_ERROR).

    :param row: the table row that applied.
    :param reason: why the conversion failed, for the emulator's warning.
    """

    row: str
    reason: str


def check_content_handling(value: object, where: str = "contentHandling") -> ContentHandling | None:
    """``value`` as a ``contentHandling`` setting; raises :class:`ConfigurationError` for anything but
    None, ``CONVERT_TO_BINARY`` and ``CONVERT_TO_TEXT``."""
    if value is None:
        return None
    if value == "CONVERT_TO_BINARY":
        return "CONVERT_TO_BINARY"
    if value == "CONVERT_TO_TEXT":
        return "CONVERT_TO_TEXT"
    raise ConfigurationError(
        f"{where} is {value!r}: expected CONVERT_TO_BINARY, CONVERT_TO_TEXT or no value (pass through)"
    )


def _setting(content_handling: str | None) -> str:
    return content_handling or "unset"


def _as_text(raw: bytes, content_type: str | None, front_door: str) -> tuple[str, bool]:
    """``raw`` as AWS reads text: UTF-8, each invalid byte U+FFFD (warned about); whether bytes were lost."""
    try:
        return raw.decode("utf-8"), False
    except UnicodeDecodeError:
        plain = essence(content_type) or "application/octet-stream"
        fix = BINARY_FIX.format(sam=plain.replace("/", "~1"), plain=plain)
        return decode_text_body(raw, content_type=essence(content_type), front_door=front_door, fix=fix), True


def _text(text: str, row: str, corrupted: bool = False, data: bytes | None = None) -> ConvertedPayload:
    return ConvertedPayload(text, row, corrupted, data)


def _binary(data: bytes, row: str) -> ConvertedPayload:
    return ConvertedPayload(None, row, False, data)


_NOT_BASE64_ALPHABET = re.compile(r"[^A-Za-z0-9+/=]+")
#: What usually surrounds base64 text: a JSON string's quotes, line breaks, spaces. Deleting these from
#: the ASCII bytes (one C pass) decodes line-broken base64 about ten times faster than the character
#: class alone.
_USUAL_NOISE = b'"\r\n\t '


def lenient_b64decode(text: str) -> bytes:
    """``text`` base64-decoded the way a text-to-binary row decodes it: characters outside the standard
    base64 alphabet (quotes, line breaks, spaces...) are discarded, what remains must be base64 (its length
    and padding right). UNCONFIRMED on AWS, see the module.

    >>> lenient_b64decode('"aGk="')
    b'hi'
    >>> lenient_b64decode("aGVs\\r\\nbG8=")
    b'hello'

    :raises binascii.Error: when what remains is not base64.
    """
    try:
        return b64decode(text)
    except binascii.Error as exc:
        strict_error = exc
    if len(text) >= 2 and text[0] == text[-1] == '"':  # a JSON string result: a slice, no character scan
        with contextlib.suppress(binascii.Error):
            return b64decode(text[1:-1])
    if text.isascii():
        try:
            return b64decode(text.encode("ascii").translate(None, _USUAL_NOISE))
        except binascii.Error:
            pass  # something else is in the way too: the whole character class below
    kept = _NOT_BASE64_ALPHABET.sub("", text)
    if len(kept) == len(text):
        raise strict_error
    return b64decode(kept)


def _decode_base64(text: str, row: str, what: str) -> ConvertedPayload | ConversionError:
    try:
        return _binary(lenient_b64decode(text), row)
    except binascii.Error as exc:
        return ConversionError(
            row,
            f"{what} is converted to binary, which assumes base64 text (characters outside the base64 "
            f"alphabet discarded), and this text is not base64 ({exc}): AWS answers 500 "
            "(API_CONFIGURATION_ERROR)",
        )


def event_body_text(event: Mapping[str, Any] | None) -> str | None:
    """The body a REST proxy event holds as text (its builder read it as AWS does and warned about lost
    bytes), for :func:`convert_request`'s ``text``; None when the event has it as base64 or has none."""
    if event is None or event.get("isBase64Encoded"):
        return None
    body = event.get("body")
    return body if isinstance(body, str) else None


def is_binary_request(content_type: str | None, binary_media_types: BinaryMediaTypes) -> bool:
    """Whether a non-proxy integration's request payload is binary data: its ``Content-Type`` matches
    ``binary_media_types``, or it has none and the API lists ``*/*`` (see :func:`convert_request`)."""
    if binary_media_types.matches(content_type):
        return True
    return not essence(content_type) and "*/*" in binary_media_types.patterns


def convert_request(
    body: bytes,
    content_type: str | None,
    binary_media_types: BinaryMediaTypes,
    content_handling: str | None,
    *,
    has_template: bool = False,
    text: str | None = None,
) -> ConvertedPayload | ConversionError:
    """The integration request payload for a method request ``body`` (the request table).

    :param content_type: the request's ``Content-Type``: a body whose type matches ``binary_media_types``
        is binary data, any other text data. A request without one is binary data when the API lists
        ``*/*`` (a browser's CORS preflight to a MOCK ``OPTIONS`` method then fails with 500 on AWS, logged
        as ``Method request body before transformations: [Binary Data]`` and cured by ``CONVERT_TO_TEXT``).
    :param content_handling: the integration's ``contentHandling`` (None: pass through).
    :param has_template: whether a request mapping template applies to the payload: a binary payload
        cannot be transformed (500, ``Unable to transform request``).
    :param text: ``body`` already read as text the way AWS reads it (the REST proxy event's body, whose
        builder gave the warning about lost bytes), so that it is neither decoded nor warned about twice.
    :raises ConfigurationError: for a ``contentHandling`` value AWS does not accept.
    """
    handling = check_content_handling(content_handling, "the integration's contentHandling")
    types_set = "set" if binary_media_types else "undefined"
    result: ConvertedPayload | ConversionError
    if is_binary_request(content_type, binary_media_types):
        row = f"binary data, a binary data type, binaryMediaTypes set, contentHandling {_setting(handling)}: "
        if handling == "CONVERT_TO_TEXT":
            result = _text(b64encode(body), row + "base64-encoded string")
        else:
            result = _binary(body, row + "binary data")
    else:
        kind = "any data type" if types_set == "undefined" else "a text data type"
        row = f"text data, {kind}, binaryMediaTypes {types_set}, contentHandling {_setting(handling)}: "
        if text is None:
            text, corrupted = _as_text(body, content_type, _UNMATCHED)
        else:
            corrupted = "\ufffd" in text and text.encode("utf-8") != body
        if handling == "CONVERT_TO_BINARY":
            result = _decode_base64(text, row + "base64-decoded binary blob", "the request body")
        else:
            kept = None if corrupted else body  # valid UTF-8: the bytes are the text's encoding
            result = _text(
                text, row + ("UTF-8 string" if types_set == "undefined" else "text data"), corrupted, kept
            )
    if has_template and isinstance(result, ConvertedPayload) and result.is_binary:
        return ConversionError(
            result.row,
            "a request mapping template applies to a binary payload, which API Gateway cannot transform "
            "(its log: 'Unable to transform request'): set the integration's contentHandling to "
            "CONVERT_TO_TEXT to give the template the payload as base64 text",
        )
    return result


def response_payload(
    body: bytes, content_type: str | None, binary_media_types: BinaryMediaTypes
) -> bytes | str:
    """An HTTP backend's response body as the response table sees it: binary (``bytes``) when its
    ``Content-Type`` matches ``binary_media_types``, else text (``str``; invalid UTF-8 replaced by U+FFFD
    with a :class:`~apigw_emulator.errors.BinaryBodyCorruptedWarning`)."""
    if binary_media_types.matches(content_type):
        return body
    return _as_text(body, content_type, _UNMATCHED)[0]


def convert_response(
    body: bytes | str,
    accept: str | None,
    binary_media_types: BinaryMediaTypes,
    content_handling: str | None,
) -> ConvertedPayload | ConversionError:
    """The method response payload for an integration response payload (the response table).

    :param body: the integration response payload, before any response template: a ``str`` is text data,
        ``bytes`` binary data (see :func:`response_payload`). Without ``binaryMediaTypes`` there is no
        binary data: bytes are read as text.
    :param accept: the request's ``Accept`` header: only its first media type counts, and it is a binary
        type when it matches ``binary_media_types`` (no wildcard expansion, spec 5.2).
    :param content_handling: the integration response's ``contentHandling`` (None: see the module).
    :raises ConfigurationError: for a ``contentHandling`` value AWS does not accept.
    """
    handling = check_content_handling(content_handling, "the integration response's contentHandling")
    first = accept.split(",", 1)[0] if accept else None
    setting = _setting(handling)
    if not binary_media_types:
        row = f"text or binary data, a text type, binaryMediaTypes undefined, contentHandling {setting}: "
        corrupted = False
        if isinstance(body, bytes):
            body, corrupted = _as_text(body, None, "a REST API without binaryMediaTypes")
        if handling == "CONVERT_TO_BINARY":
            return _decode_base64(body, row + "base64-decoded blob", "the integration response")
        return _text(body, row + "UTF-8 string", corrupted)
    accept_kind = "a binary type" if binary_media_types.matches(first) else "a text type"
    if isinstance(body, str):
        row = f"text data, {accept_kind}, binaryMediaTypes set, contentHandling {setting}: "
        if handling == "CONVERT_TO_BINARY" or (handling is None and accept_kind == "a binary type"):
            return _decode_base64(body, row + "base64-decoded blob", "the integration response")
        return _text(body, row + ("text data" if handling is None else "UTF-8 string"))
    row = f"binary data, {accept_kind}, binaryMediaTypes set, contentHandling {setting}: "
    if handling == "CONVERT_TO_TEXT" or (handling is None and accept_kind == "a text type"):
        return _text(b64encode(body), row + "base64-encoded string")
    return _binary(body, row + "binary data")


def response_conversion(
    accept: str | None,
    binary_media_types: BinaryMediaTypes,
    *,
    payload_content_type: str | None = None,
) -> Callable[[bytes, IntegrationResponse], ConvertedPayload]:
    """The response ``contentHandling`` step of one request, for
    :func:`~apigw_emulator.integration_response.method_response`: given the integration's own response
    payload and the selected integration response, the payload the response template reads, or the
    client gets when there is none (:func:`convert_response`).

    The payload is binary when ``payload_content_type`` (an HTTP backend's ``Content-Type``) matches
    ``binary_media_types``, text otherwise (a Lambda function's JSON, a MOCK's empty body).

    The step runs before the response template, as on the request side: the developer guide says a
    template after ``CONVERT_TO_TEXT`` reads the base64 text in ``$input.body``, and an emulator whose
    binary tests were recorded against AWS converts first and refuses a template over a binary payload.

    :raises ValueError: when AWS cannot convert the payload (text that is not base64 to binary): the
        caller answers 500.
    """

    def convert(body: bytes, selected: IntegrationResponse) -> ConvertedPayload:
        payload = response_payload(body, payload_content_type, binary_media_types)
        result = convert_response(payload, accept, binary_media_types, selected.content_handling)
        if isinstance(result, ConversionError):
            raise ValueError(f"{result.reason} (row: {result.row})")
        return result

    return convert
