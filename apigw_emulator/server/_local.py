"""The local gateway: a threaded HTTP/1.1 server in front of a :class:`~apigw_emulator.Gateway`.

A connection gets a thread of its own only while a request is in progress: from its whole head to its
response. Until its head is whole (a new connection, a client trickling its headers, an idle keep-alive
connection), it waits in the accepting thread's selector, which reads what arrives without blocking and
holds no thread for it. So slow and idle clients do not take the places of ready requests: the threads
(``max_connections``) serve requests, and the waiting connections have a bound of their own
(``max_waiting_connections``)."""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import importlib.util
import os
import selectors
import socket
import threading
import time
import traceback
from collections.abc import Callable, Iterable
from pathlib import Path
from types import TracebackType

from ..errors import InvalidRequestError
from ..gateway import Gateway
from ..invoke import API_PAYLOAD_LIMIT, Invocation
from ..request import HttpRequest
from ..response import GatewayResponse
from ..runtime.model import to_stderr
from ._http11 import (
    CONTINUE,
    NO_BODY,
    BadResponseError,
    ClosedError,
    Framing,
    HttpError,
    RequestHead,
    StalledError,
    Stream,
    body_framing,
    check_host,
    expects_100_continue,
    head_complete,
    is_plain,
    parse_head,
    read_chunked,
    serialise,
    server_error,
    split_target,
    wants_keep_alive,
)
from ._warnings import WARNINGS

__all__ = ["LocalGateway"]

#: Default per-request deadline in seconds: the time a client has to send a request head, and then its
#: body, and the longest an idle keep-alive connection is kept open.
DEFAULT_TIMEOUT = 10.0
#: Default limit of a request head (request line plus headers); over it the client gets 431 (or 414).
DEFAULT_MAX_HEADER_BYTES = 64 * 1024
#: Default limit of connections with a request in progress (each has a thread); more are answered 503.
DEFAULT_MAX_CONNECTIONS = 256
#: Default limit of connections waiting for a whole request head (new, trickling or idle keep-alive ones,
#: no thread each); more are answered 503 and closed.
DEFAULT_MAX_WAITING_CONNECTIONS = 1024
#: How long a connection keeps its thread after a response, for the next request's head on keep-alive;
#: then it waits in the selector.
KEEP_ALIVE_GRACE = 0.1
#: The largest body the server reads: API Gateway's payload limit. A bigger body is not read; the gateway
#: gets a stand-in of ``MAX_BODY + 1`` bytes and answers with AWS's own 413.
MAX_BODY = API_PAYLOAD_LIMIT
#: Seconds between two looks at the watched files, when there are more than a few of them.
WATCH_INTERVAL = 0.2
#: Up to this many watched files are looked at before every request.
_ALWAYS_WATCHED = 16
#: What one read of a waiting connection takes.
_HEAD_READ = 64 * 1024
#: The longest request head :meth:`LocalGateway._parse` remembers, and how many it remembers at most.
_MEMO_HEAD_BYTES = 4096
_MEMO_HEADS = 256
#: After a 413, what the server still reads (and discards) so that the client can read the response
#: before the connection closes (closing with unread data makes the kernel reset the connection).
_DRAIN_LIMIT = 4 * API_PAYLOAD_LIMIT


@functools.cache
def _oversized_stand_in() -> bytes:
    """The body the gateway gets for one over :data:`MAX_BODY`: made once and shared (bytes are
    immutable), so that oversized requests cost no memory each, however many arrive."""
    return bytes(MAX_BODY + 1)


# -- reloading ------------------------------------------------------------------------------------------


