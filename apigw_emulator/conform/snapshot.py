"""The snapshot file of ``apigw-emulator conform``: requests sent to deployed front doors, what the function
received, and what the client got back.

A snapshot is one JSON document (UTF-8, sorted keys, two-space indent, so that it diffs well)::

    {
      "format": "apigw-emulator-snapshot/1",
      "recorded": "2026-12-07T15:00:00Z",
      "recorder": "apigw-emulator 1.2.0",
      "frontDoors": {
        "RestBinary": {"kind": "rest", "url": "https://<api-id:1>.execute-api.<region>.amazonaws.com/Prod",
                       "stage": "Prod", "binaryMediaTypes": ["image/*"]}
      },
      "entries": [
        {
          "id": "RestBinary/post-jpeg",
          "frontDoor": "RestBinary",
          "request": {"method": "POST", "target": "/echo/a%20b?x=1&x=2",
                      "headers": [["Content-Type", "image/jpeg"]], "body": "<base64>"},
          "result": null,
          "event": {...},
          "context": {...},
          "response": {"status": 200, "headers": [["Content-Type", "application/json"]], "body": "<base64>"}
        }
      ]
    }

- ``request.target`` is the request target exactly as sent (path and query, percent-encoding kept), relative
  to the front door's ``url``; ``headers`` are pairs in the order sent, with their casing; ``body`` is base64.
- ``result`` is the Lambda result the request asked the echo function to return (None: the echo function
  answered with the event and context it received).
- ``event`` and ``context`` are what the function received (None when it did not run, or returned ``result``).
- ``response`` is what the client received: status, header pairs as received, the body in base64.
- Values that change from call to call (request ids, times, source IPs, trace ids, API ids, the account) are
  written as placeholders such as ``<request-id:1>``: equal values get equal placeholders within a snapshot.
- For an echo (``event`` not None), ``response.body`` is the echo document written afresh from the
  normalised ``event`` and ``context`` (sorted keys, no ASCII escapes, as the function writes it) and the
  response's ``Content-Length`` is ``<echo-length:1>``: the bytes received held the values the
  placeholders replace (see :mod:`apigw_emulator.conform.normalise`).
- ``kind`` is the front door's kind as ``Gateway(api=...)`` names it: ``rest``, ``http``, ``http-v1``,
  ``function-url``, ``alb``.
- ``options`` (optional) are the :class:`~apigw_emulator.Gateway` keyword arguments of a front door that is
  not one of the echo template's (a capture's deployment, read from its event): ``conform check`` puts the
  echo function behind a gateway made of them instead of the template's API of that name.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import ApigwEmulatorError

__all__ = [
    "FORMAT",
    "KINDS",
    "MAX_SNAPSHOT_BYTES",
    "FrontDoor",
    "RecordedRequest",
    "RecordedResponse",
    "Snapshot",
    "SnapshotEntry",
    "SnapshotError",
    "dump_snapshot",
    "load_snapshot",
]

#: The value of the ``format`` key of every snapshot this version writes and reads.
FORMAT = "apigw-emulator-snapshot/1"
#: The front-door kinds a snapshot may name.
KINDS = ("rest", "http", "http-v1", "function-url", "alb")


#: The largest snapshot file read (a recording of the whole corpus with ``--large-body`` is far smaller).
MAX_SNAPSHOT_BYTES = 256 * 1024 * 1024


class SnapshotError(ApigwEmulatorError, ValueError):
    """A snapshot file that is not a valid snapshot; the message says where (``entries[3].request.body``)."""


def _b64(body: bytes) -> str:
    return base64.b64encode(body).decode("ascii")


@dataclass(frozen=True)
class RecordedRequest:
    """A request exactly as sent: ``target`` is the path and query as on the wire, relative to the front
    door's URL; ``headers`` are (name, value) pairs in order, with their casing."""

    method: str
    target: str
    headers: tuple[tuple[str, str], ...] = ()
    body: bytes = b""

    def to_json(self) -> dict[str, Any]:
        """This request as the snapshot's JSON object."""
        return {
            "method": self.method,
            "target": self.target,
            "headers": [list(pair) for pair in self.headers],
            "body": _b64(self.body),
        }


