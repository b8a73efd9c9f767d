"""The Lambda Runtime API (version 2018-06-01), served on loopback to the runtime of one worker process.

The endpoints, headers and status codes are those of AWS's "Using the Lambda runtime API for custom
runtimes" and of the Runtime Interface Emulator (RIE), which implements the same API:

- ``GET /2018-06-01/runtime/invocation/next``: answered when an invocation is handed over (200, the event
  as the body, ``Lambda-Runtime-Aws-Request-Id``, ``-Deadline-Ms``, ``-Invoked-Function-Arn``,
  ``-Trace-Id``, and ``-Client-Context`` / ``-Cognito-Identity`` / ``-Aws-Tenant-Id`` when set).
- ``POST /2018-06-01/runtime/invocation/{id}/response`` and ``.../{id}/error``: 202 ``{"status":"OK"}``;
  400 ``InvalidRequestID`` for another id than the invocation in progress; 403 ``InvalidStateTransition``
  when no invocation is in progress (before the first ``next``, or a second answer); a response over
  6291556 bytes gets 413 ``RequestEntityTooLarge`` and the invocation fails with Lambda's
  ``Function.ResponseSizeTooLarge``.
- ``POST /2018-06-01/runtime/init/error``: 202 during the init phase, 403 once an invocation was asked for.
- Any other path: 404 (``404 page not found``), a known path with another method: 405, as RIE's router.

**One server per worker process.** Each execution environment's worker gets a listener of its own (port
0, ``AWS_LAMBDA_RUNTIME_API=127.0.0.1:<port>``), made when the worker starts and closed when it ends. So
whatever arrives on it is from that worker: no request id routing between workers, a dead worker's
connections cannot reach its successor, and a custom runtime that opens a new connection per call needs
nothing special.

**Private to its worker.** Any local process can connect to a port on 127.0.0.1, so each connection is
checked when it is accepted (:attr:`RuntimeAPIServer.accepts`; :mod:`._peers` on Linux: the socket at its
other end must be held by the worker or a process it started). A stranger's connection is closed before
anything is read from it: it gets no invocation and cannot answer one.

**A socket pair for the emulator's own runtime.** The emulator's runtime gets one end of a Unix socket
pair when its process starts, and speaks the same protocol over it: a loopback TCP segment costs the
sender the whole TCP receive path (about four times a Unix socket's send), twice per invocation. The
listener stays for every other runtime (and for the emulator's own, should its pair close).

**No thread of its own.** The server is driven by the thread that invokes the environment
(:meth:`RuntimeAPIServer.wait`): it waits on the listener, the runtime's connections and whatever else the
caller watches (the worker's output pipe, its exit) with one selector, until something the caller needs
happens or the deadline passes. Between invocations nothing reads the sockets: the runtime's ``next``
waits in the kernel's buffer until the next invocation, as it waits for a frozen sandbox to thaw on Lambda.
A warm invocation costs two reads and two writes on one keep-alive connection and no thread switch;
there is no thread to leak when a worker is killed.

Request heads are bounded (64 KiB) and bodies are bounded by the endpoint's limit: a body over it is
answered 413 as soon as its length is known and then read and dropped in place, never buffered.
"""

from __future__ import annotations

import contextlib
import dataclasses
import math
import select
import selectors
import socket
import time
from collections import deque
from collections.abc import Callable, Iterable
from typing import Any, Literal

from .._socket_io import send_before
from ._bootstrap import ACCEPTED_RESPONSE  # the 202, whole, as both sides know it

__all__ = [
    "MAX_PAYLOAD",
    "Invocation",
    "RuntimeAPIServer",
    "RuntimeEvent",
]

#: Largest response (or error document) a runtime may post, in bytes: Lambda's 6 MB synchronous limit.
MAX_PAYLOAD = 6291556
#: Largest request head (request line and headers) the server reads.
MAX_HEAD = 64 * 1024
#: How much one read takes from a socket.
READ_SIZE = 256 * 1024

PREFIX = "/2018-06-01/runtime/"
NEXT_PATH = PREFIX + "invocation/next"
INIT_ERROR_PATH = PREFIX + "init/error"
INVOCATION_PREFIX = PREFIX + "invocation/"
ERROR_TYPE_HEADER = "lambda-runtime-function-error-type"

# The runtime's states, named as RIE names them in its InvalidStateTransition messages.
STARTED, READY, RUNNING, RESPONSE_SENT, INIT_ERROR = (
    "Started",
    "Ready",
    "Running",
    "RuntimeResponseSentState",
    "InitError",
)
_TARGET_STATE = {"response": "InvocationResponse", "error": "InvocationErrorResponse", "init": INIT_ERROR}

EventKind = Literal["ready", "init-error", "response", "error", "too-large", "watched", "timeout"]


