"""Fixtures of the benchmarks; the timing machinery is in :mod:`._timing`."""

from __future__ import annotations

import random

import pytest

from ._timing import Benchmark, Timing

#: Seed of the random bodies: every run benchmarks the same bytes.
SEED = 20261110
KIB = 1024
MIB = 1024 * 1024


@pytest.fixture
def timing(benchmark: Benchmark) -> Timing:
    """The :class:`Timing` helper of this test's benchmark."""
    return Timing(benchmark)


@pytest.fixture(scope="session")
def bodies() -> dict[str, bytes]:
    """Random binary bodies from a fixed seed: ``"1KB"`` and ``"1MB"``."""
    rng = random.Random(SEED)
    return {"1KB": rng.randbytes(KIB), "1MB": rng.randbytes(MIB)}


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """Show every benchmark server that said no port in time and was started again, with the stacks it
    printed, so that a start that hangs is seen even when its second start passed."""
    from ._external_load import SILENT_STARTS  # noqa: PLC0415 - only at the end of a session

    if SILENT_STARTS:
        terminalreporter.section("benchmark servers started again")
        for said in SILENT_STARTS:
            terminalreporter.write_line(said)
