"""A new user's first ten minutes, replayed: the wheel installed into a fresh virtual environment, the
command on a JPEG, a SAM template served, pytest with the plugin in a small project. No traceback anywhere.

The fresh environment gets the wheel without its dependencies and sees this environment's packages (the
dependencies, pytest, Pillow) through a ``.pth`` file, so the replay needs no network and takes seconds;
apigw-emulator itself comes from the wheel only (this environment's editable install is not activated
there, and the test checks which copy runs).
"""

from __future__ import annotations

import io
import os
import re
import select
import shutil
import subprocess
import sys
import sysconfig
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.conftest import SEED_IMAGE
from tests.packaging._dists import ROOT, Distributions


@dataclass(frozen=True)
class Newcomer:
    """The fresh environment and the user's project folder."""

    python: Path
    command: Path
    project: Path

    def run(self, *args: str | Path, timeout: float = 120) -> subprocess.CompletedProcess[str]:
        done = subprocess.run(
            [str(arg) for arg in args],
            cwd=self.project,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
            env=_clean_environment(),
        )
        assert "Traceback" not in done.stdout + done.stderr, done.stdout + done.stderr
        assert done.returncode == 0, done.stdout + done.stderr
        return done


def _clean_environment() -> dict[str, str]:
    """The caller's environment without what would point Python at this checkout, or tell pytest it runs
    under pytest-xdist."""
    return {
        k: v
        for k, v in os.environ.items()
        if k not in ("PYTHONPATH", "PYTHONHOME") and not k.startswith("PYTEST_")
    }


def jpeg_bytes() -> tuple[bytes, list[int]]:
    """The reference photo when it is there, else one of the same size made with Pillow; with its numpy
    shape [height, width, channels]."""
    if SEED_IMAGE.is_file():
        return SEED_IMAGE.read_bytes(), [600, 400, 3]
    from PIL import Image  # noqa: PLC0415 - only without the shared photo

    buffer = io.BytesIO()
    Image.new("RGB", (400, 600), (200, 120, 40)).save(buffer, "JPEG")  # 400 wide, 600 high
    return buffer.getvalue(), [600, 400, 3]


