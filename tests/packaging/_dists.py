"""What the packaging tests share: the source tree and the built distributions."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent


@dataclass(frozen=True)
class Distributions:
    """The files ``python -m build`` made of the source tree."""

    sdist: Path
    wheel: Path
