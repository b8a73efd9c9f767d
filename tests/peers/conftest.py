"""Fixtures of the peer benchmarks (the same timing helper and bodies as ``tests/benchmarks``) and the
end-of-session table of our event fabrication against AWS SAM CLI's."""

from __future__ import annotations

import pytest

from ..benchmarks.conftest import bodies, timing  # the same fixtures: same helper, same seeded bodies
from ._summary import ROWS, PeerRow, table

__all__ = ["bodies", "peer_rows", "timing"]


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
        "ours, SAM: per request, from the request as each tool's HTTP server hands it over to the event "
        "(ours: HttpRequest(...) + build_event; SAM: Flask request and routing from the WSGI environ + its "
        "constructor). event, fresh, reused: the constructors alone (ours on a prepared request; SAM's on a "
        "routed request never read / read before), without a target."
    )
