"""A running ``apigw-emulator serve`` for the application tests: started, read until its banner is out,
stopped with Ctrl-C."""

from __future__ import annotations

import contextlib
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

from tests.runtime.test_serve_environments import Served


@contextlib.contextmanager
def serving(
    *arguments: str, cwd: Path | None = None, ready: str = " run in ", wait: float = 60
) -> Iterator[Served]:
    """``serve`` with these arguments, once it printed ``ready``."""
    process = subprocess.Popen(
        [sys.executable, "-m", "apigw_emulator", "serve", *arguments], cwd=cwd, stderr=subprocess.PIPE
    )
    served = Served(process, "")
    text = ""
    deadline = time.monotonic() + wait
    while ready not in text and time.monotonic() < deadline and process.poll() is None:
        text = served.read(0.2)
    try:
        assert ready in text, text
        served.drain()
        yield served
    finally:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        if served.drainer is not None:
            served.drainer.join(10)  # the pipe's end: the server has exited
        if process.stderr is not None:
            process.stderr.close()
