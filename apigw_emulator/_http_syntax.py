"""What may be an HTTP header name or value (RFC 9110 5.1, 5.5): one rule for requests and responses
(private).

The request model, the response mapping and the local server all check headers with these functions, so
that a header the in-process driver accepts is one the server accepts, and the reverse.
"""

from __future__ import annotations

import re

__all__ = ["bad_value_character", "is_token", "shorten"]

#: A token (RFC 9110 5.6.2): what a header name or a method is made of.
_TOKEN = re.compile(r"[!#$%&'*+\-.^_`|~0-9A-Za-z]+")
#: What a header value cannot hold: controls other than HTAB, DEL (RFC 9110 5.5), and lone surrogates,
#: which have no UTF-8 encoding and so cannot reach the wire.
_BAD_VALUE_CHARACTER = re.compile("[\x00-\x08\x0a-\x1f\x7f\ud800-\udfff]")
#: Longest piece of client or handler text quoted in an error message.
_SHORTEN_LIMIT = 80


def is_token(name: object) -> bool:
    """Whether ``name`` is a str made only of token characters (a valid header name)."""
    return isinstance(name, str) and _TOKEN.fullmatch(name) is not None


def bad_value_character(value: str) -> str | None:
    """The first character a header value cannot hold (CR, LF, NUL, another control, a lone surrogate),
    or None when the value is valid."""
    if value.isprintable():  # the quick common case: no control character at all
        return None
    found = _BAD_VALUE_CHARACTER.search(value)
    return found.group() if found else None


def shorten(value: object, limit: int = _SHORTEN_LIMIT) -> str:
    """``repr(value)``, cut to about ``limit`` characters: for quoting untrusted text in messages."""
    if isinstance(value, (str, bytes)) and len(value) > limit:
        return repr(value[:limit]) + f"... ({len(value)} long)"
    text = repr(value)
    return text if len(text) <= limit * 2 else text[: limit * 2] + "..."
