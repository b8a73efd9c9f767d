"""Events captured from AWS (a handler that logged its event) as a snapshot ``conform check`` can replay.

A captured event has no recorded request and no response, so each becomes an entry of its own: the
request rebuilt from the event (:func:`~apigw_emulator.request_from_event`: headers the front door added
removed, the body decoded), the front door read from it too (:func:`~apigw_emulator.detect_api` and
:func:`~apigw_emulator.gateway_options_from_event`, kept as the front door's ``options``), and the event
normalised. Only the event can be compared (``check(..., parts=("event",))``): the response is not known,
and is written as an empty 200.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from ..errors import ApigwEmulatorError
from ..gateway import Gateway
from ..inverse import detect_api, gateway_options_from_event, request_from_event
from .normalise import normalise_snapshot
from .snapshot import FrontDoor, RecordedRequest, RecordedResponse, Snapshot, SnapshotEntry, SnapshotError

__all__ = ["capture_entry", "snapshot_from_captures"]

_NAME = re.compile(r"[^A-Za-z0-9_.-]+")


def capture_entry(name: str, event: Mapping[str, Any]) -> tuple[FrontDoor, SnapshotEntry]:
    """The front door (named ``name``) and the entry (id ``name``) of one captured event.

    :raises SnapshotError: for a dict that is not an event of a known front door.
    """
    try:
        kind = detect_api(event)
        request = request_from_event(event)
        options = gateway_options_from_event(event)
        config = Gateway(None, **options).config
    except (ApigwEmulatorError, KeyError, TypeError, ValueError) as exc:
        raise SnapshotError(f"{name}: not a captured event of a known front door: {exc}") from None
    path = request.path
    prefix = config.url_prefix
    if prefix and (path == prefix or path.startswith(prefix + "/")):
        path = path[len(prefix) :] or "/"
    target = f"{path}?{request.query}" if request.query else path
    stage = options.get("stage") if kind != "function-url" else None
    door = FrontDoor(kind, config.url, stage, options=json.loads(json.dumps(options)))
    entry = SnapshotEntry(
        id=name,
        front_door=name,
        request=RecordedRequest(request.method, target, _as_sent(request.headers), request.body),
        response=RecordedResponse(200),
        event=dict(event),
    )
    return door, entry


def _as_sent(headers: tuple[tuple[str, str], ...]) -> tuple[tuple[str, str], ...]:
    """Header values in the snapshot's convention (the bytes sent, read as Latin-1), for a client that
    sent the event's text as UTF-8."""
    return tuple(
        (name, value if value.isascii() else value.encode("utf-8", "replace").decode("latin-1"))
        for name, value in headers
    )


def snapshot_from_captures(paths: Iterable[str | os.PathLike[str]]) -> Snapshot:
    """One normalised snapshot of the captured events in ``paths`` (JSON files, one event each), each
    entry and front door named after its file.

    :raises SnapshotError: for a file that is not JSON or not one event.
    :raises OSError: for a file that cannot be read.
    """
    doors: dict[str, FrontDoor] = {}
    entries: list[SnapshotEntry] = []
    for source in paths:
        path = Path(source)
        try:
            event = json.loads(path.read_text(encoding="utf-8"))
        except ValueError as exc:
            raise SnapshotError(f"{path}: not JSON: {exc}") from None
        if not isinstance(event, dict):
            raise SnapshotError(f"{path}: expected one event (a JSON object)")
        name = _NAME.sub("-", path.stem)
        door, entry = capture_entry(name, event)
        doors[name] = door
        entries.append(entry)
    return normalise_snapshot(Snapshot(doors, tuple(entries), recorder="apigw-emulator captures"))
