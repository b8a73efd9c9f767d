"""The usual warm turn in one step (:meth:`RuntimeAPIServer.exchange`, the invocation head from one template,
the ``REPORT`` line of a warm invocation in one step) against the general path it stands beside: the same
bytes on the wire, events, states and lines for every input the shortcut takes, and the general path for
every other."""

from __future__ import annotations

import math
import os
import signal
import socket
import threading
import time
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from apigw_emulator.runtime.model import FunctionConfig, InvokeOutcome
from apigw_emulator.runtime.pool import report_line
from apigw_emulator.runtime.process import ProcessEnvironment
from apigw_emulator.runtime.runtime_api import (
    Invocation,
    RuntimeAPIServer,
    RuntimeEvent,
    usual_invocation_head,
)

from .conftest import Environments, result_json

NEXT = "/2018-06-01/runtime/invocation/next"
REQUEST_ID = "8476a536-e9f4-11e8-9739-2dfe598c3fcd"
SECOND_ID = "0b1e6c2a-0000-4000-8000-00000000000f"
ARN = "arn:aws:lambda:eu-west-1:123456789012:function:my-function"
TRACE = "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1"
DEADLINE_MS = 1542409706888

latin1 = st.text(st.characters(max_codepoint=255), max_size=40)


@settings(max_examples=300, deadline=None)
@given(
    request_id=latin1,
    deadline_ms=st.integers(min_value=0, max_value=2**63),
    arn=latin1,
    trace_id=latin1.filter(lambda text: bool(text) and "\r" not in text and "\n" not in text),
    event=st.binary(max_size=64),
)
def test_the_usual_invocation_head_is_the_general_head_byte_for_byte(
    request_id: str, deadline_ms: int, arn: str, trace_id: str, event: bytes
) -> None:
    general = Invocation(request_id, event, deadline_ms, arn, trace_id=trace_id, orjson_encoded=True).head()
    assert usual_invocation_head(request_id, deadline_ms, arn, trace_id, len(event)) == general


def _report_line_reference(request_id: str, function: FunctionConfig, outcome: InvokeOutcome) -> str:
    """The REPORT line as it was written field by field before the warm case got its one step."""
    duration_ms = outcome.duration * 1000
    billed = math.ceil(duration_ms) + (
        math.ceil(outcome.init_duration * 1000) if outcome.init_duration is not None else 0
    )
    line = (
        f"REPORT RequestId: {request_id}\tDuration: {duration_ms:.2f} ms\tBilled Duration: "
        f"{max(billed, 1)} ms\tMemory Size: {function.memory_size} MB"
    )
    if outcome.max_memory_mb is not None:
        line += f"\tMax Memory Used: {outcome.max_memory_mb} MB"
    if outcome.init_duration is not None:
        line += f"\tInit Duration: {outcome.init_duration * 1000:.2f} ms"
    if outcome.kind == "timeout":
        line += "\tStatus: timeout"
    return line


durations = st.one_of(
    st.floats(min_value=0, max_value=1e7, allow_nan=False),
    st.integers(min_value=0, max_value=10**7).map(lambda ms: ms / 1000),  # whole milliseconds
    st.sampled_from([0.0, 1e-9, 0.001, 0.0009999, 0.001000001, 2.5e-4, 900.0]),
)


@settings(max_examples=500, deadline=None)
@given(
    kind=st.sampled_from(["result", "error", "timeout"]),
    duration=durations,
    init_duration=st.none() | durations,
    memory=st.none() | st.integers(min_value=1, max_value=10_240),
    memory_size=st.integers(min_value=128, max_value=10_240),
)
def test_the_report_line_is_the_field_by_field_line_for_every_outcome(
    kind: Any, duration: float, init_duration: float | None, memory: int | None, memory_size: int
) -> None:
    function = FunctionConfig(memory_size=memory_size)
    outcome = InvokeOutcome(kind, duration=duration, init_duration=init_duration, max_memory_mb=memory)
    assert report_line(REQUEST_ID, function, outcome) == _report_line_reference(REQUEST_ID, function, outcome)


