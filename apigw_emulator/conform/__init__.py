"""``apigw-emulator conform``: measure the emulator against a deployed copy of the echo stack.

The snapshot format is :mod:`apigw_emulator.conform.snapshot`; :func:`check` replays a snapshot through the
emulator (:mod:`~apigw_emulator.conform.replay`) and compares it field by field
(:mod:`~apigw_emulator.conform.diff`).
"""

from __future__ import annotations

from .check import check
from .diff import ConformReport, Difference, KnownDeviation, KnownDeviationsError, load_known_deviations
from .snapshot import (
    FORMAT,
    FrontDoor,
    RecordedRequest,
    RecordedResponse,
    Snapshot,
    SnapshotEntry,
    SnapshotError,
    dump_snapshot,
    load_snapshot,
)

__all__ = [
    "FORMAT",
    "ConformReport",
    "Difference",
    "FrontDoor",
    "KnownDeviation",
    "KnownDeviationsError",
    "RecordedRequest",
    "RecordedResponse",
    "Snapshot",
    "SnapshotEntry",
    "SnapshotError",
    "check",
    "dump_snapshot",
    "load_known_deviations",
    "load_snapshot",
]
