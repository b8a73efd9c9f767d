"""JSONPath over a parsed body, with the result shapes ``$input.path``/``$input.json`` give.

A definite path (``$``, ``$.a.b``, ``$['a'][0]``) gives the one value it names (or :data:`MISSING`);
a path that can name several (``[*]``, ``..``, slices, unions, filters) gives the list of what it found.
Parsing is jsonpath-ng's extended dialect (filters included); parsed paths are cached.
"""

from __future__ import annotations

import functools
from typing import Any, Final

from jsonpath_ng import jsonpath as nodes
from jsonpath_ng.ext.parser import parse

from .errors import TemplateRenderError

__all__ = ["MISSING", "query"]


class _Missing:
    """What a definite path gives when the document has nothing there."""

    def __repr__(self) -> str:
        return "MISSING"


#: What a definite path gives when the document has nothing there.
MISSING: Final = _Missing()


def _is_definite(node: nodes.JSONPath) -> bool:
    if isinstance(node, (nodes.Root, nodes.This)):
        return True
    if isinstance(node, nodes.Child):
        return _is_definite(node.left) and _is_definite(node.right)
    if isinstance(node, nodes.Fields):
        return len(node.fields) == 1 and node.fields[0] != "*"
    if isinstance(node, nodes.Index):
        return len(node.indices) == 1
    return False


@functools.lru_cache(maxsize=1024)
def _compile(path: str) -> tuple[nodes.JSONPath, bool]:
    try:
        expression = parse(path)
    except Exception as exc:  # jsonpath-ng raises its own errors, and others (e.g. ZeroDivisionError)
        raise TemplateRenderError(f"invalid JSONPath {path!r}: {exc}") from exc
    return expression, _is_definite(expression)


def query(document: Any, path: str) -> Any:
    """What ``path`` names in ``document``: the value (definite path), :data:`MISSING`, or a list.

    :raises TemplateRenderError: for a path jsonpath-ng cannot parse.
    """
    if not isinstance(path, str):
        raise TemplateRenderError(f"a JSONPath must be a string, got {path!r}")
    expression, definite = _compile(path.strip() or "$")
    found = [match.value for match in expression.find(document)]
    if definite:
        return found[0] if found else MISSING
    return found
