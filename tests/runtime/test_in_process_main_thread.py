"""The in-process environment calls a handler on the calling thread under a ``SIGALRM`` deadline only on
the main thread, which it knows by the id it kept: the id is looked at again in a forked child, whose
main thread is the one that forked."""

from __future__ import annotations

import os
import sys
import threading
import warnings

import pytest

from apigw_emulator.runtime import in_process

needs_fork = pytest.mark.skipif(not hasattr(os, "fork") or sys.platform != "linux", reason="fork: Linux")


def test_the_main_thread_uses_the_alarm_and_another_thread_does_not() -> None:
    assert in_process._can_use_alarm()
    seen: list[bool] = []
    thread = threading.Thread(target=lambda: seen.append(in_process._can_use_alarm()))
    thread.start()
    thread.join()
    assert seen == [False]


@needs_fork
def test_a_child_forked_from_another_thread_takes_that_thread_as_its_main_one() -> None:
    statuses: list[int] = []

    def fork_here() -> None:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)  # fork with threads (Python 3.12+)
            pid = os.fork()
        if pid == 0:  # the child: only this thread is left, and it is the main one
            os._exit(0 if in_process._can_use_alarm() else 1)
        statuses.append(os.waitpid(pid, 0)[1])

    thread = threading.Thread(target=fork_here)
    thread.start()
    thread.join()
    assert statuses == [0]
    assert in_process._can_use_alarm()  # the parent's main thread is still its main one