# -- the turn itself, against hand_over + wait ------------------------------------------------------------


def _own_answer(server: RuntimeAPIServer, request_id: str, body: bytes, length: int | None = None) -> bytes:
    return (
        f"POST /2018-06-01/runtime/invocation/{request_id}/response HTTP/1.1\r\nHost: {server.address}\r\n"
        f"Content-Type: application/json\r\nContent-Length: {len(body) if length is None else length}\r\n\r\n"
    ).encode() + body


def _own_next(server: RuntimeAPIServer) -> bytes:
    return f"GET {NEXT} HTTP/1.1\r\nHost: {server.address}\r\n\r\n".encode()


#: What the runtime writes back once it has the invocation: a list of writes (a pause between them).
REPLIES = [
    "usual",  # its answer and its next 'next' in one write: the one step
    "answer-only",
    "answer-then-next",
    "split-in-two",
    "another-request-id",
    "length-too-short",
    "length-not-digits",
    "header-casing",
    "error",
    "over-6-mb-announced",
    "closed",
    "nothing",
]


def _writes(reply: str, server: RuntimeAPIServer, body: bytes) -> list[bytes] | None:
    """The writes of ``reply``; None: close the connection."""
    answer, following = _own_answer(server, REQUEST_ID, body), _own_next(server)
    return {
        "usual": [answer + following],
        "answer-only": [answer],
        "answer-then-next": [answer, following],
        "split-in-two": [(answer + following)[:7], (answer + following)[7:]],
        "another-request-id": [_own_answer(server, SECOND_ID, body) + following],
        "length-too-short": [_own_answer(server, REQUEST_ID, body + b"  ", len(body)) + following],
        "length-not-digits": [answer.replace(b"Content-Length: ", b"Content-Length: +") + following],
        "header-casing": [answer.replace(b"Content-Type:", b"content-type:") + following],
        "error": [
            answer.replace(b"/response", b"/error").replace(
                b"Content-Type", b"Lambda-Runtime-Function-Error-Type: Unhandled\r\nContent-Type"
            )
            + following
        ],
        "over-6-mb-announced": [_own_answer(server, REQUEST_ID, b"", 6291557)],
        "closed": None,
        "nothing": [],
    }[reply]


class _ScriptedRuntime:
    """The runtime's end of one connection, in a thread: asks for the next invocation, reads it, writes
    ``writes`` back, and records every byte it receives after its first invocation."""

    def __init__(self, server: RuntimeAPIServer, writes: list[bytes] | None) -> None:
        host, port = server.address.split(":")
        self.sock = socket.create_connection((host, int(port)), timeout=5)
        self.sock.sendall(_own_next(server))
        self.writes = writes
        self.received = b""
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self) -> None:
        data = b""
        while b"\r\n\r\n" not in data:
            data += self.sock.recv(65536)
        head, _, rest = data.partition(b"\r\n\r\n")
        length = int(head.split(b"Content-Length: ")[1].split(b"\r\n")[0])
        while len(rest) < length:
            rest += self.sock.recv(65536)
        if self.writes is None:
            self.sock.close()
            return
        for number, write in enumerate(self.writes):
            if number:
                time.sleep(0.03)
            self.sock.sendall(write)
        self.sock.settimeout(0.2)
        try:
            while chunk := self.sock.recv(65536):
                self.received += chunk
        except OSError:
            pass

    def close(self) -> None:
        self.thread.join(5)
        self.sock.close()


def _event_tuple(event: RuntimeEvent) -> tuple[Any, ...]:
    return (event.kind, event.body, event.error_type, event.content_type, event.size)


