"""A worker's Runtime API is private to that worker: another local process that connects to its port (a
stranger on a shared machine or CI runner) gets no invocation and cannot answer one, whichever runtime the
worker runs (the emulator's, AWS's ``awslambdaric``, a custom ``bootstrap`` and the ``curl`` it starts)."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from apigw_emulator.runtime._peers import peer_check_available
from apigw_emulator.runtime.model import InvokeOutcome
from apigw_emulator.runtime.process import ProcessEnvironment

from .conftest import Environments, result_json
from .test_custom_runtime import SHELL_BOOTSTRAP, write_executable

pytestmark = pytest.mark.skipif(
    not peer_check_available(), reason="the Runtime API checks its peers where /proc shows socket owners"
)

SLOW = """
import time

def handler(event, context):
    time.sleep(float(event.get("sleep", 0)))
    return {"from": "the function", "event": event}
"""

#: A stranger: asks for the next invocation, then posts a forged answer, each on a connection of its own;
#: prints what each got back (empty: the connection was closed, or reset, without an answer).
STRANGER = r"""
import json, socket, sys

host, port = sys.argv[1].split(":")
attempts = {
    "next": b"GET /2018-06-01/runtime/invocation/next HTTP/1.1\r\nHost: x\r\n\r\n",
    "forged": (
        b"POST /2018-06-01/runtime/invocation/" + sys.argv[2].encode() + b"/response HTTP/1.1\r\n"
        b"Host: x\r\nContent-Length: 17\r\n\r\n{\"forged\": true} "
    ),
}
got = {}
for name, request in attempts.items():
    with socket.create_connection((host, int(port)), timeout=5) as sock:
        data = b""
        try:
            sock.sendall(request)
            while chunk := sock.recv(65536):
                data += chunk
        except OSError:  # closed (reset) by the server: nothing more to read
            pass
    got[name] = data.decode("latin-1")
print(json.dumps(got))
"""


def _stranger(environment: ProcessEnvironment, request_id: str) -> subprocess.Popen[str]:
    worker = environment._worker
    assert worker is not None
    return subprocess.Popen(
        [sys.executable, "-c", STRANGER, worker.server.address, request_id], stdout=subprocess.PIPE, text=True
    )


def _attack_during_an_invocation(environments: Environments, environment: ProcessEnvironment) -> None:
    assert result_json(environments.invoke(environment, {"warm": True}))["from"] == "the function"
    request = environments.request(
        environment, {"sleep": 1.0}, request_id="11111111-2222-4333-8444-555555555555"
    )
    outcome: list[InvokeOutcome] = []
    invoking = threading.Thread(target=lambda: outcome.append(environment.invoke(request)))
    invoking.start()
    stranger = _stranger(environment, request.context.aws_request_id)
    try:
        printed, _ = stranger.communicate(timeout=30)
    finally:
        invoking.join(30)
    got = json.loads(printed)
    assert got == {"next": "", "forged": ""}  # both connections closed unanswered
    assert result_json(outcome[0]) == {"from": "the function", "event": {"sleep": 1.0}}
    worker = environment._worker
    assert worker is not None
    assert worker.server.refused == 2
    # The worker's runtime goes on as before.
    assert result_json(environments.invoke(environment, {"after": 1}))["event"] == {"after": 1}


def test_a_stranger_gets_no_invocation_and_cannot_post_a_response(
    environments: Environments, runtime_client: str
) -> None:
    environment = environments(SLOW, runtime_client=runtime_client, timeout=10)
    _attack_during_an_invocation(environments, environment)


def test_a_stranger_is_refused_while_the_runtime_waits_for_its_next_invocation(
    environments: Environments,
) -> None:
    environment = environments(SLOW, timeout=10)
    assert result_json(environments.invoke(environment, {}))["from"] == "the function"
    stranger = _stranger(environment, "any")
    invoking = threading.Thread(target=lambda: environments.invoke(environment, {"sleep": 0.5}))
    invoking.start()  # the server reads its sockets while an invocation runs
    printed, _ = stranger.communicate(timeout=30)
    invoking.join(30)
    assert json.loads(printed) == {"next": "", "forged": ""}


@pytest.mark.skipif(shutil.which("curl") is None, reason="the shell runtime needs curl")
def test_a_custom_runtimes_curl_children_are_the_workers_own(
    environments: Environments, tmp_path: Path
) -> None:
    root = environments.task_root({})
    bootstrap = write_executable(root / "bootstrap", SHELL_BOOTSTRAP)
    environment = environments(task_root=root, runtime_client=str(bootstrap), runtime="provided.al2023")
    for number in range(3):  # a connection per call, each from a new curl process
        assert result_json(environments.invoke(environment, {"n": number})) == {"echo": {"n": number}}
    worker = environment._worker
    assert worker is not None
    assert worker.server.refused == 0
