"""A strict, allocation-light ``multipart/form-data`` parser (RFC 7578 on RFC 2046's framing).

The whole body is in memory (a Lambda event), so the parser scans it with ``bytes.find``, which runs in C:
one pass per part for the delimiter, a few Python operations per part. Chosen by measurement against
requests-toolbelt's ``MultipartDecoder`` and the ``multipart`` package's push parser (see
``tests/function/benchmarks/test_bench_multipart.py``): it is the fastest of the correct ones.

Framing rules, as RFC 2046 writes them:

- the boundary comes from the Content-Type's ``boundary`` parameter, quoted or not (1 to 70 characters);
- a delimiter is CRLF ``--boundary`` at the start of a line, followed by optional spaces or tabs and CRLF
  (another part follows) or ``--`` (the close delimiter). The first one may start the body, without the CRLF;
- a preamble before the first delimiter and an epilogue after the close delimiter are ignored;
- bytes that merely resemble a delimiter inside a part (``--boundary`` not at a line start, or followed by
  anything else) are content;
- a body without the close delimiter is truncated and rejected, since the last part may be cut.

Lines end with CRLF: a body with bare LF line ends is rejected (browsers, curl and requests all send CRLF).
"""

from __future__ import annotations

import re
from typing import NamedTuple
from urllib.parse import unquote

__all__ = ["MultipartError", "Part", "boundary_of", "parse_form_data"]

_MAX_BOUNDARY = 70
_CRLF = b"\r\n"
_BLANK_LINE = b"\r\n\r\n"
#: What follows the boundary of a delimiter in the common case: CRLF (a part follows) or "--" (the end).
_DELIMITER_ENDS = (_CRLF, b"--")
#: ``; name=value`` or ``; name="quoted \"value\""`` in a header value. Quoted strings are written
#: ``"[^"\\]*(?:\\.[^"\\]*)*"`` rather than ``"(?:[^"\\]|\\.)*"``: the same strings, matched by runs
#: instead of one alternation per character (a third faster).
_PARAMETER = re.compile(r';\s*([^\s=;]+)\s*=\s*("[^"\\]*(?:\\.[^"\\]*)*"|[^;]*)')
#: The ``name`` parameter alone (every part needs it; the other parameters only on demand).
_NAME_PARAMETER = re.compile(r';\s*name\s*=\s*(?:"([^"\\]*(?:\\.[^"\\]*)*)"|([^;]*))', re.IGNORECASE)
_QUOTED_PAIR = re.compile(r"\\(.)")
#: The header block browsers, curl and requests write: ``Content-Disposition: form-data; name="..."`` with
#: the name first and unescaped, then optionally ``Content-Type:``. On such a block (no other line, no CR
#: or LF inside a line) the general reading (:func:`_read_headers`, :func:`_field_name`) gives exactly
#: the groups, stripped: one match instead of a dozen string operations, on every part of every upload.
_USUAL_HEADERS = re.compile(
    r'Content-Disposition: (form-data; name="([^"\\\r\n]*)"[^\r\n]*)(?:\r\nContent-Type: ([^\r\n]*))?'
)


class MultipartError(ValueError):
    """The body is not valid ``multipart/form-data``; the message says what is wrong."""


class Part(NamedTuple):
    """One part of a form: its field name (None when absent), headers and content.

    Immutable like a frozen dataclass, and built per part of every upload for less than half the cost.
    """

    name: str | None
    #: The Content-Disposition header value (``""`` when absent).
    disposition: str
    #: The Content-Type header value, None when absent.
    content_type: str | None
    content: bytes

    @property
    def filename(self) -> str | None:
        """The ``filename`` (or RFC 5987 ``filename*``) parameter of the Content-Disposition."""
        return header_parameters(self.disposition).get("filename")


