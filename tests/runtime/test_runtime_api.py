"""The Lambda Runtime API server, spoken to with raw bytes: endpoints, headers, status codes, limits.

The server has no thread of its own: the test plays both sides, writing a runtime's request on a socket,
then driving the server with ``wait`` and reading what it answered.
"""

from __future__ import annotations

import json
import select
import selectors
import socket
import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest

from apigw_emulator.runtime._bootstrap import ACCEPTED_RESPONSE, RuntimeClient
from apigw_emulator.runtime.runtime_api import (
    ACCEPTED,
    MAX_PAYLOAD,
    Invocation,
    RuntimeAPIServer,
    RuntimeEvent,
)

NEXT = "/2018-06-01/runtime/invocation/next"
REQUEST_ID = "8476a536-e9f4-11e8-9739-2dfe598c3fcd"
ARN = "arn:aws:lambda:eu-west-1:123456789012:function:my-function"


@pytest.fixture
def server() -> Iterator[RuntimeAPIServer]:
    api = RuntimeAPIServer()
    try:
        yield api
    finally:
        api.close()


class Runtime:
    """The runtime's end of one connection."""

    def __init__(self, server: RuntimeAPIServer) -> None:
        host, port = server.address.split(":")
        self.server = server
        self.sock = socket.create_connection((host, int(port)), timeout=5)
        self.file = self.sock.makefile("rb")
        self.writers: list[threading.Thread] = []

    def send(self, method: str, path: str, body: bytes = b"", headers: dict[str, str] | None = None) -> None:
        lines = [f"{method} {path} HTTP/1.1", f"Host: {self.server.address}"]
        lines += [f"{name}: {value}" for name, value in (headers or {}).items()]
        if method == "POST" and "Transfer-Encoding" not in (headers or {}):
            lines.append(f"Content-Length: {len(body)}")
        self.write(("\r\n".join(lines) + "\r\n\r\n").encode() + body)

    def write(self, data: bytes) -> None:
        """Send ``data``; more than the socket buffers take goes from a thread while the server reads."""
        if len(data) < 256 * 1024:
            self.sock.sendall(data)
            return
        thread = threading.Thread(target=self.sock.sendall, args=(data,), daemon=True)
        thread.start()
        self.writers.append(thread)

    def flush(self) -> None:
        for thread in self.writers:
            thread.join(10)
        self.writers.clear()

    def pending(self, timeout: float = 0.05) -> bool:
        """Whether an answer is waiting to be read."""
        return bool(self.file.peek(1)) if select.select([self.sock], [], [], timeout)[0] else False

    def read(self) -> tuple[int, dict[str, str], bytes]:
        status = int(self.file.readline().split()[1])
        headers: dict[str, str] = {}
        while (line := self.file.readline()) != b"\r\n":
            name, _, value = line.decode().partition(":")
            headers[name] = value.strip()
        return status, headers, self.file.read(int(headers.get("Content-Length", "0")))

    def close(self) -> None:
        self.flush()
        self.file.close()
        self.sock.close()


@pytest.fixture
def runtime(server: RuntimeAPIServer) -> Iterator[Runtime]:
    client = Runtime(server)
    try:
        yield client
    finally:
        client.close()


def wait(server: RuntimeAPIServer, seconds: float = 2.0) -> RuntimeEvent:
    return server.wait(time.monotonic() + seconds)


def invocation(**fields: Any) -> Invocation:
    return Invocation(
        request_id=REQUEST_ID,
        event=b'{"key": "value"}',
        deadline_ms=1542409706888,
        function_arn=ARN,
        **fields,
    )


def start_invocation(server: RuntimeAPIServer, runtime: Runtime) -> None:
    runtime.send("GET", NEXT)
    assert wait(server).kind == "ready"
    assert server.hand_over(invocation(), time.monotonic() + 2)
    assert runtime.read()[0] == 200


