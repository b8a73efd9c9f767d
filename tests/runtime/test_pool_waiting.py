"""An environment pool at its size: invocations wait for an environment, and every released environment
goes to one waiting invocation (none is left waiting, none is notified when no one waits)."""

from __future__ import annotations

import threading
from typing import Any

from apigw_emulator import LambdaContext
from apigw_emulator.runtime.factories import environment_factory
from apigw_emulator.runtime.model import FunctionConfig, InvokeRequest
from apigw_emulator.runtime.pool import EnvironmentPool

WAITERS = 4


def _request(index: int) -> InvokeRequest:
    return InvokeRequest({"index": index}, LambdaContext(aws_request_id=f"id-{index}"), None, 10.0)


def test_every_invocation_waiting_for_the_one_environment_gets_it_in_turn() -> None:
    entered = threading.Semaphore(0)
    release = threading.Event()
    served: list[int] = []

    def handler(event: Any, context: Any) -> Any:
        if event["index"] == 0:
            entered.release()
            release.wait(10)
        served.append(event["index"])
        return event["index"]

    function = FunctionConfig(name="waiting", timeout=10.0)
    factory, log = environment_factory(
        handler, function, isolation="in-process", region="us-east-1", account_id="123456789012"
    )
    pool = EnvironmentPool(factory, function, max_concurrency=None, environments=1, log=log)
    outcomes: dict[int, Any] = {}

    def invoke(index: int) -> None:
        outcomes[index] = pool.invoke(_request(index))

    first = threading.Thread(target=invoke, args=(0,), daemon=True)
    first.start()
    assert entered.acquire(timeout=10)
    waiting = [threading.Thread(target=invoke, args=(index,), daemon=True) for index in range(1, WAITERS + 1)]
    for thread in waiting:
        thread.start()
    try:
        for thread in waiting:
            thread.join(0.2)
            assert thread.is_alive(), "an invocation ran while the only environment was busy"
    finally:
        release.set()
        for thread in [first, *waiting]:
            thread.join(10)
    assert not any(thread.is_alive() for thread in [first, *waiting])
    assert sorted(served) == list(range(WAITERS + 1))
    assert {index: outcome.result for index, outcome in outcomes.items()} == {
        index: index for index in range(WAITERS + 1)
    }
    assert pool.size == 1
    pool.close()


def test_a_release_with_no_one_waiting_leaves_the_environment_idle_for_the_next_call() -> None:
    function = FunctionConfig(name="idle", timeout=3.0)
    factory, log = environment_factory(
        lambda event, context: event["index"],
        function,
        isolation="in-process",
        region="us-east-1",
        account_id="123456789012",
    )
    pool = EnvironmentPool(factory, function, max_concurrency=None, environments=1, log=log)
    assert [pool.invoke(_request(index)).result for index in range(3)] == [0, 1, 2]
    assert pool.size == 1
    pool.close()