def boundary_of(content_type: str) -> bytes:
    """The boundary of a ``multipart/form-data`` Content-Type header value.

    :raises MultipartError: no boundary parameter, or one that RFC 2046 does not allow.
    """
    boundary = _usual_boundary(content_type)
    if boundary is None:
        boundary = _first_parameter(content_type, "boundary")
    if not boundary:
        raise MultipartError(
            "the multipart/form-data Content-Type has no boundary parameter: let your HTTP client set the "
            "Content-Type of a form upload (curl -F, requests files=) instead of setting it by hand"
        )
    if len(boundary) > _MAX_BOUNDARY or "\r" in boundary or "\n" in boundary:
        cut = "..." if len(boundary) > _MAX_BOUNDARY else ""
        raise MultipartError(
            f"invalid multipart boundary {boundary[:_MAX_BOUNDARY]!r}{cut}: at most 70 characters, "
            "on one line"
        )
    try:
        return boundary.encode("ascii")
    except UnicodeEncodeError:
        raise MultipartError(f"invalid multipart boundary {boundary!r}: ASCII characters only") from None


def _usual_boundary(content_type: str) -> str | None:
    """The boundary of ``multipart/form-data; boundary=...`` as curl, requests and browsers write it (one
    parameter, unquoted), or None for any other spelling: :func:`_first_parameter` reads those.

    With no other ``;`` and no quote, the parameter regex could only match this one parameter, whose value
    is the rest of the header, stripped: the same answer, for a third of the cost.
    """
    head, separator, value = content_type.partition("; boundary=")
    if separator and ";" not in head and ";" not in value and '"' not in value:
        return value.strip()
    return None


def header_parameters(value: str) -> dict[str, str]:
    """The ``; name=value`` parameters of a header value, names lower-cased, quotes removed.

    ``filename*=UTF-8''...`` (RFC 5987) is decoded into ``filename`` when no plain ``filename`` is given.
    """
    parameters: dict[str, str] = {}
    for name, raw in _PARAMETER.findall(value):
        parameters.setdefault(name.lower(), _parameter_value(raw))
    extended = parameters.get("filename*")
    if extended and "filename" not in parameters and "''" in extended:
        parameters["filename"] = _decode_extended(extended)
    return parameters


def _decode_extended(extended: str) -> str:
    """An RFC 5987 ``charset''percent-encoded`` value, decoded. A charset Python cannot decode with (unknown,
    not a text encoding, or one that refuses replacement) is read as UTF-8: the filename only names the
    upload in messages, which must not fail over it."""
    charset, _, encoded = extended.partition("''")
    try:
        return unquote(encoded, encoding=charset or "utf-8", errors="replace")
    except (LookupError, ValueError):  # UnicodeError is a ValueError
        return unquote(encoded, encoding="utf-8", errors="replace")


def _first_parameter(value: str, wanted: str) -> str | None:
    """``header_parameters(value).get(wanted)`` for a plain parameter (not ``filename``), without building
    the dict: the first parameter of that name wins, as there."""
    for name, raw in _PARAMETER.findall(value):
        if name.lower() == wanted:
            return _parameter_value(raw)
    return None


def _parameter_value(raw: str) -> str:
    """A parameter's value as written after ``=``: stripped, and unquoted when quoted."""
    text = raw.strip()
    if text.startswith('"') and text.endswith('"') and len(text) >= 2:
        return _unquote(text[1:-1])
    return text


