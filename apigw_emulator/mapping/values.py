"""The values a template sees, rendered as API Gateway's Java Velocity renders them.

Velocity writes a value with Java's ``toString()``: a map as ``{key=value, other=1}``, a list as
``[a, b]``, ``true``/``false`` and ``null`` in lower case. What ``$input.path()`` (and
``$util.parseJson()``) return is JSON read into maps and lists, and there a list renders as compact JSON
(``[{"foo":"bar"}]``), also inside a map (``{a=1, b=[{"c":5}]}``) (spec 10.3, LocalStack's AWS-validated
test_input_path_template_formatting).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from typing import Any

__all__ = ["JsonList", "JsonMap", "VtlList", "VtlMap", "java_str", "to_json_value", "to_vtl"]


def java_str(value: Any) -> str:
    """``value`` as Java's ``String.valueOf`` writes it (``null``, ``true``, ``{k=v}``...)."""
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    return str(value)


class VtlMap(dict[str, Any]):
    """A Java map: ``{k=v, ...}`` when rendered, with the methods templates call on maps."""

    def __str__(self) -> str:
        return "{" + ", ".join(f"{key}={java_str(value)}" for key, value in self.items()) + "}"

    def keySet(self) -> VtlList:  # noqa: N802 (the Java name templates call)
        """The keys, in order."""
        return VtlList(self.keys())

    def entrySet(self) -> VtlList:  # noqa: N802
        """The entries as maps with ``key`` and ``value``."""
        return VtlList(VtlMap(key=key, value=value) for key, value in self.items())

    def size(self) -> int:
        """The number of entries."""
        return len(self)

    def isEmpty(self) -> bool:  # noqa: N802
        """Whether the map has no entry."""
        return not self

    def containsKey(self, key: object) -> bool:  # noqa: N802
        """Whether ``key`` is a key of the map."""
        return key in self

    def put(self, key: str, value: Any) -> Any:
        """Set ``key``; returns the previous value (null if none), as Java's ``Map.put``."""
        previous = self.get(key)
        self[key] = value
        return previous

    def putAll(self, other: Mapping[str, Any]) -> None:  # noqa: N802
        """Copy every entry of ``other``."""
        self.update(other)

    def toString(self) -> str:  # noqa: N802
        """The rendered form."""
        return str(self)


class VtlList(list[Any]):
    """A Java list: ``[a, b]`` when rendered, with the methods templates call on lists."""

    def __str__(self) -> str:
        return "[" + ", ".join(java_str(item) for item in self) + "]"

    def size(self) -> int:
        """The number of items."""
        return len(self)

    def isEmpty(self) -> bool:  # noqa: N802
        """Whether the list has no item."""
        return not self

    def contains(self, item: object) -> bool:
        """Whether ``item`` is in the list."""
        return item in self

    def get(self, index: int) -> Any:
        """The item at ``index``.

        :raises IndexError: past the end (Java's ``IndexOutOfBoundsException``).
        """
        if not isinstance(index, int) or isinstance(index, bool) or not 0 <= index < len(self):
            raise IndexError(f"index {index!r} is out of bounds for a list of {len(self)}")
        return self[index]

    def add(self, item: Any) -> bool:
        """Append ``item`` (Java's ``List.add`` answers true)."""
        self.append(item)
        return True

    def toString(self) -> str:  # noqa: N802
        """The rendered form."""
        return str(self)


class JsonMap(VtlMap):
    """A JSON object read from a body: rendered like any map, its lists as compact JSON."""


class JsonList(VtlList):
    """A JSON array read from a body: rendered as compact JSON."""

    def __str__(self) -> str:
        return json.dumps(self, separators=(",", ":"), ensure_ascii=False)


_SCALARS = (str, int, float, type(None))


def to_json_value(value: Any) -> Any:
    """Wrap parsed JSON (dicts, lists, scalars) in :class:`JsonMap` / :class:`JsonList`, all the way down."""
    if isinstance(value, _SCALARS):
        return value
    if isinstance(value, dict):
        return JsonMap({key: to_json_value(item) for key, item in value.items()})
    if isinstance(value, list):
        return JsonList([to_json_value(item) for item in value])
    return value


def to_vtl(value: Any) -> Any:
    """Wrap plain data (the context, parameters) in :class:`VtlMap` / :class:`VtlList`, all the way down."""
    if isinstance(value, _SCALARS):
        return value
    if isinstance(value, (dict, Mapping)):  # dict first: the ABC check is slower
        return VtlMap({key: to_vtl(item) for key, item in value.items()})
    if isinstance(value, (list, tuple)):
        return VtlList([to_vtl(item) for item in value])
    return value


def plain(value: Any) -> Any:
    """The plain Python data behind wrapped values (dicts and lists)."""
    if isinstance(value, Mapping):
        return {key: plain(item) for key, item in value.items()}
    if isinstance(value, Iterable) and not isinstance(value, (str, bytes)):
        return [plain(item) for item in value]
    return value
