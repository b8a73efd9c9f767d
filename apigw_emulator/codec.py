"""Body encodings: base64 in both directions and AWS's lossy UTF-8 text mode (private helpers)."""

from __future__ import annotations

import binascii
import threading
import warnings

import pybase64

from .errors import BinaryBodyCorruptedWarning

__all__ = ["b64decode", "b64encode", "decode_text_body", "is_known_base64"]

#: Base64 texts from this length on are remembered with their bytes (see :data:`_last`): the sizes where
#: the invoke step would otherwise serialise a body to know its JSON size (from 3 MB), with a margin.
REMEMBER_FROM = 2 * 1024 * 1024
#: The last big (text, bytes) pair this thread converted. An invocation with a big body converts it more
#: than once: the event's body is base64 (and the runtime's JSON size of a string the encoder wrote needs
#: no escape scan), the handler's base64 result is checked when its JSON size is measured and decoded
#: again for the response. Remembering the pair makes each conversion happen once: texts and bytes are
#: immutable, and identity (``is``) is the key, so a hit is exact. A hit uses the pair up; otherwise it
#: is kept until this thread's next big conversion (one pair per thread at most).
_last = threading.local()


def b64encode(data: bytes) -> str:
    """Standard base64 with padding, built straight into a str (one allocation, no bytes detour)."""
    text = pybase64.b64encode_as_string(data)
    if len(text) >= REMEMBER_FROM and type(data) is bytes:
        _last.pair = (text, data)
    return text


def b64decode(text: str | bytes, *, remember: bool = False) -> bytes:
    """Decode standard base64 strictly; raises :class:`binascii.Error` on anything that is not base64.

    The big text this thread last encoded, or decoded with ``remember``, gives back its bytes without
    being decoded again.
    """
    pair: tuple[str | bytes, bytes] | None = getattr(_last, "pair", None)
    if pair is not None and pair[0] is text:
        _last.pair = None
        return pair[1]
    try:
        data = pybase64.b64decode(text, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise binascii.Error(f"invalid base64: {exc}") from None
    if remember and len(text) >= REMEMBER_FROM:
        _last.pair = (text, data)
    return data


def is_known_base64(text: str) -> bool:
    """Whether ``text`` is the big base64 text this thread last encoded (then it holds only the base64
    alphabet: nothing in it needs a JSON escape); a yes uses the remembered pair up."""
    pair: tuple[str | bytes, bytes] | None = getattr(_last, "pair", None)
    if pair is not None and pair[0] is text:
        _last.pair = None
        return True
    return False


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
