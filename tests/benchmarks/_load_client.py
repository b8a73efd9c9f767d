"""The Python load generator of the loopback benchmarks, run as a process of its own.

Used where ``wrk`` is not on PATH (see :mod:`._external_load`). It opens ``--clients`` keep-alive
connections to ``127.0.0.1:--port`` and sends the request held in the file ``--request`` (raw HTTP/1.1
bytes) on each, again as soon as the previous response has been read, for ``--seconds``; then it prints
one JSON object: ``requests``, ``seconds`` (from the moment every connection was open), ``p50_ms``,
``p99_ms`` and ``failures`` (the first few statuses other than 200 and errors).

One thread drives every connection with a selector, so that the client's own cost stays small and does
not grow with the number of connections; a response is read by its ``Content-Length`` (the servers under
test always send one). The clock of a request starts before its first byte is sent and stops when the last
byte of its response has arrived. Standard library only: the process imports nothing of the emulator.

Usage::

    python tests/benchmarks/_load_client.py --port 3000 --clients 8 --seconds 2 --request req.bin
"""

from __future__ import annotations

import argparse
import contextlib
import json
import selectors
import socket
import statistics
import sys
import time
from pathlib import Path

#: Bytes asked of one ``recv``: a 1 MiB response arrives in a few.
RECEIVE_SIZE = 256 * 1024
#: A connection with nothing to send or read for this long fails the run (a hung server).
STALL_SECONDS = 30.0
#: Failures kept for the report.
FAILURES_KEPT = 5


class Connection:
    """One keep-alive connection: the request being sent or the response being read."""

    def __init__(self, port: int, request: bytes) -> None:
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=STALL_SECONDS)
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.sock.setblocking(False)
        self.request = memoryview(request)
        self.sent = 0
        self.buffer = bytearray()
        #: Length of the whole response (head and body) once its head has arrived.
        self.expected = -1
        self.status = 0
        self.started = 0.0

    def start(self, now: float) -> None:
        """Begin the next request."""
        self.sent = 0
        self.started = now

    def send_some(self) -> bool:
        """Send what the socket takes; True once the whole request is sent."""
        with contextlib.suppress(BlockingIOError):
            self.sent += self.sock.send(self.request[self.sent :])
        return self.sent == len(self.request)

    def receive_some(self) -> bool:
        """Read what has arrived; True once a whole response is in (its bytes then dropped).

        :raises ConnectionError: when the server closes the connection or answers without a
            ``Content-Length``.
        """
        try:
            chunk = self.sock.recv(RECEIVE_SIZE)
        except BlockingIOError:
            return False
        if not chunk:
            raise ConnectionError("the server closed the connection")
        self.buffer += chunk
        if self.expected < 0:
            end = self.buffer.find(b"\r\n\r\n")
            if end < 0:
                return False
            head = bytes(self.buffer[:end])
            self.status = int(head[9:12])
            length = None
            for line in head.split(b"\r\n")[1:]:
                name, _, value = line.partition(b":")
                if name.strip().lower() == b"content-length":
                    length = int(value)
            if length is None:
                raise ConnectionError(f"a response without Content-Length: {head[:200]!r}")
            self.expected = end + 4 + length
        if len(self.buffer) < self.expected:
            return False
        del self.buffer[: self.expected]  # pipelining is not used: nothing should be left
        self.expected = -1
        return True


def run(port: int, request: bytes, clients: int, seconds: float) -> dict[str, object]:
    """Drive ``clients`` connections for ``seconds``; the figures as :func:`main` prints them."""
    connections = [Connection(port, request) for _ in range(clients)]
    selector = selectors.DefaultSelector()
    latencies: list[float] = []
    failures: list[str] = []
    clock = time.perf_counter
    began = clock()
    end = began + seconds
    for connection in connections:
        connection.start(began)
        if connection.send_some():
            selector.register(connection.sock, selectors.EVENT_READ, connection)
        else:
            selector.register(connection.sock, selectors.EVENT_WRITE, connection)
    open_connections = len(connections)
    last_progress = began
    try:
        while open_connections:
            events = selector.select(timeout=1.0)
            now = clock()
            if not events:
                if now - last_progress > STALL_SECONDS:
                    failures.append(f"no progress for {STALL_SECONDS:.0f} s")
                    break
                continue
            last_progress = now
            for key, mask in events:
                connection = key.data
                if mask & selectors.EVENT_WRITE:
                    if connection.send_some():
                        selector.modify(connection.sock, selectors.EVENT_READ, connection)
                    continue
                if not connection.receive_some():
                    continue
                latencies.append(now - connection.started)
                if connection.status != 200 and len(failures) < FAILURES_KEPT:
                    failures.append(f"status {connection.status}")
                if now >= end:
                    selector.unregister(connection.sock)
                    open_connections -= 1
                    continue
                connection.start(now)
                if not connection.send_some():
                    selector.modify(connection.sock, selectors.EVENT_WRITE, connection)
    except OSError as exc:
        failures.append(repr(exc))
    finally:
        selector.close()
        for connection in connections:
            connection.sock.close()
    elapsed = clock() - began
    latencies.sort()
    return {
        "requests": len(latencies),
        "seconds": elapsed,
        "p50_ms": statistics.median(latencies) * 1000 if latencies else 0.0,
        "p99_ms": latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))] * 1000 if latencies else 0.0,
        "failures": failures,
    }


def main(argv: list[str] | None = None) -> int:
    """Run the load described by the command line and print its figures as JSON."""
    parser = argparse.ArgumentParser(description="keep-alive load on a loopback port")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--clients", type=int, default=1)
    parser.add_argument("--seconds", type=float, default=2.0)
    parser.add_argument("--request", type=Path, required=True, help="file holding the raw request")
    args = parser.parse_args(argv)
    figures = run(args.port, args.request.read_bytes(), args.clients, args.seconds)
    print(json.dumps(figures), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
