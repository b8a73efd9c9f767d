"""Type aliases shared by the modules of apigw-emulator (private)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import IO, Any, Protocol, TypeAlias, runtime_checkable

#: A Lambda event or result as a JSON-compatible dict.
Event: TypeAlias = dict[str, Any]

#: Headers as a mapping (one value per name, or a list of values) or as (name, value) pairs.
HeaderInput: TypeAlias = "Mapping[str, str | Iterable[str]] | Iterable[tuple[str, str]] | None"


@runtime_checkable
class StreamingBody(Protocol):
    """A body that is read once, such as requests-toolbelt's ``MultipartEncoder``."""

    def read(self, size: int = -1, /) -> bytes | str:  # pragma: no cover - protocol
        """Read and return the (rest of the) body."""
        ...


#: What a request body may be given as.
BodyInput: TypeAlias = (
    "bytes | bytearray | memoryview | str | IO[bytes] | StreamingBody | Iterable[bytes] | None"
)