def test_next_is_answered_only_when_an_invocation_is_handed_over(
    server: RuntimeAPIServer, runtime: Runtime
) -> None:
    runtime.send("GET", NEXT)
    assert wait(server).kind == "ready"
    assert server.state == "Ready"
    assert not runtime.pending()
    assert server.hand_over(invocation(trace_id="Root=1-abc"), time.monotonic() + 2)
    status, headers, body = runtime.read()
    assert status == 200
    assert body == b'{"key": "value"}'
    assert headers["Content-Type"] == "application/json"
    assert headers["Lambda-Runtime-Aws-Request-Id"] == REQUEST_ID
    assert headers["Lambda-Runtime-Deadline-Ms"] == "1542409706888"
    assert headers["Lambda-Runtime-Invoked-Function-Arn"] == ARN
    assert headers["Lambda-Runtime-Trace-Id"] == "Root=1-abc"
    assert "Lambda-Runtime-Client-Context" not in headers
    assert "Lambda-Runtime-Cognito-Identity" not in headers
    assert server.state == "Running"


@pytest.mark.parametrize(
    "headers",
    [{}, {"User-Agent": "aws-lambda-python/3.12.1-3.1.1"}, {"Host": "localhost"}],
    ids=["the-emulators-own-head", "with-a-header-of-its-own", "another-host"],
)
def test_next_is_the_same_whether_its_head_is_the_emulators_own_bytes_or_another_runtimes(
    server: RuntimeAPIServer, runtime: Runtime, headers: dict[str, str]
) -> None:
    """The emulator's runtime sends one head for ``next``, byte for byte, read without parsing; any other
    head (awslambdaric's User-Agent, another ``Host``) is parsed, and both are the same request."""
    runtime.send("GET", NEXT, headers=headers)
    assert wait(server).kind == "ready"
    assert server.hand_over(invocation(), time.monotonic() + 2)
    status, answer_headers, body = runtime.read()
    assert (status, body) == (200, b'{"key": "value"}')
    assert answer_headers["Lambda-Runtime-Aws-Request-Id"] == REQUEST_ID
    runtime.send("POST", f"/2018-06-01/runtime/invocation/{REQUEST_ID}/response", b'"ok"')
    event = wait(server)
    assert (event.kind, event.body) == ("response", b'"ok"')
    assert runtime.read()[0] == 202


def test_client_context_and_cognito_identity_headers_are_sent_when_set(
    server: RuntimeAPIServer, runtime: Runtime
) -> None:
    runtime.send("GET", NEXT)
    assert wait(server).kind == "ready"
    identity = '{"cognitoIdentityId":"id","cognitoIdentityPoolId":"pool"}'
    server.hand_over(
        invocation(client_context='{"custom":{"a":1}}', cognito_identity=identity),
        time.monotonic() + 2,
    )
    _, headers, _ = runtime.read()
    assert headers["Lambda-Runtime-Client-Context"] == '{"custom":{"a":1}}'
    assert headers["Lambda-Runtime-Cognito-Identity"] == identity
    assert "Lambda-Runtime-Trace-Id" not in headers


def test_a_response_is_accepted_with_202(server: RuntimeAPIServer, runtime: Runtime) -> None:
    start_invocation(server, runtime)
    runtime.send("POST", f"/2018-06-01/runtime/invocation/{REQUEST_ID}/response", b'{"ok": true}')
    event = wait(server)
    assert (event.kind, event.body) == ("response", b'{"ok": true}')
    status, _, body = runtime.read()
    assert status == 202
    assert json.loads(body) == {"status": "OK"}
    assert server.state == "RuntimeResponseSentState"


