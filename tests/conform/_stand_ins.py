"""Stand-ins for a deployed echo stack, on real sockets: ``apigw-emulator serve`` of the echo template in a
process of its own, a minimal recorder that sends a small corpus to each front door with ``http.client``
(header pairs exactly as given) and writes what came back as a snapshot, and a proxy that deviates on
purpose (re-cases a response header, drops an event field, re-encodes a body)."""

from __future__ import annotations

import base64
import http.client
import http.server
import json
import queue
import re
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from apigw_emulator.conform import FrontDoor, RecordedRequest, RecordedResponse, Snapshot, SnapshotEntry
from apigw_emulator.conform.normalise import normalise_snapshot
from apigw_emulator.conform.replay import ECHO_TEMPLATE, echo_answer
from apigw_emulator.conform.stack import ECHO_FRONT_DOORS

#: ``serve``'s banner line for each API: ``  RestBinary: the REST API (payload 1.0) on http://...``.
_BANNER_LINE = re.compile(r"^  (\w+): the (.+) on (http://127\.0\.0\.1:(\d+))/$")
_KINDS = {
    "REST API (payload 1.0)": "rest",
    "HTTP API (payload 2.0)": "http",
    "HTTP API (payload 1.0)": "http-v1",
    "Lambda function URL": "function-url",
}
#: The body every binary request and result carries: every byte value.
BINARY = bytes(range(256))
#: A JSON body with a character outside ASCII.
JSON = '{"a": "\u00e9"}'.encode()
#: The field the deviating proxy drops from every echoed event.
DROPPED = ("requestContext", "domainName")


@dataclass(frozen=True)
class Door:
    """A front door being served: its name in the snapshot, its kind, its port."""

    name: str
    kind: str
    port: int


