"""Custom runtimes: any ``bootstrap`` executable that speaks the Runtime API, run as Lambda runs one."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import Environments, result_json

PYTHON_BOOTSTRAP = '''#!{python}
"""A custom runtime in a few lines: what a provided.al2023 bootstrap does."""
import http.client, json, os

api = os.environ["AWS_LAMBDA_RUNTIME_API"]
connection = http.client.HTTPConnection(api)
print("custom runtime up", flush=True)
while True:
    connection.request("GET", "/2018-06-01/runtime/invocation/next")
    response = connection.getresponse()
    event = json.loads(response.read())
    request_id = response.getheader("Lambda-Runtime-Aws-Request-Id")
    if event.get("fail"):
        body = json.dumps({{"errorMessage": "asked to fail", "errorType": "Custom.Failure"}})
        connection.request(
            "POST", f"/2018-06-01/runtime/invocation/{{request_id}}/error", body,
            {{"Lambda-Runtime-Function-Error-Type": "Custom.Failure"}},
        )
    else:
        answer = {{
            "handler": os.environ["_HANDLER"],
            "task_root": os.environ["LAMBDA_TASK_ROOT"],
            "cwd": os.getcwd(),
            "deadline": response.getheader("Lambda-Runtime-Deadline-Ms"),
            "arn": response.getheader("Lambda-Runtime-Invoked-Function-Arn"),
            "trace": response.getheader("Lambda-Runtime-Trace-Id"),
            "execution_env": os.environ.get("AWS_EXECUTION_ENV"),
            "event": event,
        }}
        path = f"/2018-06-01/runtime/invocation/{{request_id}}/response"
        connection.request("POST", path, json.dumps(answer))
    reply = connection.getresponse()
    reply.read()
    assert reply.status == 202, reply.status
'''

SHELL_BOOTSTRAP = """#!/bin/sh
set -eu
API="http://${AWS_LAMBDA_RUNTIME_API}/2018-06-01/runtime"
while true; do
  HEADERS="$(mktemp)"
  EVENT="$(curl -sS -D "$HEADERS" "$API/invocation/next")"
  REQUEST_ID="$(grep -i '^Lambda-Runtime-Aws-Request-Id:' "$HEADERS" | tr -d '[:space:]' | cut -d: -f2)"
  rm -f "$HEADERS"
  echo "handling $REQUEST_ID"
  curl -sS -o /dev/null -X POST "$API/invocation/$REQUEST_ID/response" -d "{\\"echo\\": $EVENT}"
