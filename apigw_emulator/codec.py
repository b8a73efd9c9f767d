"""Body encodings: base64 in both directions and AWS's lossy UTF-8 text mode (private helpers)."""

from __future__ import annotations

import binascii
import warnings

import pybase64

from .errors import BinaryBodyCorruptedWarning

__all__ = ["b64decode", "b64encode", "decode_text_body"]


def b64encode(data: bytes) -> str:
    """Standard base64 with padding, built straight into a str (one allocation, no bytes detour)."""
    return pybase64.b64encode_as_string(data)


def b64decode(text: str | bytes) -> bytes:
    """Decode standard base64 strictly; raises :class:`binascii.Error` on anything that is not base64."""
    try:
        return pybase64.b64decode(text, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise binascii.Error(f"invalid base64: {exc}") from None


def decode_text_body(raw: bytes, *, content_type: str | None, front_door: str, fix: str) -> str:
    """Decode a body the way AWS does when it passes it as text.

    Valid UTF-8 passes unchanged. Anything else is decoded with each invalid byte sequence replaced by
    U+FFFD, exactly like AWS (spec 5.1, R6): the bytes are lost for good, so a
    :class:`BinaryBodyCorruptedWarning` names the content type and how to configure the API instead.
    """
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        text = raw.decode("utf-8", errors="replace")
        warnings.warn(
            BinaryBodyCorruptedWarning(
                f"{front_door} delivers this {content_type or 'untyped'} body as text and AWS replaces "
                f"every byte that is not valid UTF-8 with U+FFFD (first at offset {exc.start} of "
                f"{len(raw)}): the Lambda cannot recover the original bytes. {fix}"
            ),
            stacklevel=4,
        )
        return text