def test_the_202_is_the_bytes_the_emulators_runtime_reads_without_parsing(
    server: RuntimeAPIServer, runtime: Runtime
) -> None:
    """Alone or sent with the next event (pipelined), the 202 is :data:`ACCEPTED_RESPONSE` byte for byte:
    the emulator's runtime skips those bytes and parses anything else."""
    start_invocation(server, runtime)
    runtime.send("POST", f"/2018-06-01/runtime/invocation/{REQUEST_ID}/response", b"{}")
    assert wait(server).kind == "response"
    alone = runtime.sock.recv(len(ACCEPTED_RESPONSE) + 100)  # nothing else was sent
    assert alone == ACCEPTED_RESPONSE
    runtime.send("GET", NEXT)
    assert wait(server).kind == "ready"
    second = "0b1e6c2a-0000-4000-8000-000000000002"
    assert server.hand_over(Invocation(second, b"{}", 1542409706888, ARN), time.monotonic() + 2)
    assert runtime.read()[0] == 200
    pipelined = (
        f"POST /2018-06-01/runtime/invocation/{second}/response HTTP/1.1\r\nContent-Length: 2\r\n\r\n{{}}"
    )
    runtime.sock.sendall(
        pipelined.encode() + f"GET {NEXT} HTTP/1.1\r\nHost: {server.address}\r\n\r\n".encode()
    )
    assert wait(server).kind == "response"
    assert wait(server).kind == "ready"
    assert server.hand_over(invocation(), time.monotonic() + 2)
    received = b""
    while b"\r\n\r\n" not in received[len(ACCEPTED_RESPONSE) :]:
        received += runtime.sock.recv(65536)
    assert received.startswith(ACCEPTED_RESPONSE + b"HTTP/1.1 200 OK\r\n")


def test_the_runtime_parses_a_202_that_is_not_the_emulators_own() -> None:
    """Any other 202 (another server's headers, in pieces) is parsed as before: the post succeeded."""
    listener = socket.create_server(("127.0.0.1", 0))
    client = RuntimeClient(f"127.0.0.1:{listener.getsockname()[1]}")
    try:
        accepted: list[socket.socket] = []

        def serve() -> None:
            conn, _ = listener.accept()
            accepted.append(conn)
            conn.recv(65536)
            conn.sendall(b"HTTP/1.1 202 Accepted\r\nDate: Mon, 07 Dec 2026 20:00:00 GMT\r\n")
            time.sleep(0.05)
            conn.sendall(b"Content-Length: 16\r\n\r\n" + ACCEPTED)

        thread = threading.Thread(target=serve)
        thread.start()
        client.post(f"/2018-06-01/runtime/invocation/{REQUEST_ID}/response", b"{}")
        thread.join(5)
        assert client._buffer == bytearray()  # nothing of the answer is left unread
    finally:
        client.close()
        for conn in accepted:
            conn.close()
        listener.close()


def test_an_error_is_accepted_with_its_error_type_header(server: RuntimeAPIServer, runtime: Runtime) -> None:
    start_invocation(server, runtime)
    document = b'{"errorMessage": "boom", "errorType": "ValueError"}'
    runtime.send(
        "POST",
        f"/2018-06-01/runtime/invocation/{REQUEST_ID}/error",
        document,
        {"Lambda-Runtime-Function-Error-Type": "ValueError"},
    )
    event = wait(server)
    assert (event.kind, event.body, event.error_type) == ("error", document, "ValueError")
    assert runtime.read()[0] == 202


def test_an_answer_for_another_request_id_is_400_invalid_request_id(
    server: RuntimeAPIServer, runtime: Runtime
) -> None:
    start_invocation(server, runtime)
    runtime.send("POST", "/2018-06-01/runtime/invocation/not-the-one/response", b"{}")
    assert wait(server, 0.1).kind == "timeout"
    status, _, body = runtime.read()
    assert status == 400
    assert json.loads(body) == {"errorMessage": "Invalid request ID", "errorType": "InvalidRequestID"}
    assert server.state == "Running"


def test_an_answer_with_no_invocation_in_progress_is_403_invalid_state_transition(
    server: RuntimeAPIServer, runtime: Runtime
) -> None:
    runtime.send("POST", f"/2018-06-01/runtime/invocation/{REQUEST_ID}/response", b"{}")
    assert wait(server, 0.1).kind == "timeout"
    status, _, body = runtime.read()
    assert status == 403
    assert json.loads(body) == {
        "errorMessage": "State transition from Started to InvocationResponse failed for runtime. "
        "Error: State transition is not allowed",
        "errorType": "InvalidStateTransition",
    }