@dataclasses.dataclass(frozen=True, slots=True)
class RuntimeEvent:
    """Something the runtime did (or the deadline), as :meth:`RuntimeAPIServer.wait` reports it.

    :ivar kind: ``"ready"`` (the runtime asked for the next invocation), ``"init-error"`` (it posted
        ``/init/error``), ``"response"`` / ``"error"`` (it answered the invocation in progress),
        ``"too-large"`` (its response was over :data:`MAX_PAYLOAD`), ``"watched"`` (a watched file
        descriptor is readable), ``"timeout"`` (the deadline passed).
    :ivar body: the posted body (``init-error``, ``response``, ``error``).
    :ivar error_type: the ``Lambda-Runtime-Function-Error-Type`` header, when sent.
    :ivar content_type: the posted ``Content-Type``, when sent.
    :ivar size: the announced or received size of a refused body (``too-large``).
    :ivar fd: the readable file descriptor (``watched``).
    """

    kind: EventKind
    body: bytes = b""
    error_type: str | None = None
    content_type: str | None = None
    size: int = 0
    fd: int = -1


#: The events that carry nothing but their kind, made once (they are immutable).
_READY = RuntimeEvent("ready")
_TIMEOUT = RuntimeEvent("timeout")

#: The emulator's own header on ``/invocation/next``: how the event JSON was written.
ENCODER_HEADER = "Apigw-Emulator-Event-Encoder"


@dataclasses.dataclass(frozen=True, slots=True)
class Invocation:
    """What ``/invocation/next`` answers: the request id, the event JSON and the ``Lambda-Runtime-*``
    headers (deadline in epoch milliseconds)."""

    request_id: str
    event: bytes
    deadline_ms: int
    function_arn: str
    trace_id: str | None = None
    client_context: str | None = None
    cognito_identity: str | None = None
    tenant_id: str | None = None
    #: The event JSON was written by orjson, so orjson reads it back exactly as ``json`` would (no
    #: integers over 64 bits, no NaN, no lone surrogates): a hint for the emulator's own runtime, which
    #: then reads big events faster. Other runtimes ignore the header.
    orjson_encoded: bool = False
    #: The rest of the event JSON, sent after ``event`` (a big body's bytes and what follows them).
    event_tail: tuple[bytes, ...] = ()

    def head(self) -> bytes:
        head = (
            "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
            f"Lambda-Runtime-Aws-Request-Id: {self.request_id}\r\n"
            f"Lambda-Runtime-Deadline-Ms: {self.deadline_ms}\r\n"
            f"Lambda-Runtime-Invoked-Function-Arn: {self.function_arn}\r\n"
        )
        # Values from the client's request (the trace header) cannot break the head: no CR or LF.
        if self.trace_id:
            head += f"Lambda-Runtime-Trace-Id: {_one_line(self.trace_id)}\r\n"
        if self.client_context:
            head += f"Lambda-Runtime-Client-Context: {_one_line(self.client_context)}\r\n"
        if self.cognito_identity:
            head += f"Lambda-Runtime-Cognito-Identity: {_one_line(self.cognito_identity)}\r\n"
        if self.tenant_id:
            head += f"Lambda-Runtime-Aws-Tenant-Id: {_one_line(self.tenant_id)}\r\n"
        if self.orjson_encoded:
            head += f"{ENCODER_HEADER}: orjson\r\n"
        size = len(self.event)
        for part in self.event_tail:
            size += len(part)
        return f"{head}Content-Length: {size}\r\n\r\n".encode("latin-1")


def usual_invocation_head(
    request_id: str, deadline_ms: int, function_arn: str, trace_id: str, size: int
) -> bytes:
    """The head :meth:`Invocation.head` writes for the usual invocation (a trace id without CR or LF, no
    client context, Cognito identity or tenant, the event JSON orjson's, ``size`` bytes of it), written in
    one step from one template: byte for byte the general head for those values."""
    return (
        "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
        f"Lambda-Runtime-Aws-Request-Id: {request_id}\r\nLambda-Runtime-Deadline-Ms: {deadline_ms}\r\n"
        f"Lambda-Runtime-Invoked-Function-Arn: {function_arn}\r\nLambda-Runtime-Trace-Id: {trace_id}\r\n"
        f"{ENCODER_HEADER}: orjson\r\nContent-Length: {size}\r\n\r\n"
    ).encode("latin-1")


def _one_line(value: str) -> str:
    return value.replace("\r", " ").replace("\n", " ") if "\r" in value or "\n" in value else value


def _json_error(error_type: str, message: str) -> bytes:
    # Neither value needs escaping beyond quotes: they are the server's own texts.
    escaped = message.replace("\\", "\\\\").replace('"', '\\"')
    return f'{{"errorMessage":"{escaped}","errorType":"{error_type}"}}\n'.encode()


