"""``serve`` with worker processes under a modest load: nothing is throttled without a configured
concurrency limit (Lambda shares the account's 1,000), and every answer is the function's own, byte for
byte (checksums of small and 1 MB bodies).

The load is bounded in requests (each client sends a fixed number) and in time (every socket operation has
a timeout); it goes to 127.0.0.1 only.
"""

from __future__ import annotations

import hashlib
import random
import socket
import threading
from pathlib import Path

from tests.application._serve import serving

#: Keep-alive clients at once: four times the environments ``serve`` keeps per function.
CLIENTS = 40
#: Requests each client sends: small ones, then 1 MB uploads.
SMALL_PER_CLIENT = 12
UPLOADS_PER_CLIENT = 2
MIB = 1024 * 1024

HANDLER = """
import base64
import hashlib


def handler(event, context):
    body = event.get("body") or ""
    data = base64.b64decode(body) if event.get("isBase64Encoded") else body.encode()
    digest = hashlib.sha256(data).hexdigest()
    return {"statusCode": 200, "headers": {"Content-Type": "text/plain"}, "body": digest}
"""


def _request(path: str, body: bytes) -> bytes:
    head = (
        f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/octet-stream\r\n"
        f"Content-Length: {len(body)}\r\n\r\n"
    )
    return head.encode("ascii") + body


def _response(sock: socket.socket, buffer: bytearray) -> tuple[int, bytes]:
    """One response (status, body) from a keep-alive connection; what follows stays in ``buffer``."""
    while b"\r\n\r\n" not in buffer:
        chunk = sock.recv(65536)
        assert chunk, "the server closed the connection"
        buffer += chunk
    end = buffer.index(b"\r\n\r\n")
    head = bytes(buffer[:end]).decode("latin-1").split("\r\n")
    del buffer[: end + 4]
    length = next(int(line.split(":", 1)[1]) for line in head if line.lower().startswith("content-length:"))
    while len(buffer) < length:
        chunk = sock.recv(65536)
        assert chunk, "the server closed the connection mid-body"
        buffer += chunk
    body = bytes(buffer[:length])
    del buffer[:length]
    return int(head[0].split(" ")[1]), body


def test_serve_does_not_throttle_40_keep_alive_clients_without_a_concurrency_limit(tmp_path: Path) -> None:
    (tmp_path / "checksum.py").write_text(HANDLER, encoding="utf-8")
    bodies = [random.Random(seed).randbytes(size) for seed, size in ((1, 200), (2, MIB), (3, MIB + 7))]
    requests = [(_request("/small", bodies[0]), hashlib.sha256(bodies[0]).hexdigest().encode())]
    requests += [
        (_request("/upload", body), hashlib.sha256(body).hexdigest().encode()) for body in bodies[1:]
    ]
    statuses: list[int] = []
    wrong: list[str] = []
    lock = threading.Lock()

    def client(index: int, port: int) -> None:
        plan = [requests[0]] * SMALL_PER_CLIENT + [requests[1 + index % 2]] * UPLOADS_PER_CLIENT
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=60) as sock:
                buffer = bytearray()
                for data, digest in plan:
                    sock.sendall(data)
                    status, body = _response(sock, buffer)
                    with lock:
                        statuses.append(status)
                        if status == 200 and body != digest:
                            wrong.append(f"client {index}: {body[:80]!r}")
        except (OSError, AssertionError) as exc:
            with lock:
                wrong.append(f"client {index}: {exc!r}")

    with serving(
        "checksum.handler", "--api", "http",
        "--port", "0", cwd=tmp_path, ready=" runs in ",
    ) as served:  # fmt: skip
        port = int(served.read(0.1).split("http://127.0.0.1:")[1].split("/")[0])
        done = threading.Event()
        # serve logs a line per request: read them as they come, or its standard error fills and blocks.
        reader = threading.Thread(target=lambda: [served.read(0.2) for _ in iter(done.is_set, True)])
        reader.start()
        threads = [threading.Thread(target=client, args=(i, port)) for i in range(CLIENTS)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(120)
        done.set()
        reader.join(10)
        log = served.read(0.2)
    assert not wrong, wrong[:5]
    assert len(statuses) == CLIENTS * (SMALL_PER_CLIENT + UPLOADS_PER_CLIENT)
    assert set(statuses) == {200}, {status: statuses.count(status) for status in set(statuses)}
    assert "throttled" not in log