def test_a_second_answer_is_403(server: RuntimeAPIServer, runtime: Runtime) -> None:
    start_invocation(server, runtime)
    path = f"/2018-06-01/runtime/invocation/{REQUEST_ID}/response"
    runtime.send("POST", path, b"{}")
    assert wait(server).kind == "response"
    assert runtime.read()[0] == 202
    runtime.send("POST", f"/2018-06-01/runtime/invocation/{REQUEST_ID}/error", b"{}")
    assert wait(server, 0.1).kind == "timeout"
    status, _, body = runtime.read()
    assert status == 403
    assert "from RuntimeResponseSentState to InvocationErrorResponse" in json.loads(body)["errorMessage"]


def test_init_error_is_accepted_during_init(server: RuntimeAPIServer, runtime: Runtime) -> None:
    document = b'{"errorMessage": "m", "errorType": "Runtime.ImportModuleError"}'
    runtime.send(
        "POST",
        "/2018-06-01/runtime/init/error",
        document,
        {"Lambda-Runtime-Function-Error-Type": "Runtime.ImportModuleError"},
    )
    event = wait(server)
    assert (event.kind, event.body, event.error_type) == ("init-error", document, "Runtime.ImportModuleError")
    assert runtime.read()[0] == 202


def test_init_error_once_an_invocation_was_asked_for_is_403(
    server: RuntimeAPIServer, runtime: Runtime
) -> None:
    start_invocation(server, runtime)
    runtime.send("POST", "/2018-06-01/runtime/init/error", b"{}")
    assert wait(server, 0.1).kind == "timeout"
    status, _, body = runtime.read()
    assert status == 403
    assert "from Running to InitError" in json.loads(body)["errorMessage"]


def test_unknown_paths_are_404_and_known_paths_with_another_method_405(
    server: RuntimeAPIServer, runtime: Runtime
) -> None:
    runtime.send("GET", "/2018-06-01/runtime/invocation/next/extra")
    runtime.send("GET", "/2020-01-01/extension/register")
    runtime.send("POST", NEXT, b"{}")
    runtime.send("GET", "/2018-06-01/runtime/init/error")
    assert wait(server, 0.1).kind == "timeout"
    assert [runtime.read()[0] for _ in range(4)] == [404, 404, 405, 405]


def test_a_response_over_6_mb_is_refused_413_before_its_body_arrives(
    server: RuntimeAPIServer, runtime: Runtime
) -> None:
    start_invocation(server, runtime)
    size = MAX_PAYLOAD + 1
    head = (
        f"POST /2018-06-01/runtime/invocation/{REQUEST_ID}/response HTTP/1.1\r\n"
        f"Host: x\r\nContent-Length: {size}\r\n\r\n"
    )
    runtime.sock.sendall(head.encode())
    event = wait(server)
    assert (event.kind, event.size) == ("too-large", size)
    status, _, body = runtime.read()  # answered before a byte of the body was sent
    assert status == 413
    assert json.loads(body) == {
        "errorMessage": "Exceeded maximum allowed payload size (6291556 bytes).",
        "errorType": "RequestEntityTooLarge",
    }
    runtime.write(b"x" * size)  # the body is read and dropped as it comes
    largest = 0
    while runtime.writers[0].is_alive():
        server.wait(time.monotonic() + 0.01)
        largest = max(largest, *(len(c.buffer) for c in _connections(server)))
    runtime.flush()
    assert wait(server, 0.2).kind == "timeout"
    assert largest <= 256 * 1024
    runtime.send("GET", NEXT)  # the connection goes on
    assert wait(server).kind == "ready"


def test_a_response_of_exactly_6291556_bytes_is_accepted(server: RuntimeAPIServer, runtime: Runtime) -> None:
    start_invocation(server, runtime)
    body = b"y" * MAX_PAYLOAD
    runtime.send("POST", f"/2018-06-01/runtime/invocation/{REQUEST_ID}/response", body)
    event = wait(server)
    assert event.kind == "response"
    assert event.body == body
    assert runtime.read()[0] == 202