ACCEPTED = b'{"status":"OK"}\n'
TOO_LARGE = _json_error(
    "RequestEntityTooLarge", f"Exceeded maximum allowed payload size ({MAX_PAYLOAD} bytes)."
)
INVALID_REQUEST_ID = _json_error("InvalidRequestID", "Invalid request ID")
_PIPELINED_NEXT = f"GET {NEXT_PATH} HTTP/1.1\r\n".encode("latin-1")
_REASONS = {
    200: "OK",
    202: "Accepted",
    400: "Bad Request",
    403: "Forbidden",
    404: "Not Found",
    405: "Method Not Allowed",
    411: "Length Required",
    413: "Request Entity Too Large",
    431: "Request Header Fields Too Large",
    500: "Internal Server Error",
}


class _BadRequestError(Exception):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


@dataclasses.dataclass(slots=True)
class _Request:
    """A request whose head has been read; its body is being read (or dropped)."""

    method: str
    path: str
    headers: dict[str, str]
    #: ``"length"`` (Content-Length), ``"chunked"`` or ``"none"``.
    framing: str
    #: Body bytes still to come (``length``), or of the current chunk (``chunked``, -1: at a size line).
    remaining: int
    limit: int
    body: bytearray | None = None
    received: int = 0
    #: The body is over the limit: it is read and dropped; the 413 has been sent.
    dropping: bool = False
    #: The 413 has been sent.
    refused: bool = False
    close: bool = False
    chunk_trailer: bool = False


class _Connection:
    """One connection of the runtime: its unparsed input and the request being read."""

    __slots__ = ("buffer", "closed", "deferred", "fd", "request", "sock")

    def __init__(self, sock: socket.socket) -> None:
        self.sock = sock
        self.fd = sock.fileno()
        self.buffer = bytearray()
        self.request: _Request | None = None
        self.closed = False
        #: A response held back to go out with the next one (see :meth:`RuntimeAPIServer._accept_post`).
        self.deferred = b""


class _Poller:
    """The readiness of the server's descriptors, each registered with its data: ``select.epoll`` where
    there is one (a system call and a dict lookup per ready descriptor; a ``selectors`` selector adds a
    key object per ready descriptor, event masks and a timeout conversion to every wait, about a
    microsecond of the server thread's per invocation), else a ``selectors`` selector."""

    def __init__(self) -> None:
        self._epoll = select.epoll() if hasattr(select, "epoll") else None
        self._selector = None if self._epoll is not None else selectors.DefaultSelector()
        self._data: dict[int, Any] = {}

    def register(self, target: socket.socket | int, data: Any) -> None:
        """Watch ``target`` for reading; :raises KeyError: when it is watched already."""
        fd = target if isinstance(target, int) else target.fileno()
        if fd in self._data:
            raise KeyError(f"{fd} is registered already")
        if self._epoll is not None:
            self._epoll.register(fd, select.EPOLLIN)
        else:
            assert self._selector is not None
            self._selector.register(fd, selectors.EVENT_READ, data)
        self._data[fd] = data

    def unregister(self, target: socket.socket | int) -> None:
        """Stop watching ``target``; :raises KeyError: when it is not watched."""
        fd = target if isinstance(target, int) else target.fileno()
        del self._data[fd]
        if self._epoll is not None:
            with contextlib.suppress(OSError):  # closed since it was registered: the kernel forgot it
                self._epoll.unregister(fd)
        else:
            assert self._selector is not None
            self._selector.unregister(fd)

    def select(self, timeout: float) -> list[Any]:
        """The data of the descriptors ready within ``timeout`` seconds (readable, ended or failed)."""
        if self._epoll is not None:
            # Whole milliseconds, rounded up (epoll's unit): a shorter wait would end at once, and spin.
            timeout = math.ceil(timeout * 1000) / 1000 if timeout > 0 else 0
            data = self._data
            return [data[fd] for fd, _ in self._epoll.poll(timeout, max(len(data), 1)) if fd in data]
        assert self._selector is not None
        return [key.data for key, _ in self._selector.select(timeout)]

    def registered(self) -> list[Any]:
        """The data of every watched descriptor."""
        return list(self._data.values())

    def close(self) -> None:
        self._data.clear()
        if self._epoll is not None:
            self._epoll.close()
        else:
            assert self._selector is not None
            self._selector.close()


