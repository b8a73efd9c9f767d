"""Query-string parsing for each front door (spec 1.3, 3.1, 4.2, 8.6)."""

from __future__ import annotations

from urllib.parse import unquote, unquote_plus

__all__ = ["decode_path", "parse_query_decoded", "parse_query_raw"]


def parse_query_decoded(query: str) -> dict[str, list[str]]:
    """Split on ``&`` and decode form-style (``+`` is a space, ``%2B`` a plus): REST and HTTP APIs.

    Keys keep their first-seen order and values their order; ``?empty=`` and ``?flag`` give ``""``.
    """
    out: dict[str, list[str]] = {}
    if not query:
        return out
    for part in query.split("&"):
        if not part:
            continue
        name, _, value = part.partition("=")
        key = unquote_plus(name) if ("%" in name or "+" in name) else name
        val = unquote_plus(value) if ("%" in value or "+" in value) else value
        values = out.get(key)
        if values is None:
            out[key] = [val]
        else:
            values.append(val)
    return out


def parse_query_raw(query: str) -> dict[str, list[str]]:
    """Split on ``&`` and ``=`` without decoding anything: ALB (spec 4.2, D19)."""
    out: dict[str, list[str]] = {}
    if not query:
        return out
    for part in query.split("&"):
        if not part:
            continue
        name, _, value = part.partition("=")
        out.setdefault(name, []).append(value)
    return out


def decode_path(path: str) -> str:
    """Percent-decode a path (``+`` stays a plus); invalid escapes such as ``%Ft`` are left as they are."""
    return unquote(path) if "%" in path else path
