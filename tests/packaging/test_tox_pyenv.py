"""Plain ``tox -e pyXY`` finds pyenv's interpreters (``toxfile.py``), even the versions pyenv's shims hide."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.packaging._dists import ROOT

toxfile = pytest.importorskip("toxfile", reason="tox is not installed here (it comes with the dev extra)")

PYENV_ROOT = Path(os.environ.get("PYENV_ROOT") or Path.home() / ".pyenv")


def make_interpreter(root: Path, version: str) -> Path:
    executable = root / "versions" / version / "bin" / "python3"
    executable.parent.mkdir(parents=True)
    executable.write_text("#!/bin/sh\n", encoding="utf-8")
    return executable


def test_pyenv_interpreters_are_offered_newest_first(tmp_path: Path) -> None:
    older = make_interpreter(tmp_path, "3.10.13")
    newer = make_interpreter(tmp_path, "3.12.1")
    newest = make_interpreter(tmp_path, "3.12.10")
    make_interpreter(tmp_path, "pypy3.10-7.3.12")  # not CPython 3.x.y: left out
    (tmp_path / "versions" / "3.11.7").mkdir()  # no interpreter inside: left out
    assert toxfile.pyenv_interpreters(tmp_path) == [str(newest), str(newer), str(older)]


def test_without_pyenv_nothing_is_offered(tmp_path: Path) -> None:
    assert toxfile.pyenv_interpreters(tmp_path / "no-pyenv") == []


def hidden_versions() -> list[str]:
    """pyenv's 3.10-3.13 interpreters whose ``python3.X`` is not on PATH (or is a shim that refuses)."""
    found = []
    for python in toxfile.pyenv_interpreters(PYENV_ROOT):
        minor = Path(python).parent.parent.name.rsplit(".", 1)[0]
        if minor not in ("3.10", "3.11", "3.12", "3.13"):
            continue
        command = shutil.which(f"python{minor}")
        probe = subprocess.run([command, "-c", ""], capture_output=True, check=False) if command else None
        if probe is None or probe.returncode:
            found.append(minor)
    return found


def tox_python_version(project: Path, env: str, workdir: Path) -> subprocess.CompletedProcess[str]:
    """``tox exec -e ENV -- python`` in ``project``, printing the interpreter's ``X.Y``."""
    return subprocess.run(
        [
            sys.executable, "-m", "tox", "exec", "-e", env, "--workdir", str(workdir), "--skip-pkg-install",
            "-qq", "--", "python", "-c", "import sys; print('%d.%d' % sys.version_info[:2])",
        ],
        cwd=project,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )  # fmt: skip


def test_tox_finds_a_version_pyenv_hides(tmp_path: Path) -> None:
    hidden = hidden_versions()
    if not hidden:
        pytest.skip("no pyenv interpreter of Python 3.10-3.13 that PATH hides: nothing to find")
    minor = hidden[0]
    env = "py" + minor.replace(".", "")
    # The project's tox.ini alone: tox's own discovery misses the interpreter...
    bare = tmp_path / "without-toxfile"
    bare.mkdir()
    shutil.copy(ROOT / "tox.ini", bare / "tox.ini")
    missed = tox_python_version(bare, env, tmp_path / "work-bare")
    assert missed.returncode != 0
    assert minor not in missed.stdout
    # ...and with toxfile.py next to it, tox finds it.
    shutil.copy(ROOT / "toxfile.py", bare / "toxfile.py")
    found = tox_python_version(bare, env, tmp_path / "work")
    assert found.returncode == 0, found.stdout + found.stderr
    assert found.stdout.strip().splitlines()[-1] == minor