done
"""


def write_executable(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    path.chmod(0o755)
    return path


def test_a_python_custom_runtime(environments: Environments) -> None:
    root = environments.task_root({})
    bootstrap = write_executable(root / "bootstrap", PYTHON_BOOTSTRAP.format(python=sys.executable))
    environment = environments(
        task_root=root, runtime_client=str(bootstrap), handler="function.handler", runtime="provided.al2023"
    )
    outcome = environments.invoke(environment, {"n": 1}, trace_id="Root=1-x")
    answer = result_json(outcome)
    assert answer["handler"] == "function.handler"
    assert answer["task_root"] == answer["cwd"] == str(root)
    assert answer["arn"] == "arn:aws:lambda:eu-west-1:123456789012:function:my-function"
    assert answer["trace"] == "Root=1-x"
    assert answer["execution_env"] is None  # OS-only runtimes have no AWS_EXECUTION_ENV
    assert answer["event"] == {"n": 1}
    assert int(answer["deadline"]) > 0
    assert outcome.init_duration is not None
    assert environments.lines[0] == "custom runtime up"

    failure = environments.invoke(environment, {"fail": True})
    assert failure.kind == "error"
    assert failure.error == {"errorMessage": "asked to fail", "errorType": "Custom.Failure"}
    assert result_json(environments.invoke(environment, {"n": 3}))["event"] == {"n": 3}


@pytest.mark.skipif(shutil.which("curl") is None, reason="the shell runtime needs curl")
def test_a_shell_custom_runtime_with_curl(environments: Environments) -> None:
    root = environments.task_root({})
    write_executable(root / "bootstrap", SHELL_BOOTSTRAP)
    environment = environments(task_root=root, runtime_client=root / "bootstrap")
    for n in range(3):
        request = environments.request(environment, {"n": n}, request_id=f"req-{n}")
        assert result_json(environment.invoke(request)) == {"echo": {"n": n}}
    assert environments.lines == ["handling req-0", "handling req-1", "handling req-2"]


def test_a_missing_bootstrap_is_runtime_invalid_entrypoint(environments: Environments) -> None:
    root = environments.task_root({})
    environment = environments(task_root=root, runtime_client=str(root / "bootstrap"))
    request = environments.request(environment, request_id="r-1")
    outcome = environment.invoke(request)
    assert (outcome.kind, outcome.init_error) == ("error", True)
    assert outcome.error == {
        "errorMessage": f"RequestId: r-1 Error: fork/exec {root / 'bootstrap'}: no such file or directory",
        "errorType": "Runtime.InvalidEntrypoint",
    }


def test_a_runtime_that_exits_during_init(environments: Environments) -> None:
    root = environments.task_root({})
    write_executable(root / "quiet", "#!/bin/sh\nexit 0\n")
    write_executable(root / "failing", "#!/bin/sh\necho 'cannot start' >&2\nexit 2\n")
    quiet = environments(task_root=root, runtime_client=str(root / "quiet"))
    failing = environments(task_root=root, runtime_client=str(root / "failing"))
    outcome = environments.invoke(quiet, request_id="r-2")
    assert outcome.init_error
    assert outcome.error == {
        "errorMessage": "RequestId: r-2 Error: Runtime exited without providing a reason",
        "errorType": "Runtime.ExitError",
    }
    outcome = environments.invoke(failing, request_id="r-3")
    assert outcome.error == {
        "errorMessage": "RequestId: r-3 Error: Runtime exited with error: exit status 2",
        "errorType": "Runtime.ExitError",
    }
    assert "cannot start" in environments.lines


@pytest.mark.parametrize("minor", [10, 11, 12, 13])
def test_the_emulators_runtime_runs_on_python_3_10_to_3_13(environments: Environments, minor: int) -> None:
    python = _interpreter(minor)
    if python is None:
        pytest.skip(f"no working python3.{minor} (on PATH or among pyenv's versions)")
    environment = environments(
        """
        import sys

        def handler(event, context):
            return {"version": list(sys.version_info[:2]), "memory": context.memory_limit_in_mb}
        """,
        python=python,
    )
    outcome = environments.invoke(environment)
    assert result_json(outcome) == {"version": [3, minor], "memory": "128"}


def _interpreter(minor: int) -> str | None:
    """A working ``python3.<minor>``: on PATH, or installed by pyenv (as the Makefile's tox target finds)."""
    candidates = [shutil.which(f"python3.{minor}")]
    candidates += sorted(str(p) for p in Path.home().glob(f".pyenv/versions/3.{minor}.*/bin/python3.{minor}"))
    for candidate in candidates:
        if candidate is None:
            continue
        probe = subprocess.run([candidate, "-c", "pass"], capture_output=True, timeout=30, check=False)
        if probe.returncode == 0:
            return candidate
    return None


ANSWER_AND_EXIT = """#!{python}
import os, socket
host, port = os.environ["AWS_LAMBDA_RUNTIME_API"].split(":")
sock = socket.create_connection((host, int(port)))
sock.sendall(b"GET /2018-06-01/runtime/invocation/next HTTP/1.1\\r\\nHost: x\\r\\n\\r\\n")
head = b""
while b"\\r\\n\\r\\n" not in head:
    head += sock.recv(65536)
request_id = [line.split(b":", 1)[1].strip() for line in head.split(b"\\r\\n")
              if line.lower().startswith(b"lambda-runtime-aws-request-id:")][0]
sock.sendall(b"POST /2018-06-01/runtime/invocation/" + request_id + b"/response HTTP/1.1\\r\\n"
             b"Host: x\\r\\nContent-Length: 4\\r\\n\\r\\n\\"ok\\"")
os._exit(0)  # gone before the 202 is read
"""


def test_an_answer_posted_just_before_the_runtime_exits_counts(environments: Environments) -> None:
    root = environments.task_root({})
    bootstrap = write_executable(root / "bootstrap", ANSWER_AND_EXIT.format(python=sys.executable))
    environment = environments(task_root=root, runtime_client=str(bootstrap))
    for _ in range(5):
        outcome = environments.invoke(environment)
        assert result_json(outcome) == "ok"
        assert outcome.init_duration is not None  # the runtime exited: each invocation starts afresh


ONE_SHOT_BOOTSTRAP = '''#!{python}
"""A broken runtime: answers one invocation, then never asks for the next."""
import http.client, os, time

connection = http.client.HTTPConnection(os.environ["AWS_LAMBDA_RUNTIME_API"])
connection.request("GET", "/2018-06-01/runtime/invocation/next")
response = connection.getresponse()
response.read()
request_id = response.getheader("Lambda-Runtime-Aws-Request-Id")
connection.request("POST", f"/2018-06-01/runtime/invocation/{{request_id}}/response", '{{"n": 1}}')
connection.getresponse().read()
time.sleep(600)
'''


def test_a_runtime_that_answers_but_never_calls_next_again_fails_the_next_invocation_at_once(
    environments: Environments,
) -> None:
    root = environments.task_root({})
    bootstrap = write_executable(root / "bootstrap", ONE_SHOT_BOOTSTRAP.format(python=sys.executable))
    environment = environments(
        task_root=root, runtime_client=str(bootstrap), runtime="provided.al2023", timeout=30
    )
    assert result_json(environments.invoke(environment, {})) == {"n": 1}
    outcome = environments.invoke(environment)
    # Not a timeout after the function's 30 s: the stuck runtime is named, and the sandbox is reset.
    assert outcome.kind == "error", outcome
    assert outcome.error is not None
    assert "did not ask for the next invocation" in outcome.error["errorMessage"]
    assert not environment.alive
    assert environment.pid is None  # the worker was ended
