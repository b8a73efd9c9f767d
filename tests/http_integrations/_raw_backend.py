"""A hostile HTTP backend on 127.0.0.1: a raw socket server that answers each request path with a scripted
misbehaviour (bytes no HTTP server should send, bytes too slow, too many, or too few)."""

from __future__ import annotations

import contextlib
import socket
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

__all__ = ["SCRIPTS", "RawBackend", "raw_backend"]

_LIMIT_SECONDS = 8.0  # no script writes for longer than this (the tests' timeouts are shorter)


def _ok_head(extra: bytes = b"") -> bytes:
    return b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n" + extra


def _malformed_status(conn: socket.socket) -> None:
    conn.sendall(b"HTTP/1.1 OK-ISH\r\nContent-Length: 2\r\n\r\nhi")


def _not_http(conn: socket.socket) -> None:
    conn.sendall(b"\x00\x01garbage that is no status line\r\n\r\n")


def _header_with_cr(conn: socket.socket) -> None:
    conn.sendall(_ok_head(b"X-Split: a\rSet-Cookie: injected=1\r\nContent-Length: 2\r\n\r\nhi"))


def _header_with_nul(conn: socket.socket) -> None:
    conn.sendall(_ok_head(b"X-Nul: a\x00b\r\nContent-Length: 2\r\n\r\nhi"))


def _folded_header(conn: socket.socket) -> None:
    conn.sendall(_ok_head(b"X-Folded: a\r\n Set-Cookie: injected=1\r\nContent-Length: 2\r\n\r\nhi"))


def _huge_header_block(conn: socket.socket) -> None:
    lines = b"".join(b"X-H%d: %s\r\n" % (i, b"v" * 1000) for i in range(2000))
    conn.sendall(_ok_head(lines + b"Content-Length: 2\r\n\r\nhi"))


def _huge_header_line(conn: socket.socket) -> None:
    conn.sendall(_ok_head(b"X-Long: " + b"v" * 200_000 + b"\r\nContent-Length: 2\r\n\r\nhi"))


def _endless_chunked(conn: socket.socket) -> None:
    conn.sendall(_ok_head(b"Transfer-Encoding: chunked\r\n\r\n"))
    chunk = b"%x\r\n%s\r\n" % (65536, b"z" * 65536)
    end = time.monotonic() + _LIMIT_SECONDS
    while time.monotonic() < end:
        conn.sendall(chunk)
    raise OSError("gave up")


def _over_the_limit(conn: socket.socket) -> None:
    size = 11 * 1024 * 1024
    conn.sendall(_ok_head(b"Content-Length: %d\r\n\r\n" % size))
    block = b"b" * 65536
    for _ in range(size // len(block)):
        conn.sendall(block)


def _short_content_length(conn: socket.socket) -> None:
    conn.sendall(_ok_head(b"Content-Length: 1000\r\n\r\nonly this"))


def _trickle(conn: socket.socket) -> None:
    payload = _ok_head(b"X-Pad: " + b"p" * 40 + b"\r\nContent-Length: 5\r\n\r\nhello")
    end = time.monotonic() + _LIMIT_SECONDS
    for byte in payload:
        if time.monotonic() > end:
            raise OSError("gave up")
        conn.sendall(bytes([byte]))
        time.sleep(0.1)


def _trickle_body(conn: socket.socket) -> None:
    conn.sendall(_ok_head(b"Content-Length: 60\r\n\r\n"))
    end = time.monotonic() + _LIMIT_SECONDS
    for _ in range(60):
        if time.monotonic() > end:
            raise OSError("gave up")
        conn.sendall(b"t")
        time.sleep(0.1)


def _redirect_loop(conn: socket.socket) -> None:
    conn.sendall(b"HTTP/1.1 302 Found\r\nLocation: /redirect-loop\r\nContent-Length: 0\r\n\r\n")


def _close_mid_headers(conn: socket.socket) -> None:
    conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Ty")


def _close_mid_chunk(conn: socket.socket) -> None:
    conn.sendall(_ok_head(b"Transfer-Encoding: chunked\r\n\r\n10\r\nabc"))


def _close_at_once(conn: socket.socket) -> None:
    pass


#: The misbehaviour of each request path.
SCRIPTS: dict[str, Callable[[socket.socket], None]] = {
    "/malformed-status": _malformed_status,
    "/not-http": _not_http,
    "/header-with-cr": _header_with_cr,
    "/header-with-nul": _header_with_nul,
    "/folded-header": _folded_header,
    "/huge-header-block": _huge_header_block,
    "/huge-header-line": _huge_header_line,
    "/endless-chunked": _endless_chunked,
    "/over-the-limit": _over_the_limit,
    "/short-content-length": _short_content_length,
    "/trickle": _trickle,
    "/trickle-body": _trickle_body,
    "/redirect-loop": _redirect_loop,
    "/close-mid-headers": _close_mid_headers,
    "/close-mid-chunk": _close_mid_chunk,
    "/close-at-once": _close_at_once,
}


def _read_request_path(conn: socket.socket) -> str:
    data = b""
    while b"\r\n\r\n" not in data and len(data) < 65536:
        piece = conn.recv(4096)
        if not piece:
            break
        data += piece
    line = data.split(b"\r\n", 1)[0].decode("latin-1")
    parts = line.split(" ")
    path = parts[1] if len(parts) > 1 else "/"
    segments = ["/" + segment for segment in path.split("?", 1)[0].split("/")]
    return next((segment for segment in segments if segment in SCRIPTS), segments[-1])


@dataclass
class RawBackend:
    """A running hostile backend: its base URL, and the scripts that ran to their end (a script the
    gateway hung up on before it was done is not there)."""

    url: str
    completed: set[str] = field(default_factory=set)


def _serve_one(conn: socket.socket, backend: RawBackend) -> None:
    with conn:
        conn.settimeout(_LIMIT_SECONDS)
        try:
            path = _read_request_path(conn)
            SCRIPTS.get(path, _close_at_once)(conn)
        except OSError:
            return  # the gateway hung up first: what it should do
        backend.completed.add(path)


@contextlib.contextmanager
def raw_backend() -> Iterator[RawBackend]:
    """Run the hostile backend (on ``http://127.0.0.1:PORT``). The first path segment of a request that
    names a script picks it (so ``/prefix/trickle/x`` trickles too)."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(64)
    stop = threading.Event()
    backend = RawBackend(f"http://127.0.0.1:{listener.getsockname()[1]}")

    def accept() -> None:
        while not stop.is_set():
            try:
                conn, _ = listener.accept()
            except OSError:
                return
            threading.Thread(target=_serve_one, args=(conn, backend), daemon=True).start()

    thread = threading.Thread(target=accept, name="raw-backend", daemon=True)
    thread.start()
    try:
        yield backend
    finally:
        stop.set()
        # Closing a listening socket does not wake a thread blocked in accept(); shutting it down does.
        with contextlib.suppress(OSError):
            listener.shutdown(socket.SHUT_RDWR)
        listener.close()
        thread.join(timeout=5)
        assert not thread.is_alive(), "the hostile backend's accept thread did not end"
