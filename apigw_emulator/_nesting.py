"""How deep a decoded JSON value nests, measured without recursion (so a hostile value cannot exhaust
Python's stack while it is being measured)."""

from __future__ import annotations

from typing import Any

__all__ = ["deeper_than"]


def deeper_than(value: Any, limit: int) -> bool:
    """Whether ``value`` nests lists and dicts more than ``limit`` levels deep (a scalar is 0 deep, ``[]``
    and ``{}`` are 1). Stops at the first branch over the limit; each container is visited once."""
    stack: list[tuple[Any, int]] = [(value, 0)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict):
            children: Any = item.values()
        elif isinstance(item, list):
            children = item
        else:
            continue
        if depth + 1 > limit:
            return True
        stack.extend((child, depth + 1) for child in children)
    return False
