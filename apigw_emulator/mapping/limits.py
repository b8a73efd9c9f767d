"""Bounds on one rendering of a mapping template, so that no template hangs the gateway or fills its memory.

API Gateway bounds a template's evaluation and output on its side (a template is at most 300 KB, a
payload at most 10 MB); its exact evaluation limits are not published. The emulator enforces its own:

- :data:`MAX_OUTPUT_CHARS`: the rendered text (the 10 MB payload limit);
- :data:`MAX_WRITTEN_CHARS`: every character the engine writes in one rendering, the output and the
  strings it builds (``#set($s = "$s$s")`` doubles a string by writing it);
- :data:`MAX_BLOCK_RUNS`: how many times blocks run (each ``#foreach`` iteration, ``#if`` branch and
  macro call is one), which ends a loop over a list the loop itself grows;
- :data:`MAX_RENDER_SECONDS`: the wall-clock time of one rendering, checked as blocks run.

A rendering that passes one fails with :class:`TemplateLimitError` (the gateway answers 500 with the reason).
The bounds are counted per thread, for the rendering that thread is running.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import airspeed.operators

from .errors import TemplateLimitError

__all__ = [
    "MAX_BLOCK_RUNS",
    "MAX_OUTPUT_CHARS",
    "MAX_RENDER_SECONDS",
    "MAX_WRITTEN_CHARS",
    "bounded",
]

MAX_OUTPUT_CHARS = 10 * 1024 * 1024
MAX_WRITTEN_CHARS = 64 * 1024 * 1024
MAX_BLOCK_RUNS = 100_000
MAX_RENDER_SECONDS = 10.0
_CLOCK_EVERY = 1024  # block runs between two looks at the clock


class _Budget:
    __slots__ = ("deadline", "runs", "written")

    def __init__(self) -> None:
        self.runs = 0
        self.written = 0
        self.deadline = time.monotonic() + MAX_RENDER_SECONDS


class _Local(threading.local):
    budget: _Budget | None = None  # the class default: a thread that never rendered has no budget


_local = _Local()


@contextmanager
def bounded() -> Iterator[None]:
    """Count the rendering run inside the ``with`` block against the bounds (nested uses share one)."""
    if _local.budget is not None:
        yield
        return
    _local.budget = _Budget()
    try:
        yield
    finally:
        _local.budget = None


def check_output(text: str) -> str:
    """``text`` when it is within :data:`MAX_OUTPUT_CHARS`.

    :raises TemplateLimitError: when it is longer.
    """
    if len(text) > MAX_OUTPUT_CHARS:
        raise TemplateLimitError(
            f"mapping template: the rendered text has {len(text)} characters, over {MAX_OUTPUT_CHARS}"
        )
    return text


def _count_block(original: Callable[..., Any]) -> Callable[..., Any]:
    def evaluate_raw(self: Any, stream: Any, namespace: Any, loader: Any) -> Any:
        budget = _local.budget
        if budget is not None:
            budget.runs += 1
            if budget.runs > MAX_BLOCK_RUNS:
                raise TemplateLimitError(
                    f"mapping template: over {MAX_BLOCK_RUNS} block evaluations (#foreach iterations, "
                    "#if branches, macro calls) in one rendering"
                )
            if budget.runs % _CLOCK_EVERY == 0 and time.monotonic() > budget.deadline:
                raise TemplateLimitError(f"mapping template: rendering took over {MAX_RENDER_SECONDS:g} s")
        return original(self, stream, namespace, loader)

    return evaluate_raw


def _count_writes(original: Callable[..., Any]) -> Callable[..., Any]:
    def write(self: Any, text: str) -> Any:
        budget = _local.budget
        if budget is not None:
            budget.written += len(text)
            if budget.written > MAX_WRITTEN_CHARS:
                raise TemplateLimitError(
                    f"mapping template: wrote over {MAX_WRITTEN_CHARS} characters in one rendering "
                    "(output and built strings)"
                )
        return original(self, text)

    return write


# airspeed-ext runs every block (a template's body, a loop's iteration, a branch, a macro) through
# Block.evaluate_raw and writes every text (the output, interpolated strings) through StoppableStream.write.
airspeed.operators.Block.evaluate_raw = _count_block(airspeed.operators.Block.evaluate_raw)
airspeed.operators.StoppableStream.write = _count_writes(airspeed.operators.StoppableStream.write)
