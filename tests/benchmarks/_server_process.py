"""Servers of the loopback benchmarks, each run as a process of its own (``python -m``, from the checkout).

``python -m tests.benchmarks._server_process KIND`` listens on a free port of 127.0.0.1, prints
``port <n>`` on a line of its own and serves until it is terminated. KIND is one of:

- ``limit``: the limit of the ``serve`` benchmarks, a bare ``http.server.ThreadingHTTPServer`` with
  HTTP/1.1 keep-alive doing the work of gateway and handler for the echo workload in the request's thread:
  pybase64-encode the body (the gateway's share), the handler's ``base64.b64decode``, sha256, JSON;
- ``stdlib-constant``: the same stdlib server answering a constant, the floor of a Python HTTP server
  (``tests.server._load.stdlib_server``);
- ``local-gateway``: ``LocalGateway`` without its log, in front of ``tests.server._load``'s image service
  run in-process (what ``tests.server._load.load_gateway`` builds).

Each in a process of its own so that neither shares a GIL or a process with the load client or with the
server it is compared with (:mod:`._external_load` starts and stops them).
"""

from __future__ import annotations

import base64
import hashlib
import http.server
import json
import signal
import sys
from types import FrameType
from typing import Any

import pybase64


class LimitHandler(http.server.BaseHTTPRequestHandler):
    """The limit: the gateway's and the echo handler's work in a bare stdlib HTTP/1.1 server."""

    protocol_version = "HTTP/1.1"
    #: Without it the body, written after the headers, waits for the client's delayed ACK (~40 ms).
    disable_nagle_algorithm = True

    def _answer(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        encoded = pybase64.b64encode(body).decode("ascii")  # the gateway's share
        data = base64.b64decode(encoded)  # the handler's
        answer = json.dumps({"sha256": hashlib.sha256(data).hexdigest(), "length": len(data)}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(answer)))
        self.end_headers()
        self.wfile.write(answer)

    do_GET = do_POST = _answer  # noqa: N815 - the stdlib's method names

    def log_message(self, format: str, *args: Any) -> None:
        """Silent, as the servers it is compared with are."""


def _stop(signum: int, frame: FrameType | None) -> None:
    raise SystemExit(0)


def _serve_stdlib(handler: type[http.server.BaseHTTPRequestHandler]) -> None:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    print(f"port {server.server_address[1]}", flush=True)
    try:
        server.serve_forever(poll_interval=0.5)
    finally:
        server.server_close()


def _serve_local_gateway() -> None:
    from apigw_emulator.server import LocalGateway  # noqa: PLC0415 - only this kind needs the emulator

    from ..server._load import load_gateway  # noqa: PLC0415

    gateway = load_gateway()
    try:
        with LocalGateway(gateway, log=None) as server:
            print(f"port {server.port}", flush=True)
            signal.pause()
    finally:
        gateway.close()


def main(argv: list[str] | None = None) -> int:
    """Serve the KIND the command line names until terminated."""
    kind = (argv if argv is not None else sys.argv[1:])[0]
    signal.signal(signal.SIGTERM, _stop)
    if kind == "limit":
        _serve_stdlib(LimitHandler)
    elif kind == "stdlib-constant":
        from ..server._load import _ConstantHandler  # noqa: PLC0415

        _serve_stdlib(_ConstantHandler)
    elif kind == "local-gateway":
        _serve_local_gateway()
    else:
        print(f"unknown server kind {kind!r}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