def test_a_chunked_response_is_accepted_and_a_chunked_one_over_the_limit_refused(
    server: RuntimeAPIServer, runtime: Runtime
) -> None:
    start_invocation(server, runtime)
    path = f"/2018-06-01/runtime/invocation/{REQUEST_ID}/response"
    runtime.send("POST", path, b"5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n", {"Transfer-Encoding": "chunked"})
    event = wait(server)
    assert (event.kind, event.body) == ("response", b"hello world")
    assert runtime.read()[0] == 202

    runtime.send("GET", NEXT)
    assert wait(server).kind == "ready"
    server.hand_over(invocation(), time.monotonic() + 2)
    assert runtime.read()[0] == 200
    piece = b"z" * (1024 * 1024)
    chunks = b"".join(b"%x\r\n%s\r\n" % (len(piece), piece) for _ in range(7)) + b"0\r\n\r\n"
    runtime.send("POST", path, chunks, headers={"Transfer-Encoding": "chunked"})
    event = wait(server, 10)
    assert event.kind == "too-large"
    while runtime.writers[0].is_alive():
        server.wait(time.monotonic() + 0.01)
    runtime.flush()
    assert runtime.read()[0] == 413
    runtime.send("GET", NEXT)
    assert wait(server).kind == "ready"


def test_expect_100_continue(server: RuntimeAPIServer, runtime: Runtime) -> None:
    start_invocation(server, runtime)
    path = f"/2018-06-01/runtime/invocation/{REQUEST_ID}/response"
    runtime.sock.sendall(
        f"POST {path} HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\nExpect: 100-continue\r\n\r\n".encode()
    )
    assert wait(server, 0.1).kind == "timeout"
    assert runtime.file.readline() == b"HTTP/1.1 100 Continue\r\n"
    assert runtime.file.readline() == b"\r\n"
    runtime.sock.sendall(b"{}")
    assert wait(server).kind == "response"
    assert runtime.read()[0] == 202


def test_expect_100_continue_with_a_body_over_the_limit_is_refused_at_once(
    server: RuntimeAPIServer, runtime: Runtime
) -> None:
    start_invocation(server, runtime)
    path = f"/2018-06-01/runtime/invocation/{REQUEST_ID}/response"
    runtime.sock.sendall(
        f"POST {path} HTTP/1.1\r\nHost: x\r\nContent-Length: {10 * MAX_PAYLOAD}\r\n"
        "Expect: 100-continue\r\n\r\n".encode()
    )
    assert wait(server).kind == "too-large"
    status, headers, _ = runtime.read()
    assert status == 413
    assert headers["Connection"] == "close"
    assert runtime.file.read() == b""


def test_an_answer_pipelined_with_the_next_next_gets_its_202_with_the_next_event(
    server: RuntimeAPIServer, runtime: Runtime
) -> None:
    start_invocation(server, runtime)
    answer = b"{}"
    runtime.sock.sendall(
        f"POST /2018-06-01/runtime/invocation/{REQUEST_ID}/response HTTP/1.1\r\nHost: x\r\n"
        f"Content-Length: {len(answer)}\r\n\r\n".encode()
        + answer
        + f"GET {NEXT} HTTP/1.1\r\nHost: x\r\n\r\n".encode()
    )
    assert wait(server).kind == "response"
    assert not runtime.pending()  # the 202 waits for the next invocation
    assert server.hand_over(invocation(), time.monotonic() + 2)
    assert runtime.read()[0] == 202
    assert runtime.read()[0] == 200


def test_a_request_head_over_64_kib_is_refused(server: RuntimeAPIServer, runtime: Runtime) -> None:
    runtime.sock.sendall(f"GET {NEXT} HTTP/1.1\r\nX: {'a' * 70000}".encode())
    assert wait(server, 0.2).kind == "timeout"
    assert runtime.read()[0] == 431
    assert runtime.file.read() == b""


