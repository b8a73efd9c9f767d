"""The wheel and the sdist of this tree, built once per session, offline, with the installed backend."""

from __future__ import annotations

import fcntl
import hashlib
import os
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

import pytest

from tests.packaging._dists import ROOT, Distributions


@pytest.fixture(scope="session")
def dists(tmp_path_factory: pytest.TempPathFactory) -> Distributions:
    """``python -m build`` of the source tree: the sdist, then the wheel built from that sdist.

    ``--no-isolation`` uses the setuptools and build of the test environment (both in the ``test`` extra),
    so nothing is downloaded. Under pytest-xdist the first worker builds and the others wait for it and
    reuse its files (two builds at once would share the tree's ``egg-info``).
    """
    base = tmp_path_factory.getbasetemp()
    shared = base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base
    out = shared / "apigw-emulator-dists"
    with (shared / "apigw-emulator-dists.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not (out / "built").is_file():
            _build(out)
    (sdist,) = out.glob("*.tar.gz")
    (wheel,) = out.glob("*.whl")
    return Distributions(sdist=sdist, wheel=wheel)


def _build(out: Path) -> None:
    """Build into ``out``. A build writes the checkout's ``egg-info`` and ``build/``: test runs of other
    environments (``tox run-parallel``) share the checkout, so one lock per checkout serialises them."""
    checkout = hashlib.sha256(str(ROOT).encode()).hexdigest()[:16]
    with (Path(tempfile.gettempdir()) / f"apigw-emulator-build-{checkout}.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        done = subprocess.run(
            [sys.executable, "-m", "build", "--no-isolation", "--outdir", str(out), str(ROOT)],
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    (out / "built").touch()


@pytest.fixture(scope="session")
def unpacked_sdist(dists: Distributions, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sdist unpacked in a temporary folder, away from the checkout (and its neighbours)."""
    target = tmp_path_factory.mktemp("sdist")
    with tarfile.open(dists.sdist) as sdist:
        if hasattr(tarfile, "data_filter"):  # Python 3.10.12+: refuse links and paths out of the target
            sdist.extractall(target, filter="data")
        else:  # pragma: no cover - older patch releases
            sdist.extractall(target)
        top = sdist.getnames()[0].split("/", 1)[0]
    return target / top