def _turn(reply: str, body: bytes, *, one_step: bool) -> tuple[Any, ...]:
    """Run one invocation with ``reply`` on a fresh server, in one step or by hand_over + wait; what the
    runtime and the server's owner saw: events, state, and the bytes the runtime got after the first
    invocation (a second invocation is handed over when the runtime is ready for it)."""
    server = RuntimeAPIServer()
    runtime = _ScriptedRuntime(server, _writes(reply, server, body))
    try:
        assert server.wait(time.monotonic() + 5).kind == "ready"
        invocation = Invocation(
            REQUEST_ID, b'{"k":"v"}', DEADLINE_MS, ARN, trace_id=TRACE, orjson_encoded=True
        )
        deadline = time.monotonic() + 5
        events: list[tuple[Any, ...]] = []
        if one_step:
            head = usual_invocation_head(REQUEST_ID, DEADLINE_MS, ARN, TRACE, len(invocation.event))
            answer = server.exchange(REQUEST_ID, head, invocation.event, deadline)
            assert answer is not None  # the turn could start in one step
            if isinstance(answer, bytes):
                events += [("response", answer, None, "application/json", 0), ("ready", b"", None, None, 0)]
        else:
            assert server.hand_over(invocation, deadline)
        while (event := server.wait(time.monotonic() + 0.1)).kind != "timeout":
            events.append(_event_tuple(event))
        state = server.state
        if state == "Ready":
            second = Invocation(SECOND_ID, b"{}", DEADLINE_MS, ARN, trace_id=TRACE, orjson_encoded=True)
            assert server.hand_over(second, time.monotonic() + 5)
        runtime.close()
        return events, state, runtime.received
    finally:
        runtime.close()
        server.close()


@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(reply=st.sampled_from(REPLIES), body=st.binary(max_size=300))
def test_the_turn_in_one_step_gives_what_hand_over_and_wait_give(reply: str, body: bytes) -> None:
    """Rule: for every reply of the runtime (the usual one the step takes, and each it gives back to the
    general path), the events, the state and the bytes back to the runtime are the general path's."""
    assert _turn(reply, body, one_step=True) == _turn(reply, body, one_step=False)


@pytest.mark.parametrize("reply", REPLIES)
def test_every_reply_gives_the_same_turn_in_one_step_and_by_hand_over_and_wait(reply: str) -> None:
    one_step = _turn(reply, b'{"statusCode": 200}', one_step=True)
    assert one_step == _turn(reply, b'{"statusCode": 200}', one_step=False)
    if reply == "usual":  # the 202 went out with the second invocation, in one write
        assert one_step[2].startswith(b"HTTP/1.1 202 Accepted\r\n")
        assert SECOND_ID.encode() in one_step[2]


def test_the_turn_does_not_start_in_one_step_when_something_is_ready_already() -> None:
    """Rule: the step refuses (None, nothing done) whatever it does not know: here the runtime wrote more
    than its ``next`` before the invocation; the general path serves it."""
    server = RuntimeAPIServer()
    try:
        host, port = server.address.split(":")
        with socket.create_connection((host, int(port)), timeout=5) as sock:
            sock.sendall(_own_next(server))
            assert server.wait(time.monotonic() + 5).kind == "ready"
            sock.sendall(b"GET /2018-06-01/runtime/unknown HTTP/1.1\r\n\r\n")
            time.sleep(0.05)
            head = usual_invocation_head(REQUEST_ID, DEADLINE_MS, ARN, TRACE, 2)
            assert server.exchange(REQUEST_ID, head, b"{}", time.monotonic() + 5) is None
            assert server.state == "Ready"
    finally:
        server.close()


# -- through a worker ----------------------------------------------------------------------------------


