"""Writing to a non-blocking socket before a deadline: the loop the local server and the Runtime API
share (private)."""

from __future__ import annotations

import math
import select
import socket
import time
from collections.abc import Callable

__all__ = ["send_before", "wait_writable"]


def send_before(
    sock: socket.socket,
    data: bytes | memoryview,
    deadline: float,
    wait: Callable[[float], object] | None = None,
    flags: int = 0,
) -> None:
    """Send all of ``data`` on the non-blocking ``sock`` (or with ``flags`` that make each send
    non-blocking: ``MSG_DONTWAIT``), waiting while it would block, by ``wait(seconds)`` (default:
    :func:`wait_writable`).

    :raises TimeoutError: once ``time.monotonic()`` reaches ``deadline`` with bytes unsent; :raises
        OSError: when the connection fails.
    """
    pending: bytes | memoryview = data  # a view only once a send was partial (most sends take it all)
    while pending:
        try:
            sent = sock.send(pending, flags)
        except (BlockingIOError, InterruptedError):
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError from None
            if wait is None:
                wait_writable(sock, remaining)
            else:
                wait(remaining)
            continue
        if sent == len(pending):
            return
        pending = (memoryview(data) if pending is data else pending)[sent:]


def wait_writable(sock: socket.socket, seconds: float) -> None:
    """Wait up to ``seconds`` for ``sock`` to take more bytes (an error or a hang-up also ends the wait)."""
    poller = select.poll()
    poller.register(sock.fileno(), select.POLLOUT)
    poller.poll(math.ceil(seconds * 1000))
