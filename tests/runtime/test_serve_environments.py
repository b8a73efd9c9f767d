"""``apigw-emulator serve`` runs the function in worker processes by default, with the template's variables
and ``--env-vars``, starts it afresh after a timeout and when its code changes (issue #10)."""

from __future__ import annotations

import json
import os
import re
import select
import signal
import subprocess
import sys
import textwrap
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import requests

ROOT = Path(__file__).resolve().parent.parent.parent

HANDLER = """
import json, os, threading, time

INITS = {"count": 0}
INITS["count"] += 1
SEEN_AT_IMPORT = os.environ.get("GREETING")

def handler(event, context):
    if (event.get("queryStringParameters") or {}).get("sleep"):
        time.sleep(5)
    print("handling", event["path"])
    return {"statusCode": 200, "body": json.dumps({
        "pid": os.getpid(), "main": threading.current_thread() is threading.main_thread(),
        "greeting": os.environ.get("GREETING"), "at_import": SEEN_AT_IMPORT, "inits": INITS["count"],
        "version": "one"})}
"""

TEMPLATE = """
Transform: AWS::Serverless-2016-10-31
Resources:
  GreeterFunction:
    Type: AWS::Serverless::Function
    Properties:
      Runtime: python3.12
      CodeUri: src/
      Handler: greeter.handler
      Timeout: 1
      Environment:
        Variables:
          GREETING: !Sub "hello ${AWS::Region}"
      Events:
        Any:
          Type: Api
          Properties:
            Path: /{proxy+}
            Method: ANY
"""


@dataclass
class Served:
    """A running ``serve``: its URL, its process and what it printed so far."""

    process: subprocess.Popen[bytes]
    url: str
    output: list[str] = field(default_factory=list)
    drainer: threading.Thread | None = None

    def drain(self) -> None:
        """Read what the server prints from now on in a thread of its own, so that a chatty function
        never fills the pipe and stalls the server between two :meth:`read` calls."""
        assert self.process.stderr is not None
        stream = self.process.stderr.fileno()

        def run() -> None:
            while chunk := os.read(stream, 65536):
                self.output.append(chunk.decode(errors="replace"))

        self.drainer = threading.Thread(target=run, name="serve-stderr", daemon=True)
        self.drainer.start()

    def read(self, seconds: float = 0.5) -> str:
        """What the server printed in the next ``seconds`` (it keeps running)."""
        assert self.process.stderr is not None
        if self.drainer is not None:  # the thread reads: wait for it
            time.sleep(seconds)
            return "".join(self.output)
        end = time.monotonic() + seconds
        while (left := end - time.monotonic()) > 0:
            ready, _, _ = select.select([self.process.stderr], [], [], left)
            if not ready:
                break
            chunk = os.read(self.process.stderr.fileno(), 65536)
            if not chunk:
                break
            self.output.append(chunk.decode())
        return "".join(self.output)


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "greeter.py").write_text(HANDLER, encoding="utf-8")
    (tmp_path / "template.yaml").write_text(textwrap.dedent(TEMPLATE), encoding="utf-8")
    return tmp_path


@pytest.fixture
def serve(project: Path) -> Iterator[Callable[..., Served]]:
    started: list[Served] = []

    def start(*args: str) -> Served:
        process = subprocess.Popen(
            [sys.executable, "-m", "apigw_emulator", "serve", *args, "--port", "0"],
            cwd=project,
            stderr=subprocess.PIPE,
        )
        served = Served(process, "")
        text = ""
        deadline = time.monotonic() + 30
        while "runs " not in text and time.monotonic() < deadline and process.poll() is None:
            text = served.read(0.2)
        found = re.search(r"on (http://127\.0\.0\.1:\d+)/", text)
        assert found, text
        served.url = found[1]
        started.append(served)
        return served

    yield start
    for served in started:
        served.process.send_signal(signal.SIGINT)
        try:
            served.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            served.process.kill()
            served.process.wait()
        if served.process.stderr is not None:
            served.process.stderr.close()