@pytest.fixture(scope="module")
def newcomer(dists: Distributions, tmp_path_factory: pytest.TempPathFactory) -> Newcomer:
    base = tmp_path_factory.mktemp("first-run")
    venv = base / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True, timeout=120)
    python = venv / "bin" / "python"
    # Clean environment: from the unpacked sdist, PYTHONPATH would show pip its apigw_emulator.egg-info,
    # and pip would take the package for installed already.
    install = ["install", "--quiet", "--no-deps", "--force-reinstall", str(dists.wheel)]
    subprocess.run(
        [sys.executable, "-m", "pip", "--python", str(python), *install],
        check=True,
        timeout=120,
        capture_output=True,
        env=_clean_environment(),
    )
    purelib = subprocess.run(
        [python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        check=True,
        capture_output=True,
        text=True,
        env=_clean_environment(),
    ).stdout.strip()
    ours = {sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"]}
    Path(purelib, "parent_environment.pth").write_text("\n".join(sorted(ours)) + "\n", encoding="utf-8")

    project = base / "project"
    project.mkdir()
    shutil.copytree(ROOT / "function", project / "function", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "template.yaml", project / "template.yaml")
    (project / "cat.jpg").write_bytes(jpeg_bytes()[0])
    return Newcomer(python=python, command=venv / "bin" / "apigw-emulator", project=project)


def test_the_command_and_the_plugin_come_from_the_wheel(newcomer: Newcomer) -> None:
    code = "import apigw_emulator.pytest_plugin as p; print(p.__file__)"
    where = Path(newcomer.run(newcomer.python, "-c", code).stdout.strip())
    assert newcomer.python.parent.parent in where.parents
    assert newcomer.run(newcomer.command, "--version").stdout.startswith("apigw-emulator ")


def test_conform_init_writes_the_echo_stack_from_the_installed_wheel(newcomer: Newcomer) -> None:
    newcomer.run(newcomer.command, "conform", "init", "echo-stack")
    shipped = ROOT / "apigw_emulator" / "conform" / "echo_stack"
    for name in ("template.yaml", "echo/app.py"):
        assert (newcomer.project / "echo-stack" / name).read_bytes() == (shipped / name).read_bytes()


def test_the_command_on_a_jpeg(newcomer: Newcomer) -> None:
    _, shape = jpeg_bytes()
    event = newcomer.run(
        newcomer.command, "event", "/shape", "-H", "Content-Type: image/jpeg",
        "--data-binary", "@cat.jpg", "--binary-media-type", "image~1*",
    )  # fmt: skip
    assert '"isBase64Encoded": true' in event.stdout
    raw = newcomer.run(
        newcomer.command, "invoke", "app.lambda_handler", "/shape", "--code-uri", "function/",
        "--data-binary", "@cat.jpg", "-H", "Content-Type: image/jpg", "--api", "http",
    )  # fmt: skip
    assert raw.stdout.rstrip().endswith(str(shape))
    form = newcomer.run(
        newcomer.command, "invoke", "/shape", "--template", "template.yaml", "--api", "rest",
        "-F", "image=@cat.jpg",
    )  # fmt: skip
    assert form.stdout.startswith("HTTP/1.1 200 OK")
    assert form.stdout.rstrip().endswith(str([shape]))


def test_serving_the_template(newcomer: Newcomer) -> None:
    image, shape = jpeg_bytes()
    process = subprocess.Popen(
        [newcomer.command, "serve", "--template", "template.yaml", "--api", "http", "--port", "0"],
        cwd=newcomer.project,
        stderr=subprocess.PIPE,
        text=True,
        env=_clean_environment(),
    )
    try:
        assert process.stderr is not None
        ready, _, _ = select.select([process.stderr], [], [], 60)
        banner = process.stderr.readline() if ready else ""
        found = re.match(r"apigw-emulator: serving the HTTP API \(payload 2\.0\) on (http://\S+)/$", banner)
        assert found, banner
        request = urllib.request.Request(
            found.group(1) + "/shape", data=image, headers={"Content-Type": "image/jpeg"}, method="POST"
        )
        with urllib.request.urlopen(request, timeout=30) as answer:
            assert answer.read().decode() == str(shape)
    finally:
        process.terminate()
        process.wait(timeout=10)
        rest = process.stderr.read() if process.stderr is not None else ""
        if process.stderr is not None:
            process.stderr.close()
    assert "Traceback" not in rest


PROJECT_TESTS = """
import pytest
from pathlib import Path

from function.app import lambda_handler

JPEG = Path("cat.jpg").read_bytes()


@pytest.fixture
def apigw_options():
    return {"api": "rest", "binary_media_types": ["multipart~1form-data", "image~1*"]}


def test_upload_through_the_template(apigw):
    gw = apigw()
    assert gw.request("POST", "/shape", files={"image": ("cat.jpg", JPEG)}).json() == [SHAPE]


def test_upload_to_my_handler(apigw):
    gw = apigw(lambda_handler)
    assert gw.request("POST", "/shape", data=JPEG, headers={"Content-Type": "image/jpeg"}).json() == SHAPE


def test_unknown_route_is_403(apigw):
    assert apigw(lambda_handler, routes=["POST /shape"]).request("GET", "/nope").status_code == 403


def test_oversized_upload_is_413(apigw):
    big = b"x" * (10 * 1024 * 1024 + 1)
    assert apigw(lambda_handler).request("POST", "/shape", data=big).status_code == 413


@pytest.mark.apigw(api="http", binary_media_types=[])
def test_event(apigw_event):
    assert apigw_event("POST", "/shape?a=1")["queryStringParameters"] == {"a": "1"}  # the template HTTP API
"""


def test_pytest_with_the_plugin_in_a_strict_project(newcomer: Newcomer) -> None:
    _, shape = jpeg_bytes()
    (newcomer.project / "pyproject.toml").write_text(
        '[tool.pytest.ini_options]\nfilterwarnings = ["error"]\napigw_template = "template.yaml"\n',
        encoding="utf-8",
    )
    (newcomer.project / "test_project.py").write_text(
        PROJECT_TESTS.replace("SHAPE", str(shape)), encoding="utf-8"
    )
    done = newcomer.run(newcomer.python, "-m", "pytest", "-p", "no:cacheprovider", "-q", "-W", "error")
    assert re.search(r"^5 passed", done.stdout.splitlines()[-1]), done.stdout
