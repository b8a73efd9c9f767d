"""``apigw-emulator conform``: measure the emulator against a deployed copy of the echo stack.

The snapshot format is :mod:`apigw_emulator.conform.snapshot`.
"""

from __future__ import annotations

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
    "FrontDoor",
    "RecordedRequest",
    "RecordedResponse",
    "Snapshot",
    "SnapshotEntry",
    "SnapshotError",
    "dump_snapshot",
    "load_snapshot",
]
