"""The wheel and the sdist, built from this tree and opened: the license in both, a long description that
reads on the package index, and an sdist whose test suite collects and runs on its own."""

from __future__ import annotations

import email
import email.message
import os
import re
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

import pytest

from tests.packaging._dists import ROOT, Distributions

#: Source-tree folders the test suite reads; the sdist must carry every file of them.
SUITE_FOLDERS = ("tests", "fixtures", "function", "scripts")
#: Files next to them that the suite or its tooling needs.
SUITE_FILES = ("conftest.py", "template.yaml", "tox.ini", "toxfile.py", "pyproject.toml", "LICENSE")


def wheel_metadata(dists: Distributions) -> email.message.Message:
    with zipfile.ZipFile(dists.wheel) as wheel:
        name = next(n for n in wheel.namelist() if n.endswith(".dist-info/METADATA"))
        return email.message_from_bytes(wheel.read(name))


def test_the_wheel_ships_the_license_and_declares_it(dists: Distributions) -> None:
    with zipfile.ZipFile(dists.wheel) as wheel:
        names = wheel.namelist()
        (license_name,) = [n for n in names if n.endswith(".dist-info/licenses/LICENSE")]
        assert wheel.read(license_name).startswith(b"MIT License")
    metadata = wheel_metadata(dists)
    assert metadata["License-Expression"] == "MIT"
    assert metadata["License-File"] == "LICENSE"


def test_the_wheel_holds_the_package_only(dists: Distributions) -> None:
    with zipfile.ZipFile(dists.wheel) as wheel:
        top = {name.split("/", 1)[0] for name in wheel.namelist()}
        assert "apigw_emulator/py.typed" in wheel.namelist()
    assert top == {"apigw_emulator", "apigw_emulator-0.1.0.dev0.dist-info"}


def test_the_wheel_ships_the_echo_stack_of_conform_init(dists: Distributions) -> None:
    folder = ROOT / "apigw_emulator" / "conform" / "echo_stack"
    with zipfile.ZipFile(dists.wheel) as wheel:
        for name in ("template.yaml", "echo/app.py"):
            assert wheel.read(f"apigw_emulator/conform/echo_stack/{name}") == (folder / name).read_bytes()


def test_the_long_description_has_no_relative_links(dists: Distributions) -> None:
    description = wheel_metadata(dists).get_payload()
    assert isinstance(description, str)
    assert "## Quick start" in description
    targets = re.findall(r"\]\(([^)\s]+)", description) + re.findall(r'(?:src|href)="([^"]+)"', description)
    relative = [t for t in targets if not re.match(r"(https?://|mailto:|#)", t)]
    assert relative == [], "links that break on the package index"


def source_files(root: Path) -> set[str]:
    """The files of the suite's folders and files under ``root``, as relative paths (caches left out)."""
    found = {name for name in SUITE_FILES if (root / name).is_file()}
    for folder in SUITE_FOLDERS:
        for path in (root / folder).rglob("*"):
            parts = path.relative_to(root).parts
            if path.is_file() and not any(p == "__pycache__" or p.startswith(".") for p in parts):
                found.add("/".join(parts))
    return found


def test_the_sdist_carries_everything_the_suite_reads(dists: Distributions) -> None:
    with tarfile.open(dists.sdist) as sdist:
        prefix = sdist.getnames()[0].split("/", 1)[0]
        shipped = {name.removeprefix(prefix + "/") for name in sdist.getnames()}
    missing = source_files(ROOT) - shipped
    assert missing == set()
    assert not any("__pycache__" in name or name.endswith(".pyc") for name in shipped)


def sdist_environment(tree: Path) -> dict[str, str]:
    """Run from the unpacked sdist with its own package first on ``sys.path``, not the installed one."""
    # Not the PYTEST_* variables of this run either (under pytest-xdist they would say the inner run is a
    # worker).
    inherited = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST_")}
    return {**inherited, "PYTHONPATH": str(tree), "HYPOTHESIS_PROFILE": "ci"}


def test_the_unpacked_sdist_imports_its_own_package(unpacked_sdist: Path) -> None:
    code = (
        "import apigw_emulator, apigw_emulator.pytest_plugin as p; print(apigw_emulator.__file__, p.__file__)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        cwd=unpacked_sdist,
        env=sdist_environment(unpacked_sdist),
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    assert [Path(path).parent for path in out] == [unpacked_sdist / "apigw_emulator"] * 2


def test_the_sdist_test_suite_collects_without_errors(unpacked_sdist: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "--collect-only", "-q", "-p", "no:cacheprovider"],
        cwd=unpacked_sdist,
        env=sdist_environment(unpacked_sdist),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    found = re.search(r"^(\d+) tests collected", done.stdout, re.MULTILINE)
    assert found, done.stdout[-2000:]
    assert int(found.group(1)) > 1000
    assert "error" not in done.stdout.splitlines()[-1]


@pytest.mark.parametrize(
    "selection",
    [
        # The library, its command, its plugin and the example function, each run from the sdist.
        ["tests/test_ids.py", "tests/test_cli.py", "tests/function/test_app.py"],
        ["tests/plugin/test_plugin.py::test_sample_lambda_project_uses_only_the_installed_plugin"],
    ],
    ids=["library-cli-function", "plugin"],
)
def test_the_sdist_tests_pass(unpacked_sdist: Path, selection: list[str]) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--benchmark-disable", *selection],
        cwd=unpacked_sdist,
        env=sdist_environment(unpacked_sdist),
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-2000:]
    assert re.search(r"\d+ passed", done.stdout.splitlines()[-1])
