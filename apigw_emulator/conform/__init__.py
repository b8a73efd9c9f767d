"""``apigw-emulator conform``: measure the emulator against a deployed copy of the echo stack.

The snapshot format is :mod:`apigw_emulator.conform.snapshot`; the echo stack :mod:`.stack`; the requests
``record`` sends :mod:`.corpus`; the placeholders of what changes from call to call :mod:`.normalise`;
recording :mod:`.record`.
"""

from __future__ import annotations

from .corpus import CorpusError, CorpusRequest, curated, encode_result, generated
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
    "CorpusError",
    "CorpusRequest",
    "EchoFrontDoor",
    "EchoStackExistsError",
    "FrontDoor",
    "Normaliser",
    "RecordError",
    "RecordedRequest",
    "RecordedResponse",
    "Recording",
    "Snapshot",
    "SnapshotEntry",
    "SnapshotError",
    "curated",
    "dump_snapshot",
    "echo_entry",
    "echo_template",
    "encode_result",
    "generated",
    "load_snapshot",
    "normalise_snapshot",
    "read_outputs",
    "record",
    "write_echo_stack",
]
