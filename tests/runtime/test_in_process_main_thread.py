"""The in-process environment calls a handler on the calling thread under a ``SIGALRM`` deadline only on
the main thread, which it knows by the id it kept: the id is looked at again in a forked child, whose
main thread is the one that forked. Calls nested on the main thread (a handler that invokes another
in-process function) each keep their own deadline."""

from __future__ import annotations

import contextlib
import os
import sys
import threading
import time
import warnings
from typing import Any

import pytest

from apigw_emulator import Gateway, GatewayErrorWarning
from apigw_emulator.request import HttpRequest
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


# -- deadlines of calls nested on the main thread: one SIGALRM handler, a token per call ------------------


def _slow(event: Any, context: Any) -> Any:
    time.sleep(5)
    return {"statusCode": 200, "body": "late"}


def _fast(event: Any, context: Any) -> Any:
    return {"statusCode": 200, "body": "inner"}


def test_an_inner_call_that_times_out_leaves_the_outer_call_running_to_its_own_end() -> None:
    inner = Gateway(_slow, timeout=0.05)

    def outer_handler(event: Any, context: Any) -> Any:
        status = inner.invoke(HttpRequest("GET", "/Prod/x")).response.status
        return {"statusCode": 200, "body": f"inner answered {status}"}

    with pytest.warns(GatewayErrorWarning, match="Task timed out"):
        response = Gateway(outer_handler, timeout=5).invoke(HttpRequest("GET", "/Prod/x")).response
    assert (response.status, response.body) == (200, b"inner answered 502")


def _answers_after(seconds: float) -> Any:
    def handler(event: Any, context: Any) -> Any:
        time.sleep(seconds)
        return {"statusCode": 200, "body": "inner"}

    return handler


def test_an_outer_deadline_passed_during_an_inner_call_stops_the_outer_call_when_the_inner_returns() -> None:
    # The inner call finishes in its own time (its own deadline is armed while it runs); the outer call's
    # deadline, passed meanwhile, then stops the outer handler at once, not the inner call's cleanup.
    inner = Gateway(_answers_after(0.4), timeout=5)
    after_inner: list[int] = []

    def outer_handler(event: Any, context: Any) -> Any:
        after_inner.append(inner.invoke(HttpRequest("GET", "/Prod/x")).response.status)
        time.sleep(5)
        return {"statusCode": 200, "body": "late"}

    started = time.monotonic()
    with pytest.warns(GatewayErrorWarning, match="Task timed out"):
        response = Gateway(outer_handler, timeout=0.1).invoke(HttpRequest("GET", "/Prod/x")).response
    assert time.monotonic() - started < 3
    assert after_inner == []
    assert response.status == 502


def test_a_handler_that_swallows_its_deadline_then_calls_another_function_is_still_a_timeout() -> None:
    inner = Gateway(_fast, timeout=5)
    inner_statuses: list[int] = []

    def outer_handler(event: Any, context: Any) -> Any:
        with contextlib.suppress(BaseException):
            time.sleep(5)
        inner_statuses.append(inner.invoke(HttpRequest("GET", "/Prod/x")).response.status)
        return {"statusCode": 200, "body": "swallowed"}

    started = time.monotonic()
    with pytest.warns(GatewayErrorWarning, match="Task timed out"):
        response = Gateway(outer_handler, timeout=0.05).invoke(HttpRequest("GET", "/Prod/x")).response
    assert time.monotonic() - started < 3
    assert inner_statuses == [200]  # the inner call's own deadline was not the outer's
    assert response.status == 502
