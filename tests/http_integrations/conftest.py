"""A real local backend for HTTP integrations: a ``ThreadingHTTPServer`` on 127.0.0.1 that answers every
request with what it received, and addresses that refuse or never answer."""

from __future__ import annotations

import base64
import json
import socket
import textwrap
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import pytest

#: The longest a ``/slow`` request sleeps (tests time out well before).
_SLOW_CAP = 3.0


class _Echo(BaseHTTPRequestHandler):
    """``/status/NNN`` (or ``?status=NNN``) answers NNN; ``/slow?s=X`` sleeps X seconds first; ``/bytes``
    answers the body it got as ``application/octet-stream`` (or as the ``content-type`` query value); any
    other path answers 200. The body is JSON: method, path, query, header pairs, the body in base64.
    ``respond-header`` query values (``Name:value``) become response headers."""

    protocol_version = "HTTP/1.1"
    server_version = "EchoBackend/1"

    def _answer(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length)
        parts = urlsplit(self.path)
        query = parse_qsl(parts.query, keep_blank_values=True)
        if parts.path.startswith("/slow"):
            time.sleep(min(float(dict(query).get("s", "1")), _SLOW_CAP))
        status = 200
        if parts.path.startswith("/status/"):
            status = int(parts.path.rsplit("/", 1)[1])
        status = int(dict(query).get("status", status))
        if parts.path.startswith("/bytes"):
            payload, content_type = body, dict(query).get("content-type", "application/octet-stream")
        else:
            record = {
                "method": self.command,
                "path": parts.path,
                "query": parts.query,
                "headers": [[name, value] for name, value in self.headers.items()],
                "body": base64.b64encode(body).decode(),
            }
            payload, content_type = json.dumps(record).encode(), "application/json"
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("X-Backend", "echo")
        self.send_header("x-amzn-RequestId", "backend-request-id")
        for name, value in query:
            if name == "respond-header":
                header, _, text = value.partition(":")
                self.send_header(header, text)
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(payload)

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = do_OPTIONS = do_HEAD = _answer  # noqa: N815

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet."""


@dataclass(frozen=True)
class Backend:
    """A running echo backend: its base URL (``http://127.0.0.1:PORT``) and port."""

    url: str
    port: int


@pytest.fixture(scope="session")
def backend() -> Iterator[Backend]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Echo)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, name="echo-backend", daemon=True)
    thread.start()
    port = server.server_address[1]
    try:
        yield Backend(f"http://127.0.0.1:{port}", int(port))
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


@pytest.fixture
def refused_port() -> int:
    """A loopback port nothing listens on: connecting is refused at once."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


@pytest.fixture
def silent_port() -> Iterator[int]:
    """A loopback port that accepts connections (the kernel's backlog) and never answers."""
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(8)
        yield listener.getsockname()[1]


def echoed(body: bytes) -> dict[str, Any]:
    """The echo backend's record of a request, with its headers as a dict of lower-cased names and its body
    decoded."""
    record: dict[str, Any] = json.loads(body)
    record["header_pairs"] = record["headers"]
    record["headers"] = {name.lower(): value for name, value in record["headers"]}
    record["body"] = base64.b64decode(record["body"])
    return record


HANDLER = """
import json

def handler(event, context):
    return {"statusCode": 200, "body": json.dumps({"from": "lambda"})}
"""


def project(tmp_path: Path, template: str) -> Path:
    """A project folder with ``template`` and a Lambda function under ``src/app.py``."""
    (tmp_path / "src").mkdir(exist_ok=True)
    (tmp_path / "src" / "app.py").write_text(HANDLER, encoding="utf-8")
    path = tmp_path / "template.yaml"
    path.write_text(textwrap.dedent(template), encoding="utf-8")
    return path