def parse_form_data(body: bytes, boundary: bytes) -> list[Part]:
    """Every part of a ``multipart/form-data`` body, in order.

    :raises MultipartError: no delimiter, a malformed part, or no close delimiter (truncated body).
    """
    dash_boundary = b"--" + boundary
    delimiter = _CRLF + dash_boundary
    skip = len(delimiter)
    if body.startswith(dash_boundary):
        pos = len(dash_boundary)
    else:
        first = _find_delimiter(body, delimiter, 0)
        if first < 0:
            raise MultipartError(
                "the body has no multipart boundary line: it does not match the Content-Type's boundary"
            )
        pos = first + skip
    parts: list[Part] = []
    # This loop runs once per part of every form upload: the common case (a boundary directly followed
    # by CRLF or "--", no look-alike in the content) stays inline; padding, junk and look-alikes take the
    # careful helpers, which decide every case on their own.
    while not body.startswith(b"--", pos):
        line_end = pos if body.startswith(_CRLF, pos) else _end_of_delimiter_line(body, pos)
        headers_end = body.find(_BLANK_LINE, line_end)
        if headers_end < 0:
            raise _truncated(len(parts))
        if body.find(delimiter, line_end, headers_end + 2) >= 0:
            raise MultipartError(
                f"malformed multipart body: part {len(parts)} has no blank line between headers and content"
            )
        content_start = headers_end + 4  # len(_BLANK_LINE)
        content_end = body.find(delimiter, content_start)
        if content_end < 0 or not body.startswith(_DELIMITER_ENDS, content_end + skip):
            content_end = _find_delimiter(body, delimiter, content_start)
            if content_end < 0:
                raise _truncated(len(parts))
        # Empty when the part has no header lines (headers_end == line_end).
        parts.append(_make_part(body[line_end + 2 : headers_end], body[content_start:content_end]))
        pos = content_end + skip
    return parts


def _find_delimiter(body: bytes, delimiter: bytes, start: int) -> int:
    """Index of the next real delimiter (CRLF--boundary then ``--``, or padding and CRLF) from ``start``;
    -1 when there is none."""
    end = len(body)
    index = body.find(delimiter, start)
    while index >= 0:
        after = index + len(delimiter)
        if after >= end or body.startswith(b"--", after) or _padding_then_crlf(body, after):
            return index
        index = body.find(delimiter, index + 1)
    return -1


def _padding_then_crlf(body: bytes, pos: int) -> bool:
    """Whether ``body[pos:]`` starts with optional spaces or tabs and CRLF (RFC 2046 transport padding)."""
    end = len(body)
    while pos < end and body[pos] in b" \t":
        pos += 1
    return body.startswith(_CRLF, pos)


def _end_of_delimiter_line(body: bytes, pos: int) -> int:
    """Index of the CRLF that ends the delimiter line whose boundary ends at ``pos``."""
    line_end = body.find(_CRLF, pos)
    if line_end < 0:
        raise _truncated(None)
    if body[pos:line_end].strip(b" \t"):
        raise MultipartError("malformed multipart body: unexpected bytes after a boundary")
    return line_end


def _truncated(complete_parts: int | None) -> MultipartError:
    """The error for a body that ends before its close delimiter."""
    where = "" if complete_parts is None else f" after {complete_parts} complete part(s)"
    return MultipartError(
        f"the multipart body is truncated{where}: it ends before the closing boundary line. "
        "Send the whole request body"
    )


def _make_part(header_block: bytes, content: bytes) -> Part:
    """A :class:`Part` from its raw header lines and content."""
    text = header_block.decode("utf-8", "replace")
    usual = _USUAL_HEADERS.fullmatch(text)
    if usual is not None:
        disposition, name, content_type = usual.groups()  # content_type None: no Content-Type line
        return Part(name, disposition.strip(), content_type and content_type.strip(), content)
    disposition, content_type = _read_headers(text)
    return Part(_field_name(disposition), disposition, content_type, content)


def _read_headers(text: str) -> tuple[str, str | None]:
    """The Content-Disposition (``""`` when absent) and Content-Type (None when absent) of a part's header
    lines, in any casing; the last of each wins."""
    disposition = ""
    content_type = None
    for line in text.split("\r\n"):
        name, _, value = line.partition(":")
        key = name.strip().lower()
        if key == "content-disposition":
            disposition = value.strip()
        elif key == "content-type":
            content_type = value.strip()
    return disposition, content_type


def _field_name(disposition: str) -> str | None:
    """The ``name`` parameter of a Content-Disposition value, None when absent."""
    match = _NAME_PARAMETER.search(disposition)
    if match is None:
        return None
    quoted, token = match.groups()
    return _unquote(quoted) if quoted is not None else token.strip()


def _unquote(text: str) -> str:
    """The value of a quoted string without its quotes: backslash escapes resolved."""
    return _QUOTED_PAIR.sub(r"\1", text) if "\\" in text else text
