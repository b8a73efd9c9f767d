"""Benchmarks of mapping templates: rendering a small request template with its compilation cached,
against compiling it again for every request, in the same run.

Run timed with ``make bench``; ``make test`` runs each once (``--benchmark-disable``) and checks the
output. The target (asserted only when timed, as a ratio of medians of the same test): a cached
rendering costs at most half of compiling and rendering, i.e. compilation is done once per template
text, not per request (it is about three quarters of a first rendering here).
"""

from __future__ import annotations

import json

import airspeed
import pytest

from apigw_emulator import Gateway
from apigw_emulator.mapping import TemplateVariables, render_template

from ._timing import Timing

GROUP = "mapping template: small request template"
#: A cached rendering may cost at most this share of compiling and rendering.
CACHED_RATIO_TARGET = 0.5

TEMPLATE = """{
  "name": $input.json('$.name'),
  "id": "$input.params('id')",
  "stage": "$context.stage",
  "requestId": "$context.requestId",
  "env": "$stageVariables.env",
  "count": $input.path('$.items').size()
}"""


def _variables() -> TemplateVariables:
    gateway = Gateway(
        None, api="rest", stage="live", routes=["POST /items/{id}"], stage_variables={"env": "dev"}
    )
    event = gateway.event("POST", "/items/42", body='{"name": "x", "items": [1, 2, 3]}')
    return TemplateVariables.from_rest_event(event)


def _check(rendered: str, variables: TemplateVariables) -> None:
    assert json.loads(rendered) == {
        "name": "x",
        "id": "42",
        "stage": "live",
        "requestId": variables.context["requestId"],
        "env": "dev",
        "count": 3,
    }


def _compile_and_render(variables: TemplateVariables) -> str:
    """Compile the text again (a fresh engine template) then render: what no cache would cost."""
    airspeed.Template(TEMPLATE).ensure_compiled()
    return render_template(TEMPLATE, variables)


@pytest.mark.benchmark(group=GROUP)
def test_render_small_template_compiled_once(timing: Timing) -> None:
    variables = _variables()
    rendered = timing.run(
        lambda: render_template(TEMPLATE, variables),
        baselines={"compile_and_render": lambda: _compile_and_render(variables)},
    )
    _check(rendered, variables)
    ratio = timing.ratio("compile_and_render")
    if ratio is None:  # --benchmark-disable: checked once, nothing timed
        return
    timing.record(target_max_ratio_to_compile_and_render=CACHED_RATIO_TARGET)
    assert ratio <= CACHED_RATIO_TARGET, (
        f"a cached rendering costs {ratio:.2f} of compiling and rendering (target <= "
        f"{CACHED_RATIO_TARGET}): is the compilation cached? {timing.benchmark.extra_info}"
    )


@pytest.mark.benchmark(group=GROUP)
def test_baseline_compile_and_render(timing: Timing) -> None:
    variables = _variables()
    _check(timing.run(lambda: _compile_and_render(variables)), variables)