@dataclass(frozen=True)
class RecordedResponse:
    """A response as the client received it: status, (name, value) header pairs in order, body bytes."""

    status: int
    headers: tuple[tuple[str, str], ...] = ()
    body: bytes = b""

    def header(self, name: str) -> str | None:
        """The first value of header ``name`` (any casing), or None."""
        wanted = name.lower()
        return next((value for key, value in self.headers if key.lower() == wanted), None)

    def to_json(self) -> dict[str, Any]:
        """This response as the snapshot's JSON object."""
        return {
            "status": self.status,
            "headers": [list(pair) for pair in self.headers],
            "body": _b64(self.body),
        }


@dataclass(frozen=True)
class FrontDoor:
    """One deployed front door of the echo stack: its kind, its URL (normalised), its stage and the binary
    media types it was deployed with."""

    kind: str
    url: str
    stage: str | None = None
    binary_media_types: tuple[str, ...] = ()
    #: Gateway keyword arguments of a front door that is not the echo template's (None: the template's).
    options: Mapping[str, Any] | None = None

    def to_json(self) -> dict[str, Any]:
        """This front door as the snapshot's JSON object (``options`` only when there are some)."""
        document: dict[str, Any] = {
            "kind": self.kind,
            "url": self.url,
            "stage": self.stage,
            "binaryMediaTypes": list(self.binary_media_types),
        }
        if self.options is not None:
            document["options"] = dict(self.options)
        return document


@dataclass(frozen=True)
class SnapshotEntry:
    """One request to one front door and what came of it (see the module docstring)."""

    id: str
    front_door: str
    request: RecordedRequest
    response: RecordedResponse
    result: Any = None
    event: Mapping[str, Any] | None = None
    context: Mapping[str, Any] | None = None

    def to_json(self) -> dict[str, Any]:
        """This entry as the snapshot's JSON object."""
        return {
            "id": self.id,
            "frontDoor": self.front_door,
            "request": self.request.to_json(),
            "result": self.result,
            "event": self.event,
            "context": self.context,
            "response": self.response.to_json(),
        }


