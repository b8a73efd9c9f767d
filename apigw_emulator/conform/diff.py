"""What AWS recorded against what the emulator gave, field by field.

Every compared value is a *field* named by its JSON path (``event.requestContext.http.sourceIp``,
``event.multiValueHeaders.Accept[0]``, ``response.headers.content-type``). The rules:

- The event and the context are compared leaf by leaf, keys exactly: a REST ``headers`` key that differs
  only in casing is one field missing and another one extra, since a handler reading ``headers["Host"]``
  sees the difference. The order of a JSON object's keys is not compared (a handler's parser does not
  keep it); the order of a list is (``multiValueHeaders`` values, ``cookies``).
- Response headers are compared by name, case-insensitively grouped: ``response.headers.<lower-case
  name>`` is the list of that name's ``[name, value]`` pairs in the order received, so the casing of each
  name, duplicates and their order count, while the order of different names does not (HTTP gives it no
  meaning). The headers the connection owns (``Connection``, ``Keep-Alive``, ``Transfer-Encoding``,
  ``Content-Length``) are not compared: the body is.
- ``response.body`` is compared byte for byte (as UTF-8 text when it is, else base64), except where AWS's
  body is the echo function's answer: then it is the event and context, compared field by field.
- Both sides are normalised (:mod:`apigw_emulator.conform.normalise`): a placeholder matches a
  placeholder of the same kind, and within one entry the numbering must correspond both ways (two values
  AWS had equal are equal in the emulator, two it had different are different).

A known-deviations file excuses differences: each entry names an entry-id pattern, a field-path pattern
(``*`` matches any characters, dots included; ``?`` one character) and why.
"""

from __future__ import annotations

import base64
import dataclasses
import json
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import ApigwEmulatorError
from .normalise import PLACEHOLDER, Normaliser
from .replay import FRAMING_HEADERS, ReplayedEntry
from .snapshot import RecordedResponse, SnapshotEntry

__all__ = [
    "ABSENT",
    "PARTS",
    "ConformReport",
    "Difference",
    "KnownDeviation",
    "KnownDeviationsError",
    "diff_entry",
    "glob_match",
    "load_known_deviations",
]

#: What a table and the JSON report show for a field one side does not have.
ABSENT = "(absent)"
#: The parts of an entry that can be compared.
PARTS = ("event", "context", "response")
_SIMPLE_KEY = re.compile(r"[A-Za-z0-9_$:@-]+")


class _Absent:
    """A field one side does not have."""

    def __repr__(self) -> str:
        return ABSENT


_MISSING: Any = _Absent()


class KnownDeviationsError(ApigwEmulatorError, ValueError):
    """A known-deviations file that cannot be read as one; the message says where."""


@dataclass(frozen=True)
class KnownDeviation:
    """Differences the user accepts: entries whose id matches ``entry``, fields whose path matches
    ``field`` (``*`` any characters, ``?`` one), and why."""

    entry: str
    field: str
    why: str

    def excuses(self, entry_id: str, path: str) -> bool:
        """Whether this deviation covers the field ``path`` of the entry ``entry_id``."""
        return glob_match(self.entry, entry_id) and glob_match(self.field, path)


def glob_match(pattern: str, text: str) -> bool:
    """Whether ``text`` matches ``pattern`` in full (``*`` any characters, ``?`` one, anything else
    itself), in time proportional to their lengths' product at worst: a pattern of many stars cannot
    make it backtrack exponentially, as the regular expression it could be turned into would."""
    p = t = 0
    star = -1  # the position in pattern after the last star seen, and where in text it matched from
    resume = 0
    while t < len(text):
        if p < len(pattern) and pattern[p] == "*":
            star, resume = p + 1, t
            p += 1
        elif p < len(pattern) and pattern[p] in ("?", text[t]):
            p += 1
            t += 1
        elif star >= 0:
            resume += 1
            p, t = star, resume
        else:
            return False
    return all(c == "*" for c in pattern[p:])


def load_known_deviations(path: str | Path) -> tuple[KnownDeviation, ...]:
    """The known deviations in a JSON or YAML file: a list (or ``{"deviations": [...]}``) of objects with
    ``entry``, ``field`` and ``why`` strings.

    :raises KnownDeviationsError: for a file that is not such a list, saying where.
    :raises OSError: when the file cannot be read.
    """
    text = Path(path).read_text(encoding="utf-8")
    try:
        document = json.loads(text)
    except ValueError:
        import yaml  # noqa: PLC0415 - only for YAML files

        try:
            document = yaml.safe_load(text)
        except yaml.YAMLError as exc:
            raise KnownDeviationsError(f"{path}: neither JSON nor YAML: {exc}") from None
    if isinstance(document, dict) and "deviations" in document:
        document = document["deviations"]
    if not isinstance(document, list):
        raise KnownDeviationsError(f"{path}: expected a list of deviations (entry, field, why)")
    deviations = []
    for index, item in enumerate(document):
        if not isinstance(item, dict):
            raise KnownDeviationsError(
                f"{path}: deviations[{index}]: expected an object with entry, field, why"
            )
        values: dict[str, str] = {}
        for key in ("entry", "field", "why"):
            value = item.get(key)
            if not isinstance(value, str) or not value:
                raise KnownDeviationsError(f"{path}: deviations[{index}].{key}: expected a non-empty string")
            values[key] = value
        deviations.append(KnownDeviation(values["entry"], values["field"], values["why"]))
    return tuple(deviations)