class _Watcher:
    """The modification times and sizes of some files, compared with the last accepted ones (a few files
    before every request; more at most every :data:`WATCH_INTERVAL` seconds, so that watching a code
    folder costs requests nothing)."""

    def __init__(self, paths: Iterable[str | os.PathLike[str]]) -> None:
        self.paths = tuple(Path(p) for p in paths)
        #: The paths as strings (``os.stat`` of a string: no ``Path.stat`` and ``__fspath__`` per file).
        self._names = tuple(map(str, self.paths))
        #: Whether every request looks (a few files).
        self.always = len(self.paths) <= _ALWAYS_WATCHED
        self.accepted = self.snapshot()
        self._next_look = 0.0

    def due(self) -> bool:
        """Whether it is time to look at the files again (always, for a few files)."""
        if self.always:
            return True
        now = time.monotonic()
        if now < self._next_look:
            return False
        self._next_look = now + WATCH_INTERVAL
        return True

    def changed(self, stamps: tuple[tuple[int, int] | None, ...]) -> list[Path]:
        """The files whose stamps differ from the accepted ones."""
        return [path for path, old, new in zip(self.paths, self.accepted, stamps, strict=True) if old != new]

    def snapshot(self) -> tuple[tuple[int, int] | None, ...]:
        """The current (mtime in ns, size) of each file, None for a missing one."""
        stamps: list[tuple[int, int] | None] = []
        for name in self._names:
            try:
                stat = os.stat(name)
            except OSError:
                stamps.append(None)
            else:
                stamps.append((stat.st_mtime_ns, stat.st_size))
        return tuple(stamps)


# -- the server -----------------------------------------------------------------------------------------


@dataclasses.dataclass(slots=True)
class _Waiting:
    """A connection without a whole request head yet: what it sent so far, and until when it may."""

    sock: socket.socket
    address: tuple[str, int]
    deadline: float
    received: bytearray = dataclasses.field(default_factory=bytearray)


@dataclasses.dataclass(slots=True)
class _Received:
    """A request read from the connection, before the gateway sees it."""

    head: RequestHead
    path: str
    query: str
    framing: Framing
    expects_continue: bool
    #: Whether the client keeps the connection open after the response (:func:`wants_keep_alive`).
    keep_alive: bool
    body: bytes = b""
    oversized: bool = False

    @property
    def unread(self) -> bool:
        """Whether the client is sending (or sent) body bytes that were not read: an oversized body,
        unless the client waits for ``100 Continue`` before sending it."""
        return self.oversized and (self.framing.chunked or not self.expects_continue)

    @property
    def declared_body(self) -> str:
        if self.framing.chunked:
            return "chunked body"
        return f"body (Content-Length {self.framing.length})"


@dataclasses.dataclass(frozen=True, slots=True)
class _Parsed:
    """What a request head gives before its body: the head, its target's path and query, and for a plain
    head (:func:`is_plain`) the request itself, whole without a body (one object for every request with
    this head: nothing changes a plain request's :class:`_Received` after :meth:`LocalGateway._receive`)."""

    head: RequestHead
    path: str
    query: str
    plain: _Received | None


@dataclasses.dataclass(slots=True)
class _Outcome:
    """What one exchange gave, for the log line."""

    response: GatewayResponse
    invocation: Invocation | None = None
    notes: list[str] = dataclasses.field(default_factory=list)