@pytest.fixture
def steps(monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    """What each call of :meth:`RuntimeAPIServer.exchange` returned (the real method, recorded)."""
    results: list[Any] = []
    real = RuntimeAPIServer.exchange

    def recorded(self: RuntimeAPIServer, *args: Any) -> Any:
        result = real(self, *args)
        results.append(result)
        return result

    monkeypatch.setattr(RuntimeAPIServer, "exchange", recorded)
    return results


def test_a_warm_invocation_takes_the_usual_turn_and_gives_the_general_paths_outcome(
    environments: Environments, steps: list[Any]
) -> None:
    environment = environments("def handler(event, context):\n    return {'got': event}\n")
    assert result_json(environments.invoke(environment, {"n": 0})) == {"got": {"n": 0}}  # cold: general
    assert steps == []
    usual = environments.invoke(environment, {"n": 1})
    assert steps == [b'{"got": {"n": 1}}']  # the answer, taken in one step
    general = environments.invoke(environment, {"n": 1}, trace_id=None)  # no trace id: the general path
    assert len(steps) == 1
    assert (usual.kind, usual.result, usual.init_duration) == (general.kind, general.result, None)
    assert usual.max_memory_mb == general.max_memory_mb
    assert usual.max_memory_mb is not None
    assert result_json(environments.invoke(environment, {"n": 2})) == {"got": {"n": 2}}
    assert steps[-1] == b'{"got": {"n": 2}}'  # after a general turn, the usual one again


def test_output_of_a_warm_invocation_is_forwarded_before_its_outcome_and_in_order(
    environments: Environments, steps: list[Any]
) -> None:
    environment = environments(
        "import sys\n\ndef handler(event, context):\n"
        "    print('out', event['n'])\n    print('err', event['n'], file=sys.stderr)\n    return event['n']\n"
    )
    for number in range(4):
        environments.lines.clear()
        assert result_json(environments.invoke(environment, {"n": number})) == number
        assert [line for line in environments.lines if "out" in line or "err" in line] == [
            f"out {number}",
            f"err {number}",
        ]
    assert all(step is True for step in steps)  # handed over in one step, the output read as a wait does


@pytest.mark.parametrize("ending", ["timeout", "exit", "error"])
def test_a_warm_invocation_that_does_not_answer_as_usual_ends_as_the_general_path_ends_it(
    environments: Environments, steps: list[Any], ending: str
) -> None:
    environment = environments(
        "import os, time\n\ndef handler(event, context):\n"
        "    if event.get('end') == 'timeout':\n        time.sleep(5)\n"
        "    if event.get('end') == 'exit':\n        os._exit(3)\n"
        "    if event.get('end') == 'error':\n        raise ValueError('no')\n"
        "    return 'ok'\n",
        timeout=1.0,
    )
    assert result_json(environments.invoke(environment, {})) == "ok"
    outcome = environments.invoke(environment, {"end": ending})
    assert steps[-1] is True
    if ending == "timeout":
        assert outcome.kind == "timeout"
        assert not environment.alive
    elif ending == "exit":
        assert outcome.kind == "error"
        assert outcome.error is not None
        assert outcome.error["errorType"] == "Runtime.ExitError"
        assert not environment.alive
    else:
        assert outcome.kind == "error"
        assert outcome.error is not None
        assert (outcome.error["errorType"], outcome.error["errorMessage"]) == ("ValueError", "no")
        assert result_json(environments.invoke(environment, {})) == "ok"  # still warm
        assert isinstance(steps[-1], bytes)


def test_a_worker_that_ended_between_invocations_is_replaced_not_reported(
    environments: Environments, steps: list[Any]
) -> None:
    environment: ProcessEnvironment = environments("def handler(event, context):\n    return 'ok'\n")
    assert result_json(environments.invoke(environment, {})) == "ok"
    first = environment.pid
    assert first is not None
    os.kill(first, signal.SIGKILL)
    time.sleep(0.2)
    outcome = environments.invoke(environment, {})
    assert result_json(outcome) == "ok"
    assert outcome.init_duration is not None  # a fresh init
    assert environment.pid != first
    assert steps == [None]  # refused at once: something (the exit) was ready