def test_a_runtime_that_reconnects_gets_the_invocation_on_its_new_connection(
    server: RuntimeAPIServer, runtime: Runtime
) -> None:
    runtime.send("GET", NEXT)
    assert wait(server).kind == "ready"
    runtime.close()
    assert wait(server, 0.1).kind == "timeout"
    assert not server.hand_over(invocation(), time.monotonic() + 1)
    second = Runtime(server)
    try:
        second.send("GET", NEXT)
        assert wait(server).kind == "ready"
        assert server.hand_over(invocation(), time.monotonic() + 1)
        assert second.read()[0] == 200
    finally:
        second.close()


def _connections(server: RuntimeAPIServer) -> list[Any]:
    from apigw_emulator.runtime.runtime_api import _Connection  # noqa: PLC0415

    return [data for data in server._poller.registered() if isinstance(data, _Connection)]


def test_a_malformed_request_is_400_and_ends_the_connection(
    server: RuntimeAPIServer, runtime: Runtime
) -> None:
    runtime.sock.sendall(b"POST /2018-06-01/runtime/init/error HTTP/1.1\r\nContent-Length: ten\r\n\r\n")
    assert wait(server, 0.1).kind == "timeout"
    assert runtime.read()[0] == 400
    assert runtime.file.read() == b""
    assert server.state == "Started"


def test_an_answer_cut_short_is_no_answer(server: RuntimeAPIServer, runtime: Runtime) -> None:
    start_invocation(server, runtime)
    runtime.sock.sendall(
        f"POST /2018-06-01/runtime/invocation/{REQUEST_ID}/response HTTP/1.1\r\nHost: x\r\n"
        'Content-Length: 100\r\n\r\n{"partial": '.encode()
    )
    runtime.close()
    assert wait(server, 0.2).kind == "timeout"
    assert server.state == "Running"  # still waiting for an answer: the invocation will time out


@pytest.mark.parametrize("kind", ["epoll", "selectors"])
def test_the_poller_reports_the_data_of_ready_descriptors_with_epoll_or_a_selector(kind: str) -> None:
    """The server's poller: epoll where there is one, else a ``selectors`` selector (other systems), the
    same behaviour either way: each ready descriptor's data, registration errors as ``selectors``'."""
    from apigw_emulator.runtime.runtime_api import _Poller  # noqa: PLC0415

    if kind == "epoll" and not hasattr(select, "epoll"):
        pytest.skip("no epoll here")
    poller = _Poller()
    if kind == "selectors" and poller._epoll is not None:
        poller._epoll.close()
        poller._epoll, poller._selector = None, selectors.DefaultSelector()
    ours, theirs = socket.socketpair()
    quiet, other = socket.socketpair()
    try:
        poller.register(ours, "ours")
        poller.register(quiet.fileno(), 7)
        with pytest.raises(KeyError):
            poller.register(ours, "again")
        assert poller.select(0) == []
        theirs.send(b"x")
        assert poller.select(0.0001) == ["ours"]  # a sub-millisecond wait still waits and sees it
        theirs.close()  # a hang-up reads as ready too
        assert poller.select(1) == ["ours"]
        assert sorted(map(str, poller.registered())) == ["7", "ours"]
        poller.unregister(ours)
        with pytest.raises(KeyError):
            poller.unregister(ours)
        assert poller.select(0) == []
        other.close()
        assert poller.select(1) == [7]
    finally:
        poller.close()
        for sock in (ours, theirs, quiet, other):
            sock.close()


def own_answer(server: RuntimeAPIServer, request_id: str, body: bytes) -> bytes:
    """An answer as the emulator's own runtime writes its head (read without parsing when it is whole)."""
    return (
        f"POST /2018-06-01/runtime/invocation/{request_id}/response HTTP/1.1\r\nHost: {server.address}\r\n"
        f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n"
    ).encode() + body


