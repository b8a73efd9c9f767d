"""Fixtures of the peer benchmarks (the same timing helper and bodies as ``tests/benchmarks``) and the
end-of-session table of our event fabrication against AWS SAM CLI's."""

from __future__ import annotations

import random

import pytest

from ..benchmarks._timing import Benchmark, Timing
from ..benchmarks.conftest import KIB, MIB, SEED
from ._summary import ROWS, PeerRow, table


@pytest.fixture
def timing(benchmark: Benchmark) -> Timing:
    """The :class:`Timing` helper of this test's benchmark."""
    return Timing(benchmark)


@pytest.fixture(scope="session")
def bodies() -> dict[str, bytes]:
    """The random binary bodies of ``tests/benchmarks`` (same seed, same bytes): ``"1KB"`` and ``"1MB"``."""
    rng = random.Random(SEED)
    return {"1KB": rng.randbytes(KIB), "1MB": rng.randbytes(MIB)}


@pytest.fixture
def peer_rows(pytestconfig: pytest.Config) -> list[PeerRow]:
    """Where a timed peer benchmark leaves its row for the end-of-session table."""
    return pytestconfig.stash.setdefault(ROWS, [])


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter, config: pytest.Config) -> None:
    """Print the ratios of the timed peer benchmarks, if any ran."""
    rows = config.stash.get(ROWS, [])
    if not rows:
        return
    terminalreporter.section("event fabrication: apigw-emulator against AWS SAM CLI (medians, same run)")
    for line in table(rows):
        terminalreporter.write_line(line)
    terminalreporter.write_line(
        "SAM/ours: SAM's constructor on a Flask request built once (its parsed headers and body cached), as "
        "ours on a prepared request; SAM fresh: on a request never read before (informational)."
    )
