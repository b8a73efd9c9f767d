"""Fixtures of the execution-environment tests: handler modules written to a fresh code folder."""

from __future__ import annotations

import itertools
import sys
import textwrap
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from apigw_emulator.runtime.model import Isolation

_numbers = itertools.count()

#: ``code_folder(source) -> (folder, handler name)``: a module of its own name in a fresh folder.
CodeFolder = Callable[..., tuple[Path, str]]


@pytest.fixture
def code_folder(tmp_path: Path) -> Iterator[CodeFolder]:
    """Write a handler module with a name of its own (``fn_<n>``) into a fresh folder; the folder and the
    module are removed from ``sys.path`` and ``sys.modules`` after the test."""
    made: list[tuple[Path, str]] = []

    def write(
        source: str, *, function: str = "handler", files: dict[str, str] | None = None
    ) -> tuple[Path, str]:
        module = f"fn_{next(_numbers)}"
        folder = tmp_path / module
        folder.mkdir()
        (folder / f"{module}.py").write_text(textwrap.dedent(source), encoding="utf-8")
        for name, text in (files or {}).items():
            path = folder / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(textwrap.dedent(text), encoding="utf-8")
        made.append((folder, module))
        return folder, f"{module}.{function}"

    yield write
    for folder, module in made:
        for name in [n for n in sys.modules if n == module or n.startswith(module + ".")]:
            del sys.modules[name]
        for entry in [e for e in sys.path if e.startswith(str(folder))]:
            sys.path.remove(entry)


@pytest.fixture(params=["in-process", "process"])
def isolation(request: pytest.FixtureRequest) -> Isolation:
    """Each kind of execution environment in turn."""
    kind: Isolation = request.param
    return kind