def assert_json_answer(event: RuntimeEvent, body: bytes) -> None:
    """``event`` is the runtime's JSON answer ``body`` to the invocation."""
    assert (event.kind, event.body, event.content_type, event.error_type) == (
        "response",
        body,
        "application/json",
        None,
    )


def test_the_emulators_own_answer_is_taken_as_any_answer_is(
    server: RuntimeAPIServer, runtime: Runtime
) -> None:
    """Its head read by its bytes, the answer is what the parsed one would be: the event, its body and
    content type, the 202 (deferred to go with the pipelined ``next``'s answer), the state."""
    start_invocation(server, runtime)
    answer = b'{"statusCode": 200, "body": "caf\xc3\xa9 \\r\\n\\r\\n"}'
    runtime.sock.sendall(own_answer(server, REQUEST_ID, answer))
    event = wait(server)
    assert_json_answer(event, answer)
    assert server.state == "RuntimeResponseSentState"
    assert runtime.read()[0] == 202


@pytest.mark.parametrize(
    "case", ["another-request-id", "body-in-two-pieces", "no-invocation-in-progress", "length-not-digits"]
)
def test_an_answer_that_only_looks_like_the_emulators_own_is_parsed_as_any_request(
    server: RuntimeAPIServer, runtime: Runtime, case: str
) -> None:
    """Anything but the whole answer to the invocation in progress takes the general path, with its
    checks and statuses."""
    if case != "no-invocation-in-progress":
        start_invocation(server, runtime)
    data = own_answer(
        server,
        "0b1e6c2a-0000-4000-8000-00000000000f" if case == "another-request-id" else REQUEST_ID,
        b'"ok"',
    )
    if case == "length-not-digits":
        data = data.replace(b"Content-Length: 4", b"Content-Length: +4")
    if case == "body-in-two-pieces":
        runtime.sock.sendall(data[:-2])
        assert wait(server, 0.1).kind == "timeout"
        runtime.sock.sendall(data[-2:])
        event = wait(server)
        assert (event.kind, event.body) == ("response", b'"ok"')
        assert runtime.read()[0] == 202
        return
    runtime.sock.sendall(data)
    assert wait(server, 0.1).kind == "timeout"
    status = runtime.read()[0]
    assert (
        status
        == {"another-request-id": 400, "no-invocation-in-progress": 403, "length-not-digits": 400}[case]
    )


@pytest.mark.parametrize("head", ["own", "parsed"])
def test_the_own_runtimes_answer_with_its_next_next_in_one_write_is_taken_as_the_general_path_takes_it(
    server: RuntimeAPIServer, runtime: Runtime, head: str
) -> None:
    """The emulator's runtime's usual turn (its answer and its next ``next`` in one write), taken at
    once by its bytes or parsed (a head with other casing): the same events, state and bytes back."""
    start_invocation(server, runtime)
    answer = b'{"statusCode": 200, "body": "ok"}'
    data = own_answer(server, REQUEST_ID, answer)
    if head == "parsed":
        data = data.replace(b"Content-Type:", b"content-type:")
    runtime.sock.sendall(data + f"GET {NEXT} HTTP/1.1\r\nHost: {server.address}\r\n\r\n".encode())
    event = wait(server)
    assert_json_answer(event, answer)
    assert wait(server).kind == "ready"
    assert server.state == "Ready"
    assert not runtime.pending()  # the 202 waits for the next invocation
    second = "0b1e6c2a-0000-4000-8000-00000000000f"
    assert server.hand_over(Invocation(second, b"{}", 1542409706888, ARN), time.monotonic() + 2)
    assert runtime.read() == (202, {"Content-Type": "application/json", "Content-Length": "16"}, ACCEPTED)
    status, headers, body = runtime.read()
    assert (status, headers["Lambda-Runtime-Aws-Request-Id"], body) == (200, second, b"{}")
    runtime.sock.sendall(own_answer(server, REQUEST_ID, b"{}"))  # the last invocation's id: refused
    assert wait(server, 0.1).kind == "timeout"
    assert runtime.read()[0] == 400
