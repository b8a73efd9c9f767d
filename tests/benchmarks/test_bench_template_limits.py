"""Benchmark of the bounds on a mapping template's rendering (``apigw_emulator.mapping.limits``): a
rendering counted against them, against the same rendering with the engine's own functions, in the same
run.

The bounds count every block run and every text written, so their cost grows with the template's work: the
template here is a typical response mapping (a ``#foreach`` over 200 items with an ``#if`` and a
``$util`` call in each). Target (asserted only when timed): the bounded rendering costs at most 1.25 times
the unbounded one (measured: about 1.1).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import airspeed.operators
import pytest

from apigw_emulator.mapping import TemplateVariables, render_template

from ._timing import Timing

GROUP = "mapping template: bounded rendering against the engine's own"
BOUNDED_RATIO_TARGET = 1.25

TEMPLATE = (
    "#set($r = $input.path('$'))[#foreach($e in $r.items)"
    '{"id": $e.id, "name": "$util.escapeJavaScript($e.name)"}#if($foreach.hasNext),#end#end]'
)
BODY = json.dumps({"items": [{"id": i, "name": f"n{i}"} for i in range(200)]})


def _original(function: Any) -> Callable[..., Any]:
    original: Callable[..., Any] = function.__closure__[0].cell_contents  # the wrapped engine function
    return original


@contextmanager
def _unbounded() -> Iterator[None]:
    block, write = airspeed.operators.Block.evaluate_raw, airspeed.operators.StoppableStream.write
    airspeed.operators.Block.evaluate_raw = _original(block)
    airspeed.operators.StoppableStream.write = _original(write)
    try:
        yield
    finally:
        airspeed.operators.Block.evaluate_raw, airspeed.operators.StoppableStream.write = block, write


def _render_unbounded(variables: TemplateVariables) -> str:
    with _unbounded():
        return render_template(TEMPLATE, variables)


@pytest.mark.benchmark(group=GROUP)
def test_bounded_rendering_costs_little_more_than_the_engine_s_own(timing: Timing) -> None:
    variables = TemplateVariables(body=BODY)
    rendered = timing.run(
        lambda: render_template(TEMPLATE, variables),
        baselines={"unbounded": lambda: _render_unbounded(variables)},
    )
    assert rendered == _render_unbounded(variables)
    assert len(json.loads(rendered)) == 200
    ratio = timing.ratio("unbounded")
    if ratio is None:  # --benchmark-disable: checked once, nothing timed
        return
    timing.record(target_max_ratio_to_unbounded=BOUNDED_RATIO_TARGET)
    assert ratio <= BOUNDED_RATIO_TARGET, (
        f"a bounded rendering costs {ratio:.2f} of the engine's own (target <= {BOUNDED_RATIO_TARGET}): "
        f"{timing.benchmark.extra_info}"
    )
