"""Nothing is left behind: after many timeouts (each one kills and reaps a worker), the emulator has the
child processes, threads and file descriptors it had before."""

from __future__ import annotations

import gc
import os
import shutil
import threading
import time
from pathlib import Path

import pytest

from .conftest import Environments, result_json

#: A runtime that takes the invocation and never answers, with a child of its own (the whole process
#: group is killed); it starts in a few milliseconds, so that hundreds of timeouts stay quick.
HANGING_RUNTIME = """#!/bin/sh
curl -sS -o /dev/null "http://${AWS_LAMBDA_RUNTIME_API}/2018-06-01/runtime/invocation/next"
sleep 60 &
wait
"""


def children() -> list[int]:
    """Process ids whose parent is this process, zombies included (Linux)."""
    me = str(os.getpid())
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as stat:
                    fields = stat.read().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if fields[1] == me:
                found.append(int(entry))
    return found


def _counts() -> tuple[list[int], int, int, int]:
    return (
        children(),
        threading.active_count(),
        len(os.listdir("/proc/self/task")),
        len(os.listdir("/proc/self/fd")),
    )


def snapshot() -> tuple[list[int], int, int, int]:
    """The counts once they are steady: what earlier tests of this process left to the garbage collector
    (a gateway's finalizer ends its workers and threads) is collected and given time to end first."""
    gc.collect()
    previous, deadline = _counts(), time.monotonic() + 5
    while time.monotonic() < deadline:
        time.sleep(0.05)
        current = _counts()
        if current == previous:
            return current
        previous = current
    return previous


pytestmark = pytest.mark.skipif(not Path("/proc/self/task").is_dir(), reason="counts processes in /proc")


@pytest.mark.skipif(shutil.which("curl") is None, reason="the quick hanging runtime needs curl")
def test_250_timeouts_leave_no_process_thread_or_descriptor(environments: Environments) -> None:
    root = environments.task_root({"bootstrap": HANGING_RUNTIME})
    (root / "bootstrap").chmod(0o755)
    before = snapshot()
    for _ in range(250):
        environment = environments(task_root=root, runtime_client=str(root / "bootstrap"), timeout=0.01)
        outcome = environments.invoke(environment)
        assert outcome.kind == "timeout"
        assert not environment.alive
    assert snapshot() == before


def test_timeouts_of_the_emulators_runtime_leave_nothing_behind(environments: Environments) -> None:
    source = """
        import time

        def handler(event, context):
            if event.get("sleep"):
                time.sleep(event["sleep"])
            return 1
        """
    root = environments.task_root({"app.py": source})
    before = snapshot()
    for _ in range(10):
        # 0.3 s: the warm invocation must finish inside it on a loaded machine; the sleep never does.
        environment = environments(task_root=root, timeout=0.3)
        assert result_json(environments.invoke(environment)) == 1
        assert environments.invoke(environment, {"sleep": 10}).kind == "timeout"
    assert snapshot() == before


def test_two_environments_serve_two_slow_invocations_at_once(environments: Environments) -> None:
    source = """
        import time

        def handler(event, context):
            start = time.time()
            time.sleep(0.5)
            return [start, time.time()]
        """
    root = environments.task_root({"app.py": source})
    pair = [environments(task_root=root), environments(task_root=root)]
    for environment in pair:  # warm both
        assert environment.invoke(environments.request(environment, {"n": 0}, wait=3)).kind == "result"
    spans: list[list[float]] = []

    def call(n: int) -> None:
        spans.append(result_json(pair[n].invoke(environments.request(pair[n], {"n": n}))))

    threads = [threading.Thread(target=call, args=(n,)) for n in (0, 1)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)
    (first_start, first_end), (second_start, second_end) = spans
    assert first_start < second_end
    assert second_start < first_end  # the two ran at the same time, each in its own worker


def _running(pid: int) -> bool:
    """Whether ``pid`` is a live process (a zombie waiting for its new parent to reap it is not)."""
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] not in ("Z", "X")
    except OSError:
        return False


@pytest.mark.parametrize("ending", ["timeout", "shutdown"])
def test_a_handlers_child_in_a_new_session_dies_with_its_sandbox(
    environments: Environments, ending: str
) -> None:
    # Lambda destroys the whole sandbox: a child that left the worker's session and process group goes too.
    source = """
        import subprocess, sys, time

        def handler(event, context):
            child = subprocess.Popen(["sleep", "120"], start_new_session=True)
            spawner = "import subprocess, time; subprocess.Popen(['sleep', '120']); time.sleep(120)"
            grandchild = subprocess.Popen([sys.executable, "-c", spawner], start_new_session=True)
            print("children", child.pid, grandchild.pid, flush=True)
            time.sleep(float(event["sleep"]))
            return {"ok": True}
        """
    environment = environments(source, timeout=1.5)
    if ending == "timeout":
        assert environments.invoke(environment, {"sleep": 60}).kind == "timeout"
    else:
        assert result_json(environments.invoke(environment, {"sleep": 0.3})) == {"ok": True}
        environment.shutdown()
    line = next(line for line in environments.lines if line.startswith("children "))
    pids = [int(pid) for pid in line.split()[1:]]
    deadline = time.monotonic() + 5
    while any(_running(pid) for pid in pids) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not [pid for pid in pids if _running(pid)]