@contextmanager
def serve_echo_stack(timeout: float = 60.0) -> Iterator[list[Door]]:
    """``apigw-emulator serve --template <echo template>`` on free ports, until the block ends."""
    command = [sys.executable, "-m", "apigw_emulator", "serve", "--template", str(ECHO_TEMPLATE)]
    process = subprocess.Popen(
        [*command, "--port", "0", "--no-reload"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    lines: queue.Queue[str] = queue.Queue()

    def read() -> None:
        assert process.stderr is not None
        for line in process.stderr:
            lines.put(line.rstrip("\n"))
        lines.put("")

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    doors: list[Door] = []
    try:
        while True:
            line = lines.get(timeout=timeout)
            found = _BANNER_LINE.match(line)
            if found:
                kind = _KINDS[found[2]]
                name = "FunctionUrl" if kind == "function-url" else found[1]
                doors.append(Door(name, kind, int(found[4])))
            elif line.startswith("  functions ") or not line:
                break
        assert len(doors) == 5, f"serve did not list the five front doors: {doors}"
        yield doors
    finally:
        process.terminate()
        process.wait(timeout=30)
        reader.join(timeout=10)
        if process.stderr is not None:
            process.stderr.close()


def _result_header(result: Any) -> str:
    return base64.urlsafe_b64encode(json.dumps(result).encode()).decode().rstrip("=")


def corpus(host: str) -> list[tuple[str, RecordedRequest, Any]]:
    """(entry name, request, result asked for) of the small corpus sent to every front door."""
    binary_result = {
        "statusCode": 201,
        "headers": {"Content-Type": "application/octet-stream", "X-Result": "binary"},
        "body": base64.b64encode(BINARY).decode(),
        "isBase64Encoded": True,
    }
    text_result = {"statusCode": 202, "headers": {"Content-Type": "text/plain"}, "body": "é plain"}
    malformed: Any = {"statusCode": "not a status"}
    return [
        (
            "get-encoded",
            RecordedRequest(
                "GET",
                "/echo/a%20b/%C3%A9?x=1&x=2&plus=a+b&enc=a%2Bb&empty=",
                (
                    ("Host", host),
                    ("User-Agent", "conform-test"),
                    ("X-Probe", "first"),
                    ("x-probe", "second"),
                    ("Cookie", "a=1; b=2"),
                ),
            ),
            None,
        ),
        (
            "post-binary",
            RecordedRequest(
                "POST",
                "/upload",
                (("Host", host), ("Content-Type", "image/png"), ("Content-Length", str(len(BINARY)))),
                BINARY,
            ),
            None,
        ),
        (
            "post-json",
            RecordedRequest(
                "POST",
                "/json",
                (("Host", host), ("content-type", "application/json"), ("Content-Length", str(len(JSON)))),
                JSON,
            ),
            None,
        ),
        *(
            (
                name,
                RecordedRequest(
                    "GET",
                    f"/result/{name}",
                    (("Host", host), ("Accept", accept), ("x-conform-result", _result_header(result))),
                ),
                result,
            )
            for name, accept, result in (
                ("result-binary", "application/octet-stream", binary_result),
                ("result-text", "text/plain", text_result),
                ("result-malformed", "*/*", malformed),
            )
        ),
    ]


def send(port: int, request: RecordedRequest) -> RecordedResponse:
    """Send ``request`` to 127.0.0.1:``port`` with exactly its header pairs; the response as received."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.putrequest(request.method, request.target, skip_host=True, skip_accept_encoding=True)
        for name, value in request.headers:
            connection.putheader(name, value)
        connection.endheaders(request.body or None)
        response = connection.getresponse()
        return RecordedResponse(response.status, tuple(response.getheaders()), response.read())
    finally:
        connection.close()


def record(doors: list[Door], *, port_of: dict[str, int] | None = None) -> Snapshot:
    """The corpus sent to each front door (at ``port_of[name]`` when given: a proxy), as a normalised
    snapshot."""
    front_doors: dict[str, FrontDoor] = {}
    entries: list[SnapshotEntry] = []
    for door in doors:
        port = (port_of or {}).get(door.name, door.port)
        echo = ECHO_FRONT_DOORS[door.name]
        front_doors[door.name] = FrontDoor(
            door.kind, f"http://127.0.0.1:{port}", echo.stage, echo.binary_media_types
        )
        for name, request, result in corpus(f"127.0.0.1:{port}"):
            response = send(port, request)
            event, context = echo_answer(response) if result is None else (None, None)
            entries.append(
                SnapshotEntry(f"{door.name}/{name}", door.name, request, response, result, event, context)
            )
    return normalise_snapshot(Snapshot(front_doors, tuple(entries), recorder="tests/conform"))


class DeviatingProxy(http.server.ThreadingHTTPServer):
    """A proxy in front of one port of ``serve`` that changes three things on purpose: ``Content-Type``
    comes back as ``content-TYPE``, the echoed event loses ``requestContext.domainName``, and an
    ``application/octet-stream`` body comes back base64-encoded."""

    daemon_threads = True

    def __init__(self, backend_port: int) -> None:
        super().__init__(("127.0.0.1", 0), _ProxyHandler)
        self.backend_port = backend_port

    @property
    def port(self) -> int:
        """The port the proxy listens on."""
        return int(self.server_address[1])


class _ProxyHandler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: DeviatingProxy

    def _forward(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        request = RecordedRequest(self.command, self.path, tuple(self.headers.items()), body)
        response = send(self.server.backend_port, request)
        body = response.body
        content_type = response.header("content-type") or ""
        answer_event, _ = echo_answer(response)
        if answer_event is not None:
            document = json.loads(response.body)
            document["event"][DROPPED[0]].pop(DROPPED[1], None)
            body = json.dumps(document).encode()
        if content_type == "application/octet-stream":
            body = base64.b64encode(body)
        self.send_response_only(response.status)
        for name, value in response.headers:
            if name.lower() in ("content-length", "connection"):
                continue
            self.send_header("content-TYPE" if name.lower() == "content-type" else name, value)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Connection", "close")
        self.end_headers()
        self.wfile.write(body)
        self.close_connection = True

    do_GET = do_POST = _forward  # noqa: N815 - the names http.server calls

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: the test reports what matters."""


@contextmanager
def deviating_proxies(doors: list[Door]) -> Iterator[dict[str, int]]:
    """A :class:`DeviatingProxy` in front of each front door: {door name: proxy port}."""
    proxies = {door.name: DeviatingProxy(door.port) for door in doors}
    threads = [threading.Thread(target=p.serve_forever, daemon=True) for p in proxies.values()]
    for thread in threads:
        thread.start()
    try:
        yield {name: proxy.port for name, proxy in proxies.items()}
    finally:
        for proxy in proxies.values():
            proxy.shutdown()
            proxy.server_close()
