"""The original project's two curl commands, verbatim, against ``apigw-emulator serve``."""

from __future__ import annotations

import re
import select
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import SEED_IMAGE

ROOT = Path(__file__).resolve().parent.parent.parent
CURL = shutil.which("curl")

pytestmark = [
    pytest.mark.skipif(CURL is None, reason="the curl binary is not installed"),
    pytest.mark.skipif(not SEED_IMAGE.is_file(), reason=f"the reference image {SEED_IMAGE} is not available"),
]


def _ports_are_free(*ports: int) -> bool:
    for port in ports:
        with socket.socket() as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as the server binds
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                return False
    return True


#: ``serve --template template.yaml`` and nothing else (every API, the first on port 3000), and one API
#: on a free port.
COMMANDS = {
    "the-whole-application": ["serve", "--template", "template.yaml"],
    "one-api": ["serve", "--template", "template.yaml", "--template-api", "ImageRestApi", "--port", "0"],
}


@pytest.fixture(params=sorted(COMMANDS))
def served_url(request: pytest.FixtureRequest) -> Iterator[str]:
    """``apigw-emulator serve`` of the project's template; the base URL of its (first) REST API."""
    if request.param == "the-whole-application" and not _ports_are_free(3000, 3001):
        pytest.skip("port 3000 or 3001 (the template's two APIs) is in use on this machine")
    command = [sys.executable, "-m", "apigw_emulator", *COMMANDS[request.param]]
    process = subprocess.Popen(command, cwd=ROOT, stderr=subprocess.PIPE, text=True)
    try:
        assert process.stderr is not None
        ready, _, _ = select.select([process.stderr], [], [], 30)  # never wait forever for the banner
        line = process.stderr.readline() if ready else ""
        deadline = time.monotonic() + 30
        while ready and line and "127.0.0.1:" not in line and time.monotonic() < deadline:
            line = process.stderr.readline()  # the application's banner names its file first
        found = re.search(r"http://127\.0\.0\.1:(\d+)", line)
        assert found, f"serve did not announce its address: {line!r} (exit code {process.poll()})"
        if request.param == "the-whole-application":
            assert found.group(1) == "3000"
        yield f"http://127.0.0.1:{found.group(1)}"
    finally:
        process.terminate()
        process.wait(timeout=10)
        if process.stderr is not None:
            process.stderr.close()


def curl(*args: str) -> str:
    assert CURL is not None
    return subprocess.run(
        [CURL, "-s", "--max-time", "10", *args], capture_output=True, text=True, check=True
    ).stdout


def test_raw_upload_like_the_original_readme(served_url: str) -> None:
    out = curl(f"{served_url}/shape", "-H", "Content-Type: image/jpg", "--data-binary", f"@{SEED_IMAGE}")
    assert out.replace(" ", "") == "[600,400,3]"


def test_multipart_upload_like_the_original_readme(served_url: str) -> None:
    out = curl(f"{served_url}/shape", "-H", "Content-Type: multipart/form-data", "-F", f"image=@{SEED_IMAGE}")
    assert out.replace(" ", "") == "[[600,400,3]]"
