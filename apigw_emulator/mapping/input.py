"""``$input``: the payload and the method request's parameters."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from .errors import BodyNotJsonError
from .jsonpath import MISSING, query
from .values import VtlMap, to_json_value

__all__ = ["InputVariable"]

_UNSET: Any = object()


class InputVariable:
    """``$input`` (AWS's mapping template reference, "$input variables").

    - ``$input.body``: the payload as text; an empty payload is ``{}`` (spec 10.3).
    - ``$input.json(path)``: what the JSONPath names, as compact JSON text (``""`` for nothing).
    - ``$input.path(path)``: what the JSONPath names, as an object (maps render ``{k=v}``, lists as
      compact JSON).
    - ``$input.params()``: ``{path={...}, querystring={...}, header={...}}``; ``$input.params(name)``:
      the parameter of that name, looked up in the path, then the query string, then the headers
      (``""`` if none).
    """

    __slots__ = ("_body", "_document", "_params")

    def __init__(
        self,
        body: str,
        *,
        path: Mapping[str, str],
        querystring: Mapping[str, str],
        header: Mapping[str, str],
    ) -> None:
        self._body = body
        self._document: Any = _UNSET
        self._params = VtlMap(path=VtlMap(path), querystring=VtlMap(querystring), header=VtlMap(header))

    @property
    def body(self) -> str:
        """The payload as text (``{}`` when there is none)."""
        return self._body or "{}"

    def _parsed(self) -> Any:
        if self._document is _UNSET:
            if not self._body.strip():
                self._document = {}
            else:
                try:
                    self._document = json.loads(self._body)
                except ValueError as exc:
                    raise BodyNotJsonError(f"Could not parse request body into json: {exc}") from exc
        return self._document

    def json(self, path: str = "$") -> str:
        """What ``path`` names in the JSON payload, as compact JSON text (``""`` when it names nothing).

        :raises BodyNotJsonError: when the payload is not JSON.
        :raises TemplateRenderError: for a path that is not JSONPath.
        """
        found = query(self._parsed(), path)
        if found is MISSING:
            return '""'
        return json.dumps(found, separators=(",", ":"), ensure_ascii=False)

    def path(self, path: str) -> Any:
        """What ``path`` names in the JSON payload, as an object (null when it names nothing).

        :raises BodyNotJsonError: when the payload is not JSON.
        :raises TemplateRenderError: for a path that is not JSONPath.
        """
        found = query(self._parsed(), path)
        return None if found is MISSING else to_json_value(found)

    def params(self, name: Any = None) -> Any:
        """Every parameter (no name), or the named one: path first, then query string, then header."""
        if name is None:
            return self._params
        key = str(name)
        for kind in ("path", "querystring", "header"):
            value = self._params[kind].get(key)
            if value is not None:
                return value
        return ""

    def __repr__(self) -> str:
        return "$input"