def test_serve_runs_the_function_in_a_worker_process_with_the_templates_variables(
    serve: Callable[..., Served],
) -> None:
    served = serve("--template", "template.yaml")
    first = requests.get(served.url + "/hello", timeout=30).json()
    second = requests.get(served.url + "/again", timeout=30).json()
    assert first["pid"] != served.process.pid  # a worker process of its own
    assert first["pid"] == second["pid"]  # kept warm
    assert (first["main"], first["inits"], second["inits"]) == (True, 1, 1)
    assert first["greeting"] == first["at_import"] == "hello us-east-1"
    output = served.read()
    assert "handling /hello" in output  # the handler's output, forwarded line by line
    assert re.search(r"START RequestId: [0-9a-f-]{36} Version: \$LATEST", output)
    assert re.search(r"REPORT RequestId: \S+\tDuration: [\d.]+ ms\tBilled Duration: \d+ ms\t", output)
    assert "Max Memory Used: " in output
    # CloudWatch's order per request, then the server's line (END and REPORT go out with it, one write)
    lines = output.splitlines()
    first = lines[: next(i for i, line in enumerate(lines) if line.startswith("GET /hello ")) + 1]
    kinds = [line.split()[0] for line in first if line.split()[:1] in (["START"], ["END"], ["REPORT"])]
    assert kinds == ["START", "END", "REPORT"], first
    end = next(i for i, line in enumerate(first) if line.startswith("END "))
    assert first.index("handling /hello") < end, first


def test_serve_env_vars_file_overrides_the_templates_variables(
    serve: Callable[..., Served], project: Path
) -> None:
    (project / "env.json").write_text(json.dumps({"GreeterFunction": {"GREETING": "bonjour"}}))
    served = serve("--template", "template.yaml", "--env-vars", "env.json")
    assert requests.get(served.url + "/x", timeout=30).json()["greeting"] == "bonjour"


def test_serve_in_process_on_request(serve: Callable[..., Served]) -> None:
    served = serve("--template", "template.yaml", "--isolation", "in-process")
    assert requests.get(served.url + "/x", timeout=30).json()["pid"] == served.process.pid


def test_serve_starts_a_fresh_worker_after_a_timeout(serve: Callable[..., Served]) -> None:
    served = serve("--template", "template.yaml")
    before = requests.get(served.url + "/x", timeout=30).json()
    timed_out = requests.get(served.url + "/x?sleep=1", timeout=30)
    assert timed_out.status_code == 502
    assert timed_out.json() == {"message": "Internal server error"}
    after = requests.get(served.url + "/x", timeout=30).json()
    assert after["pid"] != before["pid"]
    assert "Task timed out after 1.00 seconds" in served.read()


def test_serve_starts_the_function_afresh_when_its_code_changes(
    serve: Callable[..., Served], project: Path
) -> None:
    served = serve("--template", "template.yaml")
    assert requests.get(served.url + "/x", timeout=30).json()["version"] == "one"
    source = project / "src" / "greeter.py"
    source.write_text(source.read_text().replace('"version": "one"', '"version": "two"'))
    deadline = time.monotonic() + 10
    version = "one"
    while version == "one" and time.monotonic() < deadline:
        time.sleep(0.25)
        version = requests.get(served.url + "/x", timeout=30).json()["version"]
    assert version == "two"
    assert "reloaded (" in served.read()


def test_serve_reports_a_broken_function_in_one_line_before_serving(project: Path) -> None:
    (project / "src" / "greeter.py").write_text("import not_installed_anywhere\n", encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "apigw_emulator", "serve", "--template", "template.yaml", "--port", "0"],
        cwd=project,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 2
    lines = done.stderr.splitlines()
    assert len(lines) == 1, done.stderr
    assert "needs the module 'not_installed_anywhere', which is not installed here" in lines[0]
    assert "provides only the standard library and boto3/botocore" in lines[0]  # through a worker's report


@pytest.mark.parametrize(
    "bootstrap",
    [
        "#!/bin/sh\nexec sleep 60\n",  # hangs in its init
        "#!/bin/sh\necho 'up, but never asking for work'\nexec sleep 60\n",  # never calls next
    ],
    ids=["hangs-in-init", "never-calls-next"],
)
def test_serve_says_that_the_init_timed_out_when_a_runtime_never_becomes_ready(
    project: Path, bootstrap: str
) -> None:
    runtime = project / "bootstrap"
    runtime.write_text(bootstrap, encoding="utf-8")
    runtime.chmod(0o755)
    done = subprocess.run(
        [
            *(sys.executable, "-m", "apigw_emulator", "serve", "--template", "template.yaml"),
            *("--runtime-client", str(runtime), "--port", "0"),
        ],
        cwd=project,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 2
    last = done.stderr.splitlines()[-1]
    assert "the init timed out" in last, done.stderr
    assert "10 s init timeout" in last
