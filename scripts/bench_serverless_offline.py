#!/usr/bin/env python3
"""Measure ``serve`` (worker processes) against serverless-offline once, on loopback, the same handler.

Not part of the test suite. It installs serverless (v3, which runs without an account) and
serverless-offline with npm into a temporary folder, writes a one-function service whose Python handler
base64-decodes the body and answers its sha256 and length (the echo of
``tests/benchmarks/test_bench_serve_workers.py``), starts ``serverless offline`` and an
``apigw-emulator`` server (``LocalGateway`` with ``isolation="process"``, as ``serve`` runs it) on free
ports of 127.0.0.1, and measures both in alternating rounds with raw keep-alive clients: small requests
with 1 and 8 clients, 1 MiB bodies with 1 and 8 clients. It prints requests per second, p50, and the
ratio (ours over serverless-offline's) of each case's medians.

Usage, from the checkout with the project installed::

    python scripts/bench_serverless_offline.py [--rounds 3] [--seconds 2] [--keep DIR]

Pin it for steadier figures (``taskset -c 0,1 python scripts/...``). Needs node and npm.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import random
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import textwrap
import threading
import time
from collections.abc import Iterator
from pathlib import Path

SERVERLESS = "serverless@3"
SERVERLESS_OFFLINE = "serverless-offline@13"
BINARY = "application/octet-stream"
MIB = 1024 * 1024

HANDLER = """
import base64
import hashlib
import json


def handler(event, context):
    body = event.get("body") or ""
    data = base64.b64decode(body) if event.get("isBase64Encoded") else body.encode()
    digest = {"sha256": hashlib.sha256(data).hexdigest(), "length": len(data)}
    return {"statusCode": 200, "headers": {"Content-Type": "application/json"}, "body": json.dumps(digest)}
"""

SERVICE = """
service: apigw-emulator-bench
frameworkVersion: "3"
provider:
  name: aws
  runtime: python{major}.{minor}
  region: us-east-1
  apiGateway:
    binaryMediaTypes:
      - "{binary}"
functions:
  echo:
    handler: handler.handler
    events:
      - http:
          path: echo
          method: any
plugins:
  - serverless-offline
custom:
  serverless-offline:
    host: 127.0.0.1
    httpPort: {http_port}
    lambdaPort: {lambda_port}
    noPrependStageInUrl: true
"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def request_bytes(body: bytes | None) -> bytes:
    if body is None:
        return b"GET /echo HTTP/1.1\r\nHost: 127.0.0.1\r\nUser-Agent: load\r\nAccept: */*\r\n\r\n"
    head = (
        f"POST /echo HTTP/1.1\r\nHost: 127.0.0.1\r\nUser-Agent: load\r\nContent-Type: {BINARY}\r\n"
        f"Content-Length: {len(body)}\r\n\r\n"
    )
    return head.encode("ascii") + body


class Client:
    """One keep-alive connection sending a fixed request; responses read by Content-Length or chunks."""

    def __init__(self, port: int, request: bytes) -> None:
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=30)
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.request = request
        self.buffer = b""

    def _more(self) -> None:
        chunk = self.sock.recv(256 * 1024)
        if not chunk:
            raise ConnectionError("the server closed the connection")
        self.buffer += chunk

    def _line(self) -> bytes:
        while (end := self.buffer.find(b"\r\n")) < 0:
            self._more()
        line, self.buffer = self.buffer[:end], self.buffer[end + 2 :]
        return line

    def _exactly(self, size: int) -> bytes:
        while len(self.buffer) < size:
            self._more()
        data, self.buffer = self.buffer[:size], self.buffer[size:]
        return data

    def round_trip(self) -> tuple[int, bytes]:
        self.sock.sendall(self.request)
        status = int(self._line().split()[1])
        headers = {}
        while line := self._line():
            name, _, value = line.partition(b":")
            headers[name.strip().lower()] = value.strip()
        if headers.get(b"transfer-encoding", b"").lower() == b"chunked":
            parts = []
            while size := int(self._line().split(b";")[0], 16):
                parts.append(self._exactly(size))
                self._line()
            while self._line():
                pass
            return status, b"".join(parts)
        return status, self._exactly(int(headers.get(b"content-length", b"0")))

    def close(self) -> None:
        self.sock.close()


def one_answer(port: int, request: bytes) -> tuple[int, bytes]:
    client = Client(port, request)
    try:
        return client.round_trip()
    finally:
        client.close()


def run_load(port: int, request: bytes, clients: int, seconds: float) -> tuple[float, float]:
    """Requests per second and p50 in ms of ``clients`` keep-alive clients for ``seconds``."""
    latencies: list[list[float]] = [[] for _ in range(clients)]
    failures: list[str] = []
    barrier = threading.Barrier(clients + 1)
    end: list[float] = []

    def client(index: int) -> None:
        conn = Client(port, request)
        try:
            barrier.wait(timeout=30)
            while time.perf_counter() < end[0]:
                started = time.perf_counter()
                status, _ = conn.round_trip()
                latencies[index].append(time.perf_counter() - started)
                if status != 200:
                    failures.append(f"status {status}")
                    return
        except Exception as exc:
            failures.append(repr(exc))
        finally:
            conn.close()

    threads = [threading.Thread(target=client, args=(i,), daemon=True) for i in range(clients)]
    for thread in threads:
        thread.start()
    began = time.perf_counter()
    end.append(began + seconds)
    barrier.wait(timeout=30)
    for thread in threads:
        thread.join(timeout=seconds + 60)
    elapsed = time.perf_counter() - began
    if failures:
        raise RuntimeError(f"port {port}: {failures[:3]}")
    every = sorted(x for one in latencies for x in one)
    return len(every) / elapsed, statistics.median(every) * 1000