class RuntimeAPIServer:
    """The Runtime API for one worker process, on ``127.0.0.1`` and a free port.

    The owner hands invocations over (:meth:`hand_over`) and waits for what the runtime does
    (:meth:`wait`); other file descriptors can be watched in the same wait (:meth:`watch`).
    Not thread-safe: one thread drives it at a time.
    """

    def __init__(self, host: str = "127.0.0.1") -> None:
        self._listener = socket.create_server((host, 0))
        self._listener.setblocking(False)
        port = self._listener.getsockname()[1]
        #: What ``AWS_LAMBDA_RUNTIME_API`` says: ``host:port``.
        self.address = f"{host}:{port}"
        #: The head of the ``next`` request the emulator's own runtime sends, byte for byte: read without
        #: parsing (every invocation has one).
        self._own_next_head = f"GET {NEXT_PATH} HTTP/1.1\r\nHost: {self.address}\r\n\r\n".encode("latin-1")
        #: The head of the emulator's own runtime's JSON answer to the invocation in progress, up to its
        #: length (set by :meth:`hand_over`): such an answer is read without parsing its head.
        self._own_answer_head = b""
        self._poller = _Poller()
        self._poller.register(self._listener, None)
        #: The poller's epoll object, for :meth:`exchange` (None: no epoll, no such shortcut).
        self._epoll = self._poller._epoll
        self._events: deque[RuntimeEvent] = deque()
        self._scratch = memoryview(bytearray(READ_SIZE))
        self._state = STARTED
        self._pending_next: _Connection | None = None
        self._current_id: str | None = None
        self._closed = False
        #: Decides whether an accepted connection is the runtime's (None: every connection is); a refused
        #: one is closed before anything is read from it.
        self.accepts: Callable[[socket.socket], bool] | None = None
        #: Connections refused by :attr:`accepts`.
        self.refused = 0

    # -- what the owner calls ----------------------------------------------------------------------------

    @property
    def state(self) -> str:
        """The runtime's state: ``Started`` (init), ``Ready`` (a ``next`` waits), ``Running`` (an
        invocation is in progress), ``RuntimeResponseSentState``, ``InitError``."""
        return self._state

    def watch(self, fd: int) -> None:
        """Report ``fd`` as a ``"watched"`` event whenever it is readable."""
        self._poller.register(fd, fd)

    def take_watched(self, fd: int) -> bool:
        """Whether a ``"watched"`` event of ``fd`` is waiting to be reported (taken: it will not be).

        A select reports every descriptor ready at that moment, so when the runtime's answer is reported,
        whatever its process wrote before it sent the answer was reported by the same select or an
        earlier one: when no event of ``fd`` is left, there is nothing of it to read before the answer.
        """
        events = self._events
        if not events or (len(events) == 1 and events[0] is _READY):  # usually none, or the stale "ready"
            return False
        kept = [event for event in events if not (event.kind == "watched" and event.fd == fd)]
        if len(kept) == len(events):
            return False
        events.clear()
        events.extend(kept)
        return True

    def unwatch(self, fd: int) -> None:
        with contextlib.suppress(KeyError, ValueError):
            self._poller.unregister(fd)

    def wait(self, deadline: float) -> RuntimeEvent:
        """The next thing the runtime does, or ``"timeout"`` once ``time.monotonic()`` reaches
        ``deadline``. Requests are answered as they arrive; ``next`` stays unanswered until
        :meth:`hand_over`."""
        events = self._events
        select = self._poller.select
        while not events:
            timeout = deadline - time.monotonic()
            if timeout <= 0:
                return _TIMEOUT
            for data in select(timeout):
                if data is None:
                    self._accept()
                elif isinstance(data, _Connection):
                    self._read(data)
                else:
                    events.append(RuntimeEvent("watched", fd=data))
        return events.popleft()

    def drain(self) -> RuntimeEvent | None:
        """What the runtime sent that is already here (its process may have ended since): the first
        event of it, without waiting and without watched descriptors; None when there is none."""
        for _ in range(1000):  # each round reads what every connection holds
            progress = False
            for data in self._poller.select(0):
                if data is None:
                    self._accept()
                    progress = True
                elif isinstance(data, _Connection):
                    self._read(data)
                    progress = True
            if not progress:
                break
        events = [event for event in self._events if event.kind not in ("ready", "watched")]
        self._events.clear()
        self._events.extend(events[1:])
        return events[0] if events else None

    def hand_over(self, invocation: Invocation, deadline: float) -> bool:
        """Answer the runtime's pending ``next`` with ``invocation``. False when no ``next`` is pending
        any more (its connection closed) or the event could not be written before ``deadline``: wait for
        the next ``"ready"`` and try again."""
        connection = self._pending_next
        if connection is None or self._state != READY:
            return False
        self._pending_next = None
        self._state = RUNNING
        self._current_id = invocation.request_id
        self._own_answer_head = (
            f"POST {INVOCATION_PREFIX}{invocation.request_id}/response HTTP/1.1\r\nHost: {self.address}\r\n"
            "Content-Type: application/json\r\nContent-Length: "
        ).encode("latin-1")
        events = self._events
        if events:  # a "ready" not waited for is stale now (usually the one event there is)
            if len(events) == 1 and events[0].kind == "ready":
                events.clear()
            else:
                kept = [event for event in events if event.kind != "ready"]
                events.clear()
                events.extend(kept)
        if self._send(connection, invocation.head(), invocation.event, deadline, invocation.event_tail):
            return True
        self._state, self._current_id = RESPONSE_SENT, None
        return False

    def exchange(
        self,
        request_id: str,
        head: bytes,
        event: bytes,
        deadline: float,
        before: Callable[[], object] | None = None,
    ) -> bytes | bool | None:
        """The usual turn of a warm runtime in one step: hand the invocation over (``head`` then ``event``,
        ``request_id`` the invocation's) and wait for its answer, as :meth:`hand_over` then :meth:`wait`
        do, without their layers. ``before`` is called once the turn is sure to start, before the hand-over.

        - The answer's body (bytes) when the runtime did exactly what the emulator's own runtime does:
          its JSON answer to this invocation and its next ``next`` in one read, and nothing else was ready
          (no output, no exit, no other connection). The server is then as the general path leaves it:
          the runtime ``Ready``, its ``next`` pending, the 202 deferred to go out with the next event.
        - None, with nothing done, when the turn cannot start this way (no ``next`` pending, events or
          bytes not taken yet, something ready already, no epoll): use :meth:`hand_over` and
          :meth:`wait`.
        - Otherwise what :meth:`hand_over` returns, after whatever was read was taken as :meth:`wait`
          takes it: go on with :meth:`wait` (and hand over again on ``ready`` after False).
        """
        connection = self._pending_next
        epoll = self._epoll
        events = self._events
        if (
            connection is None
            or epoll is None
            or self._state != READY
            or connection.buffer
            or connection.request is not None
            or (events and (len(events) != 1 or events[0] is not _READY))
            or epoll.poll(0)
        ):
            return None
        if before is not None:
            before()
        events.clear()  # the "ready" not waited for is stale now
        self._pending_next = None
        self._state = RUNNING
        self._current_id = request_id
        answer_head = self._own_answer_head = (
            f"POST {INVOCATION_PREFIX}{request_id}/response HTTP/1.1\r\nHost: {self.address}\r\n"
            "Content-Type: application/json\r\nContent-Length: "
        ).encode("latin-1")
        if len(event) < 65536:  # one write, as _send makes it, without its layers
            data = connection.deferred + head + event
            connection.deferred = b""
            try:
                try:
                    sent = connection.sock.send(data)
                except (BlockingIOError, InterruptedError):
                    sent = 0
                if sent != len(data):
                    send_before(connection.sock, data[sent:], deadline)
            except OSError:  # TimeoutError included
                self._drop(connection)
                self._state, self._current_id = RESPONSE_SENT, None
                return False
        elif not self._send(connection, head, event, deadline):
            self._state, self._current_id = RESPONSE_SENT, None
            return False
        timeout = deadline - time.monotonic()
        if timeout <= 0:
            return True  # the wait reports the timeout
        # Whole milliseconds, rounded up (as _Poller.select: a shorter wait would end at once, and spin).
        ready = epoll.poll(-(-timeout * 1000 // 1) / 1000)
        if len(ready) != 1 or ready[0][0] != connection.fd:
            return True  # level-triggered: the wait gets the same descriptors again
        try:
            count = connection.sock.recv_into(self._scratch)
        except (BlockingIOError, InterruptedError):
            return True
        except OSError:
            self._drop(connection)
            return True
        if not count:
            self._drop(connection)
            return True
        received = bytes(self._scratch[:count])
        start = len(answer_head)
        end = received.find(b"\r\n\r\n", start, start + 12)  # at most 8 digits
        if end > start and received.startswith(answer_head) and received.endswith(self._own_next_head):
            digits = received[start:end]
            body_end = end + 4 + int(digits) if digits.isdigit() else -1
            if body_end + len(self._own_next_head) == count and body_end - end - 4 <= MAX_PAYLOAD:
                # As _own_turn: answered (the 202 deferred), then ready with that next 'next' pending.
                self._state = READY
                self._current_id = None
                self._own_answer_head = b""
                connection.deferred = ACCEPTED_RESPONSE
                self._pending_next = connection
                return received[end + 4 : body_end]
        connection.buffer += received
        self._received(connection)
        return True

    def close(self) -> None:
        """Close the listener and every connection; idempotent."""
        if self._closed:
            return
        self._closed = True
        for data in self._poller.registered():
            if isinstance(data, _Connection):
                data.sock.close()
        self._poller.close()
        self._listener.close()
        self._events.clear()
        self._pending_next = None

    # -- connections -------------------------------------------------------------------------------------

    def _accept(self) -> None:
        while True:
            try:
                sock, _ = self._listener.accept()
            except (BlockingIOError, InterruptedError):
                return
            except OSError:  # out of descriptors, or the peer gave up: the runtime will retry
                return
            if self.accepts is not None and not self._accepted(sock):
                self.refused += 1
                sock.close()
                continue
            sock.setblocking(False)
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            connection = _Connection(sock)
            self._poller.register(sock, connection)

    def adopt(self, sock: socket.socket) -> None:
        """Serve a connection the owner made: one end of a socket pair whose other end only the worker
        holds (no listener, so no peer check; whatever arrives on it is the worker's)."""
        sock.setblocking(False)
        self._poller.register(sock, _Connection(sock))

    def _accepted(self, sock: socket.socket) -> bool:
        assert self.accepts is not None
        try:
            return self.accepts(sock)
        except Exception:  # a check that fails refuses: the runtime's own connection is never in doubt
            return False

    def _drop(self, connection: _Connection) -> None:
        if connection.closed:
            return
        connection.closed = True
        with contextlib.suppress(KeyError, ValueError):
            self._poller.unregister(connection.sock)
        connection.sock.close()
        if self._pending_next is connection:
            self._pending_next = None
            self._state = RESPONSE_SENT if self._state == READY else self._state

    def _read(self, connection: _Connection) -> None:
        request = connection.request
        try:
            if (
                request is not None
                and request.framing == "length"
                and request.body is not None
                and not connection.buffer
            ):
                # A body of known length: straight into its buffer, no intermediate copy.
                view = memoryview(request.body)[request.received :]
                count = connection.sock.recv_into(view, min(len(view), 4 * READ_SIZE))
                if count == 0:
                    self._drop(connection)
                    return
                request.received += count
                request.remaining -= count
                if request.remaining == 0:
                    self._finish(connection, request)
                    self._parse(connection)
                return
            # Into a buffer kept for every read: a fresh 256 KiB one each time would be mapped, shrunk and
            # unmapped (three system calls and page faults per request).
            count = connection.sock.recv_into(self._scratch)
        except (BlockingIOError, InterruptedError):
            return
        except OSError:
            self._drop(connection)
            return
        if not count:
            self._drop(connection)
            return
        connection.buffer += self._scratch[:count]
        self._received(connection)

    def _received(self, connection: _Connection) -> None:
        """Take what was just read into the connection's buffer."""
        if self._state == RUNNING and connection.request is None and self._own_turn(connection):
            return
        self._parse(connection)

    def _own_turn(self, connection: _Connection) -> bool:
        """Take the emulator's own runtime's usual turn when the buffer holds exactly that: its JSON
        answer to the invocation in progress (as :meth:`_own_answer` takes it) and, right behind it, its
        next ``next`` (its own bytes). The outcome is the general path's: the ``response`` event, the
        202 deferred to go out with the next event, the runtime ready with its ``next`` pending, and a
        ``ready`` event. False (nothing taken) for anything else, which is parsed as any request is."""
        buffer, answer_head, next_head = connection.buffer, self._own_answer_head, self._own_next_head
        if self._pending_next is not None or not answer_head or not buffer.startswith(answer_head):
            return False
        found = self._own_answer_body(buffer)
        if found is None:
            return False
        body_start, body_end = found
        if len(buffer) != body_end + len(next_head) or not buffer.endswith(next_head):
            return False
        body = bytes(buffer[body_start:body_end])
        del buffer[:body_end]  # the next 'next' left in front: the 202 waits to go out with its answer
        self._answered(connection, "response", body, None, "application/json", close=False)
        buffer.clear()
        self._ready(connection)  # that next 'next', as _next takes it
        return True

    def _parse(self, connection: _Connection) -> None:
        """Make progress with what the connection's buffer holds."""
        while not connection.closed:
            request = connection.request
            if request is None:
                if not connection.buffer or not self._parse_head(connection):  # nothing more to read
                    return
                continue
            if not self._parse_body(connection, request):
                return

    def _parse_head(self, connection: _Connection) -> bool:
        buffer = connection.buffer
        if (
            self._state == RUNNING
            and buffer.startswith(self._own_answer_head)
            and self._own_answer(connection)
        ):
            return True
        if buffer.startswith(self._own_next_head):
            del buffer[: len(self._own_next_head)]
            self._finish(connection, _Request("GET", NEXT_PATH, {"host": self.address}, "none", 0, MAX_HEAD))
            return True
        end = buffer.find(b"\r\n\r\n")
        if end < 0:
            if len(buffer) > MAX_HEAD:
                self._respond(connection, 431, _json_error("InvalidRequest", "request head too large"), True)
            return False
        head = buffer[:end].decode("latin-1")
        del buffer[: end + 4]
        try:
            connection.request = self._start(head)
        except _BadRequestError as exc:
            self._respond(connection, exc.status, _json_error("InvalidRequest", str(exc)), True)
            return False
        request = connection.request
        if request.framing == "none" or (request.framing == "length" and request.remaining == 0):
            self._finish(connection, request)
        elif request.headers.get("expect", "").lower() == "100-continue":
            if request.dropping:
                # Refused before its body is sent: the client stops, and the connection ends.
                request.close = True
                self._refuse(connection, request, request.received)
                self._finish(connection, request)
            else:
                self._send_raw(connection, b"HTTP/1.1 100 Continue\r\n\r\n")
        return True

    def _own_answer(self, connection: _Connection) -> bool:
        """Take the emulator's own runtime's answer to the invocation in progress from the buffer when it
        is all there (its head as that runtime writes it, a small enough body); False (nothing taken) for
        anything else, which is parsed as any request is."""
        buffer = connection.buffer
        found = self._own_answer_body(buffer)
        if found is None or found[1] > len(buffer):
            return False
        body_start, body_end = found
        body = bytes(buffer[body_start:body_end])
        del buffer[:body_end]
        self._answered(connection, "response", body, None, "application/json", close=False)
        return True

    def _own_answer_body(self, buffer: bytearray) -> tuple[int, int] | None:
        """Where the body of the own runtime's answer at the start of ``buffer`` starts and ends, by its
        head's ``Content-Length`` (the end may lie past what was received yet); None when that head is not
        whole, or its length is not a decimal of at most 8 digits within :data:`MAX_PAYLOAD`."""
        start = len(self._own_answer_head)
        end = buffer.find(b"\r\n\r\n", start, start + 12)
        if end < 0:
            return None
        digits = buffer[start:end]
        if not digits.isdigit() or len(digits) > 8:
            return None
        length = int(digits)
        if length > MAX_PAYLOAD:
            return None
        return end + 4, end + 4 + length

    def _answered(
        self,
        connection: _Connection,
        kind: EventKind,
        body: bytes,
        error_type: str | None,
        content_type: str | None,
        *,
        close: bool,
    ) -> None:
        """The runtime answered the invocation in progress: 202, and the ``response``/``error`` event."""
        self._state = RESPONSE_SENT
        self._current_id = None
        self._own_answer_head = b""
        self._accept_post(connection, close)
        self._events.append(RuntimeEvent(kind, body, error_type, content_type))

    def _start(self, head: str) -> _Request:
        request_line, _, fields = head.partition("\r\n")
        parts = request_line.split(" ")
        if len(parts) != 3 or not parts[2].startswith("HTTP/1."):
            raise _BadRequestError(400, "malformed request line")
        method, target, version = parts
        headers: dict[str, str] = {}
        if fields:
            for line in fields.split("\r\n"):
                name, sep, value = line.partition(":")
                if not sep or not name or name != name.strip():
                    raise _BadRequestError(400, "malformed header line")
                headers[name.lower()] = value.strip()
        path = target.partition("?")[0]
        limit = MAX_PAYLOAD if method == "POST" and path.startswith(PREFIX) else MAX_HEAD
        close = version == "HTTP/1.0" or (
            "connection" in headers and headers["connection"].lower() == "close"
        )
        if "transfer-encoding" in headers and "chunked" in headers["transfer-encoding"].lower():
            return _Request(method, path, headers, "chunked", -1, limit, bytearray(), close=close)
        length_text = headers.get("content-length")
        if length_text is None:
            return _Request(method, path, headers, "none", 0, limit, close=close)
        if not length_text.isdigit():
            raise _BadRequestError(400, "bad Content-Length")
        length = int(length_text)
        request = _Request(method, path, headers, "length", length, limit, close=close)
        if length > limit:
            request.dropping = True
            request.received = length
        elif length:
            request.body = bytearray(length)
        return request

    def _parse_body(self, connection: _Connection, request: _Request) -> bool:
        """Consume body bytes from the buffer; False when more input is needed."""
        buffer = connection.buffer
        if request.framing == "length":
            if request.dropping and not request.refused:
                # The 413 goes out as soon as the length is known; the rest is read and dropped.
                self._refuse(connection, request, request.received)
            take = min(len(buffer), request.remaining)
            if take and request.body is not None and not request.dropping:
                request.body[request.received : request.received + take] = buffer[:take]
                request.received += take
            del buffer[:take]
            request.remaining -= take
            if request.remaining:
                return False
            self._finish(connection, request)
            return True
        # chunked
        while True:
            if request.remaining == -1:
                end = buffer.find(b"\r\n")
                if end < 0:
                    if len(buffer) > MAX_HEAD:
                        self._respond(connection, 400, _json_error("InvalidRequest", "bad chunk"), True)
                    return False
                line = bytes(buffer[:end]).split(b";", 1)[0].strip()
                del buffer[: end + 2]
                if request.chunk_trailer:  # trailer lines until the empty one
                    if not line:
                        self._finish(connection, request)
                        return True
                    continue
                try:
                    size = int(line, 16)
                except ValueError:
                    self._respond(connection, 400, _json_error("InvalidRequest", "bad chunk size"), True)
                    return False
                if size == 0:
                    request.chunk_trailer = True
                    continue
                request.remaining = size + 2  # the chunk and its CRLF
            take = min(len(buffer), request.remaining)
            if not take:
                return False
            data_take = min(take, request.remaining - 2) if request.remaining > 2 else 0
            if not request.dropping and request.body is not None and data_take:
                if request.received + data_take > request.limit:
                    request.dropping = True
                    request.body = None
                    self._refuse(connection, request, request.received + data_take)
                else:
                    request.body += buffer[:data_take]
            request.received += data_take
            del buffer[:take]
            request.remaining -= take
            if request.remaining:
                return False
            request.remaining = -1

    # -- the endpoints -----------------------------------------------------------------------------------

    def _finish(self, connection: _Connection, request: _Request) -> None:
        """A whole request was read: answer it (unless it was refused already) and note the event."""
        connection.request = None
        body = bytes(request.body) if request.body is not None and not request.dropping else b""
        if not request.dropping:
            self._route(connection, request, body)
        if request.close:
            self._drop(connection)

    def _route(self, connection: _Connection, request: _Request, body: bytes) -> None:
        path = request.path
        if path == NEXT_PATH:
            if request.method != "GET":
                self._respond(connection, 405, b"", request.close)
            else:
                self._next(connection, request)
            return
        if path == INIT_ERROR_PATH:
            if request.method != "POST":
                self._respond(connection, 405, b"", request.close)
            elif self._state != STARTED:
                self._forbidden(connection, request, "init")
            else:
                self._state = INIT_ERROR
                self._accept_post(connection, request.close)
                self._events.append(
                    RuntimeEvent(
                        "init-error",
                        body,
                        request.headers.get(ERROR_TYPE_HEADER),
                        request.headers.get("content-type"),
                    )
                )
            return
        if path.startswith(INVOCATION_PREFIX):
            request_id, _, action = path[len(INVOCATION_PREFIX) :].partition("/")
            if action in ("response", "error") and request_id and "/" not in action:
                if request.method != "POST":
                    self._respond(connection, 405, b"", request.close)
                elif self._state != RUNNING:
                    self._forbidden(connection, request, action)
                elif request_id != self._current_id:
                    self._respond(connection, 400, INVALID_REQUEST_ID, request.close)
                else:
                    self._answered(
                        connection,
                        "response" if action == "response" else "error",
                        body,
                        request.headers.get(ERROR_TYPE_HEADER),
                        request.headers.get("content-type"),
                        close=request.close,
                    )
                return
        self._respond(connection, 404, b"404 page not found\n", request.close, "text/plain; charset=utf-8")

    def _next(self, connection: _Connection, request: _Request) -> None:
        if self._state not in (STARTED, RESPONSE_SENT) or self._pending_next is not None:
            self._forbidden(connection, request, READY)
            return
        self._ready(connection)

    def _ready(self, connection: _Connection) -> None:
        """The runtime waits on ``connection`` for its next event."""
        self._state = READY
        self._pending_next = connection
        self._events.append(_READY)

    def _refuse(self, connection: _Connection, request: _Request, size: int) -> None:
        """A body over the limit: 413 to the runtime; an answer to the invocation is its failure."""
        request.refused = True
        self._respond(connection, 413, TOO_LARGE, request.close)
        is_answer = request.path.startswith(INVOCATION_PREFIX) and request.method == "POST"
        request_id = request.path[len(INVOCATION_PREFIX) :].partition("/")[0] if is_answer else ""
        if is_answer and self._state == RUNNING and request_id == self._current_id:
            self._state = RESPONSE_SENT
            self._current_id = None
            self._events.append(RuntimeEvent("too-large", size=size))

    def _forbidden(self, connection: _Connection, request: _Request, action: str) -> None:
        target = _TARGET_STATE.get(action, action)
        message = (
            f"State transition from {self._state} to {target} failed for runtime. "
            "Error: State transition is not allowed"
        )
        self._respond(connection, 403, _json_error("InvalidStateTransition", message), request.close)

    def _accept_post(self, connection: _Connection, close: bool) -> None:
        """202. When the runtime sent its next ``next`` right behind its answer (pipelined, as the
        emulator's runtime does), the 202 waits to go out in one write with that ``next``'s answer: the
        runtime is woken once per invocation instead of twice."""
        if not close and connection.buffer.startswith(_PIPELINED_NEXT):
            connection.deferred = ACCEPTED_RESPONSE  # the emulator's runtime skips these bytes
            return
        self._respond(connection, 202, ACCEPTED, close)

    def _respond(
        self,
        connection: _Connection,
        status: int,
        body: bytes,
        close: bool,
        content_type: str = "application/json",
    ) -> None:
        head = f"HTTP/1.1 {status} {_REASONS.get(status, 'Unknown')}\r\n"
        if body:
            head += f"Content-Type: {content_type}\r\n"
        head += f"Content-Length: {len(body)}\r\n"
        if close:
            head += "Connection: close\r\n"
        self._send_raw(connection, head.encode("latin-1") + b"\r\n" + body)
        if close:
            self._drop(connection)

    def _send_raw(self, connection: _Connection, data: bytes) -> None:
        self._send(connection, data, b"", time.monotonic() + 5.0)

    def _send(
        self,
        connection: _Connection,
        head: bytes,
        body: bytes,
        deadline: float,
        tail: tuple[bytes, ...] = (),
    ) -> bool:
        """Write ``head``, ``body``, then the parts of ``tail`` (not joined: an event can be megabytes);
        False when the connection failed or stalled past ``deadline``."""
        if connection.closed:
            return False
        if connection.deferred:
            head, connection.deferred = connection.deferred + head, b""
        parts: Iterable[bytes] = (head + body,) if len(body) < 65536 and not tail else (head, body, *tail)
        try:
            for part in parts:
                send_before(connection.sock, part, deadline)
        except OSError:  # TimeoutError included
            self._drop(connection)
            return False
        return True
