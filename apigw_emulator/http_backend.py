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
import ipaddress
import socket
import ssl
import threading
import time
from dataclasses import dataclass
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
        response = connection.getresponse()
        headers = tuple((name, value) for name, value in response.getheaders())
        chunks: list[bytes] = []
        size = 0
        while True:
            _left(deadline, connection)
            chunk = response.read1(_CHUNK) if not response.isclosed() else b""
            if not chunk:
                break
            size += len(chunk)
            if size > limit:
                raise BackendError(f"the backend's response body is over {limit} bytes")
            chunks.append(chunk)
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
