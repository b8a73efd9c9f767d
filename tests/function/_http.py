"""Requests as the image function's clients send them: curl's exact bytes, hand-made multipart bodies."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

#: The boundary curl 7.88 generated for the capture these requests reproduce (24 dashes, 16 hex digits).
CURL_BOUNDARY = "------------------------6b9a03e681e0d225"
#: What curl sends besides Host and Content-Length (captured from curl 7.88.1).
CURL_HEADERS = {"User-Agent": "curl/7.88.1", "Accept": "*/*"}


@dataclass(frozen=True)
class FormPart:
    """One part of a hand-made multipart body."""

    name: str | None
    content: bytes
    filename: str | None = None
    content_type: str | None = None

    def header_block(self) -> bytes:
        """The part's header lines, each ending in CRLF, then the blank line."""
        lines = []
        if self.name is not None:
            disposition = f'form-data; name="{self.name}"'
            if self.filename is not None:
                disposition += f'; filename="{self.filename}"'
            lines.append(f"Content-Disposition: {disposition}")
        if self.content_type is not None:
            lines.append(f"Content-Type: {self.content_type}")
        return "".join(line + "\r\n" for line in lines).encode() + b"\r\n"


def multipart_body(
    parts: Sequence[FormPart],
    boundary: str,
    *,
    preamble: bytes = b"",
    epilogue: bytes = b"",
    close: bool = True,
) -> bytes:
    """A multipart body with exactly these bytes: optional preamble (followed by CRLF), the parts, the close
    delimiter (left out with ``close=False``) and an optional epilogue."""
    dash = b"--" + boundary.encode()
    chunks = [preamble + b"\r\n"] if preamble else []
    for part in parts:
        chunks += [dash, b"\r\n", part.header_block(), part.content, b"\r\n"]
    if close:
        chunks += [dash, b"--\r\n", epilogue]
    return b"".join(chunks)


def curl_form(
    field: str, filename: str, content: bytes, content_type: str = "image/jpeg"
) -> tuple[bytes, str]:
    """Body and Content-Type of ``curl -F "field=@filename"`` (curl adds the boundary even when the command
    line sets ``Content-Type: multipart/form-data``)."""
    body = multipart_body([FormPart(field, content, filename, content_type)], CURL_BOUNDARY)
    return body, f"multipart/form-data; boundary={CURL_BOUNDARY}"
