"""Which process holds the other end of a loopback TCP connection: how a worker's Runtime API tells its own
runtime from any other local process.

``AWS_LAMBDA_RUNTIME_API`` must stay ``host:port``: AWS's runtime interface client, the emulator's own
runtime and custom runtimes (``curl "http://$AWS_LAMBDA_RUNTIME_API/2018-06-01/..."``, Python's
``http.client.HTTPConnection(api)``) all build their URLs from it, and a secret in it would be readable
by any process of the same user anyway (``/proc/<pid>/environ``). So the server checks each connection
instead: Linux lists every TCP socket of the network namespace in ``/proc/net/tcp`` with its inode, and
``/proc/<pid>/fd`` shows which sockets (by inode) a process holds. A connection is the worker's when the
socket at its other end is held by the worker or by a process the worker started.

Where there is no ``/proc/net/tcp`` (macOS), :func:`peer_check_available` is False and connections are
not checked.
"""

from __future__ import annotations

import os
import socket
import sys
from collections.abc import Iterable

__all__ = ["held_by_process_tree", "peer_check_available", "peer_socket_inode", "process_tree"]

_TCP_TABLE = "/proc/net/tcp"
#: Most processes looked at for a worker's descendants (a bound on one check's work).
_MAX_PROCESSES = 100_000


def peer_check_available() -> bool:
    """Whether this system shows which process holds a TCP socket (Linux's ``/proc``)."""
    return os.path.exists(_TCP_TABLE) and os.path.isdir(f"/proc/{os.getpid()}/fd")


def _address(host: str, port: int) -> str:
    """An IPv4 address as ``/proc/net/tcp`` writes it: the address as a host-order number, then the port,
    both in hexadecimal."""
    number = int.from_bytes(socket.inet_aton(host), sys.byteorder)
    return f"{number:08X}:{port:04X}"


def peer_socket_inode(connection: socket.socket) -> int | None:
    """The inode of the socket at the other end of an accepted IPv4 ``connection`` (the client's), None
    when it cannot be found (the client is gone, or not in this network namespace)."""
    try:
        ours = connection.getsockname()
        theirs = connection.getpeername()
        with open(_TCP_TABLE, "rb") as table:
            lines = table.read().decode("ascii", "replace").splitlines()[1:]
    except OSError:
        return None
    local, remote = _address(theirs[0], theirs[1]), _address(ours[0], ours[1])
    for line in lines:
        fields = line.split()
        if len(fields) > 9 and fields[1] == local and fields[2] == remote:
            inode = int(fields[9])
            return inode or None
    return None


def process_tree(pid: int) -> list[int]:
    """``pid`` and every process it started that is still its descendant (from ``/proc/<pid>/stat``)."""
    children: dict[int, list[int]] = {}
    try:
        entries = os.listdir("/proc")
    except OSError:
        return [pid]
    for entry in entries[:_MAX_PROCESSES]:
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as file:
                stat = file.read()
        except OSError:
            continue
        # The name (field 2) is in parentheses and may hold spaces: the parent's id follows its last ")".
        fields = stat[stat.rfind(b")") + 2 :].split()
        if len(fields) > 1:
            children.setdefault(int(fields[1]), []).append(int(entry))
    tree, pending = [], [pid]
    while pending:
        current = pending.pop()
        if current in tree:
            continue
        tree.append(current)
        pending.extend(children.get(current, ()))
    return tree


def _holds(pid: int, target: str) -> bool:
    try:
        descriptors = os.listdir(f"/proc/{pid}/fd")
    except OSError:
        return False
    for fd in descriptors:
        try:
            if os.readlink(f"/proc/{pid}/fd/{fd}") == target:
                return True
        except OSError:
            continue
    return False


def held_by_process_tree(inode: int, pid: int, tree: Iterable[int] | None = None) -> bool:
    """Whether the socket ``inode`` is held by process ``pid`` or one of its descendants (looked up only
    when ``pid`` itself does not hold it, or given as ``tree``)."""
    target = f"socket:[{inode}]"
    if _holds(pid, target):
        return True
    return any(
        _holds(other, target) for other in (tree if tree is not None else process_tree(pid)) if other != pid
    )