@dataclass(frozen=True)
class Snapshot:
    """A whole snapshot: the front doors and the entries recorded against them."""

    front_doors: Mapping[str, FrontDoor]
    entries: tuple[SnapshotEntry, ...] = ()
    recorded: str | None = None
    recorder: str | None = None
    extra: Mapping[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        """The snapshot as one JSON object (``extra``: keys this version does not know, kept as read)."""
        return {
            **self.extra,
            "format": FORMAT,
            "recorded": self.recorded,
            "recorder": self.recorder,
            "frontDoors": {name: door.to_json() for name, door in self.front_doors.items()},
            "entries": [entry.to_json() for entry in self.entries],
        }

    @classmethod
    def from_json(cls, document: Any) -> Snapshot:
        """The snapshot in a parsed JSON document.

        :raises SnapshotError: for anything that is not a snapshot of this format, saying where.
        """
        top = _object(document, "the snapshot")
        if top.get("format") != FORMAT:
            raise SnapshotError(f"format: expected {FORMAT!r}, found {top.get('format')!r}")
        doors = {
            str(name): _front_door(value, f"frontDoors.{name}")
            for name, value in _object(top.get("frontDoors"), "frontDoors").items()
        }
        entries = tuple(
            _entry(value, f"entries[{index}]", doors)
            for index, value in enumerate(_list(top.get("entries"), "entries"))
        )
        seen: set[str] = set()
        for entry in entries:
            if entry.id in seen:
                raise SnapshotError(f"entries: the id {entry.id!r} appears twice")
            seen.add(entry.id)
        known = {"format", "recorded", "recorder", "frontDoors", "entries"}
        return cls(
            front_doors=doors,
            entries=entries,
            recorded=_optional_str(top.get("recorded"), "recorded"),
            recorder=_optional_str(top.get("recorder"), "recorder"),
            extra={key: value for key, value in top.items() if key not in known},
        )


def dump_snapshot(snapshot: Snapshot, path: str | Path) -> None:
    """Write ``snapshot`` to ``path`` (UTF-8 JSON, sorted keys, two-space indent, a final newline)."""
    text = json.dumps(snapshot.to_json(), indent=2, sort_keys=True, ensure_ascii=False)
    Path(path).write_text(text + "\n", encoding="utf-8")


def load_snapshot(path: str | Path) -> Snapshot:
    """Read the snapshot at ``path``.

    :raises SnapshotError: when the file is not JSON or not a snapshot (the message names the file).
    :raises OSError: when the file cannot be read.
    """
    size = Path(path).stat().st_size
    if size > MAX_SNAPSHOT_BYTES:
        raise SnapshotError(f"{path}: {size} bytes, over the {MAX_SNAPSHOT_BYTES}-byte limit of a snapshot")
    raw = Path(path).read_bytes()
    try:
        document = json.loads(raw)
    except (ValueError, UnicodeDecodeError) as exc:
        raise SnapshotError(f"{path}: not JSON: {exc}") from None
    except RecursionError:
        raise SnapshotError(f"{path}: not a snapshot: JSON nested too deep to read") from None
    try:
        return Snapshot.from_json(document)
    except SnapshotError as exc:
        raise SnapshotError(f"{path}: {exc}") from None


def _object(value: Any, where: str) -> Mapping[str, Any]:
    if not isinstance(value, dict):
        raise SnapshotError(f"{where}: expected an object, found {type(value).__name__}")
    return value


def _list(value: Any, where: str) -> Sequence[Any]:
    if not isinstance(value, list):
        raise SnapshotError(f"{where}: expected a list, found {type(value).__name__}")
    return value


def _str(value: Any, where: str) -> str:
    if not isinstance(value, str):
        raise SnapshotError(f"{where}: expected a string, found {type(value).__name__}")
    return value


def _optional_str(value: Any, where: str) -> str | None:
    return None if value is None else _str(value, where)


def _optional_object(value: Any, where: str) -> Mapping[str, Any] | None:
    return None if value is None else _object(value, where)


def _body(value: Any, where: str) -> bytes:
    try:
        return base64.b64decode(_str(value, where), validate=True)
    except binascii.Error:
        raise SnapshotError(f"{where}: not base64") from None


def _headers(value: Any, where: str) -> tuple[tuple[str, str], ...]:
    pairs = []
    for index, pair in enumerate(_list(value, where)):
        if not (isinstance(pair, list) and len(pair) == 2):
            raise SnapshotError(f"{where}[{index}]: expected a [name, value] pair")
        pairs.append((_str(pair[0], f"{where}[{index}][0]"), _str(pair[1], f"{where}[{index}][1]")))
    return tuple(pairs)


def _front_door(value: Any, where: str) -> FrontDoor:
    door = _object(value, where)
    kind = _str(door.get("kind"), f"{where}.kind")
    if kind not in KINDS:
        raise SnapshotError(f"{where}.kind: {kind!r} is not one of {', '.join(KINDS)}")
    types = _list(door.get("binaryMediaTypes", []), f"{where}.binaryMediaTypes")
    return FrontDoor(
        kind=kind,
        url=_str(door.get("url"), f"{where}.url"),
        stage=_optional_str(door.get("stage"), f"{where}.stage"),
        binary_media_types=tuple(_str(t, f"{where}.binaryMediaTypes[{i}]") for i, t in enumerate(types)),
        options=_optional_object(door.get("options"), f"{where}.options"),
    )


def _entry(value: Any, where: str, doors: Mapping[str, FrontDoor]) -> SnapshotEntry:
    entry = _object(value, where)
    door = _str(entry.get("frontDoor"), f"{where}.frontDoor")
    if door not in doors:
        raise SnapshotError(f"{where}.frontDoor: {door!r} is not one of the snapshot's frontDoors")
    request = _object(entry.get("request"), f"{where}.request")
    response = _object(entry.get("response"), f"{where}.response")
    status = response.get("status")
    if not isinstance(status, int) or isinstance(status, bool) or not 100 <= status <= 599:
        raise SnapshotError(f"{where}.response.status: expected an HTTP status, found {status!r}")
    target = _str(request.get("target"), f"{where}.request.target")
    if not target.startswith("/"):
        raise SnapshotError(f"{where}.request.target: must start with '/', found {target!r}")
    return SnapshotEntry(
        id=_str(entry.get("id"), f"{where}.id"),
        front_door=door,
        request=RecordedRequest(
            method=_str(request.get("method"), f"{where}.request.method"),
            target=target,
            headers=_headers(request.get("headers", []), f"{where}.request.headers"),
            body=_body(request.get("body", ""), f"{where}.request.body"),
        ),
        response=RecordedResponse(
            status=status,
            headers=_headers(response.get("headers", []), f"{where}.response.headers"),
            body=_body(response.get("body", ""), f"{where}.response.body"),
        ),
        result=entry.get("result"),
        event=_optional_object(entry.get("event"), f"{where}.event"),
        context=_optional_object(entry.get("context"), f"{where}.context"),
    )
