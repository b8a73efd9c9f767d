"""``apigw-emulator conform``: measure the emulator against a deployed copy of the echo stack.

The snapshot format is :mod:`apigw_emulator.conform.snapshot`; the echo stack :mod:`.stack`; the requests
``record`` sends :mod:`.corpus`; the placeholders of what changes from call to call :mod:`.normalise`;
recording :mod:`.record`; :func:`check` replays a snapshot through the emulator (:mod:`.replay`) and
compares it field by field (:mod:`.diff`).
"""

from __future__ import annotations

from .check import check
from .corpus import CorpusError, CorpusRequest, curated, encode_result, generated
from .diff import ConformReport, Difference, KnownDeviation, KnownDeviationsError, load_known_deviations
from .normalise import Normaliser, normalise_snapshot
from .record import RecordError, Recording, echo_entry, read_outputs, record
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
from .stack import ECHO_FRONT_DOORS, EchoFrontDoor, EchoStackExistsError, echo_template, write_echo_stack

__all__ = [
    "ECHO_FRONT_DOORS",
    "FORMAT",
    "ConformReport",
    "CorpusError",
    "CorpusRequest",
    "Difference",
    "EchoFrontDoor",
    "EchoStackExistsError",
    "FrontDoor",
    "KnownDeviation",
    "KnownDeviationsError",
    "Normaliser",
    "RecordError",
    "RecordedRequest",
    "RecordedResponse",
    "Recording",
    "Snapshot",
    "SnapshotEntry",
    "SnapshotError",
    "check",
    "curated",
    "dump_snapshot",
    "echo_entry",
    "echo_template",
    "encode_result",
    "generated",
    "load_known_deviations",
    "load_snapshot",
    "normalise_snapshot",
    "read_outputs",
    "record",
    "write_echo_stack",
]
