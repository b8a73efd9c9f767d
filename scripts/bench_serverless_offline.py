#!/usr/bin/env python3
"""Measure ``serve`` (worker processes) against serverless-offline once, on loopback, the same handler.

Not part of the test suite. It installs serverless (v3, which runs without an account) and
serverless-offline with npm into a temporary folder, writes a one-function service whose Python handler
base64-decodes the body and answers its sha256 and length (the echo of
``tests/benchmarks/test_bench_serve_workers.py``), starts ``serverless offline`` and ``apigw-emulator
serve`` (worker processes, as a user runs it) on free ports of 127.0.0.1, each in a process of its own
with its output to a file, and measures both as the serve benchmarks measure (``tests/benchmarks/
_external_load.py``): each round of load a process of its own (``wrk`` when on PATH, else the Python
load client), a warm-up round, then alternating rounds; with one client every process on one CPU (see
``_external_load.placed``; ``--unpinned`` to let the scheduler place them). Cases: small requests with 1
and 8 clients, 1 MiB bodies with 1 and 8 clients. It prints each case's median requests per second and
p50, and the median of the rounds' throughput ratios (ours over serverless-offline's).

Usage, from the checkout with the project installed::

    python scripts/bench_serverless_offline.py [--rounds 3] [--seconds 2] [--keep DIR] [--unpinned]

Needs node and npm.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import random
import shutil
import socket
import subprocess
import sys
import tempfile
import textwrap
from collections.abc import Iterator
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # the checkout: the benchmarks' load tools

from tests.benchmarks._external_load import (
    LoadRequest,
    ServerProcess,
    client_name,
    compare,
    p50_ms,
    requests_per_second,
    serve_command,
    server_process,
)

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


def load_request(body: bytes | None) -> LoadRequest:
    if body is None:
        return LoadRequest("GET", "/echo", (("User-Agent", "load"), ("Accept", "*/*")))
    return LoadRequest("POST", "/echo", (("User-Agent", "load"), ("Content-Type", BINARY)), body)


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


def install(folder: Path) -> None:
    """serverless and serverless-offline in ``folder`` (npm), and the service with its Python handler."""
    (folder / "handler.py").write_text(textwrap.dedent(HANDLER), encoding="utf-8")
    (folder / "package.json").write_text(json.dumps({"name": "bench", "private": True}), encoding="utf-8")
    if not (folder / "node_modules" / "serverless-offline").is_dir():
        print(f"installing {SERVERLESS} and {SERVERLESS_OFFLINE} in {folder} ...", file=sys.stderr)
        subprocess.run(
            ["npm", "install", "--no-audit", "--no-fund", SERVERLESS, SERVERLESS_OFFLINE],
            cwd=folder,
            check=True,
            stdout=subprocess.DEVNULL,
        )


@contextlib.contextmanager
def serverless_offline(folder: Path) -> Iterator[ServerProcess]:
    """``serverless offline start`` in ``folder``, its output (a few lines per request) to a file."""
    http_port, lambda_port = free_port(), free_port()
    service = SERVICE.format(
        major=sys.version_info.major,
        minor=sys.version_info.minor,
        binary=BINARY,
        http_port=http_port,
        lambda_port=lambda_port,
    )
    (folder / "serverless.yml").write_text(service, encoding="utf-8")
    env = dict(os.environ, SLS_TELEMETRY_DISABLED="1", SLS_NOTIFICATIONS_MODE="off")
    env.setdefault("AWS_ACCESS_KEY_ID", "bench")
    env.setdefault("AWS_SECRET_ACCESS_KEY", "bench")
    command = [str(folder / "node_modules" / ".bin" / "serverless"), "offline", "start"]
    ready = r"Server ready: http://127\.0\.0\.1:(\d+)"
    with server_process(command, ready, cwd=folder, env=env) as server:
        yield server


@contextlib.contextmanager
def emulator(folder: Path) -> Iterator[ServerProcess]:
    """``apigw-emulator serve`` with worker processes, as a user runs it, in a process of its own."""
    (folder / "app.py").write_text(textwrap.dedent(HANDLER), encoding="utf-8")
    arguments = ["app.handler", "--code-uri", str(folder), "--binary-media-type", BINARY, "--no-reload"]
    with serve_command(arguments, cwd=folder) as server:
        yield server


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=3, help="alternating rounds per case (default 3)")
    parser.add_argument("--seconds", type=float, default=2.0, help="seconds of one round (default 2)")
    parser.add_argument(
        "--keep", type=Path, help="install serverless here and keep it (default: a temp folder)"
    )
    parser.add_argument(
        "--unpinned", action="store_true", help="one client too on every CPU (default: on one CPU)"
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
        install(folder)
        servers = {
            "ours": stack.enter_context(emulator(ours_folder)),
            "theirs": stack.enter_context(serverless_offline(folder)),
        }
        for payload in (None, body):  # both give the same answer
            raw = load_request(payload).raw()
            answers = [one_answer(server.port, raw) for server in servers.values()]
            if answers[0] != answers[1] or answers[0][0] != 200:
                raise RuntimeError(f"the servers answer differently: {answers}")
        print(f"load client: {client_name()}")
        print(
            f"{'case':16s} {'ours req/s':>11s} {'p50 ms':>7s} {'sls req/s':>10s} {'p50 ms':>7s} {'ratio':>6s}"
        )
        for name, payload, clients in cases:
            figures = compare(
                servers,
                load_request(payload),
                clients=clients,
                rounds=args.rounds,
                seconds=args.seconds,
                one_cpu=clients == 1 and not args.unpinned,
            )
            rate = {key: figures.median(key, requests_per_second) for key in servers}
            p50 = {key: figures.median(key, p50_ms) for key in servers}
            ratio = figures.ratio("ours", "theirs", requests_per_second)
            print(
                f"{name + f', {clients} client(s)':16s} {rate['ours']:11.0f} {p50['ours']:7.2f} "
                f"{rate['theirs']:10.0f} {p50['theirs']:7.2f} {ratio:6.2f}"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
