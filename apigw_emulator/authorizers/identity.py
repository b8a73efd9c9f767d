"""Identity sources: where an authorizer finds the caller's identity in a request (spec 9, D25, D27).

An identity source is read from the proxy event the request makes, so it sees what AWS sees: header
names case-insensitively, the query string's decoded values, the stage variables and ``requestContext``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

from .._types import Event
from ..errors import ConfigurationError

__all__ = ["IdentitySource", "parse_identity_source"]

SourceKind = Literal["header", "querystring", "stageVariables", "context"]

_PREFIXES: tuple[tuple[str, SourceKind], ...] = (
    ("method.request.header.", "header"),
    ("request.header.", "header"),
    ("method.request.querystring.", "querystring"),
    ("request.querystring.", "querystring"),
    ("stageVariables.", "stageVariables"),
    ("context.", "context"),
)


@dataclass(frozen=True, slots=True)
class IdentitySource:
    """One identity source: its kind and name, and how it was written."""

    kind: SourceKind
    name: str
    expression: str

    def value(self, event: Event) -> str | None:
        """The source's value in a proxy event, or None where the request has none (or an empty one)."""
        if self.kind == "header":
            found = _lookup_case_insensitive(event.get("headers"), self.name)
        elif self.kind == "querystring":
            found = _lookup(event.get("queryStringParameters"), self.name)
        elif self.kind == "stageVariables":
            found = _lookup(event.get("stageVariables"), self.name)
        else:
            found = _dotted(event.get("requestContext"), self.name)
        if found is None or isinstance(found, (dict, list)):
            return None
        text = found if isinstance(found, str) else str(found)
        return text or None


def parse_identity_source(expression: str) -> IdentitySource:
    """An identity source from AWS's syntax (``method.request.header.Auth``, ``$request.querystring.q``...).

    :raises ConfigurationError: for anything else (path parameters cannot be identity sources).
    """
    text = expression.strip()
    bare = text[1:] if text.startswith("$") else text
    for prefix, kind in _PREFIXES:
        if bare.startswith(prefix) and len(bare) > len(prefix):
            return IdentitySource(kind, bare[len(prefix) :], text)
    raise ConfigurationError(
        f"identity source {expression!r} is none of a header (method.request.header.X, $request.header.X), a "
        "query string parameter (method.request.querystring.x, $request.querystring.x), a stage variable "
        "(stageVariables.x) or a context variable (context.x)"
    )


def _lookup(values: Any, name: str) -> Any:
    return values.get(name) if isinstance(values, Mapping) else None


def _lookup_case_insensitive(values: Any, name: str) -> Any:
    if not isinstance(values, Mapping):
        return None
    wanted = name.lower()
    return next((value for key, value in values.items() if key.lower() == wanted), None)


def _dotted(context: Any, path: str) -> Any:
    value = context
    for part in path.split("."):
        if not isinstance(value, Mapping):
            return None
        value = value.get(part)
    return value
