"""A raw HTTP/1.1 client over a socket: the test sends exact bytes and reads exact responses."""

from __future__ import annotations

import socket
from collections.abc import Iterable
from dataclasses import dataclass
from types import TracebackType

#: Longest a test waits for any answer from the server.
READ_TIMEOUT = 5.0


@dataclass(frozen=True)
class RawResponse:
    """A response as read from the socket: status, header pairs as sent, body bytes."""

    status: int
    reason: str
    headers: list[tuple[str, str]]
    body: bytes

    def header_values(self, name: str) -> list[str]:
        return [value for key, value in self.headers if key.lower() == name.lower()]

    def header(self, name: str) -> str | None:
        values = self.header_values(name)
        return values[-1] if values else None


def request_bytes(
    method: str,
    target: str,
    headers: Iterable[tuple[str, str]] = (),
    body: bytes = b"",
    *,
    host: str = "127.0.0.1",
    content_length: bool = True,
) -> bytes:
    """A request as a client writes it: Host first, then ``headers``, then Content-Length for a body."""
    lines = [f"{method} {target} HTTP/1.1", f"Host: {host}"]
    lines += [f"{name}: {value}" for name, value in headers]
    if body and content_length:
        lines.append(f"Content-Length: {len(body)}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body


def chunked(body: bytes, size: int) -> bytes:
    """``body`` in the chunked transfer coding, ``size`` bytes a chunk."""
    parts = [
        b"%x\r\n%s\r\n" % (len(body[i : i + size]), body[i : i + size]) for i in range(0, len(body), size)
    ]
    return b"".join(parts) + b"0\r\n\r\n"


class RawConnection:
    """One client connection to the server; every read has a timeout."""

    def __init__(self, port: int, timeout: float = READ_TIMEOUT) -> None:
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=timeout)
        self.file = self.sock.makefile("rb")

    def __enter__(self) -> RawConnection:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def close(self) -> None:
        self.file.close()
        self.sock.close()

    def send(self, data: bytes) -> None:
        self.sock.sendall(data)

    def read_head(self) -> tuple[int, str, list[tuple[str, str]]]:
        """The status line and headers of the next response (interim ones included)."""
        status_line = self.file.readline(65536)
        if not status_line:
            raise ConnectionError("the server closed the connection")
        version, status, reason = status_line.decode("latin-1").rstrip("\r\n").split(" ", 2)
        assert version == "HTTP/1.1", status_line
        headers: list[tuple[str, str]] = []
        while (line := self.file.readline(65536)) not in (b"\r\n", b""):
            name, _, value = line.decode("latin-1").rstrip("\r\n").partition(":")
            headers.append((name, value.strip()))
        return int(status), reason, headers

    def read_response(self, *, head_request: bool = False) -> RawResponse:
        """The next final response; its body framed by Content-Length (none for HEAD, 204, 304)."""
        status, reason, headers = self.read_head()
        lengths = [v for k, v in headers if k.lower() == "content-length"]
        if head_request or status in (204, 304):
            body = b""
        elif lengths:
            body = self.file.read(int(lengths[0]))
        else:
            body = self.file.read()
        return RawResponse(status, reason, headers, body)

    def exchange(self, data: bytes, *, head_request: bool = False) -> RawResponse:
        self.send(data)
        return self.read_response(head_request=head_request)

    def is_closed(self) -> bool:
        """Whether the server closed the connection (EOF or reset) within the timeout."""
        try:
            return self.file.read(1) == b""
        except ConnectionResetError:
            return True


def exchange(port: int, data: bytes, *, timeout: float = READ_TIMEOUT) -> RawResponse:
    """Send ``data`` on a fresh connection and read one response."""
    with RawConnection(port, timeout) as conn:
        return conn.exchange(data)