def wait_for_port(port: int, process: subprocess.Popen[bytes], timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"serverless offline exited with status {process.returncode}")
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=1):
            return
        time.sleep(0.2)
    raise RuntimeError(f"serverless offline did not listen on {port} within {timeout:.0f} s")


@contextlib.contextmanager
def serverless_offline(folder: Path) -> Iterator[int]:
    """Install and start serverless-offline in ``folder``; yields its HTTP port."""
    (folder / "handler.py").write_text(textwrap.dedent(HANDLER), encoding="utf-8")
    http_port, lambda_port = free_port(), free_port()
    service = SERVICE.format(
        major=sys.version_info.major,
        minor=sys.version_info.minor,
        binary=BINARY,
        http_port=http_port,
        lambda_port=lambda_port,
    )
    (folder / "serverless.yml").write_text(service, encoding="utf-8")
    (folder / "package.json").write_text(json.dumps({"name": "bench", "private": True}), encoding="utf-8")
    if not (folder / "node_modules" / "serverless-offline").is_dir():
        print(f"installing {SERVERLESS} and {SERVERLESS_OFFLINE} in {folder} ...", file=sys.stderr)
        subprocess.run(
            ["npm", "install", "--no-audit", "--no-fund", SERVERLESS, SERVERLESS_OFFLINE],
            cwd=folder,
            check=True,
            stdout=subprocess.DEVNULL,
        )
    env = dict(os.environ, SLS_TELEMETRY_DISABLED="1", SLS_NOTIFICATIONS_MODE="off")
    env.setdefault("AWS_ACCESS_KEY_ID", "bench")
    env.setdefault("AWS_SECRET_ACCESS_KEY", "bench")
    binary = folder / "node_modules" / ".bin" / "serverless"
    process = subprocess.Popen(
        [str(binary), "offline", "start"],
        cwd=folder,
        env=env,
        stdout=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        wait_for_port(http_port, process, timeout=120)
        yield http_port
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, 15)
        with contextlib.suppress(subprocess.TimeoutExpired):
            process.wait(timeout=10)


@contextlib.contextmanager
def emulator(folder: Path) -> Iterator[int]:
    """``serve`` with worker processes, as a ``LocalGateway`` in this process; yields its port."""
    from apigw_emulator import Gateway  # noqa: PLC0415
    from apigw_emulator.server import LocalGateway  # noqa: PLC0415

    (folder / "app.py").write_text(textwrap.dedent(HANDLER), encoding="utf-8")
    gateway = Gateway(
        "app.handler",
        code_uri=folder,
        api="rest",
        binary_media_types=[BINARY],
        isolation="process",
        function_log=lambda line: None,
    )
    try:
        with LocalGateway(gateway, log=None) as server:
            yield server.port
    finally:
        gateway.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=3, help="alternating rounds per case (default 3)")
    parser.add_argument("--seconds", type=float, default=2.0, help="seconds of one round (default 2)")
    parser.add_argument(
        "--keep", type=Path, help="install serverless here and keep it (default: a temp folder)"
    )
    args = parser.parse_args()
    if shutil.which("npm") is None:
        print("npm is needed to install serverless-offline", file=sys.stderr)
        return 2
    body = random.Random(22).randbytes(MIB)
    cases = [("small", None, 1), ("small", None, 8), ("1 MiB", body, 1), ("1 MiB", body, 8)]
    with contextlib.ExitStack() as stack:
        folder = args.keep or Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="sls-bench-")))
        folder.mkdir(parents=True, exist_ok=True)
        ours_folder = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="apigw-bench-")))
        theirs = stack.enter_context(serverless_offline(folder))
        ours = stack.enter_context(emulator(ours_folder))
        for payload in (None, body):  # both give the same answer
            answers = [one_answer(port, request_bytes(payload)) for port in (ours, theirs)]
            if answers[0] != answers[1] or answers[0][0] != 200:
                raise RuntimeError(f"the servers answer differently: {answers}")
        print(
            f"{'case':16s} {'ours req/s':>11s} {'p50 ms':>7s} {'sls req/s':>10s} {'p50 ms':>7s} {'ratio':>6s}"
        )
        for name, payload, clients in cases:
            request = request_bytes(payload)
            run_load(ours, request, clients, args.seconds / 2)
            run_load(theirs, request, clients, args.seconds / 2)
            figures: dict[str, list[tuple[float, float]]] = {"ours": [], "theirs": []}
            for _ in range(args.rounds):
                figures["ours"].append(run_load(ours, request, clients, args.seconds))
                figures["theirs"].append(run_load(theirs, request, clients, args.seconds))
            rate = {k: statistics.median(r for r, _ in v) for k, v in figures.items()}
            p50 = {k: statistics.median(p for _, p in v) for k, v in figures.items()}
            print(
                f"{name + f', {clients} client(s)':16s} {rate['ours']:11.0f} {p50['ours']:7.2f} "
                f"{rate['theirs']:10.0f} {p50['theirs']:7.2f} {rate['ours'] / rate['theirs']:6.2f}"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
