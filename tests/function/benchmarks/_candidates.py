"""The multipart parsers compared for the function, behind one signature.

Each takes a whole body and its Content-Type and returns ``(field name, content)`` per part, in order, or
raises on a body it rejects. python-multipart is not among them: it installs a ``multipart`` shim package
that shadows the ``multipart`` (defnull) module, so both cannot live in one environment; PERFORMANCE.md
measured it at 1.5x the ``multipart`` push parser.
"""

from __future__ import annotations

from collections.abc import Callable

from multipart import MultipartSegment, PushMultipartParser  # type: ignore[import-untyped]  # no py.typed
from requests_toolbelt.multipart.decoder import MultipartDecoder

from function.form_data import boundary_of, header_parameters, parse_form_data

Parsed = list[tuple[str | None, bytes]]


def function_parser(body: bytes, content_type: str) -> Parsed:
    """The function's own ``bytes.find`` parser (function/form_data.py)."""
    return [(part.name, part.content) for part in parse_form_data(body, boundary_of(content_type))]


def toolbelt_parser(body: bytes, content_type: str) -> Parsed:
    """requests-toolbelt's ``MultipartDecoder`` (splits the whole body on the boundary)."""
    parts = MultipartDecoder(body, content_type).parts
    return [
        (header_parameters(part.headers.get(b"Content-Disposition", b"").decode()).get("name"), part.content)
        for part in parts
    ]


def multipart_push_parser(body: bytes, content_type: str) -> Parsed:
    """The ``multipart`` package's (defnull) ``PushMultipartParser``, fed the whole body at once."""
    parsed: Parsed = []
    chunks: list[bytes] = []
    name: str | None = None
    with PushMultipartParser(boundary_of(content_type)) as parser:
        for event in parser.parse(body):
            if isinstance(event, MultipartSegment):
                name, chunks = event.name, []
            elif event is not None:
                chunks.append(event)
            else:
                parsed.append((name, b"".join(chunks)))
        for _ in parser.parse(b""):  # end of input: raises on an incomplete stream
            pass
    return parsed


CANDIDATES: dict[str, Callable[[bytes, str], Parsed]] = {
    "function": function_parser,
    "toolbelt": toolbelt_parser,
    "multipart": multipart_push_parser,
}
