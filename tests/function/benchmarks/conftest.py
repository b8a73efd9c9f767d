"""Fixtures of the image function's benchmarks; the timing machinery is the project's (tests/benchmarks)."""

from __future__ import annotations

import pytest

from tests.benchmarks._timing import Benchmark, Timing


@pytest.fixture
def timing(benchmark: Benchmark) -> Timing:
    """The :class:`Timing` helper of this test's benchmark: in-test baselines, inert when disabled."""
    return Timing(benchmark)
