"""``conform check`` in Python: a snapshot replayed through the emulator and diffed field by field."""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from .diff import PARTS, ConformReport, Difference, KnownDeviation, diff_entry, load_known_deviations
from .normalise import Normaliser
from .replay import replay
from .snapshot import Snapshot, SnapshotError, load_snapshot

__all__ = ["check"]


def check(
    snapshot: Snapshot | str | os.PathLike[str],
    *,
    known_deviations: Iterable[KnownDeviation] | str | os.PathLike[str] | None = None,
    template: str | os.PathLike[str] | None = None,
    parts: Iterable[str] = PARTS,
    **options: Any,
) -> ConformReport:
    """Replay every entry of ``snapshot`` through the emulator and compare what it gives with what was
    recorded (see :mod:`apigw_emulator.conform.diff` for the rules).

    :param snapshot: a :class:`Snapshot` or the path of a snapshot file.
    :param known_deviations: differences to excuse: :class:`KnownDeviation` objects or the path of a
        known-deviations file (JSON or YAML).
    :param template: the echo template the snapshot was recorded against (default: the packaged one).
    :param parts: what to compare of each entry: any of ``event``, ``context``, ``response``.
    :param options: :class:`~apigw_emulator.Gateway` options for the functions (``isolation``...).
    :raises SnapshotError: for a file that is not a snapshot, a front door the template does not have.
    :raises KnownDeviationsError: for a known-deviations file that is not one.
    """
    chosen = tuple(parts)
    unknown = sorted(set(chosen) - set(PARTS))
    if unknown:
        raise SnapshotError(f"parts: {', '.join(unknown)} cannot be compared (use {', '.join(PARTS)})")
    if not isinstance(snapshot, Snapshot):
        snapshot = load_snapshot(Path(snapshot))
    if isinstance(known_deviations, (str, os.PathLike)):
        known: tuple[KnownDeviation, ...] = load_known_deviations(Path(known_deviations))
    else:
        known = tuple(known_deviations or ())
    fields = dict.fromkeys(snapshot.front_doors, 0)
    differences: list[Difference] = []
    normaliser = Normaliser()
    for replayed in replay(snapshot, template, **options):
        compared, found = diff_entry(replayed, chosen, known, normaliser)
        fields[replayed.entry.front_door] += compared
        differences += found
    return ConformReport(fields, tuple(differences), len(snapshot.entries), known)
