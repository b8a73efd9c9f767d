"""One request to an HTTP integration's backend, with the standard library's ``http.client``.

``Host`` is always the backend's and ``Content-Length`` the body's (API Gateway overwrites both). Bounded
in every way API Gateway bounds it: the whole exchange (the host name's lookup, connect, send, the status
line, the headers, the body) must end before the integration timeout, and a body over API Gateway's
10 MB payload limit is refused while it is read. Redirects are not followed (the backend's 3xx is the
answer, as API Gateway gives it). A failure is a :class:`BackendError` saying what happened: the request
flow turns it into the front door's own answer.
"""

from __future__ import annotations

import http.client
import io
import ipaddress
import re
import socket
import ssl
import threading
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

__all__ = [
    "BACKEND_RESPONSE_LIMIT",
    "BackendError",
    "BackendRequest",
    "BackendResponse",
    "BackendTimeoutError",
    "send",
]

#: API Gateway's payload limit, which an integration response is held to as well.
BACKEND_RESPONSE_LIMIT = 10 * 1024 * 1024
_CHUNK = 64 * 1024
# What the request's own bytes and URL decide, whatever a mapping or the client said: the backend's host,
# the body's length (no chunked upload).
_SET_HERE = frozenset({"host", "content-length", "transfer-encoding"})
# In a header block: a CR that does not end a line (a parser would split a header there), a NUL, a folded
# (obs-fold) line. API Gateway answers such a backend with its own error; the client never sees them.
_UNSAFE_HEAD = re.compile(rb"\r(?!\n)|\x00|\n[ \t]")
_HEAD_END = re.compile(rb"\r?\n\r?\n")
_HEAD_KEPT = 128 * 1024  # more than http.client accepts (100 lines of at most 64 KB are refused there)


class BackendError(Exception):
    """The backend could not be reached, or did not answer HTTP (connection refused, unknown host, TLS
    failure, a malformed or oversized response)."""


class BackendTimeoutError(BackendError):
    """The backend did not answer in full before the integration timeout."""


@dataclass(frozen=True, slots=True)
class BackendRequest:
    """What is sent: the method, an absolute ``http``/``https`` URL, header pairs, the body bytes."""

    method: str
    url: str
    headers: tuple[tuple[str, str], ...] = ()
    body: bytes = b""


@dataclass(frozen=True, slots=True)
class BackendResponse:
    """What the backend answered: its status, header pairs as sent, the body bytes (chunked transfer
    decoded, any content encoding left as it is)."""

    status: int
    headers: tuple[tuple[str, str], ...]
    body: bytes

    def header(self, name: str) -> str | None:
        """The last value of a header, matched case-insensitively."""
        lname = name.lower()
        for key, value in reversed(self.headers):
            if key.lower() == lname:
                return value
        return None

    def joined_headers(self) -> dict[str, str]:
        """Each header once, by its lower-cased name, its values joined with ``,`` in the order sent (what
        ``integration.response.header.X`` mapping sources read)."""
        values: dict[str, list[str]] = {}
        for name, value in self.headers:
            values.setdefault(name.lower(), []).append(value)
        return {name: ",".join(joined) for name, joined in values.items()}


def _resolve(host: str, port: int | None, timeout: float) -> None:
    """Look the host name up within ``timeout`` (the resolver's own retries can take longer than an
    integration timeout): an unknown host is a :class:`BackendError`, a slow lookup a timeout. An IP
    address needs no lookup."""
    try:
        ipaddress.ip_address(host)
    except ValueError:
        pass
    else:
        return
    failure: list[BaseException] = []

    def lookup() -> None:
        try:
            socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        except OSError as exc:
            failure.append(exc)

    thread = threading.Thread(target=lookup, name="http-integration-dns", daemon=True)
    thread.start()
    thread.join(timeout)
    if thread.is_alive():
        raise BackendTimeoutError(f"looking up {host} took over {timeout:g} s")
    if failure:
        raise BackendError(f"cannot resolve {host}: {failure[0]}")


def _connection(url: str, timeout: float) -> tuple[http.client.HTTPConnection, str]:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise BackendError(f"{url!r} is not an http:// or https:// URL")
    try:
        port = parts.port
    except ValueError:
        raise BackendError(f"{url!r} has an invalid port") from None
    _resolve(parts.hostname, port, timeout)
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    if parts.scheme == "https":
        context = ssl.create_default_context()
        return http.client.HTTPSConnection(parts.hostname, port, timeout=timeout, context=context), target
    return http.client.HTTPConnection(parts.hostname, port, timeout=timeout), target


