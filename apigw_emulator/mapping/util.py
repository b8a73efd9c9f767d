"""``$util``: the helper functions API Gateway gives every mapping template."""

from __future__ import annotations

import base64
import binascii
import json
import re
from typing import Any
from urllib.parse import quote_plus, unquote_plus

from .errors import TemplateRenderError
from .values import java_str, to_json_value

__all__ = ["UtilVariable", "escape_javascript"]

_ESCAPES = {
    '"': '\\"',
    "'": "\\'",
    "\\": "\\\\",
    "/": "\\/",
    "\b": "\\b",
    "\n": "\\n",
    "\t": "\\t",
    "\f": "\\f",
    "\r": "\\r",
}
_NEEDS_ESCAPE = re.compile(r"[\"'\\/\x00-\x1f\x7f-\U0010ffff]")
_BAD_PERCENT = re.compile(r"%(?![0-9A-Fa-f]{2})")


def _escape_char(match: re.Match[str]) -> str:
    char = match.group()
    known = _ESCAPES.get(char)
    if known is not None:
        return known
    code = ord(char)
    if code == 0x7F:
        return char
    if code > 0xFFFF:  # Java strings are UTF-16: each half of the surrogate pair is escaped
        code -= 0x10000
        return f"\\u{0xD800 + (code >> 10):04X}\\u{0xDC00 + (code & 0x3FF):04X}"
    return f"\\u{code:04X}"


def escape_javascript(text: str) -> str:
    """Escape ``text`` by JavaScript string rules, as Apache Commons Lang's ``escapeJavaScript``, which
    AWS's documentation describes: ``"`` ``'`` ``\\`` and ``/`` get a backslash (so ``it's`` becomes
    ``it\\'s``, which is not valid inside JSON: AWS's documentation says so too), control characters
    their short escapes or ``\\u00XX``, every character above ASCII ``\\uXXXX``."""
    return _NEEDS_ESCAPE.sub(_escape_char, text)


class UtilVariable:
    """``$util``: ``escapeJavaScript``, ``parseJson``, ``urlEncode``, ``urlDecode``, ``base64Encode``,
    ``base64Decode`` (AWS's mapping template reference, "$util variables")."""

    __slots__ = ()

    def escapeJavaScript(self, value: Any) -> str | None:  # noqa: N802 (the name templates call)
        """``value`` (made a string as Velocity writes it) escaped by JavaScript string rules; a null stays
        null (rendered as nothing)."""
        if value is None:
            return None
        return escape_javascript(value if isinstance(value, str) else java_str(value))

    def parseJson(self, text: Any) -> Any:  # noqa: N802
        """The JSON text read into maps, lists and values (``$util.parseJson($input.json('$')).a``).

        :raises TemplateRenderError: when the text is not JSON.
        """
        if not isinstance(text, str):
            raise TemplateRenderError(f"$util.parseJson needs a string, got {java_str(text)!r}")
        try:
            return to_json_value(json.loads(text))
        except ValueError as exc:
            raise TemplateRenderError(f"$util.parseJson: the text is not JSON ({exc})") from exc

    def urlEncode(self, text: Any) -> str:  # noqa: N802
        """Form encoding with UTF-8, as Java's ``URLEncoder``: a space becomes ``+``; letters, digits
        and ``. - * _`` stay; everything else is ``%XX``."""
        return quote_plus(java_str(text), safe="*").replace("~", "%7E")

    def urlDecode(self, text: Any) -> str:  # noqa: N802
        """Form decoding (``+`` is a space), as Java's ``URLDecoder``.

        :raises TemplateRenderError: for a ``%`` not followed by two hex digits (Java refuses those too).
        """
        text = java_str(text)
        if _BAD_PERCENT.search(text):
            raise TemplateRenderError(f"$util.urlDecode: {text!r} has a % not followed by two hex digits")
        return unquote_plus(text, errors="replace")

    def base64Encode(self, text: Any) -> str:  # noqa: N802
        """The UTF-8 bytes of the text, base64-encoded."""
        return base64.b64encode(java_str(text).encode()).decode("ascii")

    def base64Decode(self, text: Any) -> str:  # noqa: N802
        """The text the base64 string encodes (invalid UTF-8 becomes U+FFFD, as a Java string does).

        :raises TemplateRenderError: when the text is not base64.
        """
        try:
            raw = base64.b64decode(java_str(text).encode("ascii"), validate=True)
        except (binascii.Error, ValueError) as exc:
            raise TemplateRenderError(f"$util.base64Decode: the text is not base64 ({exc})") from exc
        return raw.decode("utf-8", errors="replace")


#: The one ``$util`` every render shares (it holds no state).
UTIL = UtilVariable()