class LocalGateway:
    """A local HTTP/1.1 server in front of a :class:`~apigw_emulator.Gateway`, for tests and ``serve``.

    ``with LocalGateway(gateway) as server:`` serves in a daemon thread on a free port of 127.0.0.1;
    ``server.url`` is its root (``http://127.0.0.1:54321``). By default the API is served at the root, as a
    custom domain with an empty base path mapping serves it: ``/shape`` reaches the gateway as ``/shape``
    under :attr:`Gateway.url <apigw_emulator.Gateway.url>` (the stage or base path is added). Each
    request's method, path, status, duration and whether the event's body was base64 go to ``log``, with
    the warnings the library emitted (a body AWS would corrupt, the reason behind a gateway error) and the
    traceback of a handler that raised.

    :param gateway: the gateway requests go to. Its handler exceptions never reach the server: the client
        gets the front door's 5xx whether or not ``raise_handler_exceptions`` is set.
    :param host: the address to bind (``"127.0.0.1"``: this machine only).
    :param port: the port to bind; 0 picks a free one (see :attr:`port`).
    :param stage_in_path: pass the URL path as it is, stage included, as on the execute-api host
        (``http://127.0.0.1:3000/Prod/shape``).
    :param log: called with each log line (several lines for a traceback); None logs nothing. Default:
        standard error.
    :param reload: a factory of a new gateway, called before a request when a file of ``watch_paths`` has
        changed (the handler module re-imported with ``importlib.reload``, for example); the gateway it
        replaces is closed (its execution environments end, busy ones once their invocation is over).
    :param watch_paths: the files whose changes trigger ``reload`` (their modification time and size are
        checked before each request).
    :param timeout: the per-request deadline in seconds: the time a client has to send the request head,
        and then the body; also the longest an idle keep-alive connection stays open.
    :param max_header_bytes: the largest request head (request line and headers): 431 beyond.
    :param max_connections: connections with a request in progress (a whole head received, the response
        not sent yet); one more gets 503 and is closed.
    :param max_waiting_connections: connections waiting for a whole request head (new ones, clients
        trickling their headers, idle keep-alive ones); they hold no thread, and one more gets 503.
    :raises OSError: when the address cannot be bound (the port is taken).
    """

    def __init__(
        self,
        gateway: Gateway,
        host: str = "127.0.0.1",
        port: int = 0,
        *,
        stage_in_path: bool = False,
        log: Callable[[str], None] | None = to_stderr,
        reload: Callable[[], Gateway] | None = None,
        watch_paths: Iterable[str | os.PathLike[str]] | None = None,
        timeout: float = DEFAULT_TIMEOUT,
        max_header_bytes: int = DEFAULT_MAX_HEADER_BYTES,
        max_connections: int = DEFAULT_MAX_CONNECTIONS,
        max_waiting_connections: int = DEFAULT_MAX_WAITING_CONNECTIONS,
    ) -> None:
        if min(timeout, max_header_bytes, max_connections, max_waiting_connections) <= 0:
            raise ValueError(
                "timeout, max_header_bytes, max_connections and max_waiting_connections must be positive"
            )
        #: The gateway requests go to; ``reload`` replaces it.
        self.gateway = gateway
        #: The address the server is bound to.
        self.host = host
        #: Whether the URL path goes to the gateway as it is (True) or under its stage or base path.
        self.stage_in_path = stage_in_path
        #: The per-request deadline in seconds.
        self.timeout = timeout
        #: The largest request head, in bytes.
        self.max_header_bytes = max_header_bytes
        #: The most connections with a request in progress.
        self.max_connections = max_connections
        #: The most connections waiting for a whole request head.
        self.max_waiting_connections = max_waiting_connections
        self._log_line = log
        self._reload = reload
        self._watcher = _Watcher(watch_paths or ())
        self._reload_lock = threading.Lock()
        family = socket.AF_INET6 if ":" in host else socket.AF_INET
        self._listener = socket.create_server((host, port), family=family, backlog=128)
        self._listener.setblocking(False)
        self._port = int(self._listener.getsockname()[1])
        self._wake_reader, self._wake_writer = socket.socketpair()
        self._lock = threading.Lock()
        self._connections: dict[socket.socket, threading.Thread] = {}
        #: Connections handed back by their thread after a response (keep-alive), for the selector.
        self._returned: list[_Waiting] = []
        self._stopping = threading.Event()
        #: Whether :meth:`stop` was called: ``_stopping.is_set()`` read without a call, per request.
        self._stopped = False
        #: Request heads as received, with what they parse to (see :meth:`_parse`).
        self._heads: dict[bytes, _Parsed] = {}
        self._loop_done = threading.Event()
        self._loop_started = False
        self._thread: threading.Thread | None = None
        self._closed = False

    def __repr__(self) -> str:
        return f"LocalGateway({self.gateway!r}, url={self.url!r})"

    # -- public API ------------------------------------------------------------------------------------
    @property
    def port(self) -> int:
        """The port the server listens on (the one picked when ``port=0``)."""
        return self._port

    @property
    def url(self) -> str:
        """The server's root URL, ``http://127.0.0.1:<port>`` (no trailing slash)."""
        host = {"0.0.0.0": "127.0.0.1", "": "127.0.0.1", "::": "::1"}.get(self.host, self.host)
        if ":" in host:
            host = f"[{host}]"
        return f"http://{host}:{self.port}"

    def url_for(self, path: str = "/") -> str:
        """The server URL that reaches ``path`` as given to :meth:`Gateway.event
        <apigw_emulator.Gateway.event>` (relative to the gateway's URL), in either URL mapping."""
        if not path.startswith("/"):
            path = "/" + path
        prefix = self.gateway.config.url_prefix if self.stage_in_path else ""
        return self.url + prefix + path

    def start(self) -> LocalGateway:
        """Serve in a daemon thread (returns at once); :meth:`stop` ends it."""
        with self._lock:
            self._claim_loop()
            self._thread = threading.Thread(
                target=self._accept_loop, name=f"apigw-emulator-server:{self.port}", daemon=True
            )
        self._thread.start()
        return self

    def serve_forever(self) -> None:
        """Serve in the calling thread until :meth:`stop` is called or Ctrl-C, then stop cleanly."""
        with self._lock:
            self._claim_loop()
        try:
            self._accept_loop()
        except KeyboardInterrupt:
            pass
        finally:
            self.stop()

    def stop(self) -> None:
        """Stop accepting, close every connection and wait (boundedly) for their threads; idempotent.

        A connection whose handler is still running finishes it first (the handler's own timeout bounds
        the wait).
        """
        with self._lock:
            if self._closed:
                return
            self._closed = True
            self._stopped = True
            self._stopping.set()
            loop_started = self._loop_started
        with contextlib.suppress(OSError):
            self._wake_writer.send(b"x")
        if loop_started and self._thread is not threading.current_thread():
            self._loop_done.wait(timeout=5.0)
        self._listener.close()
        self._wake_reader.close()
        self._wake_writer.close()
        with self._lock:
            connections = dict(self._connections)
            for conn in connections:
                with contextlib.suppress(OSError):
                    conn.shutdown(socket.SHUT_RDWR)
            for waiting in self._returned:
                waiting.sock.close()
            self._returned.clear()
        end = time.monotonic() + max(5.0, self.timeout)
        for thread in connections.values():
            if thread is not threading.current_thread():
                thread.join(timeout=max(0.0, end - time.monotonic()))

    def __enter__(self) -> LocalGateway:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    # -- accepting ---------------------------------------------------------------------------------------
    def _claim_loop(self) -> None:
        if self._closed:
            raise RuntimeError("this LocalGateway is stopped; create a new one")
        if self._loop_started:
            raise RuntimeError("this LocalGateway is already serving")
        self._loop_started = True

    def _accept_loop(self) -> None:
        waiting: dict[socket.socket, _Waiting] = {}
        try:
            with selectors.DefaultSelector() as selector:
                selector.register(self._listener, selectors.EVENT_READ)
                selector.register(self._wake_reader, selectors.EVENT_READ)
                while not self._stopping.is_set():
                    soonest = min((entry.deadline for entry in waiting.values()), default=None)
                    timeout = None if soonest is None else max(0.0, soonest - time.monotonic())
                    for key, _ in selector.select(timeout):
                        if self._stopping.is_set():
                            return
                        if key.fileobj is self._wake_reader:
                            self._take_returned(selector, waiting)
                        elif key.fileobj is self._listener:
                            self._accept(selector, waiting)
                        else:
                            self._receive_head(selector, waiting, key.data)
                    self._expire(selector, waiting)
        finally:
            for entry in waiting.values():
                entry.sock.close()
            self._loop_done.set()

    def _accept(self, selector: selectors.BaseSelector, waiting: dict[socket.socket, _Waiting]) -> None:
        for _ in range(64):  # what the backlog holds, a bounded batch at a time
            try:
                conn, address = self._listener.accept()
            except (BlockingIOError, InterruptedError):
                return
            except OSError as exc:  # out of file descriptors...: let the backlog wait a little
                self._log(f"apigw-emulator: accept failed: {exc}")
                self._stopping.wait(0.1)
                return
            if len(waiting) >= self.max_waiting_connections:
                self._refuse(conn, f"over {self.max_waiting_connections} connections waiting for a request")
                continue
            self._wait_for_head(selector, waiting, _Waiting(conn, address, time.monotonic() + self.timeout))

    def _wait_for_head(
        self, selector: selectors.BaseSelector, waiting: dict[socket.socket, _Waiting], entry: _Waiting
    ) -> None:
        """Watch a connection until its request head is whole (or it is already)."""
        if head_complete(entry.received, self.max_header_bytes):
            self._dispatch(entry)
            return
        entry.sock.setblocking(False)
        waiting[entry.sock] = entry
        selector.register(entry.sock, selectors.EVENT_READ, entry)

    def _receive_head(
        self, selector: selectors.BaseSelector, waiting: dict[socket.socket, _Waiting], entry: _Waiting
    ) -> None:
        """Read what a waiting connection sent (without blocking); a whole head goes to a thread."""
        try:
            data = entry.sock.recv(_HEAD_READ)
        except (BlockingIOError, InterruptedError):
            return
        except OSError:
            data = b""
        if data:
            entry.received += data
            if not head_complete(entry.received, self.max_header_bytes):
                return
        selector.unregister(entry.sock)
        del waiting[entry.sock]
        if data:
            self._dispatch(entry)
        else:  # the client left
            entry.sock.close()

    def _expire(self, selector: selectors.BaseSelector, waiting: dict[socket.socket, _Waiting]) -> None:
        """Close the connections whose time for a request head is over: silently when idle, with a 408
        when a head had begun."""
        now = time.monotonic()
        for sock, entry in [(sock, entry) for sock, entry in waiting.items() if entry.deadline <= now]:
            selector.unregister(sock)
            del waiting[sock]
            if entry.received.strip(b"\r\n"):
                self._log(f"- - 408 {self.timeout * 1000:.1f} ms rejected: the client stalled mid-request")
                with contextlib.suppress(OSError):
                    response = server_error(408, "the client stalled mid-request")
                    sock.send(b"".join(serialise(response, send_body=True, keep_alive=False)))
            sock.close()

    def _take_returned(
        self, selector: selectors.BaseSelector, waiting: dict[socket.socket, _Waiting]
    ) -> None:
        with contextlib.suppress(OSError):
            self._wake_reader.recv(4096)
        with self._lock:
            returned, self._returned = self._returned, []
        for entry in returned:
            self._wait_for_head(selector, waiting, entry)

    def _dispatch(self, entry: _Waiting) -> None:
        """Serve a connection whose request head is whole in a thread of its own."""
        conn, address = entry.sock, entry.address
        with self._lock:
            if self._stopping.is_set():
                self._refuse(conn, "the server is stopping")
                return
            if len(self._connections) >= self.max_connections:
                self._refuse(conn, f"over {self.max_connections} requests in progress")
                return
            thread = threading.Thread(
                target=self._serve_connection,
                args=(conn, address, bytes(entry.received)),
                name=f"apigw-emulator-connection:{address[1]}",
                daemon=True,
            )
            try:
                thread.start()
            except RuntimeError:
                self._refuse(conn, "the system cannot start another thread")
                return
            self._connections[conn] = thread

    def _hand_back(self, conn: socket.socket, address: tuple[str, int], received: bytes) -> None:
        """An idle keep-alive connection goes back to the selector (its thread ends)."""
        entry = _Waiting(conn, address, time.monotonic() + self.timeout, bytearray(received))
        with self._lock:
            if self._stopping.is_set():
                conn.close()
                return
            self._returned.append(entry)
        with contextlib.suppress(OSError):
            self._wake_writer.send(b"x")

    def _refuse(self, conn: socket.socket, detail: str) -> None:
        self._log(f"- - 503 0.0 ms refused: {detail}")
        conn.setblocking(False)  # never block the accept loop: the response fits the send buffer
        with contextlib.suppress(OSError):
            conn.send(b"".join(serialise(server_error(503, detail), send_body=True, keep_alive=False)))
        conn.close()

    # -- one connection ------------------------------------------------------------------------------------
    def _serve_connection(self, conn: socket.socket, address: tuple[str, int], received: bytes) -> None:
        """Serve requests while their heads come promptly; then hand the connection back to the
        selector (keep-alive) or close it. (An IPv6 ``address`` has 4 items.)"""
        parked = False
        try:
            conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            stream = Stream(conn, self.timeout, received)
            # Each exchange starts with bytes of a request received: these, then what await_head waited for.
            ready: bool | None = stream.wait_for_request(self.timeout)
            client_ip, ident = address[0], threading.get_ident()
            while ready and not self._stopped and self._exchange(stream, client_ip, ident):
                ready = stream.await_head(self.max_header_bytes, KEEP_ALIVE_GRACE)
                if ready is None:  # the client closed
                    break
                if not ready and not self._stopped:
                    with self._lock:
                        self._connections.pop(conn, None)
                    self._hand_back(conn, address, stream.take_received())
                    parked = True
                    break
        except Exception:  # a bug here must not kill the server or leak into a test's thread hook
            self._log("apigw-emulator: the connection failed:\n" + traceback.format_exc().rstrip())
        finally:
            if not parked:
                with self._lock:
                    self._connections.pop(conn, None)
                    conn.close()

    def _exchange(self, stream: Stream, client_ip: str, ident: int) -> bool:
        """Serve one request (its first bytes received); True when the connection stays open for another.
        ``ident`` is the thread's :func:`threading.get_ident`."""
        started = time.perf_counter()
        received = self._receive(stream, started)
        if received is None:
            return False
        outcome = self._answer(received, client_ip, ident)
        keep_alive = received.keep_alive and not received.oversized and not self._stopped
        if received.oversized:
            outcome.notes.append(f"the {received.declared_body} is over {MAX_BODY} bytes: not read")
        if not self._respond(stream, received.head, outcome, keep_alive, started):
            return False
        if received.oversized and received.unread:
            self._linger(stream)
        return keep_alive

    def _receive(self, stream: Stream, started: float) -> _Received | None:
        """Read and check one request; None when it was rejected (answered and logged) or the client
        left."""
        head: RequestHead | None = None
        try:
            data = stream.head(self.max_header_bytes, self.timeout)
            parsed = self._heads.get(data)
            if parsed is None:
                parsed = self._parse(data)
            if parsed.plain is not None:  # one Host, no body, keep-alive, nothing expected: nothing to ask
                return parsed.plain
            head, path, query = parsed.head, parsed.path, parsed.query
            framing = body_framing(head)
            received = _Received(
                head, path, query, framing, expects_100_continue(head), wants_keep_alive(head)
            )
            received.oversized = framing.length > MAX_BODY
            wants_body = framing.chunked or framing.length > 0
            if received.expects_continue and wants_body and not received.oversized:
                stream.send([CONTINUE], self.timeout)
            self._read_body(stream, received, time.monotonic() + self.timeout)
        except HttpError as error:
            self._reject(stream, head, error, started)
            return None
        except StalledError:
            self._reject(stream, head, HttpError(408, "the client stalled mid-request"), started)
            return None
        except ClosedError:
            return None
        return received

    def _parse(self, data: bytes) -> _Parsed:
        """Parse a request head, and remember what it gives when it is short: a client sends the same
        head again and again (the same path and headers on a keep-alive connection), and a head's parse
        depends on nothing else. (A bounded memo: emptied when full; a head that is refused is not kept.)

        :raises HttpError: as :func:`parse_head`, :func:`check_host` and :func:`split_target`."""
        head = parse_head(data)
        plain = is_plain(head)
        if not plain:  # (a plain head has one Host)
            check_host(head)
        path, query = split_target(head.target)
        received = _Received(head, path, query, NO_BODY, False, True) if plain else None
        parsed = _Parsed(head, path, query, received)
        if len(data) <= _MEMO_HEAD_BYTES:
            heads = self._heads
            if len(heads) >= _MEMO_HEADS:
                heads.clear()
            heads[data] = parsed
        return parsed

    def _read_body(self, stream: Stream, received: _Received, deadline: float) -> None:
        """Read the body into ``received``. Over :data:`MAX_BODY`, the rest is not read and the body is a
        stand-in of ``MAX_BODY + 1`` zero bytes (one shared copy), so that the gateway answers its own 413
        without the server buffering the real body."""
        framing = received.framing
        if framing.chunked and not received.oversized:
            body = read_chunked(stream, MAX_BODY, self.max_header_bytes, deadline)
            received.oversized = body is None
            received.body = body or b""
        elif framing.length and not received.oversized:
            received.body = stream.read_exact(framing.length, deadline)
        if received.oversized:
            received.body = _oversized_stand_in()

    def _linger(self, stream: Stream) -> None:
        """Close after a response that left body bytes unread: read and drop them (boundedly) first, so
        that the client reads the response rather than a connection reset."""
        stream.shutdown_write()
        stream.discard(_DRAIN_LIMIT, time.monotonic() + self.timeout)

    # -- the gateway -------------------------------------------------------------------------------------
    def _answer(self, received: _Received, client_ip: str, ident: int) -> _Outcome:
        """The gateway's answer to a request (or the server's own 400 or 502)."""
        try:
            gateway = self.gateway if self._reload is None else self._current_gateway()
        except Exception:
            detail = traceback.format_exc().rstrip()
            return _Outcome(server_error(502, "reloading the gateway failed"), notes=[detail])
        head = received.head
        path = received.path if self.stage_in_path else gateway.config.url_prefix + received.path
        try:
            request = HttpRequest(
                head.method, path, received.query, head.headers, received.body, client_ip, head.version
            )
        except InvalidRequestError as exc:
            return _Outcome(server_error(400, str(exc)), notes=[f"rejected: {exc}"])
        return _invoke(gateway, request, ident)

    def _current_gateway(self) -> Gateway:
        """The gateway, rebuilt by ``reload`` first when a watched file changed."""
        watcher = self._watcher
        if self._reload is None or not watcher.paths or not (watcher.always or watcher.due()):
            return self.gateway
        if watcher.snapshot() == watcher.accepted:
            return self.gateway
        with self._reload_lock:
            stamps = self._watcher.snapshot()
            if stamps != self._watcher.accepted:
                changed = self._watcher.changed(stamps)
                _drop_stale_bytecode(changed)
                previous, self.gateway = self.gateway, self._reload()
                self._watcher.accepted = stamps
                if previous is not self.gateway:
                    previous.close()  # its environments end (busy ones after their invocation)
                shown = ", ".join(str(path) for path in changed[:3]) + (" ..." if len(changed) > 3 else "")
                self._log(f"apigw-emulator: reloaded ({shown} changed)")
            return self.gateway

    # -- responding and logging ---------------------------------------------------------------------------
    def _respond(
        self, stream: Stream, head: RequestHead, outcome: _Outcome, keep_alive: bool, started: float
    ) -> bool:
        """Send the response (logged first); False when the client could not take it."""
        send_body = head.method != "HEAD"
        try:
            data = serialise(outcome.response, send_body=send_body, keep_alive=keep_alive)
        except BadResponseError as exc:
            outcome.notes.append(f"the gateway's response cannot be sent: {exc}")
            outcome.response = server_error(502, "the gateway's response is not valid HTTP")
            data = serialise(outcome.response, send_body=send_body, keep_alive=keep_alive)
        self._log_exchange(head, outcome, started)  # before sending: a client that has read sees the log
        return stream.send(data, self.timeout)

    def _reject(self, stream: Stream, head: RequestHead | None, error: HttpError, started: float) -> None:
        request = f"{head.method} {head.target}" if head is not None else "- -"
        self._log(f"{request} {error.status} {_ms(started)} ms rejected: {error.detail}")
        response = server_error(error.status, error.detail)
        if stream.send(serialise(response, send_body=True, keep_alive=False), self.timeout):
            self._linger(stream)  # the client may still be sending what could not be parsed

    def _log_exchange(self, head: RequestHead, outcome: _Outcome, started: float) -> None:
        log = self._log_line
        if log is None:
            return
        invocation = outcome.invocation
        event = invocation.event if invocation is not None else None
        flag = "-" if event is None else "true" if event.get("isBase64Encoded") else "false"
        status, milliseconds = outcome.response.status, (time.perf_counter() - started) * 1000
        try:  # noqa: SIM105 - as _log, one call fewer for the line of every request
            log(f"{head.method} {head.target} {status} {milliseconds:.1f} ms isBase64Encoded={flag}")
        except Exception:
            pass
        for note in outcome.notes:
            self._log("  " + note.replace("\n", "\n  "))

    def _log(self, line: str) -> None:
        if self._log_line is None:
            return
        # A failing log callable must not break a connection (no ``contextlib.suppress``: a context manager
        # object per line, for every request).
        try:  # noqa: SIM105
            self._log_line(line)
        except Exception:
            pass


