"""``make demo`` installs the library and the example function's requirements, not the developer toolchain
that ``make test`` needs, and that is enough for what the demo imports."""

from __future__ import annotations

import ast
import importlib.metadata
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.packaging._dists import ROOT

MAKE = shutil.which("make")
DEVELOPER_TOOLS = ("mypy", "ruff", "tox", "cfn-lint", "pytest", "hypothesis")

pytestmark = pytest.mark.skipif(MAKE is None, reason="the make program is not installed")


def recipe(target: str, venv: Path) -> list[str]:
    """The commands ``make`` would run for ``target`` with a fresh ``VENV``, without running them."""
    assert MAKE is not None
    done = subprocess.run(
        [MAKE, "-n", target, f"VENV={venv}"], cwd=ROOT, capture_output=True, text=True, check=True
    )
    return done.stdout.splitlines()


def installs(commands: list[str]) -> list[str]:
    return [c for c in commands if " -m pip install " in c and "--upgrade pip" not in c]


def test_demo_installs_the_toolbelt_extra_and_the_function_requirements_only(tmp_path: Path) -> None:
    (install,) = installs(recipe("demo", tmp_path / "venv"))
    assert '-e ".[toolbelt]"' in install
    assert "-r function/requirements.txt" in install
    declared = importlib.metadata.requires("apigw-emulator") or []
    requirements = [r for r in declared if "extra ==" not in r or 'extra == "toolbelt"' in r]
    requirements += (ROOT / "function" / "requirements.txt").read_text(encoding="utf-8").splitlines()
    requirements = [r for r in requirements if r.strip() and not r.startswith("#")]
    assert any(r.startswith("requests-toolbelt") for r in requirements)
    names = {re.split(r"[<>=\[;\s]", line.strip(), maxsplit=1)[0].lower() for line in requirements}
    assert names.isdisjoint(DEVELOPER_TOOLS)


def test_test_installs_the_developer_toolchain(tmp_path: Path) -> None:
    (install,) = installs(recipe("test", tmp_path / "venv"))
    assert '-e ".[dev]"' in install


def third_party_imports(path: Path) -> set[str]:
    """The top-level modules ``path`` imports that are neither the standard library nor relative."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.add(node.module.split(".")[0])
    local = {p.stem for p in (ROOT / "function").glob("*.py")} | {"function", "apigw_emulator", "__future__"}
    return found - set(sys.stdlib_module_names) - local


def test_what_the_demo_imports_is_what_it_installs() -> None:
    imported = set().union(
        *(third_party_imports(p) for p in [ROOT / "scripts" / "demo.py", *ROOT.glob("function/*.py")])
    )
    # requests-toolbelt (the toolbelt extra), Pillow and pybase64 (the function's requirements.txt).
    assert imported == {"requests_toolbelt", "PIL", "pybase64"}
