"""The rows of the end-of-session table of the peer benchmarks (filled only when timing is on)."""

from __future__ import annotations

from dataclasses import dataclass

import pytest


@dataclass(frozen=True)
class PeerRow:
    """One case: our median, SAM CLI's on the same request, and the ratio target."""

    payload: str
    size: str
    ours_us: float
    sam_us: float
    sam_fresh_us: float
    target: float

    @property
    def ratio(self) -> float:
        """How many of our events SAM CLI's constructor costs (request read before: cached)."""
        return self.sam_us / self.ours_us

    @property
    def ratio_fresh(self) -> float:
        """The same on a Flask request never read before (SAM parses headers and body in the call)."""
        return self.sam_fresh_us / self.ours_us


ROWS = pytest.StashKey[list[PeerRow]]()


def table(rows: list[PeerRow]) -> list[str]:
    """The rows as a plain-text table."""
    header = (
        f"{'payload':<22} {'body':>5} {'ours':>10} {'SAM':>10} {'SAM/ours':>9} {'target':>7} "
        f"{'SAM fresh':>10} {'fresh/ours':>10}"
    )
    lines = [header, "-" * len(header)]
    for row in rows:
        verdict = "ok" if row.ratio >= row.target else "MISSED"
        lines.append(
            f"{row.payload:<22} {row.size:>5} {row.ours_us:>8.1f}µs {row.sam_us:>8.1f}µs {row.ratio:>8.1f}x "
            f"{f'>={row.target:g}x':>7} {row.sam_fresh_us:>8.1f}µs {row.ratio_fresh:>9.1f}x  {verdict}"
        )
    return lines