def _invoke(gateway: Gateway, request: HttpRequest, ident: int) -> _Outcome:
    """Run the request through the gateway; warnings and handler tracebacks become notes. (``ident``:
    the calling thread's :func:`threading.get_ident`.)"""
    caught: list[str] = []
    WARNINGS.begin(caught, ident)  # as ``with WARNINGS.capture()``, without a context manager per request
    try:
        invocation = gateway.invoke(request)
    except InvalidRequestError as exc:
        outcome = _Outcome(server_error(400, str(exc)), notes=[f"rejected by the gateway: {exc}"])
    except BaseException as exc:  # any handler error, SystemExit included, is the front door's 5xx
        attached = getattr(exc, "apigw_invocation", None)
        if isinstance(attached, Invocation):
            outcome = _Outcome(attached.response, attached)
        else:
            outcome = _Outcome(server_error(502, f"the gateway failed: {type(exc).__name__}"))
        outcome.notes.append(_format_exception(exc))
    else:
        outcome = _Outcome(invocation.response, invocation)
        if invocation.error is not None:
            outcome.notes.append(_format_exception(invocation.error))
    finally:
        WARNINGS.end(ident)
    if caught:
        outcome.notes[:0] = caught
    return outcome


def _drop_stale_bytecode(changed: list[Path]) -> None:
    """Remove the cached bytecode of changed Python files: Python checks a cache by the source's mtime in
    whole seconds and its size, so an edit within the same second that keeps the size would otherwise be
    imported as the old code."""
    for path in changed:
        if path.suffix != ".py":
            continue
        with contextlib.suppress(OSError, ValueError, NotImplementedError):
            Path(importlib.util.cache_from_source(str(path))).unlink(missing_ok=True)


def _format_exception(exc: BaseException) -> str:
    return "".join(traceback.format_exception(type(exc), exc, exc.__traceback__)).rstrip()


def _ms(started: float) -> str:
    return f"{(time.perf_counter() - started) * 1000:.1f}"
