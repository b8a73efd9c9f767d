"""Values that change from call to call, written as stable placeholders (``<request-id:1>``).

A stand-in with the interface of the recorder's normaliser (``Normaliser.entry``/``value``/``text``/
``headers``/``front_door``, ``normalise_snapshot``, ``PLACEHOLDER``), kept until that one is merged:
values are found by the key that holds them (``requestId``, ``timeEpoch``, ``sourceIp``...) and by their
form wherever they are (UUIDs, X-Ray ids, execute-api and lambda-url hosts, ARNs' accounts, log streams,
times). Equal values get equal placeholders; the deployment's kinds are numbered across a snapshot, the
others afresh for each entry. A placeholder already in a value is kept.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Mapping
from typing import Any

from .snapshot import FrontDoor, RecordedResponse, Snapshot, SnapshotEntry

__all__ = ["DEPLOYMENT_KINDS", "PLACEHOLDER", "Normaliser", "normalise_snapshot"]

#: Kinds numbered across the snapshot; every other kind is numbered within one entry.
DEPLOYMENT_KINDS = frozenset({"api-id", "url-id", "account"})
#: A placeholder: ``<kind:number>``.
PLACEHOLDER = re.compile(r"<([a-z][a-z0-9-]*):(\d+)>")

#: (kind, pattern) for values found by their form, in the order they are tried.
_FORMS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("trace-id", re.compile(r"(?<=Root=)1-[0-9a-f]{8}-[0-9a-f]{24}")),
    ("trace-parent", re.compile(r"(?<=Parent=)[0-9a-f]{16}")),
    ("request-id", re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")),
    ("log-stream", re.compile(r"\d{4}/\d{2}/\d{2}/\[[^\]]+\][0-9a-f]{32}")),
    ("cloudfront", re.compile(r"[0-9a-f]{32}(?=\.cloudfront\.net)")),
    ("api-id", re.compile(r"(?<![A-Za-z0-9])[a-z0-9]{10}(?=\.execute-api\.)")),
    ("url-id", re.compile(r"(?<![A-Za-z0-9])[a-z0-9]{32}(?=\.lambda-url\.)")),
    ("account", re.compile(r"(?<=:)\d{12}(?=:)")),
)
#: Lower-cased keys (and header names) whose whole value changes from call to call.
_BY_KEY = {
    "requestid": "request-id",
    "extendedrequestid": "request-id",
    "aws_request_id": "request-id",
    "x-amzn-requestid": "request-id",
    "x-amz-apigw-id": "request-id",
    "apigw-requestid": "request-id",
    "requesttime": "time",
    "time": "time",
    "requesttimeepoch": "epoch",
    "timeepoch": "epoch",
    "date": "date",
    "sourceip": "ip",
    "x-forwarded-for": "ip",
    "accountid": "account",
    "apiid": "api-id",
    "x-amz-cf-id": "cf-id",
    "x-amz-cf-pop": "cf-pop",
}


class Normaliser:
    """Placeholders for one snapshot: :meth:`entry` for each entry, in order."""

    def __init__(self) -> None:
        self._deployment: dict[str, dict[str, int]] = {}
        self._request: dict[str, dict[str, int]] = {}

    def placeholder(self, kind: str, value: str) -> str:
        """``<kind:N>`` for ``value``: the same N for the same value, in the kind's scope."""
        if PLACEHOLDER.fullmatch(value):
            return value
        table = (self._deployment if kind in DEPLOYMENT_KINDS else self._request).setdefault(kind, {})
        return f"<{kind}:{table.setdefault(value, len(table) + 1)}>"

    def begin_entry(self) -> None:
        """Number the per-request kinds afresh."""
        self._request = {}

    def text(self, value: str) -> str:
        """``value`` with every value of a known form replaced."""
        for kind, pattern in _FORMS:
            value = pattern.sub(lambda found, k=kind: self.placeholder(k, found[0]), value)  # type: ignore[misc]
        return value

    def value(self, key: str | None, value: Any) -> Any:
        """A JSON value found under ``key`` (a key or a header name, any casing), normalised; a ``body``
        is kept as it is."""
        lowered = key.lower() if key is not None else None
        if isinstance(value, Mapping):
            return {name: self.value(name, item) for name, item in value.items()}
        if isinstance(value, list):
            return [self.value(key, item) for item in value]
        if lowered == "body":
            return value
        kind = _BY_KEY.get(lowered) if lowered is not None else None
        if kind is not None and isinstance(value, (str, int)) and not isinstance(value, bool):
            text = str(value)
            if not text or text == "anonymous":
                return value
            if kind == "ip":
                return ", ".join(self.placeholder("ip", part.strip()) for part in text.split(","))
            return self.placeholder(kind, text)
        if isinstance(value, str):
            return self.text(value)
        return value

    def headers(self, pairs: tuple[tuple[str, str], ...]) -> tuple[tuple[str, str], ...]:
        """Header pairs with their values normalised by name."""
        return tuple((name, self.value(name, value)) for name, value in pairs)

    def front_door(self, door: FrontDoor) -> FrontDoor:
        """The front door with its URL normalised."""
        return dataclasses.replace(door, url=self.text(door.url))

    def entry(self, entry: SnapshotEntry) -> SnapshotEntry:
        """The entry with its event, context and response headers normalised (the request as sent)."""
        self.begin_entry()
        event = self.value(None, entry.event) if entry.event is not None else None
        context = self.value(None, entry.context) if entry.context is not None else None
        response = RecordedResponse(
            entry.response.status, self.headers(entry.response.headers), entry.response.body
        )
        return dataclasses.replace(entry, event=event, context=context, response=response)


def normalise_snapshot(snapshot: Snapshot) -> Snapshot:
    """The snapshot with its front doors and entries normalised by one :class:`Normaliser`, in order."""
    normaliser = Normaliser()
    doors = {name: normaliser.front_door(door) for name, door in snapshot.front_doors.items()}
    entries = tuple(normaliser.entry(entry) for entry in snapshot.entries)
    return dataclasses.replace(snapshot, front_doors=doors, entries=entries)
