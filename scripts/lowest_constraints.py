"""Write pip constraints pinning every dependency of the project to its declared lower bound.

The tox ``lowest`` environment installs the project with these constraints and runs the tests, which
proves the lower bounds in ``pyproject.toml``. Usage: ``python scripts/lowest_constraints.py OUT.txt
[EXTRA ...]`` (default extras: ``test``).
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib  # type: ignore[import-not-found,no-redef,unused-ignore]

ROOT = Path(__file__).resolve().parent.parent
_LOWER = re.compile(r"^\s*([A-Za-z0-9_.\-]+)(?:\[[^\]]*\])?\s*>=\s*([^,;\s]+)")


def lower_bounds(requirements: list[str]) -> dict[str, str]:
    """``{"name": "version"}`` for every requirement with a ``>=`` bound; others are skipped."""
    bounds = {}
    for requirement in requirements:
        found = _LOWER.match(requirement)
        if found:
            bounds[found.group(1).lower()] = found.group(2)
    return bounds


def main(argv: list[str]) -> int:
    if not argv:
        print(__doc__, file=sys.stderr)
        return 2
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    extras = argv[1:] or ["test"]
    requirements = list(project["dependencies"])
    for extra in extras:
        requirements += project["optional-dependencies"][extra]
    bounds = lower_bounds(requirements)
    Path(argv[0]).write_text("".join(f"{name}=={version}\n" for name, version in sorted(bounds.items())))
    print(f"pinned {len(bounds)} dependencies to their lower bounds in {argv[0]}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