@dataclass(frozen=True)
class Difference:
    """One field that differs: the entry, its front door, the field's path, both values (``ABSENT``
    where a side has no such field) and the known deviation's reason when one excuses it."""

    entry: str
    front_door: str
    field: str
    aws: Any
    emulator: Any
    excused_by: str | None = None

    def to_json(self) -> dict[str, Any]:
        """This difference as the JSON report's object."""
        return {
            "entry": self.entry,
            "frontDoor": self.front_door,
            "field": self.field,
            "aws": ABSENT if self.aws is _MISSING else self.aws,
            "emulator": ABSENT if self.emulator is _MISSING else self.emulator,
            "excusedBy": self.excused_by,
        }


@dataclass
class _DoorCount:
    fields: int = 0
    differences: list[Difference] = field(default_factory=list)


@dataclass(frozen=True)
class ConformReport:
    """The outcome of ``conform check``: how many fields were compared, per front door, and every
    difference (excused ones included, each with its reason).

    :ivar fields: fields compared, by front door.
    :ivar differences: every field that differs, in the snapshot's order.
    :ivar entries: entries compared.
    :ivar known: the known deviations the check was given.
    """

    fields: Mapping[str, int]
    differences: tuple[Difference, ...]
    entries: int = 0
    known: tuple[KnownDeviation, ...] = ()

    @property
    def unused_deviations(self) -> tuple[KnownDeviation, ...]:
        """The known deviations that match no difference: stale entries of the file."""
        return tuple(k for k in self.known if not any(k.excuses(d.entry, d.field) for d in self.differences))

    @property
    def unexcused(self) -> tuple[Difference, ...]:
        """The differences no known deviation excuses."""
        return tuple(d for d in self.differences if d.excused_by is None)

    @property
    def passed(self) -> bool:
        """Whether nothing differs beyond the known deviations."""
        return not self.unexcused

    @property
    def total(self) -> int:
        """Fields compared in all."""
        return sum(self.fields.values())

    def summary(self) -> str:
        """``N/M fields match`` (and how many differences known deviations excuse)."""
        matching = self.total - len(self.differences)
        line = f"{matching}/{self.total} fields match"
        excused = len(self.differences) - len(self.unexcused)
        if excused:
            line += f"; {excused} differing field(s) excused by known deviations"
        unused = len(self.unused_deviations)
        if unused:
            line += f"; {unused} known deviation(s) excused nothing"
        return f"{line} ({self.entries} {'entry' if self.entries == 1 else 'entries'})"

    def table(self, *, excused: bool = False, width: int = 40) -> str:
        """A table per front door of the differing fields (entry, field, AWS, emulator); ``excused``:
        the excused ones too, marked."""
        lines: list[str] = []
        for door, count in self.fields.items():
            rows = [d for d in self.differences if d.front_door == door and (excused or d.excused_by is None)]
            differing = sum(1 for d in self.differences if d.front_door == door)
            lines.append(f"{door}: {count - differing}/{count} fields match")
            if not rows:
                continue
            cells = [("entry", "field", "AWS", "emulator")] + [
                (
                    d.entry + (" (known)" if d.excused_by else ""),
                    d.field,
                    _cell(d.aws, width),
                    _cell(d.emulator, width),
                )
                for d in rows
            ]
            widths = [max(len(row[i]) for row in cells) for i in range(4)]
            for row in cells:
                lines.append("  " + "  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip())
        lines += [
            f"known deviation that excused nothing: entry {k.entry!r}, field {k.field!r}"
            for k in self.unused_deviations
        ]
        return "\n".join(lines)

    def to_json(self) -> dict[str, Any]:
        """The JSON report: the summary counts, then each front door's counts and differences."""
        return {
            "passed": self.passed,
            "summary": self.summary(),
            "entries": self.entries,
            "fields": self.total,
            "matching": self.total - len(self.differences),
            "differences": len(self.unexcused),
            "excused": len(self.differences) - len(self.unexcused),
            "unusedDeviations": [
                {"entry": k.entry, "field": k.field, "why": k.why} for k in self.unused_deviations
            ],
            "frontDoors": {
                door: {
                    "fields": count,
                    "matching": count - sum(1 for d in self.differences if d.front_door == door),
                    "differences": [d.to_json() for d in self.differences if d.front_door == door],
                }
                for door, count in self.fields.items()
            },
        }


def _is_header_pairs(value: Any) -> bool:
    return isinstance(value, list) and all(
        isinstance(p, list) and len(p) == 2 and all(isinstance(x, str) for x in p) for p in value
    )


def _cell(value: Any, width: int) -> str:
    if value is _MISSING:
        text = ABSENT
    elif _is_header_pairs(value) and value:  # response headers: as they read on the wire
        text = " | ".join(f"{name}: {item}" for name, item in value)
    else:
        text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= width else text[: width - 3] + "..."


# -- flattening -----------------------------------------------------------------------------------------


def _key(prefix: str, key: str) -> str:
    return f"{prefix}.{key}" if _SIMPLE_KEY.fullmatch(key) else f"{prefix}[{json.dumps(key)}]"


def _leaves(value: Any, prefix: str) -> Iterator[tuple[str, Any]]:
    """(path, value) of every leaf; an empty object or list is a leaf of its own."""
    if isinstance(value, Mapping) and value:
        for key, item in value.items():
            yield from _leaves(item, _key(prefix, str(key)))
    elif isinstance(value, list) and value:
        for index, item in enumerate(value):
            yield from _leaves(item, f"{prefix}[{index}]")
    else:
        yield prefix, value


def _response_fields(response: RecordedResponse, body: bool) -> dict[str, Any]:
    fields: dict[str, Any] = {"response.status": response.status}
    grouped: dict[str, list[list[str]]] = {}
    for name, value in response.headers:
        lower = name.lower()
        if lower not in FRAMING_HEADERS:
            grouped.setdefault(lower, []).append([name, value])
    for lower, pairs in grouped.items():
        fields[_key("response.headers", lower)] = pairs
    if body:
        try:
            fields["response.body"] = response.body.decode("utf-8")
        except UnicodeDecodeError:
            fields["response.body"] = "base64:" + base64.b64encode(response.body).decode("ascii")
    return fields


class _Numbering:
    """Within one entry: the placeholders of each side must correspond one to one."""

    def __init__(self) -> None:
        self._forward: dict[str, str] = {}
        self._backward: dict[str, str] = {}

    def same(self, aws: Any, emulator: Any) -> bool:
        if aws is _MISSING or emulator is _MISSING:
            return aws is emulator
        if isinstance(aws, list) and isinstance(emulator, list):
            return len(aws) == len(emulator) and all(
                self.same(a, e) for a, e in zip(aws, emulator, strict=True)
            )
        if not (isinstance(aws, str) and isinstance(emulator, str)):
            return type(aws) is type(emulator) and aws == emulator
        if PLACEHOLDER.sub("<>", aws) != PLACEHOLDER.sub("<>", emulator):
            return False
        theirs = PLACEHOLDER.findall(aws)
        ours = PLACEHOLDER.findall(emulator)
        if [kind for kind, _ in theirs] != [kind for kind, _ in ours]:
            return False
        for (kind, a), (_, e) in zip(theirs, ours, strict=True):
            a_key, e_key = f"{kind}:{a}", f"{kind}:{e}"
            if (
                self._forward.setdefault(a_key, e_key) != e_key
                or self._backward.setdefault(e_key, a_key) != a_key
            ):
                return False
        return True


def diff_entry(
    replayed: ReplayedEntry,
    parts: Iterable[str] = PARTS,
    known: Iterable[KnownDeviation] = (),
    normaliser: Normaliser | None = None,
) -> tuple[int, list[Difference]]:
    """How many fields of one entry were compared, and those that differ (each with the reason of the
    first known deviation that excuses it).

    The recorded side is compared as the snapshot has it (the recorder normalised it); the emulator's side
    is normalised by ``normaliser`` (one for the whole snapshot, as the recorder's; a new one if None).
    """
    recorded = replayed.entry
    emulated = (normaliser or Normaliser()).entry(
        dataclasses.replace(
            recorded, event=replayed.event, context=replayed.context, response=replayed.response
        )
    )
    chosen = set(parts)
    theirs: dict[str, Any] = {}
    ours: dict[str, Any] = {}
    for part in ("event", "context"):
        aws_part, our_part = getattr(recorded, part), getattr(emulated, part)
        if part not in chosen or (aws_part is None and our_part is None):
            continue
        if aws_part is None or our_part is None:  # one side ran the function, the other did not
            theirs[part] = "(an object)" if aws_part is not None else _MISSING
            ours[part] = "(an object)" if our_part is not None else _MISSING
            continue
        theirs.update(_leaves(aws_part, part))
        ours.update(_leaves(our_part, part))
    if "response" in chosen:
        body = not _is_echo(recorded)
        theirs.update(_response_fields(recorded.response, body))
        ours.update(_response_fields(emulated.response, body))
    numbering = _Numbering()
    deviations = tuple(known)
    differences = []
    paths = list(dict.fromkeys([*theirs, *ours]))
    for path in paths:
        aws, emulator = theirs.get(path, _MISSING), ours.get(path, _MISSING)
        if numbering.same(aws, emulator):
            continue
        why = next((d.why for d in deviations if d.excuses(recorded.id, path)), None)
        differences.append(Difference(recorded.id, recorded.front_door, path, aws, emulator, why))
    return len(paths), differences


def _is_echo(entry: SnapshotEntry) -> bool:
    """Whether AWS's response body is the echo function's answer (the event and context)."""
    return entry.result is None and entry.event is not None