class _DeadlineReader(io.RawIOBase):
    """The response side of the socket, every read bounded by what is left of the whole exchange's time
    (a backend that trickles a byte at a time cannot stretch it), keeping the first bytes read (the status
    line and header block, checked by :func:`_check_head`)."""

    def __init__(self, sock: socket.socket, deadline: float) -> None:
        super().__init__()
        self._sock = sock
        self._deadline = deadline
        self.head = bytearray()

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        remaining = self._deadline - time.monotonic()
        if remaining <= 0:
            raise TimeoutError
        self._sock.settimeout(remaining)
        count = self._sock.recv_into(buffer)
        if len(self.head) < _HEAD_KEPT:
            self.head += memoryview(buffer)[: min(count, _HEAD_KEPT - len(self.head))]
        return count


class _DeadlineSocket:
    """What :class:`http.client.HTTPResponse` reads from: the socket through a :class:`_DeadlineReader`."""

    def __init__(self, sock: socket.socket, deadline: float) -> None:
        self.reader = _DeadlineReader(sock, deadline)

    def makefile(self, mode: str) -> io.BufferedReader:
        return io.BufferedReader(self.reader)


def _check_head(head: bytes) -> None:
    """Refuse a status line and header block the backend did not finish, or that holds bytes a client
    could read as more headers than the parser saw."""
    end = _HEAD_END.search(head)
    if end is None:
        raise BackendError("the backend closed the connection before the end of its headers")
    if _UNSAFE_HEAD.search(head, 0, end.start()):
        raise BackendError("the backend's headers hold a bare CR, a NUL or a folded line")


def send(request: BackendRequest, timeout: float, *, limit: int = BACKEND_RESPONSE_LIMIT) -> BackendResponse:
    """Send ``request`` and read the whole answer within ``timeout`` seconds.

    :raises BackendTimeoutError: when the answer is not complete in time.
    :raises BackendError: for any other failure (see :class:`BackendError`).
    """
    deadline = time.monotonic() + timeout
    connection, target = _connection(request.url, timeout)
    connection.timeout = max(deadline - time.monotonic(), 0.001)  # what the lookup left for connecting
    try:
        connection.putrequest(request.method, target, skip_accept_encoding=True)
        for name, value in request.headers:
            if name.lower() not in _SET_HERE:
                connection.putheader(name, value)
        if request.body or request.method not in ("GET", "HEAD", "OPTIONS", "DELETE"):
            connection.putheader("Content-Length", str(len(request.body)))
        connection.endheaders(request.body or None)
        _left(deadline, connection)
        assert connection.sock is not None  # endheaders connected it
        reading = _DeadlineSocket(connection.sock, deadline)
        response = http.client.HTTPResponse(reading, method=request.method)  # type: ignore[arg-type]
        response.begin()
        _check_head(bytes(reading.reader.head))
        headers = tuple((name, value) for name, value in response.getheaders())
        chunks: list[bytes] = []
        size = 0
        while True:
            chunk = response.read1(_CHUNK) if not response.isclosed() else b""
            if not chunk:
                break
            size += len(chunk)
            if size > limit:
                raise BackendError(f"the backend's response body is over {limit} bytes")
            chunks.append(chunk)
        if response.length:  # what Content-Length announced and the backend did not send before closing
            raise BackendError(f"the backend closed the connection {response.length} bytes short of its body")
        return BackendResponse(response.status, headers, b"".join(chunks))
    except BackendError:
        raise
    except TimeoutError as exc:
        raise BackendTimeoutError(f"no complete answer from {request.url} within {timeout:g} s") from exc
    except ssl.SSLError as exc:
        raise BackendError(f"TLS with {request.url} failed: {exc}") from exc
    except (OSError, http.client.HTTPException, ValueError) as exc:
        raise BackendError(f"{request.method} {request.url} failed: {type(exc).__name__}: {exc}") from exc
    finally:
        connection.close()


def _left(deadline: float, connection: http.client.HTTPConnection) -> None:
    """Give the socket what is left of the time (raising when nothing is)."""
    remaining = deadline - time.monotonic()
    if remaining <= 0:
        raise TimeoutError
    if connection.sock is not None:
        connection.sock.settimeout(remaining)
