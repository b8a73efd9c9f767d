"""How a message names an option: the Python keyword (``function=...``), or the flag on the command line.

Errors deep in the library (a template with several APIs, a handler that cannot be imported) tell the user
what to pass. A Python caller passes keywords; someone at the shell passes flags. The command runs inside
:func:`command_line`, and every message built meanwhile, in any thread, names the flags.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

__all__ = ["command_line", "option", "own_handler", "parameter_value"]

#: The command line's name of each option a message may ask for.
_FLAGS = {
    "api": "--api",
    "template_api": "--template-api ID",
    "function": "--function ID",
    "code_uri": "--code-uri DIR",
    "handler": "a HANDLER argument",
}

_lock = threading.Lock()
_depth = 0


@contextmanager
def command_line() -> Iterator[None]:
    """Messages built in this block (by any thread) name command-line flags instead of keywords."""
    global _depth  # noqa: PLW0603 - process-wide on purpose: the server's threads build messages too
    with _lock:
        _depth += 1
    try:
        yield
    finally:
        with _lock:
            _depth -= 1


def option(name: str) -> str:
    """``template_api=...`` for Python callers, ``--template-api ID`` on the command line."""
    if _depth and name in _FLAGS:
        return _FLAGS[name]
    return f"{name}=..."


def own_handler() -> str:
    """How to use a handler of one's own instead of the template's."""
    if _depth:
        return "give your own handler as the HANDLER argument (module.function)"
    return "pass your own handler (Gateway.from_template(..., handler=...))"


def parameter_value(name: str) -> str:
    """How to give template parameter ``name`` a value: ``parameters={'Stage': ...}`` for Python callers,
    ``--parameter-overrides Stage=VALUE`` on the command line."""
    if _depth:
        return f"--parameter-overrides {name}=VALUE"
    return f"parameters={{{name!r}: ...}}"
