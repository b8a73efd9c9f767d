"""The rows of the end-of-session table of the peer benchmarks (filled only when timing is on)."""

from __future__ import annotations

from dataclasses import dataclass

import pytest


@dataclass(frozen=True)
class PeerRow:
    """One case: our medians, SAM CLI's on the same request, and the ratio target."""

    payload: str
    size: str
    ours_us: float
    """Per request: ``HttpRequest(...)`` from the parsed parts plus ``build_event``."""
    sam_us: float
    """Per request: Flask's request and routing from a WSGI environ plus SAM's constructor."""
    ours_event_us: float
    """``build_event`` alone, on a prepared request."""
    sam_fresh_us: float
    """SAM's constructor alone, on a routed request never read before."""
    sam_reused_us: float
    """SAM's constructor alone, on a request read before (werkzeug's parsed data cached)."""
    target: float

    @property
    def ratio(self) -> float:
        """How many of our requests one of SAM CLI's costs, request to event (the target's ratio)."""
        return self.sam_us / self.ours_us

    @property
    def ratio_fresh(self) -> float:
        """SAM's constructor on a fresh request over our ``build_event`` (informational)."""
        return self.sam_fresh_us / self.ours_event_us

    @property
    def ratio_reused(self) -> float:
        """SAM's constructor on a request read before over our ``build_event`` (informational)."""
        return self.sam_reused_us / self.ours_event_us


ROWS = pytest.StashKey[list[PeerRow]]()


def table(rows: list[PeerRow]) -> list[str]:
    """The rows as a plain-text table: per request (the target), then the constructors alone."""
    header = (
        f"{'payload':<22} {'body':>5} | {'ours':>9} {'SAM':>9} {'SAM/ours':>8} {'target':>7} | "
        f"{'event':>9} {'fresh':>9} {'ratio':>6} {'reused':>9} {'ratio':>6}"
    )
    lines = [header, "-" * len(header)]
    for row in rows:
        verdict = "ok" if row.ratio >= row.target else "MISSED"
        lines.append(
            f"{row.payload:<22} {row.size:>5} | {row.ours_us:>7.1f}µs {row.sam_us:>7.1f}µs "
            f"{row.ratio:>7.1f}x {f'>={row.target:g}x':>7} | {row.ours_event_us:>7.1f}µs "
            f"{row.sam_fresh_us:>7.1f}µs {row.ratio_fresh:>5.1f}x "
            f"{row.sam_reused_us:>7.1f}µs {row.ratio_reused:>5.1f}x  {verdict}"
        )
    return lines
